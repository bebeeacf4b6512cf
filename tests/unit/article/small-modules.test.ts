import { describe, expect, it } from "vitest";
import { parseDate } from "../../../src/article/dates";
import { attributionHtml, escapeHtml, paragraphsToHtml } from "../../../src/article/html";
import { attributionLabel, LanguageVotes, LANGUAGES, normalizeLanguageTag } from "../../../src/article/languages";
import { slugify } from "../../../src/article/slug";

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
  it("normalises language tags", () => {
    expect(normalizeLanguageTag("de_DE")).toBe("de-DE");
    expect(normalizeLanguageTag("EN")).toBe("en");
    expect(normalizeLanguageTag("not a tag")).toBeNull();
  });
  it("gives each language its attribution label", () => {
    expect(attributionLabel("de")).toBe("Quelle:");
    expect(attributionLabel("es")).toBe("Fuente:");
  });
});

describe("parseDate", () => {
  it("reads ISO 8601 with a zone", () => {
    expect(parseDate("2025-03-14T09:30:00+01:00")?.toISOString()).toBe("2025-03-14T08:30:00.000Z");
  });
  it("reads a date without a zone as UTC", () => {
    expect(parseDate("2024-06-19")?.toISOString()).toBe("2024-06-19T00:00:00.000Z");
    expect(parseDate("2024-06-19 08:15")?.toISOString()).toBe("2024-06-19T08:15:00.000Z");
  });
  it("reads RFC 2822", () => {
    expect(parseDate("Sat, 02 Nov 2024 10:15:00 +0100")?.toISOString()).toBe("2024-11-02T09:15:00.000Z");
    expect(parseDate("2 Nov 2024 10:15 GMT")?.toISOString()).toBe("2024-11-02T10:15:00.000Z");
  });
  it("rejects impossible and implausible dates", () => {
    expect(parseDate("2024-02-30")).toBeNull();
    expect(parseDate("0001-01-01")).toBeNull();
    expect(parseDate("yesterday")).toBeNull();
    expect(parseDate("31 Feb 2024 10:00 GMT")).toBeNull();
  });
});
