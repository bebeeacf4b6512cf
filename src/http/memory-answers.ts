/**
 * Answers from isolate memory before routing: a public GET or HEAD whose
 * document is fresh in memory (`Application.documents`) is answered without
 * Hono's router and middleware, from headers worked out once per stored
 * document. A warm feed then costs about what sending the same bytes costs.
 *
 * The answer must be the one the normal path would give, byte for byte, so
 * nothing here restates what the middleware does. Instead the normal path
 * shows the way: when `serve` answers a request from a stored document (or
 * stores the one it rendered), it offers that document (`memoryDocument` on
 * the context), and {@link MemoryAnswers.capture}, the outermost middleware,
 * keeps the finished response's headers (security headers, CORS, `Vary`, CSP
 * on HTML and all) for that document, and the request URL's cache keys. The
 * headers of a public document's answer depend on nothing in the request
 * but its validators (200 or 304, RFC 9110 §13.2.2) and its `Accept` (the
 * variant, which is part of the cache key): each form is kept apart, and
 * each comes from the normal path the first time it is needed. What is
 * per request is set per request: the request id (`X-Request-Id`), and
 * `Server-Timing`, which for a memory answer is always the same.
 *
 * Everything else goes the normal way: other methods, requests with
 * `Authorization` (a partner's bearer token selects another document) or
 * `A-IM` (RFC 3229 deltas), partner paths (never offered), URLs the normal
 * path has not answered from memory, and documents that are not in memory
 * or have expired. A purge empties `Application.documents`, and with it every
 * answer kept here: they hang off the stored documents themselves.
 */
import type { MiddlewareHandler } from "hono";
import type { Application, RenderedDocument } from "../app/application";
import { BoundedCache } from "../app/bounded-cache";
import { cacheKey } from "../app/cache-keys";
import type { Logger } from "../app/log";
import type { Env } from "../config";
import { isNotModified } from "./conditional";
import { feedVariant } from "./negotiation";
import { REQUEST_ID_HEADER, requestLogOptions, routeOf } from "./request-log";
import { serverTiming } from "./server-timing";
import type { AppEnv } from "./services";

/** What `serve` tells the fast path about the document a response shows. */
export interface MemoryOffer {
  /** The cache key it is stored under. */
  key: string;
  /** The stored document (identity matters: what is kept hangs off it). */
  document: RenderedDocument;
  /** The query parameters that are part of its cache key. */
  significantParams: readonly string[];
  /** The URL has a feed and a page variant, chosen by `Accept`. */
  varyOnAccept: boolean;
}

/** `Server-Timing` of every answer from memory: nothing read, nothing rendered (what `serve` writes for a memory hit). */
const MEMORY_SERVER_TIMING = serverTiming({ store: { reads: 0, writes: 0, durationMs: 0 }, renderMs: null, cache: "memory" });

/** The fields a memory answer adds to its request's log line (as `serve` reports a memory hit). */
const MEMORY_OUTCOME = { cache: "memory", storeReads: 0, storeMs: 0 } as const;

/** Header names as the Fetch standard iterates them (lower case). */
const REQUEST_ID = REQUEST_ID_HEADER.toLowerCase();
const SERVER_TIMING = "server-timing";

/** Request URLs remembered (each names its route and its cache keys); least recently used go first. */
const URL_BOUNDS = { maxEntries: 2048, maxWeight: 2 * 1024 * 1024 };

/** What a request URL leads to, as the normal path showed it. */
interface KnownUrl {
  /** The route pattern, for the log line. */
  route: string;
  /** The cache key of the URL's own document (the feed). */
  reader: string;
  /** The cache key of its page for browsers; null when the URL has one variant only. */
  browser: string | null;
}

/** The finished answers of one stored document, without their request id. */
interface KeptAnswers {
  /** Its validators, from the stored document. */
  etag: string | null;
  lastModified: string | null;
  /**
   * The whole answer's headers (200, or the document's own status), once the
   * normal path has given it. A `Headers` object, built once: the runtime
   * copies it into each response natively, where a list of pairs is converted
   * and checked pair by pair on every response (measured in workerd: about a
   * sixth more answers per second with 14 headers).
   */
  full: Headers | null;
  /** The 304's headers, once the normal path has given one. */
  notModified: Headers | null;
}

/** The memory fast path of one isolate (one {@link Application}). */
export class MemoryAnswers {
  private readonly urls = new BoundedCache<KnownUrl>(URL_BOUNDS);
  /** Kept per stored document: gone with it when it expires, is replaced or is purged. */
  private readonly answers = new WeakMap<RenderedDocument, KeptAnswers>();
  /** Request loggers per environment object (the runtime hands the same one to every request). */
  private readonly loggers = new WeakMap<object, Logger>();
  private answered = 0;

  constructor(private readonly app: Application) {}

  /**
   * The answer to `request` from isolate memory, or null when it must go the
   * normal way. Writes the request's log line when it answers.
   */
  answer(request: Request, env: Env | undefined): Response | null {
    const started = performance.now();
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") return null;
    const known = this.urls.get(request.url, 0);
    if (known === undefined) return null;
    const headers = request.headers;
    if (!ordinary(headers)) return null;
    const key = known.browser !== null && feedVariant(headers.get("Accept")) === "page" ? known.browser : known.reader;
    const now = this.app.nowMs();
    const document = this.app.documents.get(key, now);
    if (document === undefined) return null;
    const kept = this.answers.get(document);
    if (kept === undefined) return null;
    const status = document.status ?? 200;
    // The normal path's rule (`answer` in representation.ts): only a 200 with an ETag can be "not modified".
    const notModified = status === 200 && kept.etag !== null && isNotModified(headers, { etag: kept.etag, lastModified: kept.lastModified }, new Date(now));
    const form = notModified ? kept.notModified : kept.full;
    if (form === null) return null;
    const requestId = crypto.randomUUID();
    // The response gets a copy of the kept headers (Fetch standard: "fill" from the init), so the id is this request's alone.
    const response = new Response(notModified || method === "HEAD" ? null : document.body, { status: notModified ? 304 : status, headers: form });
    response.headers.set(REQUEST_ID_HEADER, requestId);
    this.answered++;
    this.logger(env).info("request", {
      requestId,
      method,
      route: known.route,
      status: response.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...MEMORY_OUTCOME,
    });
    return response;
  }

  /**
   * The outermost middleware: after the normal path has answered a request
   * from a document `serve` offered, keeps the answer's headers for that
   * document and the URL's cache keys, so that the next such request is
   * answered by {@link answer}.
   */
  capture(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      await next();
      const offer = c.get("memoryDocument");
      if (offer === undefined || c.error !== undefined) return;
      const request = c.req.raw;
      if ((request.method !== "GET" && request.method !== "HEAD") || !ordinary(request.headers)) return;
      this.keep(request.url, offer, routeOf(c), c.res);
    };
  }

  /** Requests answered from memory so far by this isolate (for tests and diagnostics). */
  get count(): number {
    return this.answered;
  }

  private keep(url: string, offer: MemoryOffer, route: string, response: Response): void {
    const { document } = offer;
    let kept = this.answers.get(document);
    if (kept === undefined) {
      const stored = new Headers(document.headers);
      kept = { etag: stored.get("ETag"), lastModified: stored.get("Last-Modified"), full: null, notModified: null };
    }
    if (response.status === (document.status ?? 200)) kept.full ??= finished(response.headers);
    else if (response.status === 304) kept.notModified ??= finished(response.headers);
    else return;
    this.answers.set(document, kept);
    if (this.urls.get(url, 0) !== undefined) return;
    const known = knownUrl(url, offer, route);
    // Only a URL whose keys are those `serve` used: the one scheme of cache-keys.ts, recomputed from the URL.
    if (known !== null) this.urls.set(url, known, (url.length + known.reader.length + (known.browser?.length ?? 0)) * 2, Number.POSITIVE_INFINITY);
  }

  /** The request logger of `env`, as the request-log middleware makes it (`requestLogOptions`), without the request id. */
  private logger(env: Env | undefined): Logger {
    if (env === undefined) return this.app.log.child({}, requestLogOptions(env));
    let log = this.loggers.get(env);
    if (log === undefined) {
      log = this.app.log.child({}, requestLogOptions(env));
      this.loggers.set(env, log);
    }
    return log;
  }
}

/**
 * A request whose answer can come from memory as far as its headers go: no
 * `Authorization` (a bearer token makes it a partner's request, another
 * document at the same URL) and no `A-IM` (an RFC 3229 delta is computed per
 * request).
 */
function ordinary(headers: Headers): boolean {
  return !headers.has("Authorization") && !headers.has("A-IM");
}

/** A finished response's headers as a memory answer repeats them: without the request id, with the memory `Server-Timing`. */
function finished(headers: Headers): Headers {
  const kept = new Headers();
  for (const [name, value] of headers) {
    if (name === REQUEST_ID) continue;
    kept.append(name, name === SERVER_TIMING ? MEMORY_SERVER_TIMING : value);
  }
  return kept;
}

/** The keys of `url` by the one scheme, or null when they do not include the key the document was offered under. */
function knownUrl(url: string, offer: MemoryOffer, route: string): KnownUrl | null {
  const { significantParams } = offer;
  const reader = cacheKey(url, { significantParams, variant: "reader" });
  const browser = offer.varyOnAccept ? cacheKey(url, { significantParams, variant: "browser" }) : null;
  return offer.key === reader || offer.key === browser ? { route, reader, browser } : null;
}
