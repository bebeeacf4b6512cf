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
  ])("%j matches \"abc\": %s", (header, matches) => {
    expect(ifNoneMatchMatches(header, '"abc"')).toBe(matches);
  });
});

describe("isNotModified", () => {
  const validators = { etag: '"abc"', lastModified: "Wed, 19 Jun 2024 08:00:00 GMT" };
  const check = (headers: Record<string, string>) => isNotModified(new Headers(headers), validators);

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
    expect(check({})).toBe(false);
  });
});
