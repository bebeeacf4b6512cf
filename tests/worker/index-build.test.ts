/**
 * The index stage inside workerd against the local S3 server: a full build,
 * changes and reads through the real S3 store (real ETags, real listing
 * pages). Works in a folder of its own in the samples bucket, outside the
 * sample prefix, so it never disturbs the feeds other tests read.
 */
import { describe, expect, it } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { rebuildIndex } from "../../src/index/build";
import { applyChanges } from "../../src/index/changes";
import { createIndexReader } from "../../src/index/reader";
import { indexKeys } from "../../src/index/schema";
import { meterStore } from "../../src/store/metered";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { BAD_OBJECTS, GOOD_ARTICLE } from "../support/fixtures";

describe("index in workerd over S3", () => {
  it("builds, skips bad objects, applies an edit, and serves the head with one read", async () => {
    const config = loadConfig(testEnv("samples"), "https://news.example.com/rss.xml");
    const s3 = createS3Store(s3Settings(config));
    const prefix = `index-test-${crypto.randomUUID()}/`;
    await s3.put(`${prefix}good.txt`, GOOD_ARTICLE);
    await s3.put(`${prefix}zweiter.txt`, "---\ntitle: Zweiter Artikel\ndate: 2024-06-20T08:00:00Z\ntags: [Hafen]\n---\nEin zweiter Artikel über den Hafen.\n");
    for (const [name, body] of Object.entries(BAD_OBJECTS)) await s3.put(`${prefix}${name}`, body);

    const store = meterStore(s3);
    const options = { articlePrefix: prefix, defaultLanguage: "en", now: new Date("2025-01-01T00:00:00Z") };
    const first = await rebuildIndex(store, options);
    expect(first.listed).toBe(2 + Object.keys(BAD_OBJECTS).length);
    expect(first.parsed).toBe(2);
    expect(first.skipped.map((s) => s.key).sort()).toEqual(
      Object.keys(BAD_OBJECTS)
        .map((n) => `${prefix}${n}`)
        .sort(),
    );
    expect(first.reads + first.writes).toBe(store.meter.reads + store.meter.writes);

    await s3.put(
      `${prefix}zweiter.txt`,
      "---\ntitle: Zweiter Artikel, korrigiert\ndate: 2024-06-20T08:00:00Z\ntags: [Hafen]\n---\nEin zweiter Artikel über den Hafen.\n",
    );
    const edit = await applyChanges(store, [`${prefix}zweiter.txt`], options);
    expect(edit).toMatchObject({ applied: [`${prefix}zweiter.txt`], parsed: 1, remaining: [] });
    expect(edit.reads + edit.writes).toBeLessThanOrEqual(45);

    const reads = store.meter.reads;
    const reader = createIndexReader(store, { articlePrefix: prefix, ttlSeconds: 60, cacheKey: `test|${prefix}` });
    const head = await reader.head();
    expect(head?.items.map((a) => a.title)).toContain("Zweiter Artikel, korrigiert");
    expect(head?.items).toHaveLength(2);
    await reader.head();
    expect(store.meter.reads - reads).toBe(1);
    expect((await reader.topic("tags", "hafen"))?.items).toHaveLength(1);

    // Clean up this test's folder (index included).
    for (const info of await s3.list(prefix)) await s3.delete(info.key);
    expect(await s3.list(indexKeys(prefix).folder)).toEqual([]);
  });
});
