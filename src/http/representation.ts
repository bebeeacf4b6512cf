/**
 * Serving a rendered document the way aggregators expect: the edge cache in
 * front of rendering, validators and 304s, Cache-Control with
 * stale-while-revalidate / stale-if-error (RFC 5861), and the last good copy
 * when the store is down. Every cacheable route goes through {@link serve}.
 */
import type { Context } from "hono";
import { cacheKey, type CacheVariant } from "../app/cache-keys";
import { StoreError } from "../store/store";
import { NOT_MODIFIED_HEADERS, entityTag, isNotModified } from "./conditional";
import { HttpError } from "./errors";
import { documentIdentity } from "./partner-access";
import { serverTiming, type ResponseCost } from "./server-timing";
import type { AppEnv } from "./services";

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
}

/** How long a client or cache may keep using a stale copy while it revalidates, or while we fail. */
const STALE_WHILE_REVALIDATE_SECONDS = 600;
const STALE_IF_ERROR_SECONDS = 86_400;
const ONE_YEAR_SECONDS = 31_536_000;

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
 * store is down, the last good copy is served instead (or 503 when there is none).
 *
 * A partner's documents are kept in isolate memory under their partner
 * variant (id and terms fingerprint, never the token) and never in the
 * shared edge cache.
 */
export async function serve(
  c: Context<AppEnv>,
  render: () => Promise<Representation>,
  options: ServeOptions = {},
): Promise<Response> {
  const app = c.get("app");
  const document = documentIdentity(c);
  const cache = document.partner ? null : app.edgeCache;
  const variant: CacheVariant = options.variant ?? "reader";
  const significantParams = options.significantParams ?? [];
  const key = cacheKey(document.url, { significantParams, variant, partner: document.partner });
  const noCost = { reads: 0, writes: 0, durationMs: 0 };

  const inMemory = app.documents.get(key, app.nowMs());
  if (inMemory) return answer(c, new Response(inMemory.body, { headers: inMemory.headers }), { store: noCost, renderMs: null, cache: "memory" });
  const cached = cache ? await cache.match(key) : undefined;
  if (cached) return answer(c, cached, { store: noCost, renderMs: null, cache: "hit" });

  let response: Response;
  let representation: Representation;
  try {
    const started = performance.now();
    representation = await render();
    response = await toResponse(representation, options.varyOnAccept === true, document.partner ? "private" : "public");
    // Time not spent waiting for the store was spent building the document.
    const store = storeMeter(c);
    const renderMs = Math.max(0, performance.now() - started - store.durationMs);
    const cost: ResponseCost = { store, renderMs, cache: cache ? "miss" : "bypass" };
    response.headers.set("Server-Timing", serverTiming(cost));
  } catch (error) {
    if (!(error instanceof StoreError) || !cache) throw error;
    const lastGood = await cache.match(cacheKey(document.url, { significantParams, variant, lastGood: true }));
    if (!lastGood) throw error;
    console.error(`serving the last good copy of ${key}: ${error.message}`);
    return answer(c, lastGood, { store: storeMeter(c), renderMs: null, cache: "stale" });
  }

  const ttlSeconds = memoryLifetime(c);
  if (ttlSeconds > 0) {
    // TextEncoder always allocates a fresh ArrayBuffer (never a shared one).
    const body = new TextEncoder().encode(representation.body) as Uint8Array<ArrayBuffer>;
    app.documents.set(key, { body, headers: [...response.headers] }, body.byteLength, app.nowMs() + ttlSeconds * 1000);
  }
  if (cache) {
    const forCache = response.clone();
    const forOutages = new Response(response.clone().body, response);
    forOutages.headers.set("Cache-Control", `public, max-age=${STALE_IF_ERROR_SECONDS}`);
    const lastGoodKey = cacheKey(document.url, { significantParams, variant, lastGood: true });
    c.executionCtx.waitUntil(Promise.all([cache.put(key, forCache), cache.put(lastGoodKey, forOutages)]));
  }
  return answer(c, response, null);
}

/** Documents live in memory as long as the index they were built from (INDEX_TTL). */
function memoryLifetime(c: Context<AppEnv>): number {
  return c.get("services")?.config.indexTtlSeconds ?? 0;
}

function storeMeter(c: Context<AppEnv>): ResponseCost["store"] {
  return c.get("services")?.store.meter ?? { reads: 0, writes: 0, durationMs: 0 };
}

async function toResponse(representation: Representation, varyOnAccept: boolean, audience: "public" | "private"): Promise<Response> {
  const headers = new Headers({
    "Content-Type": representation.contentType,
    ETag: await entityTag(representation.body),
    "Cache-Control": cacheControl(representation.maxAge, audience),
  });
  if (representation.lastModified) headers.set("Last-Modified", representation.lastModified.toUTCString());
  if (varyOnAccept) headers.set("Vary", "Accept");
  if (representation.links && representation.links.length > 0) headers.set("Link", linkHeader(representation.links));
  return new Response(representation.body, { status: 200, headers });
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
  if (cost) headers.set("Server-Timing", serverTiming(cost));
  if (cost?.cache === "stale") headers.set("Cache-Control", "public, max-age=30");
  const etag = headers.get("ETag");
  // The application's clock, so an rfc850 date's two-digit year is read against the same time as everything else.
  const now = new Date(c.get("app").nowMs());
  if (etag && isNotModified(c.req.raw.headers, { etag, lastModified: headers.get("Last-Modified") }, now)) {
    const notModified = new Headers();
    for (const name of NOT_MODIFIED_HEADERS) {
      const value = headers.get(name);
      if (value !== null) notModified.set(name, value);
    }
    return new Response(null, { status: 304, headers: notModified });
  }
  return new Response(response.body, { status: 200, headers });
}

/** Throws the 404 of a route whose subject does not exist. */
export function notFound(what: string): never {
  throw new HttpError(404, `${what} not found`);
}
