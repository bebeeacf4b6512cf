/**
 * Property-based tests: whatever bytes or text arrive, parseArticle returns a
 * result, and a usable article carries no placeholder, no tag-like markup in
 * its plain-text fields and no character that XML 1.0 forbids.
 *
 * Seeded by tests/support/seed.ts: a failure prints the seed and the command
 * that replays it. Counterexamples found so far are fixed examples in
 * regressions.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasPlaceholder, removePlaceholders } from "../../../src/article/clean";
import { FRONT_MATTER_KEYS } from "../../../src/article/front-matter";
import type { ParseResult } from "../../../src/article/parse";
import { parseArticle } from "../../../src/article/parse";
import { slugify } from "../../../src/article/slug";
import { hasTag } from "../../../src/text/markup";
import { isXmlSafe } from "../../../src/text/xml";
import { checkProperty } from "../../support/seed";

const MODIFIED = new Date("2024-06-19T08:00:00Z");

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
  // Rule 3: no placeholder survives anywhere, not even one uncovered by removing another.
  for (const text of [a.contentHtml, a.title, a.summary, ...a.authors, ...a.tags]) expect(hasPlaceholder(text), text).toBe(false);
  for (const text of [a.contentHtml, a.title, a.summary]) expect(text).not.toMatch(/ {2}/);
  // Titles and summaries are plain text: no tag-like markup.
  for (const text of [a.title, a.summary]) expect(hasTag(text), text).toBe(false);
  expect(a.contentHtml).not.toContain("<p></p>");
  expect(a.title.length).toBeGreaterThan(0);
  expect(a.title.length).toBeLessThanOrEqual(110);
  expect(a.summary.length).toBeLessThanOrEqual(300);
  expect(Number.isNaN(Date.parse(a.published))).toBe(false);
  expect(Number.isNaN(Date.parse(a.updated))).toBe(false);
  // Everything outside tags is escaped: the only markup is our own <p>, the attribution's <a href> and the correction note.
  expect(a.contentHtml.replace(/<\/?p>|<p class="(?:source|correction)">|<a href="[^"<>]*">|<\/a>|<\/?strong>/g, "")).not.toMatch(/[<>]/);
}

/** Fragments that exercise the cleaning rules when mixed into arbitrary text. */
const fragment = fc.oneof(
  fc.constantFrom(
    "[Anzeige_2]",
    "[ad_1]",
    "[Quảng cáo_2]",
    "[Publicité_1]",
    "[Anuncio_3]",
    "[Advertisement_4]",
    "[Werbung_1]",
    "Quelle: https://www.sggp.org.vn/a-post745114.html",
    "Source: https://a.example/x?a=1&b=2",
    "Source : https://lp.fr/a",
    "Nguồn: https://x.vn/a",
    "Fuente: javascript:alert(1)",
    "Kommentar (0)",
    "Comment (12)",
    "Bình luận (0)",
    "Commentaire (0)",
    "KHANH MINH",
    "THANH HẰNG",
    "NGUYEN VAN AN - TRAN THI BICH",
    "WICHTIGE ÄNDERUNGEN",
    "---",
    "title: x",
    "date: 2099-01-01",
    "\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\t",
    "\uFEFF",
    "\u0000",
    "\u0007",
    "\uFFFE",
    "\uFFFF",
    "\uD800",
    "\uDC00",
    "]]>",
    "<script>",
    "&",
    "[",
    "]",
    "_1]",
    "[ad_",
    "(3)",
    ".",
    "…",
    "\u0301",
    "Ende. Anfang",
    // Nested placeholders: removing the inner one uncovers the outer one.
    "[A",
    "[Wer",
    "bung_2]",
    "A_1]",
    "[ad_[Anzeige_2]_1]",
    // Tag-like markup and text that only looks like it.
    "<b>",
    "</b>",
    "<script>alert(1)</script>",
    "<",
    ">",
    "<!--",
    "-->",
    "2 < 3",
    "<[ad_1]b>",
    "[ad<i>_1</i>]",
    "+++",
    'title = "x"',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
);

const mixed = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(""));
const linesOf = fc.array(fc.oneof(fragment, fc.lorem({ maxCount: 12 })), { maxLength: 15 }).map((ls) => ls.join("\n"));

describe("parseArticle properties", () => {
  it("never throws and keeps its invariants for any full-Unicode string", () => {
    checkProperty(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => checkInvariants(run(s))),
      { numRuns: 400 },
    );
  });
  it("never throws and keeps its invariants for any UTF-16 string (lone surrogates included)", () => {
    checkProperty(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 }), (s) => checkInvariants(run(s))),
      { numRuns: 400 },
    );
  });
  it("never throws and keeps its invariants for text mixed with placeholder and trailer fragments", () => {
    checkProperty(
      fc.property(mixed, (s) => checkInvariants(run(s))),
      { numRuns: 800 },
    );
    checkProperty(
      fc.property(linesOf, (s) => checkInvariants(run(s))),
      { numRuns: 800 },
    );
  });
  it("never throws for arbitrary bytes and metadata", () => {
    checkProperty(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.dictionary(fc.constantFrom("date", "published"), fc.string()), (bytes, meta) =>
        checkInvariants(run(bytes, meta)),
      ),
      { numRuns: 400 },
    );
  });
  it("never throws for arbitrary front matter", () => {
    const key = fc.constantFrom(...FRONT_MATTER_KEYS);
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fragment,
      fc.array(fragment, { maxLength: 4 }).map((parts) => parts.join("")),
    );
    const yamlLine = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`),
      fc.tuple(key, value).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
      fc.tuple(key, fc.array(value, { maxLength: 3 })).map(([k, vs]) => `${k}: ${JSON.stringify(vs)}`),
      fc.constantFrom("  - ", "- ", "author:\n  - name: Ben [ad_1]\n    url: x", "summary: |"),
      fc.string({ maxLength: 12 }),
    );
    const tomlLine = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
      fc.string({ maxLength: 12 }),
    );
    const yamlText = fc.tuple(fc.array(yamlLine, { maxLength: 8 }), linesOf).map(([ls, body]) => `---\n${ls.join("\n")}\n---\n${body}`);
    const tomlText = fc.tuple(fc.array(tomlLine, { maxLength: 8 }), linesOf).map(([ls, body]) => `+++\n${ls.join("\n")}\n+++\n${body}`);
    checkProperty(
      fc.property(yamlText, (s) => checkInvariants(run(s))),
      { numRuns: 600 },
    );
    checkProperty(
      fc.property(tomlText, (s) => checkInvariants(run(s))),
      { numRuns: 300 },
    );
  });
  it("is deterministic: bytes and the same text decoded give the same article", () => {
    // Lone surrogates are removed first: TextEncoder would turn them into U+FFFD, which is a different input.
    checkProperty(
      fc.property(
        linesOf.map((s) => s.replace(/[\u{D800}-\u{DFFF}]/gu, "")),
        (s) => {
          expect(run(new TextEncoder().encode(s))).toEqual(run(s.replace(/^\uFEFF/, "")));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("removePlaceholders properties", () => {
  it("leaves no placeholder and no double space behind", () => {
    const word = fc.constantFrom("Wort", "word", "Hằng", ",", ".", "(", ")", "«", "»", "A", "_", "_1", "1");
    const piece = fc.oneof(word, fc.constantFrom("[ad_1]", "[Anzeige_22]", "[Quảng cáo_2]", "[", "]", "_1]", "[ad_"), fc.constant(" "));
    checkProperty(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const line = parts.join("").replace(/ {2,}/g, " ").trim();
        const out = removePlaceholders(line);
        expect(hasPlaceholder(out)).toBe(false);
        expect(out).not.toMatch(/ {2}/);
        expect(out).toBe(out.trim());
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * The reference semantics of rule 3: the one-pass regular-expression removal
 * this project used before, repeated until nothing changes. The linear
 * implementation must give the same text.
 */
function referenceRemoval(line: string): string {
  const one = String.raw`\[(\p{L}[^\[\]\n]{0,40}?)_\p{Nd}{1,9}\]`;
  const run = new RegExp(`( ?)((?:${one} ?)*${one})( ?)`, "gu");
  const closing = /^[.,;:!?…)\]}»”"'’]$/u;
  const opening = /[([{«„“"'‘]$/u;
  const wordChar = /[\p{L}\p{M}\p{N}]/u;
  const pass = (text: string): string =>
    text
      .replace(run, (match: string, before: string, _run: string, _first: string, _last: string, after: string, offset: number, whole: string) => {
        const end = offset + match.length;
        if (offset === 0 || end === whole.length) return "";
        // Code points, not code units, on either side (the linear version looks at whole characters).
        const p = [...whole.slice(Math.max(0, offset - 2), offset)].pop() ?? "";
        const n = [...whole.slice(end, end + 2)][0] ?? "";
        if (before !== "" && after !== "") return closing.test(n) || opening.test(p) ? "" : " ";
        if (before !== "") return closing.test(n) ? "" : " ";
        if (after !== "") return opening.test(p) ? "" : " ";
        return wordChar.test(p) && wordChar.test(n) ? " " : "";
      })
      .replace(/ {2,}/g, " ")
      .trim();
  let out = line;
  for (let next = pass(out); next !== out; next = pass(out)) out = next;
  return out;
}

describe("removePlaceholders against the reference", () => {
  it("gives what repeating the one-pass removal to a fixed point gives", () => {
    const piece = fc.constantFrom("[", "]", "A", "Wort", "ad", "_", "_1", "_2]", "1", " ", ".", "(", "«", "[ad_1]", "[Anzeige_2]", "Hằng", "😀");
    checkProperty(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const line = parts.join("").replace(/ {2,}/g, " ").trim();
        expect(removePlaceholders(line)).toBe(referenceRemoval(line));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("slugify properties", () => {
  it("only ever yields lower-case ASCII letters, digits and single inner hyphens", () => {
    checkProperty(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (s) => {
        const slug = slugify(s);
        expect(slug).toMatch(/^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
        expect(slug.length).toBeLessThanOrEqual(80);
        expect(slugify(slug)).toBe(slug);
      }),
      { numRuns: 500 },
    );
  });
});
