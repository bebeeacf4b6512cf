/**
 * The parser over the seeded hostile objects (tests/support/hostile-articles.ts,
 * also uploaded by the worker test): it never throws, never takes long, and
 * what it keeps holds no character XML 1.0 forbids. The seed is the shared
 * one (tests/support/seed.ts); every message names it and how to replay it.
 */
import { describe, expect, it } from "vitest";
import { parseArticle } from "../../../src/article/parse";
import { generateObjects } from "../../support/hostile-articles";
import { replayCommand, TEST_SEED } from "../../support/seed";

const SEED = TEST_SEED;
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe(`parseArticle over hostile objects (seed ${SEED}; replay: ${replayCommand(SEED, "tests/unit/article/hostile.test.ts")})`, () => {
  it("never throws, stays fast, and keeps no forbidden character", () => {
    for (const object of generateObjects(SEED, 200, 10)) {
      const started = performance.now();
      let result: ReturnType<typeof parseArticle>;
      try {
        result = parseArticle({ key: object.key, body: object.body, lastModified: new Date("2025-01-01T00:00:00Z"), metadata: {} }, { defaultLanguage: "de" });
      } catch (error) {
        throw new Error(`seed ${SEED}: ${object.key} threw ${String(error)}`);
      }
      const ms = performance.now() - started;
      // Generous for a shared CI machine; a regular expression gone quadratic takes minutes here.
      expect(ms, `seed ${SEED}: ${object.key} took ${ms} ms`).toBeLessThan(5_000);
      if (!result.ok) continue;
      const { title, summary, contentHtml, authors, tags, id } = result.article;
      for (const [field, value] of Object.entries({ title, summary, contentHtml, authors: authors.join("|"), tags: tags.join("|"), id })) {
        expect(FORBIDDEN.test(value), `seed ${SEED}: ${object.key} ${field}`).toBe(false);
      }
      if (object.good) expect(result.article.title, `seed ${SEED}`).toBe(object.good.title);
    }
  });
});
