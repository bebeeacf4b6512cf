/**
 * WebSub (W3C Recommendation, 2018) on the publisher's side: which feeds
 * name a hub, and the publish pings that tell the hubs a feed changed.
 *
 * - Feeds that change are published: the main feed and every topic feed, in
 *   each format, at their canonical URLs. Archive months are pages of
 *   history (RFC 5005), read once; a partner's feeds carry a token in their
 *   URL, which must never reach a hub. Neither names a hub, and neither is
 *   pinged.
 * - After an index update, each hub gets one form POST (WebSub §7 leaves
 *   the publish request to the hub; the common one is PubSubHubbub Core 0.3
 *   §7.1: `hub.mode=publish` and `hub.url`, which "may be repeated"), listing
 *   exactly the URLs of the feeds whose content changed. One request per hub
 *   rather than one per URL: a change touches a dozen feeds (main, tags,
 *   author, language, source; three formats each) and the invocation's
 *   subrequests are few.
 * - Pings never block or fail the index update: the caller runs them in the
 *   background (`waitUntil`), each attempt has a short timeout, failures are
 *   retried with exponential backoff while a budget of subrequests lasts,
 *   and whatever the budget did not reach is logged and dropped. Dropping is
 *   safe: a hub that missed a ping still polls the feed itself, and the next
 *   change pings again with the current content; queueing pings would spend
 *   subrequests of later invocations for the same effect.
 */
import { FEED_FORMATS } from "../feed/formats";
import { type FeedScope, feedPath } from "../urls";

/**
 * Subrequests the pings of one invocation may use, retries included. A Worker
 * invocation has 50 in all (free plan); the index update's default budget is
 * 45 store requests, so the change path leaves this share to the hubs.
 */
export const PING_SUBREQUEST_BUDGET = 5;

/** Attempts per hub request (the first and its retries), within the budget. */
const MAX_ATTEMPTS = 3;

/** Milliseconds one attempt may take before it counts as failed: a hub answers a ping at once (WebSub §7: 2xx). */
export const PING_TIMEOUT_MS = 5_000;

/** Backoff before the n-th retry: 1 s, 2 s... Worst case (3 timeouts) stays within the 30 s a `waitUntil` may run. */
const BACKOFF_BASE_MS = 1_000;

/** `hub.url` values per request: keeps a request body small (under 10 KB) whatever a change touched. */
const MAX_URLS_PER_PING = 100;

/** True for the scopes whose feeds are published to hubs (and name them): the main feed and topic feeds. */
export function isPublishedScope(scope: FeedScope): boolean {
  return scope.kind === "main" || scope.kind === "topic";
}

/**
 * The canonical URLs of the published feeds among `scopes`, every format
 * each, main first, without repeats: the `hub.url` values of a ping, and the
 * self URLs those feeds advertise next to their hubs.
 */
export function publishedFeedUrls(siteUrl: string, scopes: readonly FeedScope[]): string[] {
  const ordered = [...scopes].filter(isPublishedScope).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "main" ? -1 : 1));
  const urls = ordered.flatMap((scope) => FEED_FORMATS.map((format) => siteUrl + feedPath(scope, format)));
  return [...new Set(urls)];
}

/** Options of {@link publishToHubs}. */
export interface PublishOptions {
  /** Hub URLs (WEBSUB_HUBS). */
  hubs: readonly string[];
  /** The feed URLs that changed ({@link publishedFeedUrls}). */
  urls: readonly string[];
  /** Outgoing requests; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Subrequests available (default {@link PING_SUBREQUEST_BUDGET}). */
  budget?: number;
  /** Per-attempt timeout (default {@link PING_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Base of the exponential backoff (default 1 s; tests make it short). */
  backoffMs?: number;
  log?: (message: string) => void;
}

/** What the pings did: per hub request, delivered or not. */
export interface PublishReport {
  delivered: { hub: string; urls: number; attempts: number }[];
  /** Requests given up: the hub refused, failed every attempt, or the budget ran out. */
  dropped: { hub: string; urls: number; attempts: number; reason: string }[];
  /** Subrequests spent. */
  subrequests: number;
}

/**
 * Sends the publish pings for `urls` to every hub, concurrently (a slow hub
 * does not delay the others), and resolves when each is delivered or given
 * up. Never rejects.
 */
export async function publishToHubs(options: PublishOptions): Promise<PublishReport> {
  const report: PublishReport = { delivered: [], dropped: [], subrequests: 0 };
  if (options.hubs.length === 0 || options.urls.length === 0) return report;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const log = options.log ?? ((message: string) => console.warn(message));
  const timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
  const backoffMs = options.backoffMs ?? BACKOFF_BASE_MS;
  let budget = options.budget ?? PING_SUBREQUEST_BUDGET;

  const chunks: string[][] = [];
  for (let start = 0; start < options.urls.length; start += MAX_URLS_PER_PING) chunks.push(options.urls.slice(start, start + MAX_URLS_PER_PING));
  const requests = options.hubs.flatMap((hub) => chunks.map((urls) => ({ hub, urls })));

  await Promise.all(
    requests.map(async ({ hub, urls }) => {
      const body = new URLSearchParams([["hub.mode", "publish"], ...urls.map((url): [string, string] => ["hub.url", url])]).toString();
      let attempts = 0;
      let reason = "no subrequest left in this invocation's budget";
      while (attempts < MAX_ATTEMPTS) {
        if (attempts > 0) await sleep(backoffMs * 2 ** (attempts - 1));
        // Taken synchronously before the request, so concurrent requests never overspend it.
        if (budget <= 0) {
          reason = attempts === 0 ? reason : `${reason}; no subrequest left for a retry`;
          break;
        }
        budget--;
        report.subrequests++;
        attempts++;
        const outcome = await attempt(send, hub, body, timeoutMs);
        if (outcome.ok) {
          report.delivered.push({ hub, urls: urls.length, attempts });
          return;
        }
        reason = outcome.reason;
        if (!outcome.retry) break;
      }
      report.dropped.push({ hub, urls: urls.length, attempts, reason });
      // The hub's URL is configuration, not a secret; the feed URLs are public. Response bodies are never logged.
      log(`websub: publish ping to ${hub} for ${urls.length} feed URL(s) dropped after ${attempts} attempt(s): ${reason}`);
    }),
  );
  return report;
}

/** One POST; which failures are worth another attempt (5xx, 429, network, timeout; not other 4xx). */
async function attempt(
  send: typeof fetch,
  hub: string,
  body: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; retry: boolean; reason: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await send(hub, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    // The body is not needed; cancel it so the connection is released.
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const retry = response.status === 429 || response.status >= 500;
    return { ok: false, retry, reason: `HTTP ${response.status}` };
  } catch (error) {
    const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : `request failed (${error instanceof Error ? error.name : "error"})`;
    return { ok: false, retry: true, reason };
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
