/**
 * Every sample in articles/ parses to what articles/README.md says it exercises.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Article } from "../../../src/article/model";
import { isVisible, parseArticle } from "../../../src/article/parse";
import { isXmlSafe } from "../../../src/text/xml";
import { STORED_DATE, TEST_NOW } from "../../support/fixtures";
import { SAMPLE_ARTICLES as EXPECTED } from "../../support/sample-articles";

const DIR = fileURLToPath(new URL("../../../articles/", import.meta.url));
const LAST_MODIFIED = new Date("2024-06-19T08:00:00Z");

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".txt") || f.endsWith(".md"))
  .filter((f) => f !== "README.md")
  .sort();

describe("articles/", () => {
  it("has an expectation for every sample file and a file for every expectation", () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it("contains the seed byte for byte", () => {
    const seed = readFileSync(new URL("../../../articles/000_6851536369dabcad.txt", import.meta.url), "utf8");
    expect(seed.endsWith("Kommentar (0)")).toBe(true);
  });

  const ids = new Set<string>();
  for (const file of files) {
    it(`parses ${file} as expected`, () => {
      const expected = EXPECTED[file];
      if (expected === undefined) throw new Error(`no expectation for ${file}`);
      const result = parseArticle({ key: `articles/${file}`, body: readFileSync(`${DIR}${file}`), lastModified: LAST_MODIFIED }, { defaultLanguage: "en" });
      if (!result.ok) throw new Error(`${file} was skipped: ${result.reason}`);
      const a: Article = result.article;

      expect(ids.has(a.id), `duplicate id ${a.id}`).toBe(false);
      ids.add(a.id);
      if (expected.title instanceof RegExp) expect(a.title).toMatch(expected.title);
      else if (expected.title !== undefined) expect(a.title).toBe(expected.title);
      expect(a.title.length).toBeLessThanOrEqual(110);
      expect(a.authors).toEqual(expected.authors);
      expect(a.sourceUrl).toBe(expected.link);
      expect(a.language).toBe(expected.language);
      expect(isVisible(a, TEST_NOW)).toBe(expected.visible);
      if (expected.published !== undefined) expect(a.published).toBe(expected.published);
      expect(a.updated).toBe(expected.updated ?? a.published);
      expect(a.image).toBe(expected.image ?? null);
      expect(a.imageAlt).toBe(expected.imageAlt ?? null);
      expect(a.correction).toEqual(expected.correction ?? null);
      expect(a.withdrawn).toBeNull();
      if (expected.tags !== undefined) expect(a.tags).toEqual(expected.tags);
      expect(a.image).toBe(expected.image ?? null);
      expect(a.imageAlt).toBe(expected.imageAlt ?? null);
      if (expected.warnings !== undefined) expect(result.warnings).toEqual(expected.warnings);
      for (const s of expected.contains ?? []) expect(a.contentHtml).toContain(s);
      for (const s of expected.absentHtml ?? []) expect(a.contentHtml).not.toContain(s);
      for (const s of expected.absent ?? []) {
        expect(a.contentHtml).not.toContain(s);
        expect(a.summary).not.toContain(s);
      }

      // Rules that hold for every file.
      for (const text of [a.contentHtml, a.summary, a.title]) {
        expect(text).not.toMatch(/\[[^\]]+_\d+\]/);
        expect(isXmlSafe(text)).toBe(true);
        expect(text).not.toMatch(/ {2}/);
      }
      expect(a.contentHtml).not.toContain("<p></p>");
      expect(a.title).not.toContain(file);
      expect(a.summary.length).toBeLessThanOrEqual(300);
    });

    it(`shows ${file} to the worker tests as expected, however late the checkout and the upload`, () => {
      // The worker tests' buckets store each file with STORED_DATE; the upload itself may happen on any later day.
      const raw = {
        key: `articles/${file}`,
        body: readFileSync(`${DIR}${file}`),
        lastModified: new Date("2099-12-31T00:00:00Z"),
        metadata: { date: STORED_DATE },
      };
      const result = parseArticle(raw, { defaultLanguage: "en" });
      if (!result.ok) throw new Error(`${file} was skipped: ${result.reason}`);
      expect(isVisible(result.article, TEST_NOW)).toBe(EXPECTED[file]?.visible);
    });
  }
});
