/**
 * HTTP hygiene: 405 with Allow for other methods on known routes, error
 * bodies that never echo the request, security headers (nosniff everywhere;
 * on HTML pages a Content-Security-Policy without inline script or style, a
 * referrer policy and no framing), strict HTTP-dates in If-Modified-Since,
 * and one JSON log line per request without a secret in it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/app/log";
import { StoreError } from "../../src/store/store";
import { testEnv } from "../support/env";
import { call, newWorker } from "../support/worker";

const env = testEnv("samples", { SITE_URL: "https://hygiene.example.com" });
const HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("405 Method Not Allowed", () => {
  it.each([
    ["PUT", "/rss.xml", "GET, HEAD, OPTIONS"],
    ["DELETE", "/atom.xml", "GET, HEAD, OPTIONS"],
    ["POST", "/feed.json", "GET, HEAD, OPTIONS"],
    ["PATCH", "/tags/energie/rss.xml", "GET, HEAD, OPTIONS"],
    ["POST", "/", "GET, HEAD, OPTIONS"],
    ["PUT", "/articles/000_6851536369dabcad", "GET, HEAD, OPTIONS"],
    ["GET", "/admin/reindex", "POST, OPTIONS"],
  ])("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
    const response = await call(path, { method }, env);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe(allow);
    expect(await response.text()).toBe("Method not allowed.\n");
  });

  it("keeps 404 for unknown paths, whatever the method", async () => {
    expect((await call("/nothing-here", { method: "PUT" }, env)).status).toBe(404);
    expect((await call("/nothing-here", {}, env)).status).toBe(404);
  });
});

describe("error bodies", () => {
  const hostile = `<script>alert(1)</script>${"x".repeat(10_000)}`;

  it.each([
    `/tags/${encodeURIComponent(hostile)}/rss.xml`,
    `/tags/${"a".repeat(90)}/rss.xml`,
    `/authors/${encodeURIComponent("<b>x</b>")}/atom.xml`,
    `/articles/${encodeURIComponent(hostile)}`,
    `/archive/${encodeURIComponent("<x>")}/rss.xml`,
    `/rss.xml?limit=${encodeURIComponent(hostile)}`,
    `/${encodeURIComponent(hostile)}`,
  ])("never repeat the request: %s", async (path) => {
    const response = await call(path, {}, env);
    expect([400, 404]).toContain(response.status);
    const body = await response.text();
    expect(body.length).toBeLessThan(100);
    expect(body).not.toMatch(/script|xxxxx|<b>|<x>|aaaa/);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/plain/);
  });
});

describe("security headers", () => {
  it("sends nosniff on every response, errors included", async () => {
    for (const [path, init] of [
      ["/rss.xml", {}],
      ["/", {}],
      ["/nothing", {}],
      ["/rss.xml", { method: "PUT" }],
      ["/style.css", {}],
    ] as const) {
      expect((await call(path, init, env)).headers.get("X-Content-Type-Options"), path).toBe("nosniff");
    }
  });

  it("gives HTML pages a Content-Security-Policy without script, a referrer policy and no framing", async () => {
    for (const [path, init] of [
      ["/", {}],
      ["/articles/000_6851536369dabcad", {}],
      ["/tags/energie/atom.xml", { headers: { Accept: HTML_ACCEPT } }],
    ] as const) {
      const response = await call(path, init, env);
      expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("script-src");
      expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("X-Frame-Options")).toBe("DENY");
      // What the policy allows is all the page needs: no inline style or script (a JSON-LD data block is
      // no script to a browser), one stylesheet of this origin.
      const html = (await response.text()).replace(/<script type="application\/ld\+json">[^<]*<\/script>/g, "");
      expect(html).not.toMatch(/<script|<style|\sstyle=|\son\w+=/);
      expect(html).toContain(`<link rel="stylesheet" href="/style.css">`);
    }
    // A feed opened by a browser is an HTML page of the feed, with the same policy; a feed reader gets the feed, without one.
    const page = await call("/rss.xml", { headers: { Accept: HTML_ACCEPT } }, env);
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect((await call("/rss.xml", {}, env)).headers.get("Content-Security-Policy")).toBeNull();
  });

  it("serves the pages' stylesheet as CSS with validators", async () => {
    const response = await call("/style.css", {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(response.headers.get("ETag")).toBeTruthy();
    expect(await response.text()).toContain("prefers-color-scheme:dark");
  });
});

describe("If-Modified-Since", () => {
  it("is read strictly as an HTTP-date: a five-digit year is no date", async () => {
    const first = await call("/rss.xml", {}, env);
    const lastModified = first.headers.get("Last-Modified") ?? "";
    expect((await call("/rss.xml", { headers: { "If-Modified-Since": lastModified } }, env)).status).toBe(304);
    const fiveDigits = lastModified.replace(/ (\d{4}) /, " 9$1 ");
    expect(fiveDigits).toMatch(/ 9\d{4} /);
    expect((await call("/rss.xml", { headers: { "If-Modified-Since": fiveDigits } }, env)).status).toBe(200);
    expect((await call("/rss.xml", { headers: { "If-Modified-Since": "Sat, 01 Jan 2100 00:00:00 UTC" } }, env)).status).toBe(200);
  });
});

describe("logs", () => {
  const SECRET_TOKEN = "admin-token-never-logged-31c9";
  const logged = () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    return lines;
  };
  afterEach(() => vi.restoreAllMocks());

  it("write one JSON line per request with level, message, request id, route, status and duration, and no secret", async () => {
    const lines = logged();
    const loud = { ...env, LOG_LEVEL: "info", ADMIN_TOKEN: SECRET_TOKEN };
    const worker = newWorker();
    const first = await call("/tags/energie/rss.xml?token=abc", {}, loud, worker);
    await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${SECRET_TOKEN}x` } }, loud, worker);
    await call("/nothing", {}, loud, worker);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = parsed.filter((line) => line.message === "request");
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ level: "info", route: "/tags/:slug/rss.xml", method: "GET", status: 200 });
    expect(requests[0]?.requestId).toBe(first.headers.get("X-Request-Id"));
    expect(typeof requests[0]?.durationMs).toBe("number");
    expect(requests[1]).toMatchObject({ route: "/admin/reindex", status: 401 });
    expect(requests[2]).toMatchObject({ route: "unmatched", status: 404 });
    for (const line of lines) {
      for (const secret of [SECRET_TOKEN, "S3RVER", "token=abc", "Bearer"]) expect(line).not.toContain(secret);
    }
  });

  it("log an expected failure without a stack and an unexpected one once, with its stack", async () => {
    const lines = logged();
    const failing = (error: Error) =>
      newWorker(undefined, {
        log: createLogger(),
        openStore: () => ({
          list: () => Promise.reject(error),
          listPage: () => Promise.reject(error),
          get: () => Promise.reject(error),
          put: () => Promise.reject(error),
          delete: () => Promise.reject(error),
          deleteMany: () => Promise.reject(error),
        }),
      });
    const loud = { ...env, LOG_LEVEL: "info", SITE_URL: "https://log-failures.example.com" };
    const expected = await call(
      "/feed.json?limit=3",
      {},
      loud,
      failing(new StoreError("get", "news/_index/head.json", { cause: new Error("connect ECONNREFUSED") })),
    );
    expect(expected.status).toBe(503);
    const unexpected = await call("/feed.json?limit=3", {}, loud, failing(new TypeError("cannot read properties of undefined")));
    expect(unexpected.status).toBe(500);
    expect(await unexpected.text()).toBe("Internal error.\n");
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const warn = parsed.find((line) => line.level === "warn" && line.message === "request");
    expect(warn).toMatchObject({ status: 503, error: expect.stringContaining("StoreError"), cause: "Error: connect ECONNREFUSED" });
    expect(warn?.stack).toBeUndefined();
    const withStack = parsed.filter((line) => typeof line.stack === "string");
    expect(withStack).toHaveLength(1);
    expect(withStack[0]).toMatchObject({ level: "error", status: 500, error: "TypeError: cannot read properties of undefined" });
    expect(String(withStack[0]?.stack)).toContain("    at ");
  });
});
