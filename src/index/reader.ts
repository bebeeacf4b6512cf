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
import { type ArticleStore, StoreError } from "../store/store";
import { type Decoded, decodeArticlePage, decodeHead, decodeMonthPage, decodeTopicPage } from "./codec";
import { type IndexHead, indexKeys, isMonth, isTopicKind, type MonthPage, type TopicKind, type TopicPage } from "./schema";

/**
 * An index object exists but cannot be used: garbage, truncated, of another
 * index version, or holding another key's content. A `StoreError`, because
 * for a request it is the same as a store failure (serve the last good copy
 * or a 503), never a 404: the thing asked for exists, only its copy is bad.
 */
export class UnreadableIndexError extends StoreError {
  constructor(
    key: string,
    readonly reason: string,
  ) {
    super("get", key);
    this.name = "UnreadableIndexError";
    this.message = `index object "${key}" is unreadable: ${reason}`;
  }
}

/**
 * Read access to one index (one bucket and article prefix). Every method
 * rejects only with a `StoreError` (an {@link UnreadableIndexError} for a bad
 * object). Returned objects are shared with the cache and with concurrent
 * requests: treat them as read-only.
 */
export interface IndexReader {
  /** The head, or null when no index was built yet or it is unreadable (reported through `onUnreadable`). */
  head(): Promise<IndexHead | null>;
  /** One topic page, or null when there is no such topic. */
  topic(kind: TopicKind, slug: string): Promise<TopicPage | null>;
  /** The archive page of a `YYYY-MM` month, or null when the month has no articles or is malformed. */
  month(month: string): Promise<MonthPage | null>;
  /** One article by id (any age, including future-dated ones: callers apply `isVisible`), or null. */
  article(id: string): Promise<Article | null>;
  /**
   * Null, or the failure behind a value this reader answered from the last
   * good copies (`lastGood`) because the store failed or the object was
   * unreadable: what is rendered from it is stale and must not be kept as fresh.
   */
  readonly stale: StoreError | null;
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
  /**
   * Called once per read of an object that is malformed, of another index
   * version or holds another key's content, so that the next index run can
   * rewrite it (default: nothing).
   */
  onUnreadable?: (key: string, reason: string) => void;
  /**
   * The last good value of every object read, kept for `lastGoodSeconds`
   * (default a day, as stale-if-error): answered when the store fails or the
   * object turns unreadable, so that a document can still be rendered while
   * the store is down (default: none).
   */
  lastGood?: BoundedCache<unknown>;
  lastGoodSeconds?: number;
}

/** What reading one object gave: its value, nothing (no such object), or why it is unusable. */
type Loaded<T> = { value: T } | { unreadable: string } | null;

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
 * A reader over the index of `options.articlePrefix` in `store`. A malformed
 * object, one of another index version or one holding another key's content
 * is reported to `onUnreadable`. When the store fails or an object is
 * unreadable, the object's last good value is answered if `lastGood` holds
 * one (the reader then reports itself `stale`); otherwise an unreadable head
 * reads as null (a request then rebuilds, repairing it), other unreadable
 * objects reject with {@link UnreadableIndexError}, and store failures reject
 * with the store's `StoreError`. Failures are never cached, so the next
 * request tries the store again.
 */
export function createIndexReader(store: ArticleStore, options: IndexReaderOptions): IndexReader {
  const keys = indexKeys(options.articlePrefix);
  const clock = options.now ?? Date.now;
  const onUnreadable = options.onUnreadable ?? (() => {});
  const ttlMs = Math.max(0, options.ttlSeconds) * 1000;
  const missTtlMs = Math.max(0, options.missTtlSeconds ?? Math.min(10, options.ttlSeconds)) * 1000;
  const scope = options.cacheKey ?? identityOf(store);

  const cache = options.cache ?? new BoundedCache<Promise<unknown>>(OWN_CACHE_BOUNDS);
  const lastGood = options.lastGood;
  const lastGoodMs = (options.lastGoodSeconds ?? 86_400) * 1000;
  let stale: StoreError | null = null;

  /**
   * The object at `key`, decoded and checked by `accept` (which returns why
   * a decoded object does not belong at this key, or null when it does).
   */
  function load<T>(key: string, decode: (body: Uint8Array) => Decoded<T>, accept: (value: T) => string | null = () => null): Promise<Loaded<T>> {
    const id = `${scope}\n${key}`;
    const time = clock();
    const hit = cache.get(id, time);
    if (hit !== undefined) return hit as Promise<Loaded<T>>;

    const pending: { value?: Promise<unknown> } = {};
    const value = (async (): Promise<Loaded<T>> => {
      const object = await store.get(key);
      if (object === null) return null;
      if (pending.value) cache.update(id, pending.value, { weight: parsedWeight(object.body.byteLength) });
      const decoded = decode(object.body);
      const reason = decoded.ok ? accept(decoded.value) : decoded.reason;
      if (decoded.ok && reason === null) {
        lastGood?.set(id, decoded.value, parsedWeight(object.body.byteLength), clock() + lastGoodMs);
        return { value: decoded.value };
      }
      onUnreadable(key, reason ?? "unknown");
      return { unreadable: reason ?? "unknown" };
    })();
    pending.value = value;
    if (ttlMs === 0) return value;
    // Until it settles, the entry lives for the full TTL so concurrent callers share it.
    cache.set(id, value, 0, time + ttlMs);
    value.then(
      (result) => {
        // "Not found" (or unreadable) is remembered only briefly: a rebuild may create or repair it any moment.
        if (result === null || "unreadable" in result) cache.update(id, value, { expires: time + missTtlMs });
      },
      () => {
        // Never cache a failure: the next request retries the store.
        cache.delete(id, value);
      },
    );
    return value;
  }

  /**
   * The value, null when absent. When the store fails or the object is
   * unreadable, its last good value if there is one (and the reader turns
   * stale); otherwise the failure rejects.
   */
  async function usable<T>(key: string, loaded: Promise<Loaded<T>>): Promise<T | null> {
    let failure: StoreError;
    try {
      const result = await loaded;
      if (result === null) return null;
      if (!("unreadable" in result)) return result.value;
      failure = new UnreadableIndexError(key, result.unreadable);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      failure = error;
    }
    const kept = lastGood?.get(`${scope}\n${key}`, clock());
    if (kept === undefined) throw failure;
    stale ??= failure;
    return kept as T;
  }
  const elsewhere = "holds the content of another key";

  return {
    get stale() {
      return stale;
    },

    async head() {
      try {
        return await usable(keys.head, load(keys.head, decodeHead));
      } catch (error) {
        // An unreadable head without a last good copy reads as none: the caller rebuilds, which rewrites it.
        if (error instanceof UnreadableIndexError) return null;
        throw error;
      }
    },

    topic(kind, slug) {
      if (!isTopicKind(kind) || slug === "" || slug.length > MAX_NAME) return Promise.resolve(null);
      const key = keys.topic(kind, slug);
      return usable(
        key,
        load(key, decodeTopicPage, (page) => (page.kind === kind && page.slug === slug ? null : elsewhere)),
      );
    },

    month(month) {
      if (!isMonth(month)) return Promise.resolve(null);
      const key = keys.month(month);
      return usable(
        key,
        load(key, decodeMonthPage, (page) => (page.month === month ? null : elsewhere)),
      );
    },

    async article(id) {
      if (id === "" || id.length > MAX_NAME) return null;
      const key = keys.article(id);
      const page = await usable(
        key,
        load(key, decodeArticlePage, (found) => (found.article.id === id ? null : elsewhere)),
      );
      return page?.article ?? null;
    },
  };
}
