/**
 * Who is asking for a feed URL: a person's browser, which should get a
 * readable HTML page, or a feed reader, which must get the feed itself.
 * Decided from the `Accept` header alone (RFC 9110 §12.5.1), so the answer
 * can be cached per variant with `Vary: Accept`.
 */
import { Memo } from "../app/bounded-cache";

/** What a feed URL answers with. */
export type FeedVariant = "page" | "feed";

/**
 * Media types a feed reader may name for the documents behind a feed URL.
 * `application/json` and the generic XML types count because readers and
 * libraries name them for JSON Feed and for RSS/Atom.
 */
const FEED_TYPES = ["application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/xml", "text/xml"] as const;

/** Longest Accept header read; anything after it is ignored (browsers send about 150 bytes). */
const MAX_ACCEPT_LENGTH = 2048;

/** One media range of an Accept header with its weight. */
interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

/** Parses an Accept header leniently: malformed ranges are skipped, a malformed `q` counts as 1. */
function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.slice(0, MAX_ACCEPT_LENGTH).split(",")) {
    const [range = "", ...parameters] = part.split(";");
    const match = /^\s*([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)\s*$/i.exec(range);
    if (!match) continue;
    let quality = 1;
    for (const parameter of parameters) {
      const q = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(parameter);
      if (q) quality = Math.min(1, Number(q[1]));
    }
    ranges.push({ type: (match[1] ?? "").toLowerCase(), subtype: (match[2] ?? "").toLowerCase(), quality });
  }
  return ranges;
}

/**
 * The weight `ranges` give `mediaType`: that of the most specific range that
 * matches it (RFC 9110 §12.5.1: `type/subtype` over `type/*` over `*\/*`),
 * 0 when none does. With `explicitOnly`, wildcards do not count.
 */
function qualityOf(ranges: readonly MediaRange[], mediaType: string, explicitOnly = false): number {
  const [type, subtype] = mediaType.split("/");
  let best = -1;
  let quality = 0;
  for (const range of ranges) {
    let specificity: number;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (explicitOnly) continue;
    else if (range.type === type && range.subtype === "*") specificity = 1;
    else if (range.type === "*" && range.subtype === "*") specificity = 0;
    else continue;
    if (specificity > best) {
      best = specificity;
      quality = range.quality;
    } else if (specificity === best) {
      quality = Math.max(quality, range.quality);
    }
  }
  return quality;
}

/**
 * Whether a request for a feed URL gets the HTML page or the feed.
 *
 * The page goes only to a client that names `text/html` itself and weights it
 * above every feed type it accepts. Browsers' navigations do (`text/html` at
 * 1, `application/xml` at 0.9, `*\/*` at 0.8). Feed readers do not: they name
 * feed types first, weight `text/html` lower (SimplePie, hence FreshRSS), at
 * most equal (Miniflux lists it among its feed types, all at 1), or send
 * `*\/*` or nothing (curl, most libraries). A tie goes to the feed: a reader
 * that cannot parse an HTML page would lose its subscription, while a person
 * shown XML can still follow the page's link.
 *
 * @param accept The request's `Accept` header; absent means "anything" (RFC 9110 §12.5.1).
 */
export function feedVariant(accept: string | null | undefined): FeedVariant {
  if (!accept) return "feed";
  return variantByAccept.get(accept, () => {
    const ranges = parseAccept(accept);
    const html = qualityOf(ranges, "text/html", true);
    return html === 0 || html <= Math.max(...FEED_TYPES.map((type) => qualityOf(ranges, type))) ? "feed" : "page";
  });
}

/** Variants of distinct `Accept` values: browsers and feed readers send few, and each is parsed once. */
const variantByAccept = new Memo<FeedVariant>(64);
