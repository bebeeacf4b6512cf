/**
 * Stable item identifiers as `tag:` URIs (RFC 4151).
 *
 * One identifier serves every format: RSS `<guid isPermaLink="false">`, Atom
 * `<id>` and JSON Feed `id`. It never changes when an article is edited or
 * moved, so feed readers do not show an updated article twice.
 */

/**
 * The date part of every tagging entity. RFC 4151 §2.1: the date on which the
 * authority name was assigned to the tagger; it is fixed forever so that ids
 * never change.
 */
const TAG_DATE = "2024";

/** RFC 4151 §2.1 `DNSname` (a dot-separated list of `DNScomp`). */
const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Characters kept as they are in the specific part. RFC 4151 §2.1:
 * `specific = *( pchar / "/" / "?" )`, and RFC 3986 §3.3:
 * `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"`.
 * `%` is not listed: it is always encoded, so that the encoding is injective
 * (distinct article ids give distinct tags).
 */
const SPECIFIC_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;

const encoder = new TextEncoder();

/** Percent-encodes (UTF-8, upper-case hex) every character not allowed in a tag's specific part. */
function encodeSpecific(value: string): string {
  let out = "";
  for (const char of value) {
    if (SPECIFIC_SAFE.test(char)) {
      out += char;
      continue;
    }
    for (const byte of encoder.encode(char)) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/**
 * The item's permanent id: `tag:<authority>,2024:<articleId>`.
 *
 * @param authority a DNS host name owned by the publisher (`URL.hostname`,
 *   without a port); compared case-insensitively and written in lower case.
 * @param articleId the article's stable id; characters that RFC 4151 does not
 *   allow in the specific part are percent-encoded.
 * @throws RangeError when `authority` is not a DNS name (e.g. `host:8787`).
 *
 * @example itemGuid("news.example.com", "000_6851536369dabcad")
 *   // "tag:news.example.com,2024:000_6851536369dabcad"
 */
export function itemGuid(authority: string, articleId: string): string {
  const host = authority.toLowerCase().replace(/\.$/, "");
  if (!DNS_NAME.test(host)) {
    throw new RangeError(`itemGuid: ${JSON.stringify(authority)} is not a DNS host name (RFC 4151 §2.1)`);
  }
  if (articleId === "") throw new RangeError("itemGuid: empty article id");
  return `tag:${host},${TAG_DATE}:${encodeSpecific(articleId)}`;
}
