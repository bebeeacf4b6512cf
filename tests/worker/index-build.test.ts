/**
 * The index stage inside workerd against the local S3 server: rebuild and
 * read through the real S3 store (real ETags, real listing pages). Works in
 * a folder of its own in the samples bucket, outside the sample prefix, so
 * it never disturbs the feeds other tests read.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { rebuildIndex } from "../../src/index/build";
import { createIndexReader } from "../../src/index/reader";
import { indexKeys } from "../../src/index/schema";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";
import { testEnv } from "../support/env";
import { BAD_OBJECTS, GOOD_ARTICLE } from "../support/fixtures";

/** Counts requests so the test can assert what a rebuild or a read costs. */
function counting(store: ArticleStore) {
  const counts = { reads: 0, writes: 0 };
  const wrapped: ArticleStore = {
    list: (prefix) => {
      counts.reads++;
      return store.list(prefix);
    },
    get: (key) => {
      counts.reads++;
      return store.get(key);
    },
    put: (key, body, options) => {
      counts.writes++;
      return store.put(key, body, options);
    },
    delete: (key) => {
      counts.writes++;
      return store.delete(key);
    },
  };
  return { store: wrapped, counts };
}

describe("index in workerd over S3", () => {
  it("builds, skips bad objects, rebuilds incrementally and serves the head with one read", async () => {
    const config = loadConfig(testEnv("samples"), "https://news.example.com/rss.xml");
    const s3 = createS3Store(config.s3);
    const prefix = `index-test-${crypto.randomUUID()}/`;
    await s3.put(`${prefix}good.txt`, GOOD_ARTICLE);
    await s3.put(`${prefix}zweiter.txt`, "---\ntitle: Zweiter Artikel\ndate: 2024-06-20T08:00:00Z\ntags: [Hafen]\n---\nEin zweiter Artikel über den Hafen.\n");
    for (const [name, body] of Object.entries(BAD_OBJECTS)) await s3.put(`${prefix}${name}`, body);

    const { store, counts } = counting(s3);
    const options = { articlePrefix: prefix, defaultLanguage: "en", now: new Date("2025-01-01T00:00:00Z") };
    const first = await rebuildIndex(store, options);
    expect(first.listed).toBe(2 + Object.keys(BAD_OBJECTS).length);
    expect(first.parsed).toBe(2);
    expect(first.skipped.map((s) => s.key).sort()).toEqual(
      Object.keys(BAD_OBJECTS)
        .map((n) => `${prefix}${n}`)
        .sort(),
    );
    expect(first.reads).toBe(counts.reads);

    const again = await rebuildIndex(store, options);
    expect(again).toMatchObject({ reads: 2, writes: 0 });

    await s3.put(
      `${prefix}zweiter.txt`,
      "---\ntitle: Zweiter Artikel, korrigiert\ndate: 2024-06-20T08:00:00Z\ntags: [Hafen]\n---\nEin zweiter Artikel über den Hafen.\n",
    );
    const edit = await rebuildIndex(store, options);
    expect(edit.parsed).toBe(1);
    expect(edit.writes).toBeLessThanOrEqual(8);

    counts.reads = 0;
    const reader = createIndexReader(store, { articlePrefix: prefix, ttlSeconds: 60, cacheKey: `test|${prefix}` });
    const head = await reader.head();
    expect(head?.items.map((a) => a.title)).toContain("Zweiter Artikel, korrigiert");
    expect(head?.items).toHaveLength(2);
    await reader.head();
    expect(counts.reads).toBe(1);
    expect((await reader.topic("tags", "hafen"))?.items).toHaveLength(1);

    // Clean up this test's folder (index included).
    for (const info of await s3.list(prefix)) await s3.delete(info.key);
    expect(await s3.list(indexKeys(prefix).folder)).toEqual([]);
  });
});
