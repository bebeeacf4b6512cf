import { describe, expect, it } from "vitest";
import { cacheKey } from "../../../src/app/cache-keys";
import { ConfigError, type Env, loadConfig } from "../../../src/config";
import { bearerToken } from "../../../src/http/partner-access";

describe("partner cache keys", () => {
  const url = "https://news.example.com/rss.xml?limit=5&utm=x";
  const partner = { id: "nordkurier", fingerprint: "0123456789abcdef", links: "path" as const };

  it("mark the partner, its terms and its link style, apart from the public key", () => {
    const key = cacheKey(url, { significantParams: ["limit"], variant: "reader", partner });
    expect(key).toBe("https://news.example.com/rss.xml?limit=5&__partner=nordkurier&__terms=0123456789abcdef&__links=path");
    const keys = new Set([
      cacheKey(url, { significantParams: ["limit"], variant: "reader" }),
      key,
      cacheKey(url, { significantParams: ["limit"], variant: "reader", partner: { ...partner, links: "header" } }),
      cacheKey(url, { significantParams: ["limit"], variant: "reader", partner: { ...partner, fingerprint: "fedcba9876543210" } }),
      cacheKey(url, { significantParams: ["limit"], variant: "reader", partner: { ...partner, id: "other" } }),
    ]);
    expect(keys.size).toBe(5);
  });
});

describe("bearerToken", () => {
  it("reads the token of the Bearer scheme in any case, and nothing else", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe("PUBLIC_CONTENT", () => {
  const env: Env = { S3_BUCKET: "news", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret", SITE_URL: "https://news.example.com" };

  it("is full by default, and full or summary when set", () => {
    expect(loadConfig(env, "https://news.example.com/").publicContent).toBe("full");
    expect(loadConfig({ ...env, PUBLIC_CONTENT: "summary" }, "https://news.example.com/").publicContent).toBe("summary");
    expect(loadConfig({ ...env, PUBLIC_CONTENT: " Full " }, "https://news.example.com/").publicContent).toBe("full");
  });

  it("names the variable, never the value, when it is anything else", () => {
    expect(() => loadConfig({ ...env, PUBLIC_CONTENT: "teaser" }, "https://news.example.com/")).toThrow(
      new ConfigError("PUBLIC_CONTENT must be full or summary"),
    );
  });
});
