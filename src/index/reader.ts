/**
 * Request-time access to the index objects, through an isolate-memory cache.
 *
 * A Worker isolate serves many requests; keeping the parsed head for a short
 * time means most feed requests make no store request at all, and a cold one
 * makes exactly one read per index object it needs (the head for main feeds).
 * The cache belongs to the application layer, which outlives the per-request
 * store objects: the identity of the bucket (`cacheKey`), not of the store
 * object, is what makes two requests share an entry.
 */
import { BoundedCache, parsedWeight } from "../app/bounded-cache";
import type { Article } from "../article/model";
import type { ArticleStore } from "../store/store";
import { decodeArticlePage, decodeHead, decodeMonthPage, decodeTopicPage, type Decoded } from "./codec";
import { indexKeys, isMonth, isTopicKind, type IndexHead, type MonthPage, type TopicKind, type TopicPage } from "./schema";

/**
 * Read access to one index (one bucket and article prefix). Every method
 * rejects only with a `StoreError`. Returned objects are shared with the
 * cache and with concurrent requests: treat them as read-only.
 */
export interface IndexReader {
  /** The head, or null when no index was built yet (or it is unreadable). */
  head(): Promise<IndexHead | null>;
  /** One topic page, or null when there is no such topic. */
  topic(kind: TopicKind, slug: string): Promise<TopicPage | null>;
  /** The archive page of a `YYYY-MM` month, or null when the month has no articles or is malformed. */
  month(month: string): Promise<MonthPage | null>;
  /** One article by id (any age, including future-dated ones: callers apply `isVisible`), or null. */
  article(id: string): Promise<Article | null>;
}

/** Options of {@link createIndexReader}. */
export interface IndexReaderOptions {
  /** Key prefix of the articles; the index is read from `<articlePrefix>_index/`. */
  articlePrefix: string;
  /** How long a parsed object is served from memory; 0 disables the cache. */
  ttlSeconds: number;
  /**
   * Identity of the bucket behind `store` (e.g. endpoint + bucket), so that
   * readers over different store objects for the same bucket share entries.
   * Default: the store object itself (no sharing across store instances).
   */
  cacheKey?: string;
  /** How long "no such object" is remembered (default: the smaller of 10 s and `ttlSeconds`). */
  missTtlSeconds?: number;
  /** The isolate's cache of parsed index objects (default: one of this reader's own). */
  cache?: IndexObjectCache;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Receives a line when an index object is malformed or of another version (default `console.warn`). */
  log?: (message: string) => void;
}

/** Parsed index objects, as promises so that concurrent requests for one object share one store read. */
export type IndexObjectCache = BoundedCache<Promise<unknown>>;

/** Bounds of a reader's own cache, when the application gives it none. */
const OWN_CACHE_BOUNDS = { maxEntries: 500, maxWeight: 24 * 1024 * 1024 };

const storeIds = new WeakMap<ArticleStore, string>();
let nextStoreId = 0;

function identityOf(store: ArticleStore): string {
  let id = storeIds.get(store);
  if (id === undefined) {
    id = `store#${++nextStoreId}`;
    storeIds.set(store, id);
  }
  return id;
}

/** Longest id or slug looked up at all: longer ones cannot be in the index and are not worth a read. */
const MAX_NAME = 512;

/**
 * A reader over the index of `options.articlePrefix` in `store`. Malformed
 * objects and objects of another index version read as null (and are
 * logged); store failures reject with the store's `StoreError` and are never
 * cached, so the next request tries again.
 */
export function createIndexReader(store: ArticleStore, options: IndexReaderOptions): IndexReader {
  const keys = indexKeys(options.articlePrefix);
  const clock = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.warn(message));
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const missTtlMs = Math.max(0, options.missTtlSeconds ?? Math.min(10, options.ttlSeconds)) * 1000;
  const scope = options.cacheKey ?? identityOf(store);

  const cache = options.cache ?? new BoundedCache<Promise<unknown>>(OWN_CACHE_BOUNDS);

  function load<T>(key: string, decode: (body: Uint8Array) => Decoded<T>): Promise<T | null> {
    const id = `${scope}\n${key}`;
    const time = clock();
    const hit = cache.get(id, time);
    if (hit !== undefined) return hit as Promise<T | null>;

    const pending: { value?: Promise<unknown> } = {};
    const value = (async (): Promise<T | null> => {
      const object = await store.get(key);
      if (object === null) return null;
      if (pending.value) cache.update(id, pending.value, { weight: parsedWeight(object.body.byteLength) });
      const decoded = decode(object.body);
      if (decoded.ok) return decoded.value;
      log(`index: ignoring ${key}: ${decoded.reason}`);
      return null;
    })();
    pending.value = value;
    if (ttlMs === 0) return value;
    // Until it settles, the entry lives for the full TTL so concurrent callers share it.
    cache.set(id, value, 0, time + ttlMs);
    value.then(
      (result) => {
        // "Not found" (or unreadable) is remembered only briefly: a rebuild may create it any moment.
        if (result === null) cache.update(id, value, { expires: time + missTtlMs });
      },
      () => {
        // Never cache a failure: the next request retries the store.
        cache.delete(id, value);
      },
    );
    return value;
  }

  return {
    head: () => load(keys.head, decodeHead),

    async topic(kind, slug) {
      if (!isTopicKind(kind) || slug === "" || slug.length > MAX_NAME) return null;
      const page = await load(keys.topic(kind, slug), decodeTopicPage);
      return page !== null && page.kind === kind && page.slug === slug ? page : null;
    },

    async month(month) {
      if (!isMonth(month)) return null;
      const page = await load(keys.month(month), decodeMonthPage);
      return page !== null && page.month === month ? page : null;
    },

    async article(id) {
      if (id === "" || id.length > MAX_NAME) return null;
      const page = await load(keys.article(id), decodeArticlePage);
      return page !== null && page.article.id === id ? page.article : null;
    },
  };
}
