/**
 * Archives as RFC 5005 pages of at most 100 articles, and JSON Feed paging,
 * through the Worker over a bucket of 250 articles (two months): the
 * prev-archive chain from the main feed reaches every article exactly once,
 * next-archive links lead back, full pages are cached for a year, and
 * following JSON Feed `next_url` never repeats an item.
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { rebuildIndex } from "../../src/index/build";
import { mapLimit } from "../../src/store/concurrency";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { call } from "../support/worker";

const SITE = "https://paging.example.com";
const env = testEnv("paging", { SITE_URL: SITE });
const JUNE = 230;
const MAY = 20;
const ids = [
  ...Array.from({ length: MAY }, (_, i) => `mai-${String(i).padStart(3, "0")}`),
  ...Array.from({ length: JUNE }, (_, i) => `juni-${String(i).padStart(3, "0")}`),
];
const guid = (id: string) => `tag:paging.example.com,2024:${id}`;

function article(id: string, index: number): string {
  const june = id.startsWith("juni");
  const date = new Date(Date.UTC(2024, june ? 5 : 4, 1) + index * 2_700_000).toISOString();
  return `---\ntitle: Meldung ${id}\ndate: ${date}\n---\nDie Meldung ${id} ist kurz.\n`;
}

async function get(url: string): Promise<Response> {
  const response = await call(new URL(url).pathname + new URL(url).search, {}, env);
  expect(response.status, url).toBe(200);
  return response;
}

beforeAll(async () => {
  const store = createS3Store(s3Settings(loadConfig(env, SITE)));
  await mapLimit(ids, 8, async (id) => {
    const month = id.startsWith("juni") ? "juni" : "mai";
    await store.put(`${id}.txt`, article(id, Number(id.slice(month.length + 1))));
  });
  await rebuildIndex(store, { articlePrefix: "", defaultLanguage: "en", now: new Date("2024-07-15T00:00:00Z") });
}, 60_000);

describe("RFC 5005 archive pages", () => {
  it.each(["rss", "atom"] as const)("chain every article exactly once from the main %s feed, linked both ways", async (format) => {
    const file = format === "rss" ? "rss.xml" : "atom.xml";
    const parse = (text: string) => {
      if (format === "rss") {
        const feed = parseRssFeed(text);
        return { links: feed.atom?.links ?? [], ids: (feed.items ?? []).map((item) => item.guid?.value ?? "") };
      }
      const feed = parseAtomFeed(text);
      return { links: feed.links ?? [], ids: (feed.entries ?? []).map((entry) => entry.id ?? "") };
    };
    const link = (links: { rel?: string; href?: string }[], rel: string) => links.find((l) => l.rel === rel)?.href;
    let url: string | undefined = link(parse(await (await get(`${SITE}/${file}`)).text()).links, "prev-archive");
    expect(url).toMatch(new RegExp(`^${SITE}/archive/2024-06/page/\\d+/${file}$`));
    const seen: string[] = [];
    const pages: { url: string; next?: string; cache: string | null; size: number }[] = [];
    while (url !== undefined) {
      const response = await get(url);
      const page = parse(await response.text());
      expect(link(page.links, "self")).toBe(url);
      expect(link(page.links, "current")).toBe(`${SITE}/${file}`);
      expect(page.ids.length).toBeLessThanOrEqual(100);
      seen.push(...page.ids);
      pages.push({ url, next: link(page.links, "next-archive"), cache: response.headers.get("Cache-Control"), size: page.ids.length });
      url = link(page.links, "prev-archive");
      expect(pages.length).toBeLessThan(20);
    }
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids.map(guid)));
    // June in pages of 100 from its oldest article on, the newest page holding the rest; then May.
    expect(pages.map((p) => p.size)).toEqual([30, 100, 100, 20]);
    expect(pages[0]?.next).toBeUndefined();
    for (let i = 1; i < pages.length; i++) expect(pages[i]?.next).toBe(pages[i - 1]?.url);
    // Full pages with a newer page after them change no more: cached for a year.
    expect(pages.map((p) => p.cache?.includes("immutable") ?? false)).toEqual([false, true, true, false]);
  });

  it("serve a month's newest page under the month's own URL", async () => {
    const feed = parseRssFeed(await (await get(`${SITE}/archive/2024-06/rss.xml`)).text());
    expect(feed.atom?.links?.find((l) => l.rel === "self")?.href).toBe(`${SITE}/archive/2024-06/rss.xml`);
    expect(feed.items).toHaveLength(30);
    expect(feed.items?.[0]?.guid?.value).toBe(guid("juni-229"));
    expect((await call("/archive/2024-06/page/999/rss.xml", {}, env)).status).toBe(404);
    expect((await call("/archive/2024-06/page/x/rss.xml", {}, env)).status).toBe(404);
  });
});

describe("JSON Feed paging", () => {
  it("follows next_url from the main feed through every article, never repeating one", async () => {
    let url: string | undefined = `${SITE}/feed.json`;
    const seen: string[] = [];
    let previous = new Set<string>();
    let pages = 0;
    while (url !== undefined) {
      const feed: { items?: { id?: string }[]; next_url?: string } = parseJsonFeed(await (await get(url)).text());
      const page = (feed.items ?? []).map((item) => item.id ?? "");
      for (const id of page) expect(previous.has(id), `${id} repeats the page before ${url}`).toBe(false);
      previous = new Set(page);
      seen.push(...page);
      url = feed.next_url;
      expect(++pages).toBeLessThan(20);
    }
    expect(seen).toHaveLength(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids.map(guid)));
  });

  it("continues after the last item of a page cut short by limit", async () => {
    const first = parseJsonFeed(await (await get(`${SITE}/feed.json?limit=3`)).text());
    expect(first.items?.map((item) => item.id)).toEqual(["juni-229", "juni-228", "juni-227"].map(guid));
    expect(first.next_url).toBe(`${SITE}/feed.json?before=${encodeURIComponent("2024-06-08T02:15:00.000Z/juni-227")}`);
    const second = parseJsonFeed(await (await get(first.next_url ?? "")).text());
    expect(second.items?.[0]?.id).toBe(guid("juni-226"));
  });

  it("answers a malformed cursor with 400", async () => {
    const response = await call("/feed.json?before=yesterday", {}, env);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain("yesterday");
  });
});
