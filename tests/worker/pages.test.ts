/**
 * The documents for people: home page with feed autodiscovery, article pages,
 * the OPML catalogue; all with text escaped.
 */
import { parseOpml } from "feedsmith";
import { describe, expect, it } from "vitest";
import { testEnv } from "../support/env";
import { call } from "../support/worker";

const SITE = "https://pages.example.com";
const env = testEnv("samples", { SITE_URL: SITE, FEED_TITLE: "Stadt & Welt <Nachrichten>" });

async function page(path: string): Promise<string> {
  const response = await call(path, {}, env);
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(response.headers.get("ETag")).toBeTruthy();
  return response.text();
}

describe("home page", () => {
  it("announces the three main feeds for autodiscovery", async () => {
    const html = await page("/");
    expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="Stadt &amp; Welt &lt;Nachrichten&gt; (RSS)" href="${SITE}/rss.xml">`);
    expect(html).toMatch(new RegExp(`<link rel="alternate" type="application/atom\\+xml" [^>]*href="${SITE}/atom.xml">`));
    expect(html).toMatch(new RegExp(`<link rel="alternate" type="application/feed\\+json" [^>]*href="${SITE}/feed.json">`));
  });

  it("lists the latest articles, topic feeds, archives and the OPML catalogue", async () => {
    const html = await page("/");
    expect(html).toContain('href="/articles/000_6851536369dabcad"');
    expect(html).toContain("/authors/thanh-hang/rss.xml");
    expect(html).toContain("/archive/2025-12/rss.xml");
    expect(html).toContain(`${SITE}/opml.xml`);
    expect(html).not.toContain("111_embargo-quartalszahlen");
    expect(html).not.toContain("112_draft-city-council");
  });

  it("escapes markup from the configuration and the articles", async () => {
    const html = await page("/");
    expect(html).not.toContain("<Nachrichten>");
    expect(html).not.toContain("<script>alert");
  });
});

describe("article pages", () => {
  it("show the cleaned article with author, date, language and the source attribution", async () => {
    const html = await page("/articles/000_6851536369dabcad");
    expect(html).toContain("Stunden bevor der russische Präsident");
    expect(html).toContain("Khanh Minh");
    expect(html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T/);
    expect(html).toContain('lang="de"');
    expect(html).toContain('<a href="https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html">sggp.org.vn</a>');
    expect(html).not.toContain("[Anzeige_2]");
    expect(html).not.toContain("Kommentar (0)");
  });

  it("escape hostile article text", async () => {
    const html = await page("/articles/108_hostile-markup");
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img[^>]*onerror/);
    expect(html).toContain("&lt;script&gt;");
  });

  it("are the item link of an article without a source", async () => {
    const feed = (await (await call("/feed.json?limit=100", {}, env)).json()) as { items: { id: string; url: string }[] };
    const withoutSource = feed.items.find((item) => item.id.endsWith(":107_ohne-quelle"));
    expect(withoutSource?.url).toBe(`${SITE}/articles/107_ohne-quelle`);
    await page("/articles/107_ohne-quelle");
  });

  it.each(["/articles/no-such-article", "/articles/111_embargo-quartalszahlen", "/articles/112_draft-city-council"])(
    "answer 404 for %s (unknown, embargoed or draft)",
    async (path) => {
      expect((await call(path, {}, env)).status).toBe(404);
    },
  );
});

describe("OPML catalogue", () => {
  it("lists the main feeds and every topic feed", async () => {
    const response = await call("/opml.xml", {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const opml = parseOpml(await response.text());
    const urls = JSON.stringify(opml.body?.outlines ?? []);
    for (const path of ["/rss.xml", "/atom.xml", "/feed.json", "/tags/energie/rss.xml", "/authors/khanh-minh/rss.xml", "/lang/vi/rss.xml", "/sources/sggp.org.vn/rss.xml"]) {
      expect(urls).toContain(`${SITE}${path}`);
    }
    expect(opml.head?.title).toBe("Stadt & Welt <Nachrichten>: all feeds");
  });
});
