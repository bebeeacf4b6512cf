/**
 * How long a stored response stays fresh (RFC 9111 §4.2): its freshness
 * lifetime (`max-age`, §5.2.2.1) less its current age (§4.2.3). Used when an
 * edge-cache copy is kept in isolate memory: the memory copy must not outlive
 * the copy it was made from.
 */

/**
 * Seconds `headers` (a response taken from a cache) remain fresh at `nowMs`,
 * by the wall clock the cache stamped `Date` with; 0 when stale or when the
 * response names no `max-age`.
 *
 * The age is the larger of the `Age` header and the apparent age (`now -
 * Date`), as §4.2.3 corrects the initial age; a cache that reports neither
 * makes the age 0. `immutable` (RFC 8246) changes nothing: `max-age` still
 * bounds it.
 */
export function remainingFreshnessSeconds(headers: Headers, nowMs: number): number {
  const maxAge = maxAgeOf(headers.get("Cache-Control"));
  if (maxAge === null) return 0;
  const ageHeader = deltaSeconds(headers.get("Age"));
  const date = Date.parse(headers.get("Date") ?? "");
  const apparentAge = Number.isNaN(date) ? 0 : Math.max(0, (nowMs - date) / 1000);
  const age = Math.max(ageHeader ?? 0, apparentAge);
  return Math.max(0, maxAge - age);
}

/** The `max-age` directive of a Cache-Control value (§5.2.2.1; `s-maxage` first, as for a shared cache, §5.2.2.10). */
function maxAgeOf(cacheControl: string | null): number | null {
  if (cacheControl === null) return null;
  let maxAge: number | null = null;
  for (const directive of cacheControl.split(",")) {
    const [name = "", value] = directive.trim().split("=", 2);
    const lower = name.toLowerCase();
    if (lower === "no-store" || lower === "no-cache") return null;
    const seconds = deltaSeconds(value?.replace(/^"(.*)"$/, "$1"));
    if (seconds === null) continue;
    if (lower === "s-maxage") return seconds;
    if (lower === "max-age") maxAge = seconds;
  }
  return maxAge;
}

/** delta-seconds (§1.2.2): a non-negative whole number of seconds. */
function deltaSeconds(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^\d{1,10}$/.test(value.trim())) return null;
  return Number(value.trim());
}
