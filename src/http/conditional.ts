/**
 * Validators and conditional requests (RFC 9110 §8.8 and §13): a strong ETag
 * derived from the representation's bytes, and the decision whether a client's
 * copy is still fresh so that it gets a bodiless 304.
 */
import { parseHttpDate } from "../text/dates";

/**
 * A strong entity tag for `body`: the first 128 bits of its SHA-256, base64url.
 * Derived from the content, never from a clock, so every isolate and every
 * rebuild that yields the same bytes yields the same tag.
 */
export async function entityTag(body: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let binary = "";
  for (const byte of digest.subarray(0, 16)) binary += String.fromCharCode(byte);
  return `"${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}"`;
}

/** The opaque part of an entity tag, so that `W/"x"` and `"x"` compare equal. */
function opaqueTag(tag: string): string {
  return tag.trim().replace(/^W\//, "");
}

/**
 * True when an `If-None-Match` header matches `etag`. RFC 9110 §13.1.2 requires
 * the weak comparison here, which also matters in practice: Cloudflare weakens
 * an ETag (`W/`) when it compresses a response, and clients send it back so.
 */
export function ifNoneMatchMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const wanted = opaqueTag(etag);
  return header.split(",").some((candidate) => opaqueTag(candidate) === wanted);
}

/**
 * Whether the request's validators say the client's copy is current (answer 304).
 * Per RFC 9110 §13.2.2, `If-Modified-Since` is ignored when `If-None-Match` is present.
 * Both dates are HTTP-dates (§5.6.7), parsed strictly; `now` only resolves the
 * two-digit year of the obsolete rfc850 form.
 */
export function isNotModified(request: Headers, validators: { etag: string; lastModified: string | null }, now: Date): boolean {
  const ifNoneMatch = request.get("If-None-Match");
  if (ifNoneMatch !== null) return ifNoneMatchMatches(ifNoneMatch, validators.etag);
  const ifModifiedSince = request.get("If-Modified-Since");
  if (ifModifiedSince === null || validators.lastModified === null) return false;
  const since = parseHttpDate(ifModifiedSince, now);
  const modified = parseHttpDate(validators.lastModified, now);
  // An invalid date is ignored (§13.1.3); HTTP-dates have one-second resolution, which both values already have.
  return since !== null && modified !== null && modified.getTime() <= since.getTime();
}

/** The headers a 304 must repeat from the 200 it stands for (RFC 9110 §15.4.5). */
export const NOT_MODIFIED_HEADERS = [
  "Cache-Control",
  "Content-Location",
  "Date",
  "ETag",
  "Expires",
  "Vary",
  "Last-Modified",
  "Access-Control-Allow-Origin",
  "Access-Control-Expose-Headers",
  "Server-Timing",
] as const;
