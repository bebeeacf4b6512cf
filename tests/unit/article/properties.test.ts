/**
 * Property-based tests: whatever bytes or text arrive, parseArticle returns a
 * result, and a usable article carries no placeholder and no character that
 * XML 1.0 forbids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasPlaceholder, removePlaceholders } from "../../../src/article/clean";
import { parseArticle } from "../../../src/article/parse";
import type { ParseResult } from "../../../src/article/parse";
import { slugify } from "../../../src/article/slug";
import { isXmlSafe } from "../../../src/text/xml";

const MODIFIED = new Date("2024-06-19T08:00:00Z");
/** Shaped like a placeholder in the widest sense the contract allows. */
const PLACEHOLDER_LIKE = /\[\p{L}[^\[\]\n]{0,40}_\p{Nd}+\]/u;

function run(body: string | Uint8Array, metadata?: Record<string, string>): ParseResult {
  return parseArticle({ key: "articles/prop.txt", body, lastModified: MODIFIED, ...(metadata ? { metadata } : {}) }, { defaultLanguage: "en" });
}

function checkInvariants(result: ParseResult): void {
  if (!result.ok) {
    expect(typeof result.reason).toBe("string");
    expect(result.reason.length).toBeGreaterThan(0);
    return;
  }
  const a = result.article;
  for (const text of [a.contentHtml, a.title, a.summary, ...a.authors, ...a.tags]) {
    expect(isXmlSafe(text)).toBe(true);
  }
  for (const text of [a.contentHtml, a.title, a.summary]) {
    expect(text).not.toMatch(PLACEHOLDER_LIKE);
    expect(text).not.toMatch(/ {2}/);
  }
  expect(a.contentHtml).not.toContain("<p></p>");
  expect(a.title.length).toBeGreaterThan(0);
  expect(a.title.length).toBeLessThanOrEqual(110);
  expect(a.summary.length).toBeLessThanOrEqual(300);
  expect(Number.isNaN(Date.parse(a.published))).toBe(false);
  expect(Number.isNaN(Date.parse(a.updated))).toBe(false);
  // Everything outside tags is escaped: the only markup is our own <p>, <a href> and class="source".
  expect(a.contentHtml.replace(/<\/?p>|<p class="source">|<a href="[^"<>]*">|<\/a>/g, "")).not.toMatch(/[<>]/);
}

/** Fragments that exercise the cleaning rules when mixed into arbitrary text. */
const fragment = fc.oneof(
  fc.constantFrom(
    "[Anzeige_2]", "[ad_1]", "[Quảng cáo_2]", "[Publicité_1]", "[Anuncio_3]", "[Advertisement_4]", "[Werbung_1]",
    "Quelle: https://www.sggp.org.vn/a-post745114.html", "Source: https://a.example/x?a=1&b=2", "Source : https://lp.fr/a",
    "Nguồn: https://x.vn/a", "Fuente: javascript:alert(1)", "Kommentar (0)", "Comment (12)", "Bình luận (0)", "Commentaire (0)",
    "KHANH MINH", "THANH HẰNG", "NGUYEN VAN AN - TRAN THI BICH", "WICHTIGE ÄNDERUNGEN", "---", "title: x", "date: 2099-01-01",
    "\n", "\r\n", "\r", " ", "  ", "\t", "\uFEFF", "\u0000", "\u0007", "\uFFFE", "\uFFFF", "\uD800", "\uDC00", "]]>", "<script>", "&",
    "[", "]", "_1]", "[ad_", "(3)", ".", "…", "\u0301", "Ende. Anfang",
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
);

const mixed = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(""));
const linesOf = fc.array(fc.oneof(fragment, fc.lorem({ maxCount: 12 })), { maxLength: 15 }).map((ls) => ls.join("\n"));

describe("parseArticle properties", () => {
  it("never throws and keeps its invariants for any full-Unicode string", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => checkInvariants(run(s))), { numRuns: 400 });
  });
  it("never throws and keeps its invariants for any UTF-16 string (lone surrogates included)", () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 }), (s) => checkInvariants(run(s))), { numRuns: 400 });
  });
  it("never throws and keeps its invariants for text mixed with placeholder and trailer fragments", () => {
    fc.assert(fc.property(mixed, (s) => checkInvariants(run(s))), { numRuns: 800 });
    fc.assert(fc.property(linesOf, (s) => checkInvariants(run(s))), { numRuns: 800 });
  });
  it("never throws for arbitrary bytes and metadata", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.dictionary(fc.constantFrom("date", "published"), fc.string()), (bytes, meta) => checkInvariants(run(bytes, meta))),
      { numRuns: 400 },
    );
  });
  it("never throws for arbitrary front matter", () => {
    const yamlLine = fc.oneof(
      fc.constantFrom("title:", "date:", "updated:", "author:", "tags:", "lang:", "source:", "summary: |", "image:", "id:", "draft:", "  - ", "- "),
      fc.string({ maxLength: 12 }),
    );
    const fmText = fc.tuple(fc.array(fc.tuple(yamlLine, fc.string({ maxLength: 20 })).map(([a, b]) => a + b), { maxLength: 8 }), linesOf)
      .map(([ls, body]) => `---\n${ls.join("\n")}\n---\n${body}`);
    fc.assert(fc.property(fmText, (s) => checkInvariants(run(s))), { numRuns: 600 });
  });
  it("is deterministic: bytes and the same text decoded give the same article", () => {
    // Lone surrogates are removed first: TextEncoder would turn them into U+FFFD, which is a different input.
    fc.assert(fc.property(linesOf.map((s) => s.replace(/[\u{D800}-\u{DFFF}]/gu, "")), (s) => {
      expect(run(new TextEncoder().encode(s))).toEqual(run(s.replace(/^\uFEFF/, "")));
    }), { numRuns: 200 });
  });
});

describe("removePlaceholders properties", () => {
  it("leaves no placeholder and no double space behind", () => {
    const word = fc.constantFrom("Wort", "word", "Hằng", ",", ".", "(", ")", "«", "»");
    const piece = fc.oneof(word, fc.constantFrom("[ad_1]", "[Anzeige_22]", "[Quảng cáo_2]"), fc.constant(" "));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const line = parts.join("").replace(/ {2,}/g, " ").trim();
      const out = removePlaceholders(line);
      expect(hasPlaceholder(out)).toBe(false);
      expect(out).not.toMatch(/ {2}/);
      expect(out).toBe(out.trim());
    }), { numRuns: 1000 });
  });
});

describe("slugify properties", () => {
  it("only ever yields lower-case ASCII letters, digits and single inner hyphens", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (s) => {
      const slug = slugify(s);
      expect(slug).toMatch(/^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
      expect(slug.length).toBeLessThanOrEqual(80);
      expect(slugify(slug)).toBe(slug);
    }), { numRuns: 500 });
  });
});
