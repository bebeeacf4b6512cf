/**
 * Serving a rendered document the way aggregators expect: the edge cache in
 * front of rendering, validators and 304s, Cache-Control with
 * stale-while-revalidate / stale-if-error (RFC 5861), and the last good copy
 * when the store is down. Every cacheable route goes through {@link serve}.
 */
import type { Context } from "hono";
import type { Application, RenderedDocument } from "../app/application";
import { type CacheKeyOptions, type CacheVariant, cacheKey } from "../app/cache-keys";
import type { LogFields } from "../app/log";
import type { DeltaSource } from "../feed/delta";
import { StoreError } from "../store/store";
import { entityTag, ifNoneMatchMatches, isNotModified, NOT_MODIFIED_HEADERS } from "./conditional";
import { opaqueValue, requestedDeltaBases } from "./delta";
import { ERROR_BODIES, HttpError } from "./errors";
import { remainingFreshnessSeconds } from "./freshness";
import { documentIdentity } from "./partner-access";
import { type ResponseCost, serverTiming } from "./server-timing";
import { type AppEnv, backgroundOf, services } from "./services";

/** A document ready to be sent. */
export interface Representation {
  body: string;
  /** Media type with charset. */
  contentType: string;
  /** Newest change of what the document shows; null when unknown. */
  lastModified: Date | null;
  /** Freshness lifetime in seconds; `immutable` for documents that never change again (closed archives). */
  maxAge: number | "immutable";
  /** Links for the HTTP `Link` header (RFC 8288), e.g. WebSub `hub` and `self`. */
  links?: readonly { href: string; rel: string }[];
  /** Feed documents: their entries' versions, for RFC 3229 `feed` deltas (`feed/delta.ts`). */
  delta?: DeltaSource;
  /** 410 for the notice of a withdrawn article (cached like the document it replaces); 200 by default. */
  status?: 200 | 410;
}

/** How {@link serve} files a document. */
export interface ServeOptions {
  /** Query parameters that change the document; all others are left out of the cache key. */
  significantParams?: readonly string[];
  /**
   * The URL has several representations chosen by `Accept` (a feed or its
   * HTML page, `negotiation.ts`): every answer says `Vary: Accept` (RFC 9110
   * §12.5.5), so shared caches do not hand one client the other's variant.
   */
  varyOnAccept?: boolean;
  /** Which of them this request gets, and so where it is cached; `reader` (the URL's own document) by default. */
  variant?: CacheVariant;
  /**
   * The document is a feed that answers RFC 3229 `A-IM: feed` requests with
   * a delta (its representation has a `delta` source).
   */
  deltas?: boolean;
}

/** How long a client or cache may keep using a stale copy while it revalidates, or while we fail. */
const STALE_WHILE_REVALIDATE_SECONDS = 600;
const STALE_IF_ERROR_SECONDS = 86_400;
const ONE_YEAR_SECONDS = 31_536_000;
/** A stale answer may be reused briefly, then the client should ask again. */
const STALE_CACHE_CONTROL = "public, max-age=30";

/**
 * How long a request waits for a fresh document while the store is degraded
 * (it failed recently) before it answers the last good copy instead; the
 * render goes on in the background and refreshes the caches if it succeeds.
 */
const DEGRADED_WAIT_MS = 50;

/**
 * Cache-Control for a representation. A partner's documents are `private`
 * (RFC 9111 §5.2.2.7): only the partner's own client may keep them, never a
 * shared cache that would hand them to someone else.
 */
export function cacheControl(maxAge: Representation["maxAge"], audience: "public" | "private" = "public"): string {
  if (maxAge === "immutable") return `${audience}, max-age=${ONE_YEAR_SECONDS}, immutable`;
  return `${audience}, max-age=${maxAge}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}, stale-if-error=${STALE_IF_ERROR_SECONDS}`;
}

/**
 * Answers `c` with the document `render` produces, going through the edge
 * cache and answering conditional requests. When rendering fails because the
 * store is down, the last good copy is served instead (or 503 when there is
 * none); while the store is degraded, the last good copy is served as soon
 * as a fresh render takes longer than {@link DEGRADED_WAIT_MS}.
 *
 * A partner's documents are kept in isolate memory under their partner
 * variant (id and terms fingerprint, never the token) and never in the
 * shared edge cache.
 *
 * Concurrent misses of one cache key share one render (`Application.renders`):
 * the first request renders, the others wait for it and each answers its own
 * response (`cache;desc="shared"`, no store reads of their own). An edge-cache
 * hit is kept in isolate memory for as long as the edge copy stays fresh, so
 * the next request is a memory hit. Whole public answers from memory are
 * offered to the memory fast path (`memory-answers.ts`).
 */
export async function serve(c: Context<AppEnv>, render: () => Promise<Representation>, options: ServeOptions = {}): Promise<Response> {
  const app = c.get("app");
  const document = documentIdentity(c);
  const cache = document.partner ? null : app.edgeCache;
  const variant: CacheVariant = options.variant ?? "reader";
  const significantParams = options.significantParams ?? [];
  const keyOptions: CacheKeyOptions = { significantParams, variant, partner: document.partner };
  const key = cacheKey(document.url, keyOptions);
  const lastGoodKey = cacheKey(document.url, { significantParams, variant, lastGood: true });
  const noCost = { reads: 0, writes: 0, durationMs: 0 };
  const deltaBases = options.deltas ? requestedDeltaBases(c.req.raw.headers) : null;
  /** Files the version a fresh render produced, so that later requests can get a delta against it. */
  const rememberVersion = async (representation: Representation, etag: string): Promise<void> => {
    if (!options.deltas || !representation.delta) return;
    const versionKey = cacheKey(document.url, { ...keyOptions, version: opaqueValue(etag) });
    await app.feedVersions.remember(versionKey, representation.delta.entries, cache !== null);
  };
  const finish = (response: Response, cost: ResponseCost | null, rendered: Representation | null): Promise<Response> | Response =>
    deltaBases
      ? answerDelta(c, response, cost, rendered, { bases: deltaBases, render, keyOptions, shared: cache !== null, rememberVersion })
      : answer(c, response, cost);

  /**
   * Offers the stored document this response shows to the memory fast path:
   * public documents answered whole (a delta is computed per request).
   */
  const offer = (stored: RenderedDocument): void => {
    if (document.partner === null && deltaBases === null) {
      c.set("memoryDocument", { key, document: stored, significantParams, varyOnAccept: options.varyOnAccept === true });
    }
  };

  const inMemory = app.documents.get(key, app.nowMs());
  if (inMemory) {
    offer(inMemory);
    return finish(
      new Response(inMemory.body, { status: inMemory.status ?? 200, headers: inMemory.headers }),
      { store: noCost, renderMs: null, cache: "memory" },
      null,
    );
  }
  const cached = cache ? await cache.match(key) : undefined;
  if (cached) return finish(await keepEdgeCopy(app, key, cached), { store: noCost, renderMs: null, cache: "hit" }, null);

  const flight = app.renders.run(key, () =>
    renderAndKeep(c, render, { key, lastGoodKey, cache, options, audience: document.partner ? "private" : "public", rememberVersion }),
  );
  const fresh = flight.promise;
  // Awaited below; until then (edge-cache lookups) a failure must not count as unhandled.
  fresh.catch(() => {});
  // Other requests may wait for this render: it must run to its end even if this request ends first (the
  // runtime cancels what a finished request left unsettled; see IndexReaderOptions.keepAlive).
  if (flight.leader) backgroundOf(c)?.(fresh.catch(() => {}));
  if (cache && degraded(c)) {
    // The store failed recently: do not make this reader wait for it if an older copy is at hand.
    const lastGood = await cache.match(lastGoodKey);
    if (lastGood) {
      const first = await Promise.race([
        fresh.then(
          () => "settled" as const,
          () => "settled" as const,
        ),
        delay(DEGRADED_WAIT_MS),
      ]);
      if (first === "late") {
        c.executionCtx.waitUntil(fresh.catch(() => {}));
        c.set("fallback", new Error("the store is slow; refreshing in the background"));
        return answer(c, lastGood, { store: storeMeter(c), renderMs: null, cache: "stale" });
      }
      // Settled in time: answered below like any render (a failure picks the last good copy there).
    }
  }
  let rendered: Rendered;
  try {
    rendered = await fresh;
  } catch (error) {
    if (!(error instanceof StoreError) || !cache) throw error;
    const lastGood = await cache.match(lastGoodKey);
    if (!lastGood) throw error;
    c.set("fallback", error);
    return answer(c, lastGood, { store: storeMeter(c), renderMs: null, cache: "stale" });
  }
  // Each request answers its own Response: a body can be read once.
  const response = new Response(rendered.body, { status: rendered.status, headers: rendered.headers });
  if (!flight.leader) {
    // Another request's render: that request paid the reads and reports them.
    const shared: ResponseCost = { store: noCost, renderMs: null, cache: "shared" };
    if (rendered.stale) {
      c.set("fallback", rendered.stale);
      return answer(c, response, shared);
    }
    return finish(response, shared, rendered.representation);
  }
  if (rendered.kept) offer(rendered.kept);
  // A document rendered from stale index objects is no version to compute deltas against.
  return rendered.stale ? answer(c, response, null) : finish(response, null, rendered.representation);
}

/** A fresh render, as plain data that every request waiting for it turns into its own response. */
interface Rendered {
  /** The document's bytes (UTF-8). */
  body: Uint8Array<ArrayBuffer>;
  /** The response headers, `Server-Timing` with the render's cost included. */
  headers: [string, string][];
  status: number;
  representation: Representation;
  /** The failure behind a document made from index objects kept because the store failed (null: fresh). */
  stale: StoreError | null;
  /** The copy kept in isolate memory, if one was kept. */
  kept: RenderedDocument | null;
}

/**
 * Renders the document and keeps it: in memory for INDEX_TTL, in the edge
 * cache (`cache`, none for a partner's documents) for its max-age, as the
 * last good copy for outages, and as a version for deltas. A document
 * rendered from index objects kept in memory because the store failed is
 * answered, but kept nowhere.
 */
async function renderAndKeep(
  c: Context<AppEnv>,
  render: () => Promise<Representation>,
  target: {
    key: string;
    lastGoodKey: string;
    cache: Cache | null;
    options: ServeOptions;
    audience: "public" | "private";
    rememberVersion: (representation: Representation, etag: string) => Promise<void>;
  },
): Promise<Rendered> {
  const app = c.get("app");
  const { cache, key, lastGoodKey } = target;
  const started = performance.now();
  const representation = await render();
  // Encoded once: for the entity tag, and for every request that answers it and the copies kept. TextEncoder always allocates a fresh ArrayBuffer (never a shared one).
  const body = new TextEncoder().encode(representation.body) as Uint8Array<ArrayBuffer>;
  const response = await toResponse(representation, body, target.options.varyOnAccept === true, target.audience);
  // Time not spent waiting for the store was spent building the document.
  const store = storeMeter(c);
  const renderMs = Math.max(0, performance.now() - started - store.durationMs);
  const stale = c.get("services")?.index.stale ?? null;
  const cost: ResponseCost = { store, renderMs, cache: stale ? "stale" : cache ? "miss" : "bypass" };
  response.headers.set("Server-Timing", serverTiming(cost));
  c.set("outcome", outcomeOf(cost));
  if (stale) {
    response.headers.set("Cache-Control", target.audience === "private" ? "private, max-age=30" : STALE_CACHE_CONTROL);
    c.set("fallback", stale);
    return { body, headers: [...response.headers], status: response.status, representation, stale, kept: null };
  }

  const headers = [...response.headers];
  let kept: RenderedDocument | null = null;
  const ttlSeconds = memoryLifetime(c);
  if (ttlSeconds > 0) {
    const document: RenderedDocument = { body, headers, status: response.status };
    if (app.documents.set(key, document, body.byteLength, app.nowMs() + ttlSeconds * 1000)) kept = document;
  }
  const remembered = target.rememberVersion(representation, response.headers.get("ETag") ?? "");
  if (cache) {
    const forCache = new Response(body, response);
    const forOutages = new Response(body, response);
    forOutages.headers.set("Cache-Control", `public, max-age=${STALE_IF_ERROR_SECONDS}`);
    c.executionCtx.waitUntil(Promise.all([cache.put(key, forCache), cache.put(lastGoodKey, forOutages), remembered]));
  } else {
    await remembered;
  }
  return { body, headers, status: response.status, representation, stale: null, kept };
}

/**
 * The headers `toResponse` writes: all a stored document needs. A copy from
 * the edge cache may carry more that the cache added (`CF-Cache-Status`,
 * `Age`, `Date`), which describe that copy's trip, not the document.
 */
const REPRESENTATION_HEADERS = ["Content-Type", "ETag", "Cache-Control", "Last-Modified", "Vary", "Link"] as const;

/**
 * Keeps an edge-cache hit in isolate memory for as long as the edge copy
 * stays fresh (RFC 9111 §4.2: its max-age less its age), so that the
 * requests after it are memory hits instead of edge lookups. Isolate memory
 * is then one more cache of the same response: it serves it no longer than
 * the edge copy would have been served, whatever INDEX_TTL is, and a purge
 * in this isolate empties it with the rest. Returns the response to answer
 * (the body, once read for memory, is answered from the same bytes).
 */
async function keepEdgeCopy(app: Application, key: string, cached: Response): Promise<Response> {
  // The edge cache stamps `Date` with the wall clock, not with the application's (injected) one.
  const lifetimeSeconds = remainingFreshnessSeconds(cached.headers, Date.now());
  if (lifetimeSeconds <= 0 || (cached.status !== 200 && cached.status !== 410)) return cached;
  const body = new Uint8Array(await cached.arrayBuffer());
  const headers: [string, string][] = [];
  for (const name of REPRESENTATION_HEADERS) {
    const value = cached.headers.get(name);
    if (value !== null) headers.push([name, value]);
  }
  app.documents.set(key, { body, headers, status: cached.status }, body.byteLength, app.nowMs() + lifetimeSeconds * 1000);
  return new Response(body, cached);
}

function degraded(c: Context<AppEnv>): boolean {
  try {
    const svc = services(c);
    return svc.app.storeDegraded(svc);
  } catch {
    return false; // not configured: the render reports that
  }
}

function delay(ms: number): Promise<"late"> {
  return new Promise((resolve) => setTimeout(() => resolve("late"), ms));
}

function outcomeOf(cost: ResponseCost): LogFields {
  return { cache: cost.cache, storeReads: cost.store.reads, storeMs: Math.round(cost.store.durationMs * 10) / 10 };
}

/** What {@link answerDelta} needs besides the current response. */
interface DeltaContext {
  /** Opaque-quoted entity tags the client holds (`requestedDeltaBases`). */
  bases: readonly string[];
  render: () => Promise<Representation>;
  keyOptions: CacheKeyOptions;
  /** Version records may be in the edge cache (public documents). */
  shared: boolean;
  rememberVersion: (representation: Representation, etag: string) => Promise<void>;
}

/**
 * RFC 3229 §10.4.1 `226 IM Used` with the `feed` manipulation: the current
 * document with only the entries added or updated since the version the
 * client names. A current tag still gets the 304; a tag of which no record
 * is known gets the whole document (200), which is always a correct answer.
 *
 * The 226 carries the entity tag of the whole current document (the client's
 * next base), `IM: feed`, and is `private, no-cache`: no shared cache may
 * keep it as the document, and it varies by the request headers it was
 * computed from (`Vary: A-IM, If-None-Match`, RFC 9110 §12.5.5).
 */
async function answerDelta(
  c: Context<AppEnv>,
  response: Response,
  cost: ResponseCost | null,
  rendered: Representation | null,
  delta: DeltaContext,
): Promise<Response> {
  const currentTag = response.headers.get("ETag");
  const app = c.get("app");
  const document = documentIdentity(c);
  if (currentTag === null || response.status !== 200 || delta.bases.some((base) => ifNoneMatchMatches(base, currentTag))) return answer(c, response, cost);
  let known: readonly string[] | null = null;
  for (const base of delta.bases) {
    known = await app.feedVersions.recall(cacheKey(document.url, { ...delta.keyOptions, version: opaqueValue(base) }), delta.shared);
    if (known) break;
  }
  if (!known) return answer(c, response, cost);
  // The stored copy is bytes only; the delta is written from the same index objects (mostly cached in memory).
  const representation = rendered ?? (await delta.render());
  if (!representation.delta) return answer(c, response, cost);
  const body = representation.delta.since(new Set(known));
  // A render now may show a newer index than the stored copy did: the 226 names the version it was computed from.
  const etag = rendered ? currentTag : await entityTag(representation.body);
  if (!rendered) c.executionCtx.waitUntil(delta.rememberVersion(representation, etag));
  const headers = new Headers(response.headers);
  headers.set("ETag", etag);
  if (representation.lastModified) headers.set("Last-Modified", representation.lastModified.toUTCString());
  headers.set("IM", "feed");
  headers.set("Cache-Control", "private, no-cache");
  const vary = (headers.get("Vary") ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  headers.set("Vary", [...new Set([...vary, "A-IM", "If-None-Match"])].join(", "));
  headers.delete("Content-Length");
  if (cost) headers.set("Server-Timing", serverTiming(cost));
  return new Response(body, { status: 226, statusText: "IM Used", headers });
}

/** Documents live in memory as long as the index they were built from (INDEX_TTL). */
function memoryLifetime(c: Context<AppEnv>): number {
  return c.get("services")?.config.indexTtlSeconds ?? 0;
}

function storeMeter(c: Context<AppEnv>): ResponseCost["store"] {
  return c.get("services")?.store.meter ?? { reads: 0, writes: 0, durationMs: 0 };
}

/** The response of a fresh render; its headers are {@link REPRESENTATION_HEADERS}. */
async function toResponse(
  representation: Representation,
  body: Uint8Array<ArrayBuffer>,
  varyOnAccept: boolean,
  audience: "public" | "private",
): Promise<Response> {
  const headers = new Headers({
    "Content-Type": representation.contentType,
    ETag: await entityTag(body),
    "Cache-Control": cacheControl(representation.maxAge, audience),
  });
  if (representation.lastModified) headers.set("Last-Modified", representation.lastModified.toUTCString());
  if (varyOnAccept) headers.set("Vary", "Accept");
  if (representation.links && representation.links.length > 0) headers.set("Link", linkHeader(representation.links));
  return new Response(body, { status: representation.status ?? 200, headers });
}

/** RFC 8288 §3: `<uri>; rel="name"` per link, comma-separated. URLs here are normalised absolute URLs (no `>` or `"`). */
export function linkHeader(links: readonly { href: string; rel: string }[]): string {
  return links.map((link) => `<${link.href}>; rel="${link.rel}"`).join(", ");
}

/**
 * Sends `response` (fresh or from a cache) or a 304 for it. A cached copy gets
 * the cost of this request in its Server-Timing, not the one it was stored with.
 */
function answer(c: Context<AppEnv>, response: Response, cost: ResponseCost | null): Response {
  const headers = new Headers(response.headers);
  if (cost) {
    headers.set("Server-Timing", serverTiming(cost));
    c.set("outcome", outcomeOf(cost));
  }
  if (cost?.cache === "stale") headers.set("Cache-Control", STALE_CACHE_CONTROL);
  const etag = headers.get("ETag");
  // The application's clock, so an rfc850 date's two-digit year is read against the same time as everything else.
  const now = new Date(c.get("app").nowMs());
  if (response.status === 200 && etag && isNotModified(c.req.raw.headers, { etag, lastModified: headers.get("Last-Modified") }, now)) {
    const notModified = new Headers();
    for (const name of NOT_MODIFIED_HEADERS) {
      const value = headers.get(name);
      if (value !== null) notModified.set(name, value);
    }
    return new Response(null, { status: 304, headers: notModified });
  }
  return new Response(response.body, { status: response.status, headers });
}

/** Throws the 404 of a route whose subject does not exist; its body is fixed, never the name asked for. */
export function notFound(): never {
  throw new HttpError(404, ERROR_BODIES.notFound.trim());
}
