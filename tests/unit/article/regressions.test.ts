/**
 * Fixed examples for defects found in use and for every counterexample the
 * property tests (properties.test.ts) have found: each stays a plain test, so
 * it is checked on every run whatever the seed.
 */
import { describe, expect, it } from "vitest";
import { hasPlaceholder, removePlaceholders } from "../../../src/article/clean";
import type { Article } from "../../../src/article/model";
import type { ParseResult } from "../../../src/article/parse";
import { parseArticle } from "../../../src/article/parse";
import { hasTag } from "../../../src/text/markup";

const MODIFIED = new Date("2024-06-19T10:00:00Z");

function parse(body: string): ParseResult {
  return parseArticle({ key: "articles/regression.txt", body, lastModified: MODIFIED }, { defaultLanguage: "de" });
}

function ok(body: string): { article: Article; warnings: string[] } {
  const r = parse(body);
  if (!r.ok) throw new Error(`expected an article, got skipped: ${r.reason}`);
  return r;
}

/** Rule 3 and the spacing rules, on every text field of an article. */
function expectClean(a: Article): void {
  for (const text of [a.title, a.summary, a.contentHtml, ...a.authors, ...a.tags]) {
    expect(hasPlaceholder(text), text).toBe(false);
    expect(text, text).not.toMatch(/ {2}/);
  }
  expect(a.contentHtml).not.toContain("<p></p>");
}

describe("nested ad placeholders are removed to a fixed point", () => {
  it.each([
    ["[A[Anzeige_2]_1]", ""],
    ["Text [Wer[ad_1]bung_2] mehr", "Text mehr"],
    ["[[Anzeige_2]A_1]", ""],
    ["[ad_[Anzeige_2]_1]", ""],
    // Property-test counterexample: the blank after the inner placeholder goes with it, uncovering [Wort_1].
    ["[[ad_1] Wort_1]", ""],
    ["Vorher [A[B[C[Anzeige_2]_1]_1]_1] nachher.", "Vorher nachher."],
  ])("%j becomes %j", (line, expected) => {
    expect(removePlaceholders(line)).toBe(expected);
  });

  it("removes 50,000 nested levels in one pass (repeating a regular expression would take minutes; the test's timeout is the bound)", () => {
    const deep = `vorher ${"[a".repeat(50_000)}${"_1]".repeat(50_000)} nachher`;
    expect(removePlaceholders(deep)).toBe("vorher nachher");
  });

  it("leaves bracketed text that never becomes a placeholder", () => {
    expect(removePlaceholders("Siehe [1] und [a[b]_1] hier")).toBe("Siehe [1] und [a[b]_1] hier");
  });

  it("cleans title, summary, content and authors of an article", () => {
    const body = [
      "---",
      "author:",
      "  - Ben [A[Anzeige_2]_1] Schmidt",
      "  - Ann [ad_[Anzeige_2]_1]",
      "tags:",
      "  - Wirtschaft [[Anzeige_2]A_1]",
      "---",
      "Text [Wer[ad_1]bung_2] mehr. Der zweite Satz folgt.",
      "[A[Anzeige_2]_1]",
      "Noch ein Absatz [[Anzeige_2]A_1] mit Text.",
      "[ad_[Anzeige_2]_1]",
    ].join("\n");
    const { article } = ok(body);
    expect(article.title).toBe("Text mehr");
    expect(article.summary).toBe("Text mehr. Der zweite Satz folgt.");
    expect(article.contentHtml).toBe("<p>Text mehr. Der zweite Satz folgt.</p>\n<p>Noch ein Absatz mit Text.</p>");
    expect(article.authors).toEqual(["Ben Schmidt", "Ann"]);
    expect(article.tags).toEqual(["Wirtschaft"]);
    expectClean(article);
  });

  it("cleans a front matter title and summary, and derives a title when nothing is left", () => {
    const { article, warnings } = ok('---\ntitle: "[A[Anzeige_2]_1]"\nsummary: "Kurz [Wer[ad_1]bung_2] gesagt"\n---\nErster Satz. Zweiter.');
    expect(article.title).toBe("Erster Satz");
    expect(article.summary).toBe("Kurz gesagt");
    expect(warnings.join()).toMatch(/"title" is empty after cleaning/);
  });
});

describe("titles and summaries drop tag-like markup; content keeps it escaped", () => {
  const line = 'Firma <script>alert("x")</script> & Co. abgewiesen';

  it("derives a title without tags, keeping & and the text", () => {
    const { article } = ok(`${line}\nZweiter Absatz.`);
    expect(article.title).toBe('Firma alert("x") & Co. abgewiesen');
    expect(article.summary).toBe('Firma alert("x") & Co. abgewiesen');
    expect(article.contentHtml).toContain("<p>Firma &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co. abgewiesen</p>");
  });

  it("keeps comparisons that are not tags", () => {
    const { article } = ok("Weil 2 < 3 und 5 > 4 gilt, & mehr.\nRest.");
    expect(article.title).toBe("Weil 2 < 3 und 5 > 4 gilt, & mehr");
  });

  it("strips tags from front matter title and summary too", () => {
    const { article } = ok('---\ntitle: "<b>Fett</b> gedruckt <img src=x onerror=alert(1)>"\nsummary: "<i>Kurz</i> & gut"\n---\nText.');
    expect(article.title).toBe("Fett gedruckt");
    expect(article.summary).toBe("Kurz & gut");
  });

  it("takes the title from the first paragraph with words once tags are gone", () => {
    const { article } = ok("<br>\n<script></script>\nDer eigentliche Anfang.");
    expect(article.title).toBe("Der eigentliche Anfang");
    expect(article.contentHtml).toContain("<p>&lt;br&gt;</p>");
  });

  it("skips a body of markup without words", () => {
    expect(parse("<br>\n<hr/>")).toMatchObject({ ok: false, reason: "no words left after cleaning" });
  });

  it("reaches a fixed point when removing a placeholder uncovers a tag and the other way round", () => {
    const { article } = ok("Vorne <[ad_1]b>fett</b> und [ad<i>_1</i>] hinten.\nRest.");
    expect(article.title).toBe("Vorne fett und hinten");
    expect(hasTag(article.title)).toBe(false);
    expectClean(article);
  });
});

describe("front matter as real YAML and TOML", () => {
  it("reads a block-style author mapping as the name (the subset parser made it `name: Ben Schmidt`)", () => {
    expect(ok("---\nauthor: [{name: Ben Schmidt}]\n---\nText.").article.authors).toEqual(["Ben Schmidt"]);
    expect(ok("---\nauthor:\n  - name: Ben Schmidt\n    url: https://b.example/\n---\nText.").article.authors).toEqual(["Ben Schmidt"]);
  });

  it("does not leak Hugo's TOML front matter into title and summary", () => {
    const { article } = ok('+++\ntitle = "Hafen wächst"\ndate = 2024-06-01T08:00:00Z\n+++\nDer Hafen meldet Rekorde.');
    expect(article.title).toBe("Hafen wächst");
    expect(article.summary).toBe("Der Hafen meldet Rekorde.");
    expect(article.published).toBe("2024-06-01T08:00:00.000Z");
    expect(article.contentHtml).not.toContain("title =");
  });

  it("reads an unquoted YAML date", () => {
    expect(ok("---\ndate: 2024-06-01\n---\nText.").article.published).toBe("2024-06-01T00:00:00.000Z");
  });

  it("skips an alias bomb and a 1 MB front matter with a reason", () => {
    const bomb = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (const [prev, name] of [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
      ["e", "f"],
      ["f", "g"],
      ["g", "h"],
    ]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    expect(parse(`---\n${bomb.join("\n")}\n---\nText.`)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^front matter is not valid YAML: .*resource exhaustion/),
    });
    expect(parse(`---\nsummary: ${"a".repeat(1024 * 1024)}\n---\nText.`)).toMatchObject({ ok: false, reason: "front matter is larger than 64 KiB" });
  });
});

describe("image, withdrawal and correction", () => {
  it("keeps the image's text alternative, and only with an image", () => {
    expect(ok("---\nimage: https://img.example/a.jpg\nimage_alt: Die <b>Brücke</b>\n---\nText.").article.imageAlt).toBe("Die Brücke");
    const noImage = ok("---\nimage_alt: Allein\n---\nText.");
    expect(noImage.article.imageAlt).toBeNull();
    expect(noImage.warnings.join()).toMatch(/image_alt/);
    expect(ok("Text.").article.imageAlt).toBeNull();
  });

  it("reads a withdrawal with and without a reason", () => {
    expect(ok("---\nwithdrawn: true\nwithdrawn_reason: Rechtsstreit\n---\nText.").article.withdrawn).toEqual({ reason: "Rechtsstreit" });
    expect(ok("---\nwithdrawn: true\n---\nText.").article.withdrawn).toEqual({ reason: null });
    expect(ok("---\nwithdrawn: false\n---\nText.").article.withdrawn).toBeNull();
    const stray = ok("---\nwithdrawn_reason: vergessen\n---\nText.");
    expect(stray.article.withdrawn).toBeNull();
    expect(stray.warnings.join()).toMatch(/withdrawn_reason/);
  });

  it("opens the content with a dated correction note in the article's language and moves updated to its date", () => {
    const { article } = ok("---\ndate: 2024-06-19T08:00:00Z\ncorrection: Der Name war falsch geschrieben.\ncorrection_date: 2024-06-20T09:30:00Z\n---\nText.");
    expect(article.correction).toEqual({ text: "Der Name war falsch geschrieben.", date: "2024-06-20T09:30:00.000Z" });
    expect(article.contentHtml).toBe('<p class="correction"><strong>Korrektur (2024-06-20):</strong> Der Name war falsch geschrieben.</p>\n<p>Text.</p>');
    expect(article.updated).toBe("2024-06-20T09:30:00.000Z");
  });

  it("keeps a later updated date, labels in English for an unknown language, and warns about a bad correction date", () => {
    const { article, warnings } = parseArticle(
      {
        key: "x.txt",
        body: "---\nlang: ja\ndate: 2024-06-19\nupdated: 2024-07-01\ncorrection: Fixed.\ncorrection_date: someday\n---\nText.",
        lastModified: MODIFIED,
      },
      { defaultLanguage: "en" },
    ) as Extract<ParseResult, { ok: true }>;
    expect(article.contentHtml.startsWith('<p class="correction"><strong>Correction:</strong> Fixed.</p>')).toBe(true);
    expect(article.correction).toEqual({ text: "Fixed.", date: null });
    expect(article.updated).toBe("2024-07-01T00:00:00.000Z");
    expect(warnings.join()).toMatch(/"correction_date" is not a date/);
  });

  // Property-test counterexamples: correction notes of punctuation alone are notes all the same.
  it.each(["---\ncorrection: .\n---\nluctus", "---\ncorrection: ---\n---\nⰀ", '---\ncorrection: "Commentaire (0)"\n---\nWICHTIGE ÄNDERUNGEN'])(
    "writes a note for %j",
    (body) => {
      const { article } = ok(body);
      expect(article.contentHtml.startsWith('<p class="correction"><strong>Korrektur:</strong> ')).toBe(true);
      expectClean(article);
    },
  );
});
