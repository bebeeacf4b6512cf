import { describe, expect, it } from "vitest";
import { remainingFreshnessSeconds } from "../../../src/http/freshness";

/** A fixed clock: no test depends on today's date. */
const NOW = Date.parse("2026-06-01T12:00:00Z");
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toUTCString();
const remaining = (headers: Record<string, string>) => remainingFreshnessSeconds(new Headers(headers), NOW);

describe("remainingFreshnessSeconds (RFC 9111 §4.2)", () => {
  it("is max-age less the apparent age from Date", () => {
    expect(remaining({ "Cache-Control": "public, max-age=300, stale-while-revalidate=600", Date: at(60) })).toBe(240);
    expect(remaining({ "Cache-Control": "public, max-age=300", Date: at(400) })).toBe(0);
  });

  it("takes the larger of Age and the apparent age (§4.2.3)", () => {
    expect(remaining({ "Cache-Control": "max-age=300", Age: "100", Date: at(10) })).toBe(200);
    expect(remaining({ "Cache-Control": "max-age=300", Age: "0", Date: at(50) })).toBe(250);
  });

  it("counts a copy without Age or Date as new, and a Date in the future as age 0", () => {
    expect(remaining({ "Cache-Control": "public, max-age=300" })).toBe(300);
    expect(remaining({ "Cache-Control": "public, max-age=300", Date: at(-30) })).toBe(300);
  });

  it("prefers s-maxage, as a shared cache does, and keeps immutable documents to their max-age", () => {
    expect(remaining({ "Cache-Control": "public, max-age=60, s-maxage=120" })).toBe(120);
    expect(remaining({ "Cache-Control": "public, max-age=31536000, immutable" })).toBe(31_536_000);
  });

  it("is 0 without a usable lifetime", () => {
    expect(remaining({})).toBe(0);
    expect(remaining({ "Cache-Control": "public" })).toBe(0);
    expect(remaining({ "Cache-Control": "no-cache, max-age=300" })).toBe(0);
    expect(remaining({ "Cache-Control": "max-age=abc" })).toBe(0);
  });
});
