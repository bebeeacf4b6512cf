/**
 * The one scheme for cache keys, used both to store documents (isolate memory
 * and the Workers edge cache) and to purge them. Building keys in one place
 * is what makes a purge reach every variant a request could have created.
 */
import { Memo } from "./bounded-cache";

/**
 * Representations of one URL that are cached apart: what feed readers get,
 * and what a browser navigating to the URL gets (the feed's HTML page,
 * `http/negotiation.ts`), announced with `Vary: Accept`.
 */
export type CacheVariant = "reader" | "browser";

/** Every {@link CacheVariant}: a purge covers all of them. */
export const CACHE_VARIANTS: readonly CacheVariant[] = ["reader", "browser"];

/**
 * The partner a document was made for: its id and the fingerprint of its
 * terms (which covers its token hash, so a rotated token or changed terms
 * never meet a document made under the old ones), and how its links are
 * written (with the token in the path, or plain for a bearer header). Never
 * the token itself: keys may appear in logs.
 */
export interface CachePartner {
  id: string;
  fingerprint: string;
  links: "path" | "header";
}

/** What a cache key is for. */
export interface CacheKeyOptions {
  /** Query parameters that change the document; all others (tracking parameters...) are dropped. */
  significantParams?: readonly string[];
  variant: CacheVariant;
  /** The long-lived copy served while the store is down (stale-if-error, RFC 5861 §4). */
  lastGood?: boolean;
  /** The partner variant of the document (`url` is then its public URL, without the token prefix). */
  partner?: CachePartner | null;
  /**
   * The record of an earlier version of the document (its entity tag's
   * opaque value), kept for RFC 3229 `feed` deltas (`feed-versions.ts`).
   */
  version?: string;
}

/**
 * The cache key of a document at `url`: the URL with only its significant
 * query parameters, marked with its variant (and purpose). Internal markers
 * start with `__` so they cannot collide with a significant parameter.
 */
export function cacheKey(url: string, options: CacheKeyOptions): string {
  const { partner } = options;
  const memo = `${url}\n${options.variant}\n${options.lastGood ? 1 : 0}\n${options.version ?? ""}\n${(options.significantParams ?? []).join("&")}\n${partner ? `${partner.id}\n${partner.fingerprint}\n${partner.links}` : ""}`;
  return keysMade.get(memo, () => makeCacheKey(url, options));
}

/**
 * Keys made recently, by their inputs: a request asks for several keys of
 * its URL (its document, the last good copy, the other variant), and a
 * popular URL is asked for again and again, while parsing and writing a URL
 * costs microseconds each time. Cleared when full.
 */
const keysMade = new Memo<string>(1024);

function makeCacheKey(url: string, options: CacheKeyOptions): string {
  const parsed = new URL(url);
  const kept = new URLSearchParams();
  for (const name of options.significantParams ?? []) {
    const value = parsed.searchParams.get(name);
    if (value !== null) kept.set(name, value);
  }
  if (options.variant !== "reader") kept.set("__variant", options.variant);
  if (options.lastGood) kept.set("__last-good", "1");
  if (options.version !== undefined) kept.set("__version", options.version);
  if (options.partner) {
    kept.set("__partner", options.partner.id);
    kept.set("__terms", options.partner.fingerprint);
    kept.set("__links", options.partner.links);
  }
  parsed.search = kept.toString();
  parsed.hash = "";
  return parsed.toString();
}

/**
 * The keys to purge so that no variant of the document at `url` is served
 * from a cache any more. Last-good copies are kept on purpose: they are the
 * fallback for an outage, and are replaced by the next successful render.
 * Partner variants are never in the edge cache (their responses are
 * private), so there is nothing of theirs to purge there. Version records
 * are never purged either: each describes one entity tag, which never
 * changes meaning.
 */
export function purgeKeys(url: string): string[] {
  return CACHE_VARIANTS.map((variant) => cacheKey(url, { variant }));
}
