import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Article } from "../../../src/article/model";
import type { ParseResult, RawArticle } from "../../../src/article/parse";
import { idFromKey, isVisible, parseArticle } from "../../../src/article/parse";

const SEED_PATH = fileURLToPath(new URL("../../../articles/000_6851536369dabcad.txt", import.meta.url));
const MODIFIED = new Date("2024-06-19T10:00:00Z");

function parse(body: string | Uint8Array, extra: Partial<RawArticle> = {}, defaultLanguage = "en"): ParseResult {
  return parseArticle({ key: "articles/test_1.txt", body, lastModified: MODIFIED, ...extra }, { defaultLanguage });
}

function ok(body: string | Uint8Array, extra: Partial<RawArticle> = {}, defaultLanguage = "en"): { article: Article; warnings: string[] } {
  const r = parse(body, extra, defaultLanguage);
  if (!r.ok) throw new Error(`expected an article, got skipped: ${r.reason}`);
  return r;
}

describe("the seed article", () => {
  const { article, warnings } = ok(readFileSync(SEED_PATH), { key: "articles/000_6851536369dabcad.txt" });

  it("gets its id from the key", () => expect(article.id).toBe("000_6851536369dabcad"));
  it("derives the title from the first sentence, cut with an ellipsis", () => {
    expect(article.title).toBe("Stunden bevor der russische Präsident Wladimir Putin Nordkorea einen offiziellen Besuch abstattete…");
    expect(article.title.length).toBeLessThanOrEqual(110);
  });
  it("has the author Khanh Minh", () => expect(article.authors).toEqual(["Khanh Minh"]));
  it("links to the source", () => {
    expect(article.sourceUrl).toBe("https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html");
    expect(article.sourceHost).toBe("sggp.org.vn");
  });
  it("is German", () => expect(article.language).toBe("de"));
  it("falls back to the last-modified time", () => {
    expect(article.published).toBe("2024-06-19T10:00:00.000Z");
    expect(article.updated).toBe(article.published);
  });
  it("has five body paragraphs and the attribution paragraph", () => {
    expect(article.contentHtml.match(/<p>/g)).toHaveLength(5);
    expect(
      article.contentHtml.endsWith(
        '<p class="source">Quelle: <a href="https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html">sggp.org.vn</a></p>',
      ),
    ).toBe(true);
  });
  it("has no trailer boilerplate or signature in content or summary", () => {
    for (const text of [article.contentHtml, article.summary]) {
      expect(text).not.toContain("Anzeige");
      expect(text).not.toContain("Kommentar (");
      expect(text).not.toContain("KHANH MINH");
    }
    expect(article.contentHtml.replace(/<p class="source">.*<\/p>$/, "")).not.toContain("Quelle:");
    expect(article.summary).not.toContain("Quelle:");
  });
  it("keeps the word Kommentaren in the body", () => expect(article.contentHtml).toContain("In den Kommentaren"));
  it("summarises the first paragraph in at most 300 characters", () => {
    expect(article.summary.startsWith("Stunden bevor")).toBe(true);
    expect(article.summary.length).toBeLessThanOrEqual(300);
  });
  it("has no warnings", () => expect(warnings).toEqual([]));
});

describe("parseArticle rules", () => {
  it("removes an inline ad placeholder without leaving a double space", () => {
    const { article } = ok("Erster Satz [Anzeige_1] geht weiter.\nZweiter Absatz.");
    expect(article.contentHtml).toContain("<p>Erster Satz geht weiter.</p>");
  });
  it("drops a paragraph that held only a placeholder", () => {
    const { article } = ok("Eins.\n[Werbung_1]\nZwei.");
    expect(article.contentHtml).toBe("<p>Eins.</p>\n<p>Zwei.</p>");
  });
  it("keeps a body sentence ending in (3)", () => {
    const { article } = ok("Intro.\nDas regelt Absatz (3)\nQuelle: https://a.de/x");
    expect(article.contentHtml).toContain("<p>Das regelt Absatz (3)</p>");
  });
  it("keeps an all-caps heading in the middle of the body", () => {
    const { article } = ok("Intro.\nWICHTIGE ÄNDERUNGEN\nMehr Text.\nLENA VOGEL\nQuelle: https://a.de/x");
    expect(article.contentHtml).toContain("<p>WICHTIGE ÄNDERUNGEN</p>");
    expect(article.authors).toEqual(["Lena Vogel"]);
  });
  it("never invents an author when there is no signature", () => {
    const { article, warnings } = ok("Ein Satz.\nNoch ein Satz.\nQuelle: https://a.de/x");
    expect(article.authors).toEqual([]);
    expect(warnings).toContain("no author signature");
  });
  it("does not take the only body line as a signature", () => {
    const { article } = ok("BREAKING NEWS\nQuelle: https://a.de/x");
    expect(article.authors).toEqual([]);
    expect(article.contentHtml).toContain("<p>BREAKING NEWS</p>");
  });
  it("finds a signature even without a source line, and warns about the missing source", () => {
    const { article, warnings } = ok("Text.\nMehr.\nSABINE KRÜGER\n[Anzeige_1]\nKommentar (2)");
    expect(article.authors).toEqual(["Sabine Krüger"]);
    expect(article.sourceUrl).toBeNull();
    expect(article.contentHtml).not.toContain('class="source"');
    expect(warnings.join()).toMatch(/no source/);
  });
  it("infers French from Source : and labels the attribution in French", () => {
    const { article } = ok("Texte.\nAutre.\nSource : https://lp.fr/a\nCommentaire (0)");
    expect(article.language).toBe("fr");
    expect(article.contentHtml).toContain('<p class="source">Source\u00a0: <a href="https://lp.fr/a">lp.fr</a></p>');
  });
  it("infers Vietnamese and gives two authors", () => {
    const { article } = ok("Câu.\nNGUYEN VAN AN - TRAN THI BICH\n[Quảng cáo_2]\nNguồn: https://x.vn/a\nBình luận (0)");
    expect(article.language).toBe("vi");
    expect(article.authors).toEqual(["Nguyen Van An", "Tran Thi Bich"]);
  });
  it("uses the default language when nothing tells", () => {
    expect(ok("Plain text only.", {}, "nl").article.language).toBe("nl");
  });
  it("escapes & in the source URL once in the href", () => {
    const { article } = ok("Text.\nSource: https://a.com/x?a=1&b=2");
    expect(article.sourceUrl).toBe("https://a.com/x?a=1&b=2");
    expect(article.contentHtml).toContain('href="https://a.com/x?a=1&amp;b=2"');
  });
  it("escapes markup in the body", () => {
    const { article } = ok('<script>alert(1)</script> & <img src=x onerror="y">\n]]>');
    expect(article.contentHtml).not.toMatch(/<script|<img|]]>/);
    expect(article.contentHtml).toContain("&lt;script&gt;");
  });
  it("shows a source line without a URL as plain attribution, with a warning", () => {
    const { article, warnings } = ok("Text.\nQuelle: dpa");
    expect(article.sourceUrl).toBeNull();
    expect(article.contentHtml).toContain('<p class="source">Quelle: dpa</p>');
    expect(warnings.join()).toMatch(/no valid http/);
  });
  it("parses CRLF text with a BOM like LF text", () => {
    const crlf = ok("\uFEFFEins.\r\nZwei.  \r\nKHANH MINH\r\n[Anzeige_2]\r\nQuelle: https://a.de/x\r\nKommentar (0)\r\n").article;
    const lf = ok("Eins.\nZwei.\nKHANH MINH\n[Anzeige_2]\nQuelle: https://a.de/x\nKommentar (0)").article;
    expect(crlf).toEqual(lf);
  });
  it("removes XML-forbidden characters from the output", () => {
    const { article } = ok("Bell\u0007 and\u0000 NUL.\nMore\uFFFF.");
    expect(article.contentHtml).toBe("<p>Bell and NUL.</p>\n<p>More.</p>");
  });
});

describe("front matter", () => {
  const md = [
    "---",
    'title: "Front matter wins"',
    "date: 2025-03-14T09:30:00+01:00",
    "updated: 2025-03-15",
    "author: [Anna Schmidt, Jonas Weber]",
    "tags: [Energie, energie, Wohnen ,]",
    "lang: de",
    "id: custom-id",
    "summary: A set summary.",
    "image: https://img.example/a.jpg",
    'image_alt: "Solar panels on a roof in Freiburg"',
    "source: https://fm.example/a?x=1&y=2",
    "---",
    "Erster Absatz. Zweiter Satz.",
    "OTTO NORMAL",
    "Quelle: https://trailer.example/b",
  ].join("\n");
  const { article, warnings } = ok(md, { key: "articles/x.md" });

  it("wins over derived values", () => {
    expect(article).toMatchObject({
      id: "custom-id",
      title: "Front matter wins",
      authors: ["Anna Schmidt", "Jonas Weber"],
      language: "de",
      summary: "A set summary.",
      image: "https://img.example/a.jpg",
      imageAlt: "Solar panels on a roof in Freiburg",
      sourceUrl: "https://fm.example/a?x=1&y=2",
      sourceHost: "fm.example",
      published: "2025-03-14T08:30:00.000Z",
      updated: "2025-03-15T00:00:00.000Z",
    });
    expect(warnings).toEqual([]);
  });
  it("removes the trailer and signature from the body anyway", () => {
    expect(article.contentHtml).toBe(
      '<p>Erster Absatz. Zweiter Satz.</p>\n<p class="source">Quelle: <a href="https://fm.example/a?x=1&amp;y=2">fm.example</a></p>',
    );
  });
  it("dedupes and trims tags", () => expect(article.tags).toEqual(["Energie", "Wohnen"]));

  it("warns about a bad date and falls back to metadata, then last-modified", () => {
    const r1 = ok("---\ndate: someday\n---\nText.", { metadata: { date: "2024-01-02T03:04:05Z" } });
    expect(r1.article.published).toBe("2024-01-02T03:04:05.000Z");
    expect(r1.warnings.join()).toMatch(/"date" is not a date/);
    const r2 = ok("---\ndate: someday\n---\nText.");
    expect(r2.article.published).toBe(MODIFIED.toISOString());
  });
  it("reads the metadata key published when date is absent", () => {
    expect(ok("Text.", { metadata: { published: "Tue, 18 Jun 2024 07:00:00 GMT" } }).article.published).toBe("2024-06-18T07:00:00.000Z");
  });
  it("reads a draft flag", () => {
    expect(ok("---\ndraft: true\n---\nText.").article.draft).toBe(true);
  });
  it("reads a comma list of tags", () => {
    expect(ok("---\ntags: a, b , a\n---\nText.").article.tags).toEqual(["a", "b"]);
  });
});

describe("skipping", () => {
  it("skips an empty file", () => {
    expect(parse("")).toEqual({ ok: false, key: "articles/test_1.txt", reason: "empty file" });
    expect(parse(" \n\r\n ").ok).toBe(false);
  });
  it("skips a file that is only a trailer", () => {
    const r = parse("[Anzeige_2]\nQuelle: https://a.de/x\nKommentar (0)");
    expect(r).toMatchObject({ ok: false, reason: "nothing left after removing the trailer" });
  });
  it("skips binary garbage", () => {
    const bytes = new Uint8Array(512);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    expect(parse(bytes)).toMatchObject({ ok: false, reason: expect.stringMatching(/not text/) });
  });
  it("skips front matter without a body", () => {
    expect(parse("---\ntitle: Only\n---\n").ok).toBe(false);
  });
  it("never throws, even for a malformed raw object", () => {
    const r = parseArticle({ key: "k", body: null as unknown as string, lastModified: MODIFIED }, { defaultLanguage: "en" });
    expect(r.ok).toBe(false);
  });
});

describe("idFromKey", () => {
  it("drops the folder and the last extension", () => {
    expect(idFromKey("articles/000_6851536369dabcad.txt")).toBe("000_6851536369dabcad");
    expect(idFromKey("a/b/c.v2.md")).toBe("c.v2");
    expect(idFromKey("plain")).toBe("plain");
  });
});

describe("isVisible", () => {
  const base = ok("Text.").article;
  const now = new Date("2025-01-01T00:00:00Z");
  it("shows a published article", () => expect(isVisible({ ...base, published: "2024-12-31T23:59:59.000Z" }, now)).toBe(true));
  it("shows an article published exactly now", () => expect(isVisible({ ...base, published: now.toISOString() }, now)).toBe(true));
  it("hides an embargoed article", () => expect(isVisible({ ...base, published: "2099-01-01T00:00:00.000Z" }, now)).toBe(false));
  it("hides a draft", () => expect(isVisible({ ...base, published: "2024-01-01T00:00:00.000Z", draft: true }, now)).toBe(false));
});
