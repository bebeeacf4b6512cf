import { describe, expect, it } from "vitest";
import { CACHE_VARIANTS, cacheKey, purgeKeys } from "../../../src/app/cache-keys";

describe("cache keys", () => {
  it("keep only the significant query parameters, without fragment", () => {
    expect(cacheKey("https://news.example.com/rss.xml?utm_source=x&limit=5#top", { significantParams: ["limit"], variant: "reader" })).toBe(
      "https://news.example.com/rss.xml?limit=5",
    );
  });

  it("mark each variant and the last good copy apart", () => {
    const url = "https://news.example.com/";
    const keys = new Set([
      cacheKey(url, { variant: "reader" }),
      cacheKey(url, { variant: "browser" }),
      cacheKey(url, { variant: "reader", lastGood: true }),
      cacheKey(url, { variant: "browser", lastGood: true }),
    ]);
    expect(keys.size).toBe(4);
  });

  it("purge every variant a request could have created, and keep the last good copies", () => {
    const url = "https://news.example.com/";
    const purged = purgeKeys(url);
    for (const variant of CACHE_VARIANTS) expect(purged).toContain(cacheKey(url, { variant }));
    expect(purged).not.toContain(cacheKey(url, { variant: "reader", lastGood: true }));
  });
});
