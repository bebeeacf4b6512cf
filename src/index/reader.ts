/**
 * Request-time access to the index objects, with an isolate-memory cache.
 *
 * A Worker isolate serves many requests; keeping parsed objects for a short
 * time means most feed requests make no store request at all, and a cold one
 * reads the head (a main feed) or the head's summary plus the objects its
 * scope needs (a topic window; an archive page and its month's root). The cache belongs to the application layer,
 * which outlives the per-request store objects: the identity of the bucket
 * (`cacheKey`), not of the store object, is what makes two requests share an
 * entry.
 *
 * Which index: this version's, once complete. While a newer version is being
 * built (an upgrade), readers keep using the newest complete older one (a
 * folder `_index/v<n>/` of this layout, or the older layout of versions 1 to
 * 3 at the top of `_index/`), and only fall back to an incomplete index when
 * there is nothing else.
 *
 * Counts: the head stores each topic's and month's total including
 * future-dated articles, and holds every future-dated article itself; the
 * visible counts are derived at read time, so an embargo lifting changes
 * them without a write.
 *
 * Damage: an object that exists but cannot be used (garbage, truncated,
 * another version, another key's content) is reported to `onUnreadable`
 * and answered from its last good copy when there is one; a request never
 * fails on a property access deep in a renderer.
 */
import { BoundedCache, parsedWeight } from "../app/bounded-cache";
import type { Article } from "../article/model";
import { type ArticleStore, StoreError } from "../store/store";
import {
  type Decoded,
  decodeArticleRecord,
  decodeHead,
  decodeLegacyArticle,
  decodeLegacyHead,
  decodeLegacyPage,
  decodeSummary,
  decodeTopic,
  isArticle,
  type LegacyHead,
  nodeDecoder,
} from "./codec";
import { windowTotal } from "./collection";
import { UnreadableIndexError } from "./errors";
import { compareSortKeys, isFuture, monthOf, timeOfSortKey } from "./order";
import {
  type ArchivePage,
  type ArchiveRef,
  type CatalogEntry,
  INDEX_VERSION,
  type IndexHead,
  type IndexSummary,
  indexKeys,
  isMonth,
  isTopicKind,
  LAYOUT_VERSION,
  type MonthCount,
  PAGE_SIZE,
  type StoredHead,
  TOPIC_KINDS,
  type TopicKind,
  type TopicPage,
} from "./schema";
import { articleTopics } from "./topics";
import { type NodeSource, TreeReader } from "./tree";

export { UnreadableIndexError };

/**
 * Read access to one index (one bucket and article prefix). Every method
 * rejects only with a `StoreError` (an {@link UnreadableIndexError} for a bad
 * object). Returned objects are shared with the cache and with concurrent
 * requests: treat them as read-only.
 */
export interface IndexReader {
  /** The head, or null when no index was built yet or it is unreadable (reported through `onUnreadable`). */
  head(): Promise<IndexHead | null>;
  /**
   * The head without its articles, from the much smaller summary object when
   * there is one (else from the head); null as for {@link head}.
   */
  summary(): Promise<IndexSummary | null>;
  /** One topic window, or null when there is no such topic. */
  topic(kind: TopicKind, slug: string): Promise<TopicPage | null>;
  /**
   * One archive page of a `YYYY-MM` month: `page` by id, or the month's
   * newest page when omitted. Null when the month has no visible article or
   * there is no such page.
   */
  archive(month: string, page?: string): Promise<ArchivePage | null>;
  /**
   * Articles older than the one with sort key `cursor`, for JSON Feed paging:
   * the rest of the archive page that holds the cursor (or the next older
   * page when nothing is left in it), and the page after those. Null when
   * the index cannot page (no index, or the older layout).
   */
  olderThan(cursor: string): Promise<{ items: Article[]; older: ArchiveRef | null } | null>;
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
  /**
   * Keeps a read that other requests may share running to its end even when
   * the request that started it finishes first (a Worker's `waitUntil`). The
   * Workers runtime cancels what a finished request left unsettled, timers
   * included: a shared read would then never settle, and every request that
   * joined it would wait until the runtime gives up on it.
   */
  keepAlive?: (work: Promise<unknown>) => void;
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

/**
 * Refresh-ahead starts when a hit finds this fraction of the TTL or less
 * left: early enough that a refresh under load settles before the entry
 * expires, late enough that an object is read about once per TTL.
 */
const REFRESH_AHEAD_FRACTION = 0.25;

/** Cached reads that resolved to a value (only those are refreshed ahead; a pending read or a remembered miss is not). */
const holdsValue = new WeakSet<Promise<unknown>>();

/** Cached reads being refreshed ahead now: one refresh per entry, whichever reader (request) started it. */
const refreshing = new WeakSet<Promise<unknown>>();

/** Longest id or slug looked up at all: longer ones cannot be in the index and are not worth a read. */
const MAX_NAME = 2_048;

/**
 * Which objects a reader reads: a folder of this layout, or the older layout
 * (one object per month). `whole` is false when `stored` is the head's
 * summary (its catalog, months and tombstones, but not its articles).
 */
type Source = { layout: "current"; base: string; stored: StoredHead; whole: boolean } | { layout: "legacy"; head: LegacyHead };

/** What a caller needs of the head: all of it, or its summary. */
type HeadPart = "whole" | "summary";

/** Derived views of stored heads, per number of future-dated items already visible. */
const views = new WeakMap<object, { lifted: number; view: IndexHead }>();

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
  /** Without the cache (INDEX_TTL=0), one request still reads each object once. */
  const own = new Map<string, Promise<unknown>>();

  /**
   * The object at `key`, decoded and checked by `accept` (which returns why
   * a decoded object does not belong at this key, or null when it does).
   */
  function load<T>(key: string, decode: (body: Uint8Array) => Decoded<T>, accept: (value: T) => string | null = () => null, report = true): Promise<Loaded<T>> {
    const id = `${scope}\n${key}`;
    const time = clock();
    const hit = ttlMs === 0 ? own.get(id) : cache.get(id, time);
    if (hit !== undefined) {
      if (ttlMs > 0) refreshAhead(id, hit, time, () => fetchObject(id, key, decode, accept, report));
      return hit as Promise<Loaded<T>>;
    }

    const fetched = fetchObject(id, key, decode, accept, report);
    const value = fetched.then((result) => result.loaded);
    options.keepAlive?.(value.catch(() => {}));
    if (ttlMs === 0) {
      own.set(id, value);
      // Only values are kept: the request may build or repair the index and ask again.
      value.then(
        (result) => {
          if (result === null || "unreadable" in result) own.delete(id);
        },
        () => own.delete(id),
      );
      return value;
    }
    // Until it settles, the entry lives for the full TTL so concurrent callers share it.
    cache.set(id, value, 0, time + ttlMs);
    fetched.then(
      ({ loaded, bytes }) => {
        if (loaded !== null && "value" in loaded) {
          cache.update(id, value, { weight: parsedWeight(bytes) });
          holdsValue.add(value);
        }
        // "Not found" (or unreadable) is remembered only briefly: a rebuild may create or repair it any moment.
        else cache.update(id, value, { expires: time + missTtlMs });
      },
      () => {
        // Never cache a failure: the next request retries the store.
        cache.delete(id, value);
      },
    );
    return value;
  }

  /** Reads, decodes and checks the object at `key` (cache entry `id`); its last good value is kept on success. */
  async function fetchObject<T>(
    id: string,
    key: string,
    decode: (body: Uint8Array) => Decoded<T>,
    accept: (value: T) => string | null,
    report: boolean,
  ): Promise<{ loaded: Loaded<T>; bytes: number }> {
    const object = await store.get(key);
    if (object === null) return { loaded: null, bytes: 0 };
    const bytes = object.body.byteLength;
    const decoded = decode(object.body);
    const reason = decoded.ok ? accept(decoded.value) : decoded.reason;
    if (decoded.ok && reason === null) {
      lastGood?.set(id, decoded.value, parsedWeight(bytes), clock() + lastGoodMs);
      return { loaded: { value: decoded.value }, bytes };
    }
    if (report) onUnreadable(key, reason ?? "unknown");
    return { loaded: { unreadable: reason ?? "unknown" }, bytes };
  }

  /**
   * Refresh-ahead: a hit on a value in the last part of its TTL reads the
   * object again in the background, and the new value takes the old one's
   * place with a full TTL. An object requested often is then never read on
   * the request path, so a slow or congested store does not hold requests
   * up; one requested rarely simply expires. Whatever happens to the
   * refresh, the old entry is left as it was: it expires at its own time,
   * and from then on a request reads (or falls back to the last good copy)
   * as without a refresh. A purge clears the entry, and a refresh that
   * settles after it puts nothing back (`replace` needs the old entry).
   */
  function refreshAhead(id: string, hit: Promise<unknown>, time: number, readAgain: () => Promise<{ loaded: Loaded<unknown>; bytes: number }>): void {
    const expires = cache.expiry(id);
    if (expires === undefined || expires - time > ttlMs * REFRESH_AHEAD_FRACTION || !holdsValue.has(hit) || refreshing.has(hit)) return;
    refreshing.add(hit);
    const refresh = readAgain().then(
      ({ loaded, bytes }) => {
        if (loaded === null || !("value" in loaded)) return;
        const value = Promise.resolve(loaded);
        if (cache.replace(id, hit, value, parsedWeight(bytes), clock() + ttlMs)) holdsValue.add(value);
      },
      () => {},
    );
    const done = refresh.finally(() => refreshing.delete(hit));
    options.keepAlive?.(done);
  }

  /**
   * The value, null when absent. When the store fails or the object is
   * unreadable, its last good value if there is one (and the reader turns
   * stale); otherwise the failure rejects.
   */
  async function read<T>(key: string, decode: (body: Uint8Array) => Decoded<T>, accept?: (value: T) => string | null): Promise<T | null> {
    let failure: StoreError;
    try {
      const result = await load(key, decode, accept);
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

  /** Like {@link read}, but an unreadable object without a last good copy reads as none. */
  async function readOrNone<T>(key: string, decode: (body: Uint8Array) => Decoded<T>): Promise<T | null> {
    try {
      return await read(key, decode);
    } catch (error) {
      if (error instanceof UnreadableIndexError) return null;
      throw error;
    }
  }

  /** An object of an older index: only a stand-in while this one is built; nothing repairs it, so a bad one reads as none, unreported. */
  async function quiet<T>(key: string, decode: (body: Uint8Array) => Decoded<T>): Promise<T | null> {
    const loaded = await load(key, decode, undefined, false);
    return loaded !== null && "value" in loaded ? loaded.value : null;
  }

  /** Nodes for one lookup: each read once even without the cache (a tree walk reads its root more than once). */
  const nodes = (): NodeSource => {
    const seen = new Map<string, Promise<unknown>>();
    return {
      get<T>(key: string, decode: (body: Uint8Array) => Decoded<T>): Promise<T | null> {
        let value = seen.get(key) as Promise<T | null> | undefined;
        if (value === undefined) {
          value = read(key, decode);
          seen.set(key, value);
        }
        return value;
      },
    };
  };

  /**
   * The index to read. Without a cache (INDEX_TTL=0) a reader still decides
   * once: it lives for one request, whose scope and head must come from the
   * same index.
   */
  let decided: Source | null = null;
  async function source(part: HeadPart): Promise<Source | null> {
    if (ttlMs > 0) return findSource(part);
    if (decided !== null) return decided;
    // "No index yet" is not kept: the request may build it and ask again.
    decided = await findSource(part);
    return decided;
  }

  /**
   * The index to read: see the module comment. An unreadable head of this
   * version (no last good copy) counts as none. With `summary`, this
   * version's summary decides when it says the index is complete; otherwise
   * (none yet, an index being built, a damaged one) the heads do.
   */
  async function findSource(part: HeadPart): Promise<Source | null> {
    let summaryMissing = false;
    if (part === "summary") {
      // Not its last good copy: when the summary cannot be had, the head holds all of it.
      const loaded = await load(keys.summary, decodeSummary).catch((error: unknown) => {
        if (error instanceof StoreError) return undefined;
        throw error;
      });
      if (loaded && "value" in loaded && loaded.value.complete) return { layout: "current", base: keys.base, stored: loaded.value, whole: false };
      summaryMissing = loaded === null;
    }
    const current = await readOrNone(keys.head, decodeHead);
    // Every write of the head writes its summary: the next run writes it again.
    if (summaryMissing && current !== null) onUnreadable(keys.summary, "missing although the index has a head");
    if (current?.complete) return { layout: "current", base: keys.base, stored: current, whole: true };
    for (let version = INDEX_VERSION - 1; version >= LAYOUT_VERSION; version--) {
      const base = keys.versionBase(version);
      const older = await quiet(`${base}head.json`, decodeHead);
      if (older?.complete) return { layout: "current", base, stored: older, whole: true };
    }
    const legacy = await quiet(keys.legacy.head, decodeLegacyHead);
    if (legacy !== null) return { layout: "legacy", head: legacy };
    // The head a first build writes before anything else (see `announcements` in writer.ts) holds no
    // article yet: an empty feed would tell subscribers the site has none. It reads as no index yet.
    return current === null || isUnstarted(current) ? null : { layout: "current", base: keys.base, stored: current, whole: true };
  }

  /** Object keys below the folder `base` of this layout. */
  const under = (base: string, key: string): string => base + key.slice(keys.base.length);

  async function head(): Promise<IndexHead | null> {
    const found = await source("whole");
    if (found === null) return null;
    if (found.layout === "legacy") return legacyView(found.head);
    // Decided by the summary earlier in this request: the head of the same index.
    const stored = found.whole ? found.stored : await readOrNone(under(found.base, keys.head), decodeHead);
    return stored === null ? null : viewOf(stored, new Date(clock()));
  }

  async function summary(): Promise<IndexSummary | null> {
    const found = await source("summary");
    if (found === null) return null;
    const { items: _articles, ...rest } = found.layout === "legacy" ? legacyView(found.head) : viewOf(found.stored, new Date(clock()));
    return rest;
  }

  async function archive(month: string, page?: string): Promise<ArchivePage | null> {
    if (!isMonth(month) || (page !== undefined && !/^[1-9][0-9]{0,8}$/.test(page))) return null;
    const found = await source("summary");
    if (found === null) return null;
    const view = found.layout === "legacy" ? legacyView(found.head) : viewOf(found.stored, new Date(clock()));
    const position = view.months.findIndex((entry) => entry.month === month);
    const entry = view.months[position];
    if (entry === undefined) return null;
    const newerMonth = view.months[position - 1];
    const olderMonth = view.months[position + 1];
    if (found.layout === "legacy") {
      if (page !== undefined) return null;
      const stored = await quiet(keys.legacy.month(month), decodeLegacyPage);
      if (stored === null) return null;
      return {
        month,
        page: "",
        items: stored.items,
        full: false,
        newer: newerMonth ? { month: newerMonth.month, page: "" } : null,
        older: olderMonth ? { month: olderMonth.month, page: "" } : null,
      };
    }
    const id = page ?? entry.newestPage;
    // The page and the month's root (its neighbours are found through it) are read at once.
    const pages = nodes();
    const tree = new TreeReader(pages, { ...monthTreeShape, nodeKey: (node: string) => under(found.base, keys.archiveNode(month, node)) });
    const [node] = await Promise.all([pages.get(under(found.base, keys.archiveNode(month, id)), monthNodes), tree.root()]);
    if (node === null || node.type !== "leaf" || node.entries.length === 0) return null;
    const around = await tree.neighbours(id, (node.entries[0] as [string, Article])[0]);
    if (around === null) return null;
    return {
      month,
      page: id,
      // A leaf holds its entries in sort-key order: newest first.
      items: node.entries.map(([, article]) => article),
      full: node.entries.length >= PAGE_SIZE,
      newer: around.prev !== null ? { month, page: around.prev } : newerMonth ? { month: newerMonth.month, page: newerMonth.oldestPage } : null,
      older: around.next !== null ? { month, page: around.next } : olderMonth ? { month: olderMonth.month, page: olderMonth.newestPage } : null,
    };
  }

  return {
    get stale() {
      return stale;
    },
    head,
    summary,
    archive,

    async topic(kind, slug) {
      if (!isTopicKind(kind) || slug === "" || slug.length > MAX_NAME) return null;
      const found = await source("summary");
      if (found === null) return null;
      if (found.layout === "legacy") {
        const page = await quiet(keys.legacy.topic(kind, slug), decodeLegacyPage);
        return page === null ? null : { version: 1, kind, slug, name: page.name ?? slug, items: page.items };
      }
      const topic = await read(under(found.base, keys.topic(kind, slug)), decodeTopic);
      // Another topic's object (two slugs whose shortened keys collide) is not this one: none.
      if (topic === null || topic.kind !== kind || topic.slug !== slug) return null;
      return { version: topic.version, kind, slug, name: topic.name, items: topic.items };
    },

    async olderThan(cursor) {
      const found = await source("summary");
      if (found === null || found.layout === "legacy") return null;
      const month = monthOf(timeOfSortKey(cursor));
      if (!isMonth(month)) return null;
      const tree = new TreeReader(nodes(), { ...monthTreeShape, nodeKey: (id: string) => under(found.base, keys.archiveNode(month, id)) });
      const holder = await tree.leafFor(cursor);
      if (holder === null) return null;
      const after = holder.leaf.entries.filter(([key]) => compareSortKeys(key, cursor) > 0).map(([, article]) => article);
      const rest = await archive(month, holder.id);
      if (rest === null) return null;
      if (after.length > 0) return { items: after, older: rest.older };
      // Nothing left in the cursor's page: the next older page, whole.
      const older = rest.older === null ? null : await archive(rest.older.month, rest.older.page);
      return older === null ? { items: [], older: null } : { items: older.items, older: older.older };
    },

    async article(id) {
      if (id === "" || id.length > MAX_NAME) return null;
      const found = await source("summary");
      if (found === null) return null;
      if (found.layout === "legacy") {
        const stored = await quiet(keys.legacy.article(id), decodeLegacyArticle);
        return stored !== null && stored.article.id === id ? stored.article : null;
      }
      const record = await read(under(found.base, keys.article(id)), decodeArticleRecord);
      return record?.article !== undefined && record.article !== null && record.article.id === id ? record.article : null;
    },
  };
}

const monthNodes = nodeDecoder(isArticle);
/** How month trees are stored (only their reading matters here). */
const monthTreeShape = { leafCapacity: PAGE_SIZE, branchCapacity: 1_000, counted: true, decode: monthNodes };

/** True for an incomplete head that holds nothing yet: no article, topic, month or tombstone. */
function isUnstarted(head: StoredHead): boolean {
  const topics = Object.values(head.catalog).some((entries) => entries.length > 0);
  return !head.complete && windowTotal(head) === 0 && !topics && head.months.length === 0 && (head.tombstones?.length ?? 0) === 0;
}

/**
 * The head as readers see it at `now`: visible counts (totals less the
 * future-dated articles the head holds), topics and months without a
 * visible article left out, the catalog in display order.
 */
function viewOf(stored: StoredHead, now: Date): IndexHead {
  const future = stored.items.filter((item) => isFuture(item.published, now));
  const lifted = stored.items.length - future.length;
  const memo = views.get(stored);
  if (memo !== undefined && memo.lifted === lifted) return memo.view;

  const futureTopics = new Map<string, number>();
  const futureMonths = new Map<string, number>();
  const liftedUpdates = new Map<string, string>();
  for (const item of stored.items) {
    const refs = articleTopics(item);
    if (isFuture(item.published, now)) {
      for (const ref of refs) futureTopics.set(`${ref.kind}/${ref.slug}`, (futureTopics.get(`${ref.kind}/${ref.slug}`) ?? 0) + 1);
      const month = monthOf(item.published);
      futureMonths.set(month, (futureMonths.get(month) ?? 0) + 1);
    } else {
      // A topic's update includes articles whose embargo lifted after the head was written.
      for (const ref of refs) {
        const id = `${ref.kind}/${ref.slug}`;
        if (item.updated > (liftedUpdates.get(id) ?? "")) liftedUpdates.set(id, item.updated);
      }
    }
  }
  const catalog = Object.fromEntries(
    TOPIC_KINDS.map((kind) => {
      const entries: CatalogEntry[] = [];
      for (const entry of stored.catalog[kind]) {
        const id = `${kind}/${entry.slug}`;
        const count = entry.total - (futureTopics.get(id) ?? 0);
        if (count <= 0) continue;
        const lifted = liftedUpdates.get(id) ?? "";
        entries.push({ slug: entry.slug, name: entry.name, count, updated: lifted > entry.updated ? lifted : entry.updated });
      }
      entries.sort((a, b) => b.count - a.count || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
      return [kind, entries];
    }),
  ) as Record<TopicKind, CatalogEntry[]>;
  const months: MonthCount[] = [];
  for (const entry of stored.months) {
    const count = entry.total - (futureMonths.get(entry.month) ?? 0);
    if (count > 0) months.push({ month: entry.month, count, newestPage: entry.newestPage, oldestPage: entry.oldestPage });
  }
  const view: IndexHead = { version: stored.version, builtAt: stored.builtAt, items: stored.items, catalog, months, tombstones: stored.tombstones ?? [] };
  views.set(stored, { lifted, view });
  return view;
}

/** A head of the older layout as readers see it (its months are single documents, without pages). */
function legacyView(head: LegacyHead): IndexHead {
  const memo = views.get(head);
  if (memo !== undefined) return memo.view;
  const view: IndexHead = {
    version: head.version,
    builtAt: head.builtAt,
    items: head.items,
    catalog: head.catalog,
    months: head.months.map((entry) => ({ month: entry.month, count: entry.count, newestPage: "", oldestPage: "" })),
    tombstones: head.tombstones ?? [],
  };
  views.set(head, { lifted: 0, view });
  return view;
}
