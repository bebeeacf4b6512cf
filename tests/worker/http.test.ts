/**
 * How the Worker behaves as an HTTP citizen: media types, validators and 304s,
 * HEAD, caching headers, CORS, Server-Timing, and its answers to bad requests.
 */
import { describe, expect, it } from "vitest";
import { testEnv } from "../support/env";
import { call, storeReads } from "../support/worker";

const env = testEnv("samples", { SITE_URL: "https://http.example.com" });
/** What Chromium sends when it navigates to a URL. */
const BROWSER_ACCEPT =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
/** What feed readers and tools send (`undefined`: no Accept header at all). */
const READER_ACCEPTS: Record<string, string | undefined> = {
  Miniflux: "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9",
  "FreshRSS (SimplePie)":
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, application/unknown;q=0.1, */*;q=0.1",
  "a reader naming RSS first": "application/rss+xml, application/xml;q=0.9",
  "NetNewsWire, Feedly and curl (*/*)": "*/*",
  "a client without Accept": undefined,
};
const FEEDS = [
  ["/rss.xml", "application/rss+xml; charset=utf-8"],
  ["/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/feed.json", "application/feed+json; charset=utf-8"],
] as const;

describe("feed responses", () => {
  it.each(FEEDS)("serves %s as %s with validators and caching headers", async (path, type) => {
    const response = await call(path, {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(type);
    expect(response.headers.get("ETag")).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(Date.parse(response.headers.get("Last-Modified") ?? "")).not.toBeNaN();
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300, stale-while-revalidate=600, stale-if-error=86400");
    expect(response.headers.get("Server-Timing")).toMatch(/store;desc="reads=\d+";dur=[\d.]+/);
    expect((await response.text()).length).toBeGreaterThan(500);
  });

  it("gives a browser navigating to a feed URL an HTML page, cached apart from the feed (Vary: Accept; Authorization for partner tokens)", async () => {
    for (const [path, type] of FEEDS) {
      const browser = await call(path, { headers: { Accept: BROWSER_ACCEPT } }, env);
      expect(browser.headers.get("Content-Type"), path).toBe("text/html; charset=utf-8");
      expect(browser.headers.get("Vary"), path).toBe("Accept, Authorization");
      const page = await browser.text();
      expect(page, path).toMatch(/^<!doctype html>/);
      // Asked right after the page, a feed reader still gets the feed, with its own validator.
      const reader = await call(path, {}, env);
      expect(reader.headers.get("Content-Type"), path).toBe(type);
      expect(reader.headers.get("Vary"), path).toBe("Accept, Authorization");
      expect(reader.headers.get("ETag")).not.toBe(browser.headers.get("ETag"));
      expect(await reader.text()).not.toBe(page);
    }
  });

  it.each(Object.entries(READER_ACCEPTS))("gives %s the feed itself", async (_reader, accept) => {
    for (const [path, type] of FEEDS) {
      const response = await call(path, accept === undefined ? {} : { headers: { Accept: accept } }, env);
      expect(response.headers.get("Content-Type"), path).toBe(type);
      expect(response.headers.get("Vary"), path).toBe("Accept, Authorization");
    }
  });

  it("answers a conditional request for the page with 304 and Vary: Accept", async () => {
    const page = await call("/atom.xml", { headers: { Accept: BROWSER_ACCEPT } }, env);
    const again = await call("/atom.xml", { headers: { Accept: BROWSER_ACCEPT, "If-None-Match": page.headers.get("ETag") ?? "" } }, env);
    expect(again.status).toBe(304);
    expect(again.headers.get("Vary")).toBe("Accept, Authorization");
  });

  it("takes max-age from CACHE_MAX_AGE", async () => {
    const response = await call("/rss.xml", {}, testEnv("samples", { SITE_URL: "https://max-age.example.com", CACHE_MAX_AGE: "60" }));
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=60, stale-while-revalidate=600, stale-if-error=86400");
  });

  it("derives the ETag from the content, so it is the same on every request", async () => {
    const first = await call("/atom.xml?limit=7", {}, env);
    const second = await call("/atom.xml?limit=7", {}, env);
    expect(second.headers.get("ETag")).toBe(first.headers.get("ETag"));
    const other = await call("/atom.xml?limit=6", {}, env);
    expect(other.headers.get("ETag")).not.toBe(first.headers.get("ETag"));
  });

  it("answers If-None-Match with a bodiless 304, for the strong and the weak form of the tag", async () => {
    const { headers } = await call("/rss.xml", {}, env);
    const etag = headers.get("ETag") ?? "";
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const response = await call("/rss.xml", { headers: { "If-None-Match": tag } }, env);
      expect(response.status).toBe(304);
      expect(await response.text()).toBe("");
      expect(response.headers.get("ETag")).toBe(etag);
      expect(response.headers.get("Cache-Control")).toContain("max-age=300");
    }
    const changed = await call("/rss.xml", { headers: { "If-None-Match": '"stale"' } }, env);
    expect(changed.status).toBe(200);
  });

  it("answers If-Modified-Since with 304 when nothing is newer, 200 otherwise", async () => {
    const { headers } = await call("/feed.json", {}, env);
    const lastModified = headers.get("Last-Modified") ?? "";
    const notModified = await call("/feed.json", { headers: { "If-Modified-Since": lastModified } }, env);
    expect(notModified.status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await call("/feed.json", { headers: { "If-Modified-Since": earlier } }, env)).status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const get = await call("/atom.xml", {}, env);
    const head = await call("/atom.xml", { method: "HEAD" }, env);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("ETag")).toBe(get.headers.get("ETag"));
    expect(head.headers.get("Content-Type")).toBe(get.headers.get("Content-Type"));
  });

  it("answers a warm feed from isolate memory without a store read", async () => {
    await call("/rss.xml?limit=3", {}, env);
    const warm = await call("/rss.xml?limit=3", {}, env);
    expect(storeReads(warm)).toBe(0);
    expect(warm.headers.get("Server-Timing")).toContain('cache;desc="memory"');
  });

  it("answers from the edge cache without a store read when memory holds nothing (INDEX_TTL=0)", async () => {
    const uncachedEnv = testEnv("samples", { SITE_URL: "https://edge.example.com", INDEX_TTL: "0" });
    const first = await call("/atom.xml", {}, uncachedEnv);
    expect(first.headers.get("Server-Timing")).toContain('cache;desc="miss"');
    const cached = await call("/atom.xml", {}, uncachedEnv);
    expect(storeReads(cached)).toBe(0);
    expect(cached.headers.get("Server-Timing")).toContain('cache;desc="hit"');
    expect(await cached.text()).toBe(await first.text());
  });

  it("lets any origin read feeds and see the validators (CORS)", async () => {
    const response = await call("/feed.json", { headers: { Origin: "https://partner.example.org" } }, env);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Expose-Headers")).toMatch(/ETag.*Last-Modified/);
  });

  it("answers a CORS preflight", async () => {
    const response = await call(
      "/feed.json",
      {
        method: "OPTIONS",
        headers: { Origin: "https://partner.example.org", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "If-None-Match" },
      },
      env,
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(response.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("if-none-match");
  });
});

describe("bad requests", () => {
  it.each(["0", "101", "abc", "-1", "1.5", ""])("rejects ?limit=%s with a one-line 400", async (limit) => {
    const response = await call(`/rss.xml?limit=${limit}`, {}, env);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text).toContain("limit");
  });

  it("accepts ?limit=N from 1 to 100 and shows at most N items", async () => {
    const response = await call("/feed.json?limit=2", {}, env);
    expect(response.status).toBe(200);
    const feed = (await response.json()) as { items: unknown[] };
    expect(feed.items).toHaveLength(2);
  });

  it("answers an unknown path with 404", async () => {
    const response = await call("/nothing-here.xml", {}, env);
    expect(response.status).toBe(404);
  });

  it("answers an unknown topic with 404", async () => {
    for (const path of ["/tags/no-such-tag/rss.xml", "/authors/nobody/atom.xml", "/lang/xx/feed.json", "/sources/nowhere.example/rss.xml"]) {
      expect((await call(path, {}, env)).status, path).toBe(404);
    }
  });

  it("answers 404 for a topic or month that only an embargoed article has", async () => {
    expect((await call("/tags/wirtschaft/rss.xml", {}, env)).status).toBe(404);
    expect((await call("/archive/2099-01/atom.xml", {}, env)).status).toBe(404);
  });

  it("answers a malformed archive month with 400 and an absent one with 404", async () => {
    expect((await call("/archive/2024-13/rss.xml", {}, env)).status).toBe(400);
    expect((await call("/archive/1999-01/rss.xml", {}, env)).status).toBe(404);
  });
});
