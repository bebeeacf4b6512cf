import { describe, expect, it } from "vitest";
import { entityTag, ifNoneMatchMatches, isNotModified } from "../../../src/http/conditional";

describe("entity tags", () => {
  it("are strong, quoted and derived from the bytes alone", async () => {
    const tag = await entityTag("<rss/>");
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(await entityTag(new TextEncoder().encode("<rss/>"))).toBe(tag);
    expect(await entityTag("<rss />")).not.toBe(tag);
  });
});

describe("If-None-Match (RFC 9110 §13.1.2, weak comparison)", () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", W/"abc"', true],
    ["*", true],
    ['"abd"', false],
    ["", false],
  ])('%j matches "abc": %s', (header, matches) => {
    expect(ifNoneMatchMatches(header, '"abc"')).toBe(matches);
  });
});

describe("isNotModified", () => {
  const validators = { etag: '"abc"', lastModified: "Wed, 19 Jun 2024 08:00:00 GMT" };
  /** A fixed clock: no test depends on today's date. */
  const NOW = new Date("2026-06-01T00:00:00Z");
  const check = (headers: Record<string, string>) => isNotModified(new Headers(headers), validators, NOW);

  it("answers If-Modified-Since by the second", () => {
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 2024 08:00:00 GMT" })).toBe(true);
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 2024 09:00:00 GMT" })).toBe(true);
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 2024 07:59:59 GMT" })).toBe(false);
  });

  it("ignores If-Modified-Since when If-None-Match is present (RFC 9110 §13.2.2)", () => {
    expect(check({ "If-None-Match": '"other"', "If-Modified-Since": "Wed, 19 Jun 2024 09:00:00 GMT" })).toBe(false);
  });

  it("ignores an unparseable date and a request without validators", () => {
    expect(check({ "If-Modified-Since": "yesterday" })).toBe(false);
    // Date.parse reads this as a date in the year 20240; it is no HTTP-date.
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 20240 08:00:00 GMT" })).toBe(false);
    expect(check({})).toBe(false);
  });

  it("reads If-Modified-Since strictly as an HTTP-date (RFC 9110 §5.6.7)", () => {
    // The two obsolete forms count.
    expect(check({ "If-Modified-Since": "Wednesday, 19-Jun-24 09:00:00 GMT" })).toBe(true);
    expect(check({ "If-Modified-Since": "Wed Jun 19 09:00:00 2024" })).toBe(true);
    // A five-digit year, an ISO date, a lower-case zone or a wrong day name is no HTTP-date: ignored, full answer.
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 20240 09:00:00 GMT" })).toBe(false);
    expect(check({ "If-Modified-Since": "2024-06-19T09:00:00Z" })).toBe(false);
    expect(check({ "If-Modified-Since": "Wed, 19 Jun 2024 09:00:00 gmt" })).toBe(false);
    expect(check({ "If-Modified-Since": "Thu, 19 Jun 2024 09:00:00 GMT" })).toBe(false);
  });

  it("resolves an rfc850 two-digit year against the injected clock", () => {
    const at = (now: string) => isNotModified(new Headers({ "If-Modified-Since": "Wednesday, 19-Jun-24 09:00:00 GMT" }), validators, new Date(now));
    expect(at("2025-01-01T00:00:00Z")).toBe(true);
    // With a clock in 1970 the same text means 1924: older than the document, so no 304.
    expect(at("1970-01-01T00:00:00Z")).toBe(false);
  });
});
