/**
 * The index at work: bounded store reads per uncached request, re-indexing on
 * demand (authenticated) and by the cron trigger, new and deleted articles,
 * and RFC 5005 monthly archives.
 */
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { SAMPLE_ARTICLES } from "../support/sample-articles";
import { call, newWorker, runScheduled, storeReads } from "../support/worker";

const TOKEN = "test-admin-token-3b1d";

describe("store reads per uncached request", () => {
  // INDEX_TTL=0 and a host of its own: nothing is served from memory or the edge cache.
  const env = testEnv("samples", { SITE_URL: "https://reads.example.com", INDEX_TTL: "0" });

  it.each([
    ["/rss.xml", 1],
    ["/feed.json?limit=5", 1],
    ["/tags/energie/atom.xml", 2],
    // The head, the page and its month's root (which knows the page's neighbours).
    ["/archive/2025-12/rss.xml", 3],
    ["/", 1],
    ["/opml.xml", 1],
  ])("%s costs %i store read(s)", async (path, reads) => {
    await call("/rss.xml?limit=1", {}, env); // the index exists
    const response = await call(path, {}, env);
    expect(response.status).toBe(200);
    expect(storeReads(response)).toBe(reads);
  });
});

describe("archives (RFC 5005)", () => {
  const SITE = "https://archive.example.com";
  const env = testEnv("samples", { SITE_URL: SITE });

  it("hold the articles of a month's newest page and link the neighbouring pages and the current feed", async () => {
    const response = await call("/archive/2025-12/rss.xml", {}, env);
    expect(response.status).toBe(200);
    // A page that may still grow is cached like a live feed; only full pages are immutable.
    expect(response.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+, stale-while-revalidate/);
    const text = await response.text();
    expect(text).toContain("<fh:archive/>");
    const feed = parseRssFeed(text);
    expect((feed.items ?? []).map((item) => item.guid?.value).sort()).toEqual(
      ["109_haushalt-crlf-bom", "110_wichtige-aenderungen"].map((id) => `tag:archive.example.com,2024:${id}`),
    );
    const links = Object.fromEntries((feed.atom?.links ?? []).filter((link) => link.rel !== "alternate").map((link) => [link.rel, link.href]));
    expect(links).toMatchObject({
      self: `${SITE}/archive/2025-12/rss.xml`,
      current: `${SITE}/rss.xml`,
      "prev-archive": `${SITE}/archive/2025-03/page/1/rss.xml`,
      "next-archive": `${SITE}/archive/2026-06/page/1/rss.xml`,
    });
    expect((await call("/archive/2025-12/page/1/rss.xml", {}, env)).status).toBe(200);
  });

  it("are linked from the main feed (prev-archive) and continued in JSON Feed (next_url)", async () => {
    const atom = parseAtomFeed(await (await call("/atom.xml", {}, env)).text());
    const prev = atom.links?.find((link) => link.rel === "prev-archive")?.href ?? "";
    expect(prev).toMatch(new RegExp(`^${SITE}/archive/\\d{4}-\\d{2}/page/\\d+/atom.xml$`));
    expect((await call(new URL(prev).pathname, {}, env)).status).toBe(200);
    const json = (await (await call("/feed.json?limit=5", {}, env)).json()) as { next_url?: string; items: { id: string }[] };
    expect(json.next_url).toMatch(new RegExp(`^${SITE}/feed.json\\?before=`));
    const next = (await (await call(new URL(json.next_url ?? "").pathname + new URL(json.next_url ?? "").search, {}, env)).json()) as {
      items: { id: string }[];
    };
    expect(next.items.length).toBeGreaterThan(0);
    expect(next.items.filter((item) => json.items.some((shown) => shown.id === item.id))).toEqual([]);
    const older = (await (await call("/archive/2025-12/feed.json", {}, env)).json()) as { next_url?: string };
    expect(older.next_url).toBe(`${SITE}/archive/2025-03/page/1/feed.json`);
  });
});

describe("POST /admin/reindex", () => {
  const env = testEnv("samples", { SITE_URL: "https://admin.example.com", ADMIN_TOKEN: TOKEN });

  it.each([
    ["no token", {}, 401],
    ["a wrong token", { Authorization: "Bearer not-the-token" }, 401],
    // RFC 6750 §3.1: a malformed request (another scheme, no token) is invalid_request, 400.
    ["another scheme", { Authorization: `Basic ${TOKEN}` }, 400],
    ["an empty token", { Authorization: "Bearer " }, 400],
  ])("refuses %s", async (_, headers: Record<string, string>, status) => {
    const response = await call("/admin/reindex", { method: "POST", headers }, env);
    expect(response.status).toBe(status);
    expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect(await response.text()).not.toContain(TOKEN);
  });

  it("refuses every token while ADMIN_TOKEN is not set", async () => {
    const response = await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, { ...env, ADMIN_TOKEN: "" });
    expect(response.status).toBe(401);
  });

  it("rebuilds the index for the right token and reports what it did", async () => {
    const response = await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { listed: number; parsed: number; unchanged: number; reads: number; writes: number };
    const samples = Object.keys(SAMPLE_ARTICLES).length;
    expect(report.listed).toBe(samples);
    expect(report.parsed + report.unchanged).toBe(samples);
  });
});

describe("re-indexing a changing bucket", () => {
  const SITE = "https://mutable.example.com";
  const env = testEnv("mutable", { SITE_URL: SITE, ADMIN_TOKEN: TOKEN, INDEX_TTL: "0" });
  const store = () => createS3Store(s3Settings(loadConfig(env, SITE)));
  const reindex = () => call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env);
  // A new `limit` each time: a URL of its own, so the edge cache cannot answer with an older copy.
  let nextLimit = 10;
  const ids = async () => (parseAtomFeed(await (await call(`/atom.xml?limit=${nextLimit++}`, {}, env)).text()).entries ?? []).map((e) => e.id);
  const article = (text: string) => `${text}\nERIKA MUSTER\nQuelle: https://example.org/${encodeURIComponent(text.slice(0, 8))}\nKommentar (0)\n`;

  it("shows a new article after a re-index and drops a deleted one", async () => {
    await store().put("eins.txt", article("Die erste Meldung des Tages über den Hafen."), { metadata: { date: "2026-01-02T08:00:00Z" } });
    await store().put("zwei.txt", article("Die zweite Meldung des Tages über die Bahn."), { metadata: { date: "2026-01-03T08:00:00Z" } });
    expect((await reindex()).status).toBe(200);
    expect(await ids()).toEqual(["tag:mutable.example.com,2024:zwei", "tag:mutable.example.com,2024:eins"]);

    await store().delete("zwei.txt");
    expect(await ids(), "still indexed until the next re-index").toContain("tag:mutable.example.com,2024:zwei");
    expect((await reindex()).status).toBe(200);
    expect(await ids()).toEqual(["tag:mutable.example.com,2024:eins"]);
    expect((await call("/articles/zwei", {}, env)).status).toBe(410); // deleted: Gone, for TOMBSTONE_DAYS
  });

  it("shows a browser the new home page right after a re-index, from every cache variant", async () => {
    const worker = newWorker();
    const cachedEnv = { ...env, INDEX_TTL: "60" };
    const asBrowser = { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } };
    const home = () => call("/", asBrowser, cachedEnv, worker);
    const rss = () => call("/rss.xml", asBrowser, cachedEnv, worker);
    await home();
    await rss();
    expect((await home()).headers.get("Server-Timing")).toContain('cache;desc="memory"');

    await store().put("vier.txt", article("Die vierte Meldung über den Stadtpark."), { metadata: { date: "2026-01-05T08:00:00Z" } });
    const reindexed = await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, cachedEnv, worker);
    expect(reindexed.status).toBe(200);
    for (const response of [await home(), await rss()]) {
      expect(response.headers.get("Server-Timing")).toContain('cache;desc="miss"');
      expect(await response.text()).toContain("Stadtpark");
    }
    // A second isolate that only shares the edge cache sees the fresh documents as well.
    const other = await call("/", asBrowser, cachedEnv, newWorker());
    expect(await other.text()).toContain("Stadtpark");
  });

  it("re-indexes on the cron trigger", async () => {
    await store().put("drei.txt", article("Die dritte Meldung über das Rathaus."), { metadata: { date: "2026-01-04T08:00:00Z" } });
    await runScheduled(env);
    expect(await ids()).toContain("tag:mutable.example.com,2024:drei");
  });
});
