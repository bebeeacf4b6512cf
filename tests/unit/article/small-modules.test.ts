import { describe, expect, it } from "vitest";
import { attributionHtml, correctionHtml, paragraphsToHtml } from "../../../src/article/html";
import { attributionLabel, correctionLabel, LANGUAGES, LanguageVotes } from "../../../src/article/languages";
import { slugify } from "../../../src/article/slug";
import { escapeHtml } from "../../../src/text/xml";

describe("slugify", () => {
  it("turns Thanh Hằng into thanh-hang", () => {
    expect(slugify("Thanh Hằng")).toBe("thanh-hang");
  });
  it("spells out đ, ß and ligatures", () => {
    expect(slugify("Đà Nẵng")).toBe("da-nang");
    expect(slugify("Große Straße")).toBe("grosse-strasse");
    expect(slugify("Œuvre Ærø")).toBe("oeuvre-aero");
  });
  it("maps umlauts to the bare vowel", () => {
    expect(slugify("Förderung, kommunal")).toBe("forderung-kommunal");
  });
  it("collapses punctuation and trims hyphens", () => {
    expect(slugify("  --Hello,   World!--  ")).toBe("hello-world");
  });
  it("returns an empty slug for text without Latin letters or digits", () => {
    expect(slugify("東京")).toBe("");
  });
  it("caps the length at a hyphen", () => {
    const s = slugify("word ".repeat(40));
    expect(s.length).toBeLessThanOrEqual(80);
    expect(s.endsWith("-")).toBe(false);
  });
});

describe("html", () => {
  it("escapes the five special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
  it("wraps each paragraph in <p>", () => {
    expect(paragraphsToHtml(["a", "b<c"])).toBe("<p>a</p>\n<p>b&lt;c</p>");
  });
  it("labels the attribution in the article language and escapes & in the href", () => {
    expect(attributionHtml({ url: "https://x.de/a?b=1&c=2", text: "x.de", language: "de" })).toBe(
      '<p class="source">Quelle: <a href="https://x.de/a?b=1&amp;c=2">x.de</a></p>',
    );
    expect(attributionHtml({ url: "https://x.vn/", text: "x.vn", language: "vi" })).toContain("Nguồn: <a");
    expect(attributionHtml({ url: "https://x.fr/", text: "x.fr", language: "fr-CA" })).toContain("Source\u00a0: <a");
  });
  it("writes a dated correction note with the text escaped", () => {
    expect(correctionHtml({ text: "Name <korrigiert> & ergänzt.", date: "2024-06-20T09:00:00.000Z" }, "de")).toBe(
      '<p class="correction"><strong>Korrektur (2024-06-20):</strong> Name &lt;korrigiert&gt; &amp; ergänzt.</p>',
    );
    expect(correctionHtml({ text: "Fixed.", date: null }, "en")).toBe('<p class="correction"><strong>Correction:</strong> Fixed.</p>');
  });
  it("falls back to English for a language without a row, and to plain text without a URL", () => {
    expect(attributionHtml({ url: null, text: "dpa", language: "ja" })).toBe('<p class="source">Source: dpa</p>');
  });
});

describe("languages", () => {
  it("has the required languages, one row each", () => {
    const codes = LANGUAGES.map((r) => r.code);
    for (const code of ["de", "en", "vi", "fr", "es", "pt", "it", "nl"]) expect(codes).toContain(code);
    expect(new Set(codes).size).toBe(codes.length);
  });
  it("breaks ties in favour of the default language, then table order", () => {
    const votes = new LanguageVotes();
    votes.add(["pt", "it"]);
    expect(votes.best("it")).toBe("it");
    expect(votes.best("en")).toBe("pt");
  });
  it("gives each language its attribution label", () => {
    expect(attributionLabel("de")).toBe("Quelle:");
    expect(attributionLabel("es")).toBe("Fuente:");
  });
  it("gives each language its correction label, French with its spaced colon, English for the rest", () => {
    expect(correctionLabel("de", "2024-06-20")).toBe("Korrektur (2024-06-20):");
    expect(correctionLabel("fr-CA", "2024-06-20")).toBe("Rectificatif (2024-06-20)\u00a0:");
    expect(correctionLabel("ja", null)).toBe("Correction:");
    for (const row of LANGUAGES) expect(row.correction.length).toBeGreaterThan(0);
  });
});
