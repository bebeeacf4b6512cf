/**
 * The application layer: everything one Worker isolate keeps between
 * invocations, and the operations every entry point shares. HTTP routes, the
 * cron handler and event handlers are thin adapters over one
 * {@link Application}: they turn their input into calls here.
 *
 * Owned here, and nowhere else:
 * - the clock (injected, so that tests never depend on today's date);
 * - the isolate caches: parsed index objects and rendered documents, both
 *   {@link BoundedCache}s bounded by estimated memory;
 * - index update coordination: one update (rebuild or applied changes) per
 *   store at a time, concurrent rebuilds shared, and at most one rebuild
 *   started by anonymous requests per INDEX_TTL;
 * - invalidation after the index changed: memory, and every cache-key
 *   variant in the edge cache (keys come from `cache-keys.ts` alone);
 * - the partner definition in force per store (`_partners.yaml`), read at
 *   most once per INDEX_TTL, with this isolate's last valid version.
 */
import { loadConfig, loadStoreSettings, type Config, type Env, type StoreSettings } from "../config";
import { isArticleKey, rebuildIndex, type RebuildReport } from "../index/build";
import { applyChanges, type ChangeReport } from "../index/changes";
import { createIndexReader, type IndexObjectCache, type IndexReader } from "../index/reader";
import type { IndexHead } from "../index/schema";
import { meterStore, type MeteredStore } from "../store/metered";
import { createS3Store } from "../store/s3";
import { StoreError, type ArticleStore } from "../store/store";
import { FEED_FORMATS } from "../feed/formats";
import { OPML_PATH, feedPath, type FeedScope } from "../urls";
import type { PartnerDefinition } from "../partners/definition";
import { loadPartnerDefinition } from "../partners/storage";
import { BoundedCache } from "./bounded-cache";
import { purgeKeys } from "./cache-keys";
import { FeedVersions } from "./feed-versions";
import { PING_SUBREQUEST_BUDGET, publishToHubs, publishedFeedUrls, type PublishReport } from "./websub";

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
  store: MeteredStore;
  index: IndexReader;
  /** The request's `waitUntil`, for work that must outlive the answer (pings after a rebuild). */
  background?: Background;
}

/** What an invocation without a request (cron, queue) works with. */
export interface StoreServices {
  app: Application;
  settings: StoreSettings;
  store: MeteredStore;
}

/** Options of {@link Application}. */
export interface ApplicationOptions {
  /** The current time; default the system clock. */
  clock?: () => Date;
  /** Opens the store for settings; default the S3 store (tests may pass another). */
  openStore?: (settings: StoreSettings) => ArticleStore;
  /** The Workers edge cache; default `caches.default` where the runtime has it. */
  edgeCache?: Cache | null;
  /** The index update for changed keys; default the index's `applyChanges` (tests may wrap it). */
  applyChanges?: typeof applyChanges;
  /** Outgoing HTTP requests that are not store requests (confirming a subscription, WebSub publish pings); default `fetch`. */
  fetch?: typeof fetch;
  /** Timing of the publish pings (`websub.ts` defaults; tests make them short). */
  websub?: { timeoutMs?: number; backoffMs?: number };
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

/** One isolate's application state and shared operations. */
export class Application {
  readonly clock: () => Date;
  /** Rendered documents by cache key, for INDEX_TTL: a warm request needs no store read, render or edge lookup. */
  readonly documents = new BoundedCache<RenderedDocument>(DOCUMENT_CACHE_BOUNDS);
  /** Parsed index objects (promises, so concurrent requests share one read) by store identity and object key. */
  readonly indexObjects: IndexObjectCache = new BoundedCache<Promise<unknown>>(INDEX_CACHE_BOUNDS);
  readonly edgeCache: Cache | null;
  /** Earlier versions of feed documents, for RFC 3229 `feed` deltas; kept across index changes (each names one ETag). */
  readonly feedVersions: FeedVersions;
  private readonly websubTiming: { timeoutMs?: number; backoffMs?: number };
  private readonly openStore: (settings: StoreSettings) => ArticleStore;
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

  constructor(options: ApplicationOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.openStore = options.openStore ?? ((settings) => createS3Store(settings.s3));
    this.edgeCache = options.edgeCache !== undefined ? options.edgeCache : defaultEdgeCache();
    this.indexUpdate = options.applyChanges ?? applyChanges;
    this.feedVersions = new FeedVersions(this.edgeCache, () => this.nowMs());
    // Unbound `fetch` throws "Illegal invocation" in workerd when called as a method.
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.websubTiming = options.websub ?? {};
  }

  /** Milliseconds since the epoch by the application's clock. */
  nowMs(): number {
    return this.clock().getTime();
  }

  /**
   * Services for a request to `requestUrl` in the Worker environment `env`.
   * @throws {ConfigError} when the configuration is incomplete.
   */
  services(env: Env, requestUrl: string, background?: Background): Services {
    const config = loadConfig(env, requestUrl);
    const store = meterStore(this.openStore(config));
    return { app: this, config, store, index: this.indexReader(config, store), ...(background ? { background } : {}) };
  }

  /**
   * Services for an invocation without a request.
   * @throws {ConfigError} when the configuration is incomplete.
   */
  storeServices(env: Env): StoreServices {
    const settings = loadStoreSettings(env);
    return { app: this, settings, store: meterStore(this.openStore(settings)) };
  }

  /**
   * The index head. When there is none (a bucket never indexed, or an object
   * that cannot be read), a request builds the index, but anonymous requests
   * start at most one rebuild per store per INDEX_TTL: otherwise a broken
   * head would make every request a rebuild.
   * @throws {StoreError} when the store fails or no head can be had now.
   */
  async indexHead(svc: Services): Promise<IndexHead> {
    const head = await svc.index.head();
    if (head) return head;
    const identity = storeIdentity(svc.config);
    const last = this.lastRequestRebuild.get(identity);
    const now = this.nowMs();
    if (this.rebuildsInFlight.has(identity) || last === undefined || now - last >= svc.config.indexTtlSeconds * 1000) {
      this.lastRequestRebuild.set(identity, now);
      await this.rebuild(svc.config, svc.store, svc.config.feed.siteUrl, svc.background);
      const built = await svc.index.head();
      if (built) return built;
    }
    throw new StoreError("get", "index head", { cause: new Error("the index has no readable head yet") });
  }

  /**
   * Runs one rebuild of the index of `settings`' store, shared with concurrent
   * callers and run after any update under way, then invalidates what was
   * derived from the old index and notifies the WebSub hubs of the feeds that
   * changed, in `background` (the pings never delay or fail the rebuild;
   * without it they run detached).
   */
  rebuild(settings: StoreSettings, store: ArticleStore, siteUrl?: string, background?: Background): Promise<RebuildReport> {
    const identity = storeIdentity(settings);
    let running = this.rebuildsInFlight.get(identity);
    if (!running) {
      let changedScopes: readonly FeedScope[] | undefined;
      running = this.serialized(identity, () =>
        rebuildIndex(store, {
          articlePrefix: settings.prefix,
          defaultLanguage: settings.defaultLanguage,
          now: this.clock(),
          log: (message) => console.warn(message),
          tombstoneDays: settings.tombstoneDays,
        }),
      )
        .then((report) => {
          changedScopes = report.changedScopes;
          return report;
        })
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
  async applyChanges(settings: StoreSettings, store: ArticleStore, keys: readonly string[], siteUrl?: string, background?: Background): Promise<AppliedChanges> {
    const unique = [...new Set(keys)];
    const articles = unique.filter((key) => isArticleKey(key, settings.prefix));
    const ignored = unique.filter((key) => !isArticleKey(key, settings.prefix));
    if (articles.length === 0) return { applied: [], remaining: [], changedScopes: [], reads: 0, writes: 0, ignored };
    const report = await this.serialized(storeIdentity(settings), () =>
      this.indexUpdate(store, articles, {
        articlePrefix: settings.prefix,
        defaultLanguage: settings.defaultLanguage,
        now: this.clock(),
        log: (message) => console.warn(message),
        tombstoneDays: settings.tombstoneDays,
        ...(settings.websubHubs.length > 0 ? { budget: INDEX_BUDGET_WITH_HUBS } : {}),
      }),
    );
    if (report.changedScopes.length > 0) {
      await this.indexChanged(settings, siteUrl, report.changedScopes);
      this.afterChange(settings, siteUrl, report.changedScopes, background);
    }
    return { ...report, ignored };
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
    return publishToHubs({ hubs: settings.websubHubs, urls, fetch: this.fetch, budget: PING_SUBREQUEST_BUDGET, ...this.websubTiming });
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
    }
    return loading;
  }

  /** Logs `message` the first time this isolate sees it (configuration notices, not per-request events). */
  noticeOnce(message: string): void {
    if (this.notices.has(message)) return;
    this.notices.add(message);
    console.warn(message);
  }

  private async loadPartners(identity: string, settings: StoreSettings, store: ArticleStore, known: KnownPartners | undefined): Promise<PartnerDefinition> {
    try {
      const loaded = await loadPartnerDefinition(store, {
        articlePrefix: settings.prefix,
        lastKnown: known?.lastValid ?? null,
        log: (message) => console.warn(message),
      });
      const lastValid = loaded.source === "memory" || loaded.source === "none" ? (known?.lastValid ?? null) : loaded.definition;
      this.partnerDefinitions.set(identity, { definition: loaded.definition, lastValid, expires: this.nowMs() + settings.indexTtlSeconds * 1000 });
      return loaded.definition;
    } catch (error) {
      if (!(error instanceof StoreError) || !known) throw error;
      console.error(`partner definition not refreshed, the version read before stays in force: ${error.message}`);
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

  private indexReader(settings: StoreSettings, store: ArticleStore): IndexReader {
    return createIndexReader(store, {
      articlePrefix: settings.prefix,
      ttlSeconds: settings.indexTtlSeconds,
      cache: this.indexObjects,
      cacheKey: storeIdentity(settings),
      now: () => this.nowMs(),
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

/** Identifies one bucket+prefix, so isolates serving several never mix their indexes. */
export function storeIdentity(settings: StoreSettings): string {
  return `${settings.s3.endpoint}|${settings.s3.bucket}|${settings.prefix}`;
}

function defaultEdgeCache(): Cache | null {
  return typeof caches !== "undefined" && "default" in caches ? (caches as unknown as { default: Cache }).default : null;
}
