/**
 * The S3 store against a real S3-protocol server (s3rver on loopback):
 * listings across pages, single listing pages from a cursor, skipping a
 * folder, batch deletes, missing objects, metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "../../scripts/lib/local-s3";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";

describe("S3 store", () => {
  let s3: LocalS3;
  let store: ArticleStore;
  /** More than one listing page (S3 pages hold 1,000 keys). */
  const FOLDER_SIZE = 1_050;

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ["store-test"] });
    store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket: "store-test", forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
    const keys = [
      ...Array.from({ length: FOLDER_SIZE }, (_, i) => `news/_index/articles/${String(i).padStart(5, "0")}.json`),
      ...["0-first.txt", "A-upper.txt", "_early.txt", "b.txt", "z-last.txt"].map((name) => `news/${name}`),
      "other/x.txt",
    ];
    // A few writes at a time: s3rver keeps each object in files of its own.
    for (let i = 0; i < keys.length; i += 8) await Promise.all(keys.slice(i, i + 8).map((key) => store.put(key, "x")));
  });

  afterAll(async () => {
    await s3.close();
  });

  it("lists every page of a prefix in key order", async () => {
    const keys = (await store.list("news/")).map((object) => object.key);
    expect(keys).toHaveLength(FOLDER_SIZE + 5);
    expect(keys).toEqual([...keys].sort());
  });

  it("leaves out a skipped folder that spans pages and lists what comes after it", async () => {
    const keys = (await store.list("news/", { skipPrefix: "news/_index/" })).map((object) => object.key);
    expect(keys).toEqual(["news/0-first.txt", "news/A-upper.txt", "news/_early.txt", "news/b.txt", "news/z-last.txt"]);
  });

  it("lists one page at a time from a cursor", async () => {
    const first = await store.listPage("news/", { limit: 3 });
    expect(first.objects.map((o) => o.key)).toEqual(["news/0-first.txt", "news/A-upper.txt", "news/_early.txt"]);
    expect(first.truncated).toBe(true);
    const next = await store.listPage("news/", { startAfter: "news/_index/\u{10FFFF}" });
    expect(next.objects.map((o) => o.key)).toEqual(["news/b.txt", "news/z-last.txt"]);
    expect(next.truncated).toBe(false);
    const full = await store.listPage("news/");
    expect(full.objects).toHaveLength(1_000);
    expect(full.truncated).toBe(true);
  });

  it("deletes a batch of keys in one request, missing ones included", async () => {
    await Promise.all(["del/a.txt", "del/b.txt", "del/c.txt"].map((key) => store.put(key, "x")));
    await store.deleteMany(["del/a.txt", "del/c.txt", "del/missing.txt"]);
    expect((await store.list("del/")).map((o) => o.key)).toEqual(["del/b.txt"]);
  });

  it("answers null for a missing object and keeps metadata with lower-case names", async () => {
    expect(await store.get("news/missing.txt")).toBeNull();
    await store.put("news/meta.txt", "text", { metadata: { Date: "2024-06-19T08:00:00Z" } });
    const object = await store.get("news/meta.txt");
    expect(object?.metadata).toEqual({ date: "2024-06-19T08:00:00Z" });
    expect(new TextDecoder().decode(object?.body)).toBe("text");
    await store.delete("news/meta.txt");
    expect(await store.get("news/meta.txt")).toBeNull();
  });
});
