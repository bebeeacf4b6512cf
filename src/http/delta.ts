/**
 * RFC 3229 (Delta encoding in HTTP) with the `feed` instance manipulation
 * (IANA "HTTP Instance-Manipulation" registry): the request side. A client
 * that sends `A-IM: feed` and the entity tag of a version it holds in
 * `If-None-Match` asks for the current feed without the entries it has.
 */

/** At most this many entity tags of one `If-None-Match` are looked up (each may cost an edge-cache read). */
const MAX_BASES = 4;

/**
 * The opaque entity tags a delta could be based on, or null when the
 * request does not ask for a `feed` delta. `A-IM` is a list of instance
 * manipulations with optional parameters (RFC 3229 §10.5.3), e.g.
 * `feed, gzip` or `feed;q=1.0`; `If-None-Match: *` names no version.
 */
export function requestedDeltaBases(headers: Headers): string[] | null {
  const aIm = headers.get("A-IM");
  const ifNoneMatch = headers.get("If-None-Match");
  if (aIm === null || ifNoneMatch === null) return null;
  const asksForFeed = aIm.split(",").some((manipulation) => {
    const [name, ...parameters] = manipulation.split(";").map((part) => part.trim().toLowerCase());
    // q=0 means "not acceptable" (RFC 3229 §10.5.3 uses the Accept-style qvalue).
    return name === "feed" && !parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
  });
  if (!asksForFeed) return null;
  const tags = ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .filter((tag) => /^"[^"]*"$/.test(tag));
  return tags.length === 0 ? null : [...new Set(tags)].slice(0, MAX_BASES);
}

/** The opaque value of an entity tag, as version records are filed (`"abc"` → `abc`). */
export function opaqueValue(tag: string): string {
  return tag.replace(/^W\//, "").replace(/^"|"$/g, "");
}
