/**
 * Topic feeds (tag, author, language, source host) in all three formats, and
 * the links every feed carries: self, its other formats, its archives.
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { testEnv } from "../support/env";
import { call } from "../support/worker";

const SITE = "https://topics.example.com";
const env = testEnv("samples", { SITE_URL: SITE });
const guid = (id: string) => `tag:topics.example.com,2024:${id}`;

async function rssIds(path: string): Promise<string[]> {
  const response = await call(path, {}, env);
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
  return (parseRssFeed(await response.text()).items ?? []).map((item) => item.guid?.value ?? "");
}

describe("topic feeds", () => {
  it.each([
    ["/tags/energie/rss.xml", ["105_stadtwerke-waermepumpen"]],
    ["/tags/habitacao/rss.xml", ["lisboa-habitacao-2024"]],
    ["/authors/thanh-hang/rss.xml", ["102_ha-noi-mo-rong-tuyen-buyt-dien"]],
    ["/authors/khanh-minh/rss.xml", ["000_6851536369dabcad"]],
    ["/sources/sggp.org.vn/rss.xml", ["000_6851536369dabcad", "102_ha-noi-mo-rong-tuyen-buyt-dien"]],
    ["/lang/vi/rss.xml", ["102_ha-noi-mo-rong-tuyen-buyt-dien"]],
    ["/lang/pt/rss.xml", ["lisboa-habitacao-2024"]],
  ])("%s holds exactly the articles of that topic", async (path, ids) => {
    expect((await rssIds(path)).sort()).toEqual(ids.map(guid).sort());
  });

  it("serves every topic in Atom and JSON Feed too", async () => {
    const atom = parseAtomFeed(await (await call("/authors/thanh-hang/atom.xml", {}, env)).text());
    expect(atom.entries?.map((entry) => entry.id)).toEqual([guid("102_ha-noi-mo-rong-tuyen-buyt-dien")]);
    const json = parseJsonFeed(await (await call("/lang/vi/feed.json", {}, env)).text());
    expect(json.items?.map((item) => item.id)).toEqual([guid("102_ha-noi-mo-rong-tuyen-buyt-dien")]);
    expect(json.language).toBe("vi");
    expect(json.title).toContain("vi");
  });

  it("accepts a slug in capitals as the same topic", async () => {
    expect(await rssIds("/tags/ENERGIE/rss.xml")).toEqual([guid("105_stadtwerke-waermepumpen")]);
  });

  it("links itself and its other formats", async () => {
    const rss = parseRssFeed(await (await call("/tags/energie/rss.xml", {}, env)).text());
    const links = rss.atom?.links ?? [];
    expect(links.find((link) => link.rel === "self")).toMatchObject({ href: `${SITE}/tags/energie/rss.xml`, type: "application/rss+xml" });
    expect(links.filter((link) => link.rel === "alternate").map((link) => [link.href, link.type])).toEqual([
      [`${SITE}/tags/energie/atom.xml`, "application/atom+xml"],
      [`${SITE}/tags/energie/feed.json`, "application/feed+json"],
    ]);
    const atom = parseAtomFeed(await (await call("/tags/energie/atom.xml", {}, env)).text());
    expect(atom.links?.find((link) => link.rel === "self")?.href).toBe(`${SITE}/tags/energie/atom.xml`);
    expect(atom.links?.some((link) => link.rel === "alternate" && link.href === `${SITE}/tags/energie/rss.xml`)).toBe(true);
  });
});

describe("source topics spelt with www.", () => {
  it.each([
    ["/sources/www.diariosur.example.es/rss.xml", "/sources/diariosur.example.es/rss.xml"],
    ["/sources/WWW.sggp.org.vn/feed.json?limit=1", "/sources/sggp.org.vn/feed.json?limit=1"],
  ])("redirect %s permanently to %s", async (path, location) => {
    const response = await call(path, { redirect: "manual" }, env);
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe(location);
    expect((await call(location, {}, env)).status).toBe(200);
  });
});

describe("topics without a natural URL segment", () => {
  const oddEnv = testEnv("oddTopics", { SITE_URL: "https://odd.example.com" });

  it("are listed on the home page and in OPML only with a route that answers", async () => {
    const opml = await (await call("/opml.xml", {}, oddEnv)).text();
    const feedUrls = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((match) => match[1] ?? "");
    const home = await (await call("/", {}, oddEnv)).text();
    const homeUrls = [...home.matchAll(/href="(\/(?:tags|authors|lang|sources)\/[^"]+)"/g)].map((match) => match[1] ?? "");
    // Two odd hosts, a normal one, one tag without Latin letters, one author, one language, and the main feed.
    expect(feedUrls).toHaveLength(7);
    expect(homeUrls.length).toBeGreaterThanOrEqual(18);
    for (const url of [...feedUrls.map((u) => new URL(u).pathname), ...homeUrls]) {
      expect((await call(url, {}, oddEnv)).status, url).toBe(200);
    }
    // The names are shown as they are; the URLs use the hash slug.
    expect(opml).toContain(`text="Source: [::1]"`);
    expect(feedUrls.filter((url) => url.includes("[") || url.includes("a".repeat(60)))).toEqual([]);
  });
});

describe("browser-readable feeds", () => {
  it("RSS and Atom no longer name an XSL stylesheet; the stylesheet is still served for old copies", async () => {
    for (const path of ["/rss.xml", "/atom.xml", "/tags/energie/atom.xml"]) {
      const text = await (await call(path, {}, env)).text();
      expect(text, path).not.toContain("xml-stylesheet");
    }
    const xsl = await call("/feed.xsl", {}, env);
    expect(xsl.status).toBe(200);
    expect(xsl.headers.get("Content-Type")).toBe("text/xsl; charset=utf-8");
    const text = await xsl.text();
    expect(text).toContain('<xsl:stylesheet version="1.0"');
    expect(text).toContain('match="/rss"');
  });
});
