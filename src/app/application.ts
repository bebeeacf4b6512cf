/**
 * The application layer: everything one Worker isolate keeps between
 * invocations, and the operations every entry point shares. HTTP routes, the
 * cron handler and event handlers are thin adapters over one
 * {@link Application}: they turn their input into calls here.
 *
 * Owned here, and nowhere else:
 * - the clock (injected, so that tests never depend on today's date);
 * - the isolate caches: parsed index objects and rendered documents, both
 *   {@link BoundedCache}s bounded by estimated memory, and the renders under
 *   way (concurrent misses of one document share one);
 * - index update coordination: one update (rebuild, reconciliation or
 *   applied changes) per store at a time, concurrent rebuilds shared, and at
 *   most one rebuild started by anonymous requests per INDEX_TTL (at least
 *   ten seconds);
 * - the store policies (timeouts and retries per purpose), one circuit
 *   breaker per store on the request path, and the index objects found
 *   damaged, which the next run rewrites;
 * - invalidation after the index changed: memory, and every cache-key
 *   variant in the edge cache (keys come from `cache-keys.ts` alone);
 * - the partner definition in force per store (`_partners.yaml`), read at
 *   most once per INDEX_TTL, with this isolate's last valid version.
 */
import { type Config, type Env, loadConfig, loadStoreSettings, type StoreSettings } from "../config";
import { FEED_FORMATS } from "../feed/formats";
import { isArticleKey, type RebuildReport, rebuildIndex } from "../index/build";
import { applyChanges, type ChangeReport, type ReconcileReport, reconcile } from "../index/changes";
import { createIndexReader, type IndexObjectCache, type IndexReader, UnreadableIndexError } from "../index/reader";
import { type IndexHead, type IndexSummary, indexKeys } from "../index/schema";
import type { PartnerDefinition } from "../partners/definition";
import { loadPartnerDefinition } from "../partners/storage";
import { type MeteredStore, meterStore } from "../store/metered";
import { createR2Store } from "../store/r2";
import { createS3Store } from "../store/s3";
import { type ArticleStore, StoreError } from "../store/store";
import { type FeedScope, feedPath, OPML_PATH } from "../urls";
import { BoundedCache } from "./bounded-cache";
import { purgeKeys } from "./cache-keys";
import { CircuitBreaker, guardStore } from "./circuit-breaker";
import { FeedVersions } from "./feed-versions";
import { createLogger, failureFields, type Logger } from "./log";
import { SingleFlight } from "./single-flight";
import { PING_SUBREQUEST_BUDGET, type PublishReport, publishedFeedUrls, publishToHubs } from "./websub";

/** A finished 200 response as plain data, so it can be answered many times from memory. */
export interface RenderedDocument {
  /** Encoded once: a warm request then copies bytes instead of encoding text again. */
  body: Uint8Array<ArrayBuffer>;
  headers: [string, string][];
  /** 410 for the notice of a withdrawn article; absent: 200. */
  status?: number;
}

/** What an invocation works with: its configuration, its (metered) store and the index reader. */
export interface Services {
  app: Application;
  config: Config;
  /** The store on the request path: short timeouts, behind the circuit breaker. */
  store: MeteredStore;
  index: IndexReader;
  /** This invocation's logger (request id on every line, secrets hidden). */
  log: Logger;
  /** The request's `waitUntil`, for work that must outlive the answer (pings after a rebuild, a repair run). */
  background?: Background;
}

/** What an invocation without a request (cron, queue) works with. */
export interface StoreServices {
  app: Application;
  settings: StoreSettings;
  /** The store for index runs: long timeouts and retries. */
  store: MeteredStore;
  log: Logger;
}

/** What a request contributes to work it starts in the background. */
type RequestContext = Pick<Services, "config" | "log" | "background">;

/** What a store is opened for; each purpose has its own timeouts and retries ({@link STORE_POLICIES}). */
export type StorePurpose = "request" | "index";

/**
 * Timeouts and attempts per purpose, for the S3 store and the R2 binding
 * alike. A request would rather answer a stale copy or a 503 now than a
 * fresh document in ten seconds: each store call ends within 1.5 s, so that
 * the 503 goes out within 2 s even while the store hangs; a second attempt
 * fits in that only when the first failed at once (a pooled connection the
 * server had just closed: "Network connection lost", the SDK's back-off is
 * milliseconds). An index run has nobody waiting and must finish: 10 s per
 * attempt, three attempts.
 */
export const STORE_POLICIES: Record<StorePurpose, { timeoutMs: number; maxAttempts: number; callTimeoutMs?: number }> = {
  request: { timeoutMs: 1_500, maxAttempts: 2, callTimeoutMs: 1_500 },
  index: { timeoutMs: 10_000, maxAttempts: 3 },
};

/**
 * The request path's circuit breaker: three consecutive failures open it for
 * ten seconds, then one probe decides. Three, so that one lost packet does
 * not take a healthy store out of service.
 */
export const BREAKER_POLICY = { failureThreshold: 3, coolDownMs: 10_000 };

/**
 * Anonymous requests start at most one index run per store per this many
 * seconds or INDEX_TTL, whichever is longer: with INDEX_TTL=0 a broken index
 * would otherwise make every request a run.
 */
const MIN_REQUEST_REBUILD_INTERVAL_SECONDS = 10;

/** Most stores kept open at once. */
const MAX_OPEN_STORES = 16;

/** Most index keys remembered for repair per store (a bound against a flood of bad requests). */
const MAX_REPAIR_KEYS = 200;

/** Options of {@link Application}. */
export interface ApplicationOptions {
  /** The current time; default the system clock. */
  clock?: () => Date;
  /** Opens the store for settings and purpose; default {@link openDefaultStore} (tests may pass another). */
  openStore?: (settings: StoreSettings, purpose: StorePurpose) => ArticleStore;
  /** The Workers edge cache; default `caches.default` where the runtime has it. */
  edgeCache?: Cache | null;
  /** The index update for changed keys; default the index's `applyChanges` (tests may wrap it). */
  applyChanges?: typeof applyChanges;
  /** Outgoing HTTP requests that are not store requests (confirming a subscription, WebSub publish pings); default `fetch`. */
  fetch?: typeof fetch;
  /** Timing of the publish pings (`websub.ts` defaults; tests make them short). */
  websub?: { timeoutMs?: number; backoffMs?: number };
  /** Where log lines go; default JSON lines on the console. */
  log?: Logger;
}

/** Where an invocation keeps work that must outlive its answer (`ExecutionContext.waitUntil`). */
export type Background = (work: Promise<unknown>) => void;

/** What {@link Application.applyChanges} did. */
export interface AppliedChanges extends ChangeReport {
  /** Keys that name no article (the index folder, other extensions, other prefixes): nothing to do. */
  ignored: string[];
}

/**
 * Subrequests the index update of one invocation may spend while hubs are
 * configured: the index's default (45 of the invocation's 50) less the
 * publish pings' share ({@link PING_SUBREQUEST_BUDGET}).
 */
export const INDEX_BUDGET_WITH_HUBS = 45 - PING_SUBREQUEST_BUDGET;

/**
 * Edge-cache deletions one invocation makes after an update at most. A change
 * can touch many feeds (its tags, author, language, source, month); the main
 * documents are purged first, and a feed beyond the bound is refreshed by its
 * own max-age (CACHE_MAX_AGE) instead. The bound keeps an invocation's Cache
 * API calls few whatever a change touched.
 */
export const MAX_EDGE_PURGES = 40;

/**
 * Memory bounds of one isolate (a Worker has 128 MB in all): parsed index
 * objects and rendered documents together stay well under half of it, so a
 * request's own work always has room.
 */
const INDEX_CACHE_BOUNDS = { maxEntries: 500, maxWeight: 24 * 1024 * 1024, maxEntryWeight: 8 * 1024 * 1024 };
const DOCUMENT_CACHE_BOUNDS = { maxEntries: 256, maxWeight: 16 * 1024 * 1024, maxEntryWeight: 2 * 1024 * 1024 };
/** Mostly the same objects as the index cache holds (shared, not copied); on its own after their TTL. */
const LAST_GOOD_BOUNDS = { maxEntries: 500, maxWeight: 16 * 1024 * 1024, maxEntryWeight: 8 * 1024 * 1024 };

/** One isolate's application state and shared operations. */
export class Application {
  readonly clock: () => Date;
  /** Rendered documents by cache key, for INDEX_TTL: a warm request needs no store read, render or edge lookup. */
  readonly documents = new BoundedCache<RenderedDocument>(DOCUMENT_CACHE_BOUNDS);
  /** Renders under way by cache key: concurrent misses of one document wait for one render instead of starting their own. */
  readonly renders = new SingleFlight();
  /** Parsed index objects (promises, so concurrent requests share one read) by store identity and object key. */
  readonly indexObjects: IndexObjectCache = new BoundedCache<Promise<unknown>>(INDEX_CACHE_BOUNDS);
  /**
   * The last good value of each index object, for a day: what a document is
   * rendered from while the store fails (the document is then stale and not
   * kept). Not cleared by a re-index: it is only ever a fallback.
   */
  readonly indexLastGood = new BoundedCache<unknown>(LAST_GOOD_BOUNDS);
  readonly edgeCache: Cache | null;
  readonly log: Logger;
  /** Earlier versions of feed documents, for RFC 3229 `feed` deltas; kept across index changes (each names one ETag). */
  readonly feedVersions: FeedVersions;
  private readonly websubTiming: { timeoutMs?: number; backoffMs?: number };
  private readonly openStore: (settings: StoreSettings, purpose: StorePurpose) => ArticleStore;
  /** Opened S3 stores by purpose and settings: an S3 client is costly to create and holds no per-request state. */
  private readonly stores = new Map<string, ArticleStore>();
  readonly fetch: typeof fetch;
  private readonly indexUpdate: typeof applyChanges;
  private readonly rebuildsInFlight = new Map<string, Promise<RebuildReport>>();
  /** The last index update queued per store identity: the next one starts after it settled. */
  private readonly updateTails = new Map<string, Promise<unknown>>();
  /** When anonymous requests last started a rebuild, per store identity (milliseconds). */
  private readonly lastRequestRebuild = new Map<string, number>();
  /** The partner definition in force per store identity, until it is due to be read again. */
  private readonly partnerDefinitions = new Map<string, KnownPartners>();
  private readonly partnerLoads = new Map<string, Promise<PartnerDefinition>>();
  /** Operator notices already logged by this isolate (each once, not once per request). */
  private readonly notices = new Set<string>();
  /** The request path's circuit breaker per store connection (endpoint, bucket, credentials). */
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Index object keys found unreadable (or missing though listed), per store identity: the next run rewrites them. */
  private readonly damaged = new Map<string, Set<string>>();
  /**
   * Article record keys a request found missing, per store identity: an
   * article that never was looks the same, so only an explicit run (admin)
   * checks them; anyone could otherwise make every run a repair.
   */
  private readonly maybeMissing = new Map<string, Set<string>>();

  constructor(options: ApplicationOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.openStore = options.openStore ?? openDefaultStore;
    this.edgeCache = options.edgeCache !== undefined ? options.edgeCache : defaultEdgeCache();
    this.indexUpdate = options.applyChanges ?? applyChanges;
    this.feedVersions = new FeedVersions(this.edgeCache, () => this.nowMs());
    // Unbound `fetch` throws "Illegal invocation" in workerd when called as a method.
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.websubTiming = options.websub ?? {};
    this.log = options.log ?? createLogger();
  }

  /** Milliseconds since the epoch by the application's clock. */
  nowMs(): number {
    return this.clock().getTime();
  }

  /**
   * Services for a request to `requestUrl` in the Worker environment `env`.
   * @throws {ConfigError} when the configuration is incomplete.
   */
  services(env: Env, requestUrl: string, context: { log?: Logger; background?: Background } = {}): Services {
    const config = loadConfig(env, requestUrl);
    const log = context.log ?? this.logFor(config);
    const store = meterStore(guardStore(this.store(config, "request"), this.breaker(config)));
    const background = context.background;
    const request = { config, log, ...(background ? { background } : {}) };
    const index = this.indexReader(
      config,
      store,
      (key, reason) => {
        log.warn("index object unreadable", { key, reason });
        this.repairSoon(request, key);
      },
      background,
    );
    return { app: this, config, store, log, index, ...(background ? { background } : {}) };
  }

  /**
   * Services for an invocation without a request.
   * @throws {ConfigError} when the configuration is incomplete.
   */
  storeServices(env: Env): StoreServices {
    const settings = loadStoreSettings(env);
    return { app: this, settings, store: meterStore(this.store(settings, "index")), log: this.logFor(settings) };
  }

  /** The application's logger with the secrets of `settings` hidden and their log level. */
  logFor(settings: StoreSettings & { adminToken?: string }, fields: Record<string, unknown> = {}): Logger {
    return this.log.child(fields, { secrets: secretsOf(settings), level: settings.logLevel });
  }

  /** True while the store of `svc` failed recently: a request should not wait long for it. */
  storeDegraded(svc: Services): boolean {
    return this.breaker(svc.config).degraded;
  }

  /**
   * The index head. When there is none (a bucket never indexed, a head that
   * was deleted or cannot be read), the request runs the index, which
   * rewrites the head; but anonymous requests start at most one run per
   * store per INDEX_TTL (at least ten seconds): otherwise a broken head
   * would make every request a run.
   * @throws {StoreError} when the store fails or no head can be had now.
   */
  async indexHead(svc: Services): Promise<IndexHead> {
    return this.indexPart(svc, () => svc.index.head());
  }

  /**
   * The head without its articles (its catalog, months and tombstones), for
   * requests that show no main window: read from the index's small summary
   * object when there is one. Otherwise as {@link indexHead}.
   * @throws {StoreError} when the store fails or no head can be had now.
   */
  async indexSummary(svc: Services): Promise<IndexSummary> {
    return this.indexPart(svc, () => svc.index.summary());
  }

  private async indexPart<T>(svc: Services, read: () => Promise<T | null>): Promise<T> {
    const part = await read();
    if (part) return part;
    this.noteDamaged(svc.config, indexKeysOf(svc).head);
    if (this.mayStartRequestRebuild(svc.config)) {
      await this.rebuild(svc.config, this.store(svc.config, "index"), svc.config.feed.siteUrl, svc.background, svc.log);
      const built = await read();
      if (built) return built;
    }
    throw new StoreError("get", indexKeysOf(svc).head, { cause: new Error("the index has no readable head yet") });
  }

  /**
   * Reports an index object that a request found unusable: unreadable, or
   * missing although the head lists it. The key is remembered for the next
   * index run (which rewrites it even though its planned content did not
   * change), a run is started in the background if anonymous requests may
   * start one now, and the error to answer with (503 or the last good copy)
   * is returned.
   */
  indexDamaged(svc: Services, key: string, reason: string): UnreadableIndexError {
    svc.log.warn("index object missing", { key, reason });
    this.repairSoon(svc, key);
    return new UnreadableIndexError(key, reason);
  }

  /**
   * Remembers that the index object at `key` may be missing (an article
   * object that is not there: it cannot be told from one that never was), so
   * that the next run rewrites it if it plans it. Starts no run.
   */
  indexObjectMaybeMissing(svc: Services, key: string): void {
    addBounded(this.maybeMissing, storeIdentity(svc.config), key);
  }

  /** True when a request found index objects of `settings`' store damaged since the last run: the next run must be a rebuild. */
  hasDamage(settings: StoreSettings): boolean {
    return (this.damaged.get(storeIdentity(settings))?.size ?? 0) > 0;
  }

  /**
   * Runs one index run of `settings`' store on `store` (callers pass one
   * opened for the index: {@link indexStore}), shared with concurrent
   * callers and run after any update under way; it also rewrites every
   * object found damaged since the last run. Then invalidates what was
   * derived from the old index and notifies the WebSub hubs of the feeds
   * that changed, in `background` (the pings never delay or fail the run;
   * without it they run detached). The outcome is logged once, here.
   */
  rebuild(
    settings: StoreSettings,
    store: ArticleStore,
    siteUrl?: string,
    background?: Background,
    log: Logger = this.log,
    options: { explicit?: boolean } = {},
  ): Promise<RebuildReport> {
    const identity = storeIdentity(settings);
    let running = this.rebuildsInFlight.get(identity);
    if (!running) {
      let changedScopes: readonly FeedScope[] | undefined;
      const missing = options.explicit ? [...(this.maybeMissing.get(identity) ?? [])] : [];
      const repair = [...(this.damaged.get(identity) ?? []), ...missing];
      running = this.serialized(identity, () =>
        rebuildIndex(store, {
          articlePrefix: settings.prefix,
          defaultLanguage: settings.defaultLanguage,
          now: this.clock(),
          log: (message) => log.info(message),
          tombstoneDays: settings.tombstoneDays,
          repair,
        }),
      )
        .then(
          (report) => {
            changedScopes = report.changedScopes;
            for (const key of repair) {
              this.damaged.get(identity)?.delete(key);
              this.maybeMissing.get(identity)?.delete(key);
            }
            log.info("index run finished", { ...summary(report), repairRequested: repair.length });
            return report;
          },
          (error: unknown) => {
            const expected = error instanceof StoreError;
            log[expected ? "warn" : "error"]("index run failed", failureFields(error, expected));
            throw error;
          },
        )
        .finally(async () => {
          this.rebuildsInFlight.delete(identity);
          // After a failed run nothing is known to have changed: purge the main documents as before, ping nobody.
          await this.indexChanged(settings, siteUrl, changedScopes);
          if (changedScopes) this.afterChange(settings, siteUrl, changedScopes, background);
        });
      this.rebuildsInFlight.set(identity, running);
    }
    return running;
  }

  /** The store of `settings` opened for index work (long timeouts, retries), metered. */
  indexStore(settings: StoreSettings): MeteredStore {
    return meterStore(this.store(settings, "index"));
  }

  /**
   * Brings the index of `settings`' store up to date for `keys`, each of which
   * may have been written or deleted (an event is a hint: the key's current
   * state is read). Keys that name no article are ignored. Runs after any
   * update of the same store under way (a running rebuild may have listed the
   * bucket before these keys changed), within the index's default budget of
   * store requests for one invocation (less the publish pings' share when
   * there are hubs); what the budget did not reach is in `remaining`, for the
   * caller to retry. Then forgets, in memory and in the edge cache, the
   * documents of the feeds that changed, and notifies the WebSub hubs of them
   * in `background`.
   * @throws {StoreError} when the store fails; nothing is lost, the keys can be retried.
   */
  async applyChanges(
    settings: StoreSettings,
    store: ArticleStore,
    keys: readonly string[],
    siteUrl?: string,
    background?: Background,
  ): Promise<AppliedChanges> {
    const unique = [...new Set(keys)];
    const articles = unique.filter((key) => isArticleKey(key, settings.prefix));
    const ignored = unique.filter((key) => !isArticleKey(key, settings.prefix));
    if (articles.length === 0) return { applied: [], remaining: [], changedScopes: [], reads: 0, writes: 0, ignored };
    const identity = storeIdentity(settings);
    // Objects found damaged stay for the next run: repairing rebuilds the index in place, more than a change event's budget holds.
    const report = await this.serialized(identity, () =>
      this.indexUpdate(store, articles, {
        articlePrefix: settings.prefix,
        defaultLanguage: settings.defaultLanguage,
        now: this.clock(),
        log: (message) => this.log.info(message),
        tombstoneDays: settings.tombstoneDays,
        ...(settings.websubHubs.length > 0 ? { budget: INDEX_BUDGET_WITH_HUBS } : {}),
      }),
    ).catch((error: unknown) => {
      // A damaged index object stops a change: the next run rebuilds the index in place (the caller retries the keys).
      if (error instanceof UnreadableIndexError) this.noteDamaged(settings, error.key);
      throw error;
    });
    if (report.changedScopes.length > 0) {
      await this.indexChanged(settings, siteUrl, report.changedScopes);
      this.afterChange(settings, siteUrl, report.changedScopes, background);
    }
    return { ...report, ignored };
  }

  /**
   * One bounded reconciliation run over `settings`' store (the cron trigger):
   * the index walks the bucket's listing from the cursor it keeps, within its
   * default budget of store requests for one invocation (less the publish
   * pings' share when there are hubs), and applies what no change event
   * announced. Runs after any update of the same store under way; then
   * forgets the documents of the feeds that changed and pings their hubs.
   * The outcome is logged once, here, like a rebuild's.
   * @throws {StoreError} when the store fails; the next run starts from the saved cursor.
   */
  async reconcile(settings: StoreSettings, store: ArticleStore, siteUrl?: string, background?: Background, log: Logger = this.log): Promise<ReconcileReport> {
    const started = Date.now();
    let report: ReconcileReport;
    try {
      report = await this.serialized(storeIdentity(settings), () =>
        reconcile(store, {
          articlePrefix: settings.prefix,
          defaultLanguage: settings.defaultLanguage,
          now: this.clock(),
          log: (message) => log.info(message),
          tombstoneDays: settings.tombstoneDays,
          ...(settings.websubHubs.length > 0 ? { budget: INDEX_BUDGET_WITH_HUBS } : {}),
        }),
      );
    } catch (error) {
      // A damaged index object stops a bounded run: the next run rebuilds the index in place.
      if (error instanceof UnreadableIndexError) this.noteDamaged(settings, error.key);
      const expected = error instanceof StoreError;
      log[expected ? "warn" : "error"]("index run failed", failureFields(error, expected));
      throw error;
    }
    log.info("index run finished", {
      listed: report.listed ?? 0,
      applied: report.applied.length,
      remaining: report.remaining.length,
      failed: report.failed?.length ?? 0,
      completedPass: report.completedPass,
      repaired: 0,
      reads: report.reads,
      writes: report.writes,
      durationMs: Date.now() - started,
    });
    if (report.changedScopes.length > 0) {
      await this.indexChanged(settings, siteUrl, report.changedScopes);
      this.afterChange(settings, siteUrl, report.changedScopes, background);
    }
    return report;
  }

  /**
   * After the purge (so that a hub fetching a feed at once gets the new
   * document from here): the publish pings, in `background` where there is
   * an execution context, detached otherwise.
   */
  private afterChange(settings: StoreSettings, siteUrl: string | undefined, scopes: readonly FeedScope[], background: Background | undefined): void {
    if (scopes.length === 0 || settings.websubHubs.length === 0) return;
    const pings = this.notifyHubs(settings, siteUrl, scopes);
    if (background) background(pings);
    else void pings;
  }

  /**
   * Sends the WebSub publish pings for the published feeds among `scopes`
   * (main and topic feeds, each format) to every hub of WEBSUB_HUBS, within
   * {@link PING_SUBREQUEST_BUDGET}. Needs the site URL to name the feeds;
   * without one, or without hubs, it does nothing. Never rejects.
   */
  async notifyHubs(settings: StoreSettings, siteUrl: string | undefined, scopes: readonly FeedScope[]): Promise<PublishReport | null> {
    if (settings.websubHubs.length === 0) return null;
    if (!siteUrl) {
      this.noticeOnce("websub: WEBSUB_HUBS is set but SITE_URL is not, so invocations without a request cannot name the feeds to hubs");
      return null;
    }
    const urls = publishedFeedUrls(siteUrl, scopes);
    if (urls.length === 0) return null;
    return publishToHubs({
      hubs: settings.websubHubs,
      urls,
      fetch: this.fetch,
      budget: PING_SUBREQUEST_BUDGET,
      log: (message) => this.log.warn(message),
      ...this.websubTiming,
    });
  }

  /**
   * Forgets everything derived from the index of `settings`' store: parsed
   * objects and rendered documents in memory, and in the edge cache every
   * variant of the home page, the OPML catalogue and the feeds of `scopes`
   * (default the main feeds; other feeds follow within their max-age), at
   * most {@link MAX_EDGE_PURGES} keys. Without a site URL (no SITE_URL, no
   * request) the edge cannot be purged.
   */
  async indexChanged(settings: StoreSettings, siteUrl?: string, scopes: readonly FeedScope[] = [{ kind: "main" }]): Promise<void> {
    this.indexObjects.clear(`${storeIdentity(settings)}\n`);
    this.documents.clear();
    if (!this.edgeCache || !siteUrl) return;
    const main: FeedScope = { kind: "main" };
    const feeds = [main, ...scopes.filter((scope) => scope.kind !== "main")];
    const paths = ["/", OPML_PATH, ...feeds.flatMap((scope) => FEED_FORMATS.map((format) => feedPath(scope, format)))];
    const keys = [...new Set(paths.flatMap((path) => purgeKeys(siteUrl + path)))].slice(0, MAX_EDGE_PURGES);
    const cache = this.edgeCache;
    await Promise.all(keys.map((key) => cache.delete(new Request(key))));
  }

  /**
   * The partner definition in force for the request's store. It is read from
   * the bucket at most once per INDEX_TTL (so a revocation takes effect within
   * INDEX_TTL), by one read shared among concurrent requests. An invalid file
   * leaves the last valid version in force (see `loadPartnerDefinition`); when
   * the store cannot be read, the version this isolate knows stays in force.
   * @throws {StoreError} when the store fails and this isolate knows no version.
   */
  partnerDefinition(svc: Services): Promise<PartnerDefinition> {
    const identity = storeIdentity(svc.config);
    const known = this.partnerDefinitions.get(identity);
    if (known && known.expires > this.nowMs()) return Promise.resolve(known.definition);
    let loading = this.partnerLoads.get(identity);
    if (!loading) {
      loading = this.loadPartners(identity, svc.config, svc.store, known).finally(() => this.partnerLoads.delete(identity));
      this.partnerLoads.set(identity, loading);
      // Other requests wait for this load: it must outlive the request that started it (see IndexReaderOptions.keepAlive).
      svc.background?.(loading.catch(() => {}));
    }
    return loading;
  }

  /** Logs `message` the first time this isolate sees it (configuration notices, not per-request events). */
  noticeOnce(message: string): void {
    if (this.notices.has(message)) return;
    this.notices.add(message);
    this.log.warn(message);
  }

  private async loadPartners(identity: string, settings: StoreSettings, store: ArticleStore, known: KnownPartners | undefined): Promise<PartnerDefinition> {
    try {
      const loaded = await loadPartnerDefinition(store, {
        articlePrefix: settings.prefix,
        lastKnown: known?.lastValid ?? null,
        log: (message) => this.log.warn(message),
      });
      const lastValid = loaded.source === "memory" || loaded.source === "none" ? (known?.lastValid ?? null) : loaded.definition;
      this.partnerDefinitions.set(identity, { definition: loaded.definition, lastValid, expires: this.nowMs() + settings.indexTtlSeconds * 1000 });
      return loaded.definition;
    } catch (error) {
      if (!(error instanceof StoreError) || !known) throw error;
      this.log.warn("partner definition not refreshed, the version read before stays in force", failureFields(error, true));
      return known.definition;
    }
  }

  /**
   * Runs `work` after every update of the same store queued before it has
   * settled (successfully or not): two updates interleaving their reads and
   * writes could each write an index object from a stale view.
   */
  private serialized<T>(identity: string, work: () => Promise<T>): Promise<T> {
    const previous = this.updateTails.get(identity) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.updateTails.set(identity, tail);
    void tail.then(() => {
      if (this.updateTails.get(identity) === tail) this.updateTails.delete(identity);
    });
    return run;
  }

  /**
   * Remembers `key` for the next index run, and starts one in the background
   * if anonymous requests may start one now.
   */
  private repairSoon(request: RequestContext, key: string): void {
    this.noteDamaged(request.config, key);
    if (!this.mayStartRequestRebuild(request.config)) return;
    // A failed run is logged by `rebuild`; the next request or run tries again.
    const run = this.rebuild(request.config, this.store(request.config, "index"), request.config.feed.siteUrl, request.background, request.log).catch(() => {});
    if (request.background) request.background(run);
  }

  /** Whether an anonymous request may start an index run now; if so, the start is recorded. */
  private mayStartRequestRebuild(config: Config): boolean {
    const identity = storeIdentity(config);
    if (this.rebuildsInFlight.has(identity)) return true; // joining a run starts none
    const last = this.lastRequestRebuild.get(identity);
    const now = this.nowMs();
    const interval = Math.max(config.indexTtlSeconds, MIN_REQUEST_REBUILD_INTERVAL_SECONDS) * 1000;
    if (last !== undefined && now - last < interval) return false;
    this.lastRequestRebuild.set(identity, now);
    return true;
  }

  /** The store of `settings` for `purpose`: an S3 store is opened once per isolate. */
  private store(settings: StoreSettings, purpose: StorePurpose): ArticleStore {
    // An R2 store is a thin wrapper over the invocation's binding: nothing costly to keep, and the binding at hand is the one to use.
    if (settings.r2 !== undefined) return this.openStore(settings, purpose);
    const key = `${purpose}\n${JSON.stringify(settings.s3)}`;
    let store = this.stores.get(key);
    if (!store) {
      // A handful per isolate in practice; the bound only guards against a test or a misuse opening many.
      if (this.stores.size >= MAX_OPEN_STORES) this.stores.clear();
      store = this.openStore(settings, purpose);
      this.stores.set(key, store);
    }
    return store;
  }

  private noteDamaged(settings: StoreSettings, key: string): void {
    addBounded(this.damaged, storeIdentity(settings), key);
  }

  private breaker(settings: StoreSettings): CircuitBreaker {
    // Credentials are part of the key: a refused key must not trip the circuit of a working one. A binding has none.
    const key = `${storeIdentity(settings)}|${settings.s3?.accessKeyId ?? ""}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker({ ...BREAKER_POLICY, now: () => this.nowMs() });
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private indexReader(settings: StoreSettings, store: ArticleStore, onUnreadable: (key: string, reason: string) => void, keepAlive?: Background): IndexReader {
    return createIndexReader(store, {
      ...(keepAlive ? { keepAlive } : {}),
      articlePrefix: settings.prefix,
      ttlSeconds: settings.indexTtlSeconds,
      cache: this.indexObjects,
      cacheKey: storeIdentity(settings),
      now: () => this.nowMs(),
      lastGood: this.indexLastGood,
      onUnreadable,
    });
  }
}

/** What an isolate knows of one store's partner definition. */
interface KnownPartners {
  /** In force until `expires` (milliseconds). */
  definition: PartnerDefinition;
  /** The last version that passed every check (the stand-in for an invalid file). */
  lastValid: PartnerDefinition | null;
  expires: number;
}

/** What an isolate knows of one store's partner definition. */
interface KnownPartners {
  /** In force until `expires` (milliseconds). */
  definition: PartnerDefinition;
  /** The last version that passed every check (the stand-in for an invalid file). */
  lastValid: PartnerDefinition | null;
  expires: number;
}

/** Adds `key` to the set of `identity`, up to {@link MAX_REPAIR_KEYS} keys. */
function addBounded(sets: Map<string, Set<string>>, identity: string, key: string): void {
  let keys = sets.get(identity);
  if (!keys) {
    keys = new Set();
    sets.set(identity, keys);
  }
  if (keys.has(key) || keys.size >= MAX_REPAIR_KEYS) return;
  keys.add(key);
}

/**
 * The default store of `settings` for `purpose`, with the purpose's
 * {@link STORE_POLICIES}: the R2 binding when one is bound (see
 * `loadStoreSettings`, which decides), else the S3 store.
 */
export function openDefaultStore(settings: StoreSettings, purpose: StorePurpose): ArticleStore {
  const policy = STORE_POLICIES[purpose];
  return settings.r2 !== undefined ? createR2Store(settings.r2, policy) : createS3Store({ ...settings.s3, ...policy });
}

/**
 * Identifies one bucket+prefix, so isolates serving several never mix their
 * indexes. A binding does not tell its bucket's name; one Worker binds one
 * bucket as ARTICLES_BUCKET, so the binding's name stands for it.
 */
export function storeIdentity(settings: StoreSettings): string {
  if (settings.r2 !== undefined) return `r2-binding|ARTICLES_BUCKET|${settings.prefix}`;
  return `${settings.s3.endpoint}|${settings.s3.bucket}|${settings.prefix}`;
}

function defaultEdgeCache(): Cache | null {
  return typeof caches !== "undefined" && "default" in caches ? (caches as unknown as { default: Cache }).default : null;
}

/** The configured secrets, for the logger to hide. */
function secretsOf(settings: StoreSettings & { adminToken?: string }): string[] {
  return [settings.s3?.secretAccessKey ?? "", settings.s3?.accessKeyId ?? "", settings.adminToken ?? ""];
}

function indexKeysOf(svc: Services) {
  return indexKeys(svc.config.prefix);
}

function summary(report: RebuildReport) {
  return {
    listed: report.listed,
    parsed: report.parsed,
    unchanged: report.unchanged,
    deleted: report.deleted,
    skipped: report.skipped.length,
    repaired: report.repaired,
    reads: report.reads,
    writes: report.writes,
    durationMs: Math.round(report.durationMs),
  };
}
