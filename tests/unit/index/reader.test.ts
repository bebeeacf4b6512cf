import { beforeEach, describe, expect, it } from "vitest";
import { BoundedCache } from "../../../src/app/bounded-cache";
import { rebuildIndex } from "../../../src/index/build";
import { createIndexReader, type IndexObjectCache, UnreadableIndexError } from "../../../src/index/reader";
import { INDEX_VERSION, indexKeys } from "../../../src/index/schema";
import { StoreError } from "../../../src/store/store";
import { articleText, MemoryStore } from "./memory-store";

const PREFIX = "news/";
const keys = indexKeys(PREFIX);
const NOW = new Date("2024-07-01T12:00:00Z");

async function built(): Promise<MemoryStore> {
  const store = new MemoryStore();
  store.seed(
    `${PREFIX}a.txt`,
    articleText({
      title: "Hafen",
      date: "2024-06-19T08:00:00Z",
      tags: ["Thanh Hằng Tag"],
      author: "Thanh Hằng",
      lang: "de",
      source: "https://www.example.org/a",
    }),
  );
  store.seed(`${PREFIX}b.txt`, articleText({ id: "2024/06 b?", title: "Bahn", date: "2024-05-20T08:00:00Z", lang: "de" }));
  await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
  store.resetCalls();
  return store;
}

describe("createIndexReader", () => {
  let clock: number;
  let cache: IndexObjectCache;
  const now = () => clock;
  beforeEach(() => {
    cache = new BoundedCache<Promise<unknown>>({ maxEntries: 500, maxWeight: 24 * 1024 * 1024 });
    clock = 1_000_000;
  });

  it("returns null for the head before any build", async () => {
    const store = new MemoryStore();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect(await reader.head()).toBeNull();
    expect(store.calls).toEqual([`get ${keys.head}`]);
  });

  it("serves every page with one read, then from memory within the TTL, and reads again after it", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    const head = await reader.head();
    expect(head?.items.map((a) => a.title)).toEqual(["Hafen", "Bahn"]);
    expect(store.calls).toEqual([`get ${keys.head}`]);

    expect((await reader.topic("authors", "thanh-hang"))?.items).toHaveLength(1);
    expect((await reader.topic("tags", "thanh-hang-tag"))?.name).toBe("Thanh Hằng Tag");
    expect((await reader.topic("sources", "example.org"))?.items[0]?.id).toBe("a");
    expect((await reader.month("2024-05"))?.items.map((a) => a.id)).toEqual(["2024/06 b?"]);
    expect((await reader.article("2024/06 b?"))?.title).toBe("Bahn");
    expect(store.count("get")).toBe(6);

    store.resetCalls();
    clock += 59_000;
    await reader.head();
    await reader.topic("authors", "thanh-hang");
    await reader.month("2024-05");
    await reader.article("2024/06 b?");
    expect(store.calls).toEqual([]);

    clock += 2_000;
    await reader.head();
    expect(store.calls).toEqual([`get ${keys.head}`]);
  });

  it("shares one read between concurrent callers and between readers with the same cacheKey", async () => {
    const store = await built();
    const a = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, cacheKey: "http://s3|bucket" });
    const other = new MemoryStore();
    const b = createIndexReader(other, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, cacheKey: "http://s3|bucket" });
    const [h1, h2] = await Promise.all([a.head(), a.head()]);
    expect(h1).toBe(h2);
    expect(await b.head()).toBe(h1);
    expect(store.count("get")).toBe(1);
    expect(other.calls).toEqual([]);
    // Without a cacheKey, two store objects are two buckets.
    const c = createIndexReader(other, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect(await c.head()).toBeNull();
  });

  it("remembers a missing object briefly", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 300, now, cache, missTtlSeconds: 5 });
    expect(await reader.topic("tags", "gibt-es-nicht")).toBeNull();
    expect(await reader.topic("tags", "gibt-es-nicht")).toBeNull();
    expect(store.count("get")).toBe(1);
    clock += 6_000;
    expect(await reader.topic("tags", "gibt-es-nicht")).toBeNull();
    expect(store.count("get")).toBe(2);
  });

  it("does not read at all for malformed months, unknown kinds or empty names", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect(await reader.month("2024-13")).toBeNull();
    expect(await reader.month("../head")).toBeNull();
    expect(await reader.topic("nonsense" as "tags", "x")).toBeNull();
    expect(await reader.topic("tags", "")).toBeNull();
    expect(await reader.article("")).toBeNull();
    expect(store.calls).toEqual([]);
  });

  it("reports malformed objects, objects of another version and misplaced ones; the head reads as missing, others reject", async () => {
    const store = await built();
    store.seed(keys.head, "{ not json");
    store.seed(keys.month("2024-05"), JSON.stringify({ version: INDEX_VERSION + 1, month: "2024-05", items: [] }));
    store.seed(keys.topic("tags", "thanh-hang-tag"), JSON.stringify({ version: INDEX_VERSION, kind: "tags", slug: "other", name: "Other", items: [] }));
    const reports: [string, string][] = [];
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, onUnreadable: (key, reason) => reports.push([key, reason]) });
    expect(await reader.head()).toBeNull();
    await expect(reader.month("2024-05")).rejects.toBeInstanceOf(UnreadableIndexError);
    await expect(reader.topic("tags", "thanh-hang-tag")).rejects.toThrow(/another key/);
    // An unreadable object is a store failure to a request (503 or the last good copy), never a 404.
    await expect(reader.month("2024-05")).rejects.toBeInstanceOf(StoreError);
    expect(reports).toEqual([
      [keys.head, expect.stringContaining("malformed JSON")],
      [keys.month("2024-05"), expect.stringContaining(`index version ${INDEX_VERSION + 1}`)],
      [keys.topic("tags", "thanh-hang-tag"), expect.stringContaining("another key")],
    ]);
    // Remembered briefly like a missing object (one read, one report), then read again.
    expect(store.count("get")).toBe(3);
    clock += 11_000;
    await expect(reader.month("2024-05")).rejects.toBeInstanceOf(UnreadableIndexError);
    expect(store.count("get")).toBe(4);
  });

  it("answers the last good value while the store fails or the object turns unreadable, and says it is stale", async () => {
    const store = await built();
    const lastGood = new BoundedCache<unknown>({ maxEntries: 10, maxWeight: 1e9 });
    const options = { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, lastGood, lastGoodSeconds: 3600 };
    const fresh = createIndexReader(store, options);
    const head = await fresh.head();
    const month = await fresh.month("2024-05");
    expect(fresh.stale).toBeNull();

    clock += 61_000;
    store.failWhen = () => true;
    const outage = createIndexReader(store, options);
    expect(await outage.head()).toBe(head);
    expect(outage.stale).toBeInstanceOf(StoreError);
    // Never read before: nothing to fall back on.
    await expect(outage.topic("tags", "thanh-hang-tag")).rejects.toBeInstanceOf(StoreError);

    store.failWhen = null;
    store.seed(keys.month("2024-05"), "{ garbage");
    const damaged = createIndexReader(store, options);
    expect(await damaged.month("2024-05")).toBe(month);
    expect(damaged.stale).toBeInstanceOf(UnreadableIndexError);

    clock += 3_600_000;
    store.failWhen = () => true;
    await expect(createIndexReader(store, options).head()).rejects.toBeInstanceOf(StoreError);
  });

  it("never caches a store failure", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    store.failWhen = () => true;
    await expect(reader.head()).rejects.toBeInstanceOf(StoreError);
    store.failWhen = null;
    expect((await reader.head())?.items).toHaveLength(2);
  });

  it("reads every time when the TTL is 0", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, cache });
    await reader.head();
    await reader.head();
    expect(store.count("get")).toBe(2);
  });

  it("forgets everything when the cache is cleared", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    await reader.head();
    cache.clear();
    await reader.head();
    expect(store.count("get")).toBe(2);
  });
});
