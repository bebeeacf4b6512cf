import { beforeEach, describe, expect, it } from "vitest";
import { BoundedCache } from "../../../src/app/bounded-cache";
import { rebuildIndex } from "../../../src/index/build";
import { sortKey } from "../../../src/index/order";
import { createIndexReader, type IndexObjectCache, UnreadableIndexError } from "../../../src/index/reader";
import { INDEX_VERSION, indexKeys } from "../../../src/index/schema";
import { emptyHead } from "../../../src/index/writer";
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
    clock = NOW.getTime();
  });

  it("returns null for the head before any build, after looking for an older index too", async () => {
    const store = new MemoryStore();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect(await reader.head()).toBeNull();
    expect(store.calls).toEqual([`get ${keys.head}`, `get ${keys.legacy.head}`]);
  });

  it("serves the head with one read and each scope with one more, then from memory within the TTL", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    const head = await reader.head();
    expect(head?.items.map((a) => a.title)).toEqual(["Hafen", "Bahn"]);
    expect(head?.catalog.authors).toEqual([{ slug: "thanh-hang", name: "Thanh Hằng", count: 1, updated: "2024-06-19T08:00:00.000Z" }]);
    expect(head?.months).toEqual([
      { month: "2024-06", count: 1, newestPage: "1", oldestPage: "1" },
      { month: "2024-05", count: 1, newestPage: "1", oldestPage: "1" },
    ]);
    expect(store.calls).toEqual([`get ${keys.head}`]);

    expect((await reader.topic("authors", "thanh-hang"))?.items).toHaveLength(1);
    expect((await reader.topic("tags", "thanh-hang-tag"))?.name).toBe("Thanh Hằng Tag");
    expect((await reader.article("2024/06 b?"))?.title).toBe("Bahn");
    const may = await reader.archive("2024-05");
    expect(may).toMatchObject({ month: "2024-05", page: "1", full: false, newer: { month: "2024-06", page: "1" }, older: null });
    expect(may?.items.map((a) => a.id)).toEqual(["2024/06 b?"]);
    // The head, its summary (what the other scopes read instead), two topics, one record, one archive page and its month's root.
    expect(store.count("get")).toBe(7);

    store.resetCalls();
    // Before the last quarter of the TTL: memory only, no refresh.
    clock += 44_000;
    await reader.head();
    await reader.topic("authors", "thanh-hang");
    await reader.archive("2024-05", "1");
    await reader.article("2024/06 b?");
    expect(store.calls).toEqual([]);

    clock += 17_000;
    await reader.head();
    expect(store.calls).toEqual([`get ${keys.head}`]);
  });

  it("refreshes a value in the last quarter of its TTL in the background, answering the old one meanwhile", async () => {
    const store = await built();
    const waits: Promise<unknown>[] = [];
    const reader = () => createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, keepAlive: (work) => waits.push(work) });
    const first = await reader().head();
    store.resetCalls();

    clock += 50_000;
    // Two requests at once: the old value for both, one read in the background.
    const [a, b] = await Promise.all([reader().head(), reader().head()]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    await Promise.all(waits);
    expect(store.calls).toEqual([`get ${keys.head}`]);

    // The refreshed value lives a full TTL from its read: past the first one's expiry, still no read.
    store.resetCalls();
    clock += 30_000;
    expect((await reader().head())?.builtAt).toBe(first?.builtAt);
    expect(store.calls).toEqual([]);
  });

  it("leaves the old value to expire when a refresh fails, and puts nothing back after a purge", async () => {
    const store = await built();
    const waits: Promise<unknown>[] = [];
    const reader = () => createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, keepAlive: (work) => waits.push(work) });
    await reader().head();

    clock += 50_000;
    store.failWhen = () => true;
    expect(await reader().head()).not.toBeNull();
    await Promise.allSettled(waits);
    // Still the old entry until its own expiry, then the store's failure shows.
    clock += 9_000;
    expect(await reader().head()).not.toBeNull();
    await Promise.allSettled(waits);
    clock += 2_000;
    await expect(reader().head()).rejects.toThrow();

    // A refresh that settles after a purge does not reinstate what it read.
    store.failWhen = null;
    await reader().head();
    clock += 50_000;
    store.resetCalls();
    await reader().head();
    cache.clear();
    await Promise.allSettled(waits);
    expect(store.calls).toEqual([`get ${keys.head}`]);
    expect(cache.keys()).toEqual([]);
  });

  it("derives visible counts at read time, so an embargo lifts without a write", async () => {
    const store = await built();
    store.seed(`${PREFIX}f.txt`, articleText({ title: "Embargo", date: "2024-07-05T06:00:00Z", tags: ["Kultur"], author: "Thanh Hằng", lang: "de" }));
    await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 3_600, now });
    const before = await reader.head();
    expect(before?.catalog.tags.map((e) => e.slug)).not.toContain("kultur");
    expect(before?.catalog.authors[0]?.count).toBe(1);
    expect(before?.months.map((m) => m.month)).toEqual(["2024-06", "2024-05"]);
    expect(await reader.archive("2024-07")).toBeNull();

    clock = Date.parse("2024-07-06T00:00:00Z");
    const after = await reader.head();
    expect(after?.catalog.tags.find((e) => e.slug === "kultur")).toMatchObject({ count: 1, updated: "2024-07-05T06:00:00.000Z" });
    expect(after?.catalog.authors[0]?.count).toBe(2);
    expect(after?.months[0]).toMatchObject({ month: "2024-07", count: 1 });
    expect((await reader.archive("2024-07"))?.items.map((a) => a.id)).toEqual(["f"]);
  });

  it("links archive pages in both directions across pages and months, and pages older than a cursor", async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 7; i++)
      store.seed(`${PREFIX}j${i}.txt`, articleText({ title: `Juni ${i}`, date: `2024-06-${String(10 + i).padStart(2, "0")}T08:00:00Z` }));
    for (let i = 0; i < 2; i++)
      store.seed(`${PREFIX}m${i}.txt`, articleText({ title: `Mai ${i}`, date: `2024-05-${String(10 + i).padStart(2, "0")}T08:00:00Z` }));
    await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW, limits: { page: 3 } });
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, cache });
    const june = (await reader.head())?.months[0];
    expect(june).toMatchObject({ month: "2024-06", count: 7 });
    const pages = [];
    let page = await reader.archive("2024-06");
    while (page !== null) {
      pages.push(page);
      page = page.older === null ? null : await reader.archive(page.older.month, page.older.page);
    }
    expect(pages.map((p) => [p.month, p.items.map((a) => a.id).join(",")])).toEqual([
      ["2024-06", "j6"],
      ["2024-06", "j5,j4,j3"],
      ["2024-06", "j2,j1,j0"],
      ["2024-05", "m1,m0"],
    ]);
    for (let i = 1; i < pages.length; i++) expect(pages[i]?.newer).toEqual({ month: pages[i - 1]?.month, page: pages[i - 1]?.page });
    expect(pages[0]?.newer).toBeNull();
    expect(pages[0]?.page).toBe(june?.newestPage);

    // After j4: the rest of its page; after the last of a page: the next older page, whole.
    const cursor = (id: string, day: number) => sortKey({ id, published: `2024-06-${day}T08:00:00.000Z` });
    expect(await reader.olderThan(cursor("j4", 14))).toEqual({
      items: [expect.objectContaining({ id: "j3" })],
      older: { month: "2024-06", page: pages[2]?.page },
    });
    const afterPage = await reader.olderThan(cursor("j3", 13));
    expect(afterPage?.items.map((a) => a.id)).toEqual(["j2", "j1", "j0"]);
    expect(afterPage?.older).toEqual({ month: "2024-05", page: pages[3]?.page });
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
    expect(store.keysOf("get").filter((k) => k.includes("gibt-es-nicht"))).toHaveLength(1);
    clock += 6_000;
    expect(await reader.topic("tags", "gibt-es-nicht")).toBeNull();
    expect(store.keysOf("get").filter((k) => k.includes("gibt-es-nicht"))).toHaveLength(2);
  });

  it("does not read at all for malformed months or pages, unknown kinds or empty names", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect(await reader.archive("2024-13")).toBeNull();
    expect(await reader.archive("../head")).toBeNull();
    expect(await reader.archive("2024-05", "../root")).toBeNull();
    expect(await reader.topic("nonsense" as "tags", "x")).toBeNull();
    expect(await reader.topic("tags", "")).toBeNull();
    expect(await reader.article("")).toBeNull();
    expect(store.calls).toEqual([]);
  });

  it("reports malformed objects, objects of another version and misplaced ones; the head reads as missing, others reject", async () => {
    const store = await built();
    const good = store.objects.get(keys.head)?.body ?? new Uint8Array();
    store.seed(keys.head, "{ not json");
    store.seed(keys.legacy.head, JSON.stringify({ version: INDEX_VERSION + 1, items: [] }));
    const reports: [string, string][] = [];
    const onUnreadable = (key: string, reason: string) => reports.push([key, reason]);
    // The stand-in of another version is no object of this index: read as none, not reported.
    expect(await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, onUnreadable }).head()).toBeNull();
    expect(reports).toEqual([[keys.head, expect.stringContaining("malformed JSON")]]);

    const page = keys.archiveNode("2024-05", "1");
    store.seed(keys.head, good);
    store.seed(page, JSON.stringify({ version: INDEX_VERSION + 1, type: "leaf", entries: [] }));
    store.seed(
      keys.topic("tags", "thanh-hang-tag"),
      JSON.stringify({ version: INDEX_VERSION, kind: "tags", slug: "other", name: "Other", updated: "", items: [], more: [], tail: 0 }),
    );
    cache.clear("");
    reports.length = 0;
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, onUnreadable });
    // An unreadable object is a store failure to a request (503 or the last good copy), never a 404.
    await expect(reader.archive("2024-05")).rejects.toBeInstanceOf(UnreadableIndexError);
    await expect(reader.archive("2024-05")).rejects.toBeInstanceOf(StoreError);
    // Another topic's object under this topic's key (shortened keys that collide) is not this topic.
    expect(await reader.topic("tags", "thanh-hang-tag")).toBeNull();
    expect(reports).toEqual([[page, expect.stringContaining(`index version ${INDEX_VERSION + 1}`)]]);
    // Remembered briefly like a missing object (one read, one report), then read again.
    expect(store.keysOf("get").filter((key) => key === page)).toHaveLength(1);
    clock += 11_000;
    await expect(reader.archive("2024-05")).rejects.toBeInstanceOf(UnreadableIndexError);
    expect(store.keysOf("get").filter((key) => key === page)).toHaveLength(2);
  });

  it("answers the last good value while the store fails or the object turns unreadable, and says it is stale", async () => {
    const store = await built();
    const lastGood = new BoundedCache<unknown>({ maxEntries: 10, maxWeight: 1e9 });
    const options = { articlePrefix: PREFIX, ttlSeconds: 60, now, cache, lastGood, lastGoodSeconds: 3600 };
    const fresh = createIndexReader(store, options);
    const head = await fresh.head();
    const month = await fresh.archive("2024-05");
    expect(fresh.stale).toBeNull();

    clock += 61_000;
    store.failWhen = () => true;
    const outage = createIndexReader(store, options);
    expect(await outage.head()).toBe(head);
    expect(outage.stale).toBeInstanceOf(StoreError);
    // Never read before: nothing to fall back on.
    await expect(outage.topic("tags", "thanh-hang-tag")).rejects.toBeInstanceOf(StoreError);

    store.failWhen = null;
    store.seed(keys.archiveNode("2024-05", "1"), "{ garbage");
    const damaged = createIndexReader(store, options);
    expect((await damaged.archive("2024-05"))?.items).toEqual(month?.items);
    expect(damaged.stale).toBeInstanceOf(UnreadableIndexError);

    clock += 3_600_000;
    store.failWhen = () => true;
    await expect(createIndexReader(store, options).head()).rejects.toBeInstanceOf(StoreError);
  });

  it("prefers a complete older index while this version's is being built", async () => {
    const store = await built();
    const partial = JSON.parse(new TextDecoder().decode(store.objects.get(keys.head)!.body));
    store.seed(keys.head, JSON.stringify({ ...partial, complete: false, items: [] }));
    store.seed(
      keys.legacy.head,
      JSON.stringify({
        version: 1,
        builtAt: "2024-01-01T00:00:00.000Z",
        items: [],
        catalog: { tags: [], authors: [], languages: [], sources: [] },
        months: [{ month: "2023-12", count: 3 }],
      }),
    );
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    expect((await reader.head())?.months).toEqual([{ month: "2023-12", count: 3, newestPage: "", oldestPage: "" }]);
    store.remove(keys.legacy.head);
    cache.clear("");
    expect((await reader.head())?.months.map((m) => m.month)).toEqual(["2024-06", "2024-05"]);
  });

  it("reads the head a first build writes before any article as no index yet", async () => {
    const store = await built();
    const stored = JSON.parse(new TextDecoder().decode(store.objects.get(keys.head)!.body));
    const unstarted = { ...stored, ...emptyHead("de", stored.builtAt), complete: false };
    store.seed(keys.head, JSON.stringify(unstarted));
    store.remove(keys.summary);
    const reader = () => createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, cache });
    expect(await reader().head()).toBeNull();
    expect(await reader().summary()).toBeNull();
    // Once a batch has put anything in it, an incomplete head is shown: it is all there is.
    store.seed(keys.head, JSON.stringify({ ...unstarted, months: stored.months }));
    expect((await reader().head())?.months.length).toBeGreaterThan(0);
  });

  it("never caches a store failure", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    store.failWhen = () => true;
    await expect(reader.head()).rejects.toBeInstanceOf(StoreError);
    store.failWhen = null;
    expect((await reader.head())?.items).toHaveLength(2);
  });

  it("reads every time when the TTL is 0, but decides on one index per reader", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, cache });
    await reader.head();
    await reader.head();
    await reader.topic("authors", "thanh-hang");
    expect(store.keysOf("get")).toEqual([keys.head, keys.topic("authors", "thanh-hang")]);
    const fresh = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, cache });
    await fresh.head();
    expect(store.count("get")).toBe(3);
  });

  it("serves topic and archive scopes from the summary, with the head's catalog, months and tombstones at any time", async () => {
    const store = await built();
    store.seed(`${PREFIX}f.txt`, articleText({ title: "Embargo", date: "2024-07-05T06:00:00Z", tags: ["Kultur"], author: "Thanh Hằng", lang: "de" }));
    await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    const summaryBytes = store.objects.get(keys.summary)?.body.byteLength ?? 0;
    expect(summaryBytes).toBeGreaterThan(0);
    expect(summaryBytes).toBeLessThan(store.objects.get(keys.head)?.body.byteLength ?? 0);
    store.resetCalls();
    for (const at of [NOW.getTime(), Date.parse("2024-07-06T00:00:00Z")]) {
      clock = at;
      const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now });
      const summary = await reader.summary();
      expect(summary).not.toHaveProperty("items");
      const { items: _items, ...head } = (await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now }).head()) ?? { items: [] };
      expect(summary).toEqual(head);
    }
    // A request of a topic (TTL 0: one decision per reader) reads the summary and the window, never the head.
    store.resetCalls();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now });
    await reader.summary();
    await reader.topic("authors", "thanh-hang");
    expect(store.keysOf("get")).toEqual([keys.summary, keys.topic("authors", "thanh-hang")]);
    // The head of the same index, when the same request needs it after all.
    expect((await reader.head())?.items.map((a) => a.id)).toContain("f");
  });

  it("reads the head instead of a missing, unreadable or incomplete summary", async () => {
    const store = await built();
    const unreadable: string[] = [];
    const read = () => createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, onUnreadable: (key) => unreadable.push(key) }).summary();
    const expected = await read();
    const summaryText = new TextDecoder().decode(store.objects.get(keys.summary)?.body);

    await store.delete(keys.summary);
    store.resetCalls();
    expect(await read()).toEqual(expected);
    expect(store.keysOf("get")).toEqual([keys.summary, keys.head]);
    // Reported, so that a run writes it again.
    expect(unreadable).toEqual([keys.summary]);

    store.seed(keys.summary, "{ garbage");
    expect(await read()).toEqual(expected);
    expect(unreadable).toEqual([keys.summary, keys.summary]);

    // The head's content at the summary's key, and the summary's at the head's, are another object's.
    store.seed(keys.summary, new TextDecoder().decode(store.objects.get(keys.head)?.body));
    expect(await read()).toEqual(expected);
    store.seed(keys.summary, summaryText.replace('"complete":true', '"complete":false'));
    store.resetCalls();
    expect(await read()).toEqual(expected);
    expect(store.keysOf("get")).toEqual([keys.summary, keys.head]);
    store.seed(keys.head, summaryText);
    expect(await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now, onUnreadable: () => {} }).head()).toBeNull();
  });

  it("forgets everything when the application clears its cache", async () => {
    const store = await built();
    const reader = createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 60, now, cache });
    await reader.head();
    cache.clear("");
    await reader.head();
    expect(store.count("get")).toBe(2);
  });
});
