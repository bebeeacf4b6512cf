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
  it("lists the main feed and every topic feed once, as RSS", async () => {
    const response = await call("/opml.xml", {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
    const opml = parseOpml(await response.text());
    const outlines = (opml.body?.outlines ?? []).flatMap((category) => category.outlines ?? []);
    const urls = outlines.map((outline) => outline.xmlUrl);
    for (const path of ["/rss.xml", "/tags/energie/rss.xml", "/authors/khanh-minh/rss.xml", "/lang/vi/rss.xml", "/sources/sggp.org.vn/rss.xml"]) {
      expect(urls).toContain(`${SITE}${path}`);
    }
    expect(urls.filter((url) => !url?.endsWith("/rss.xml"))).toEqual([]);
    expect(new Set(urls).size).toBe(urls.length);
    expect(outlines.every((outline) => outline.type === "rss")).toBe(true);
    expect(opml.head?.title).toBe("Stadt & Welt <Nachrichten>: all feeds");
  });
});

describe("article page with a lead image", () => {
  it("shows the image with its alt text and carries Open Graph, Twitter card and NewsArticle data", async () => {
    const html = await page("/articles/114_solar-ferry-harbour");
    const image = "https://images.harbourtimes.example.com/2026/11/solar-ferry-marlin.jpg?w=1200&amp;h=675";
    expect(html).toContain(`<img src="${image}" alt="The electric ferry Marlin at the Circular Quay pier, its roof covered in solar panels"`);
    expect(html).toContain(`<meta property="og:image" content="${image}">`);
    expect(html).toContain(`<meta property="og:url" content="${SITE}/articles/114_solar-ferry-harbour">`);
    expect(html).toContain(`<meta name="twitter:card" content="summary_large_image">`);
    const data = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "{}") as Record<string, unknown>;
    expect(data).toMatchObject({
      "@type": "NewsArticle",
      headline: "Harbour's first solar ferry enters service",
      author: [{ "@type": "Person", name: "Maya Patel" }],
      datePublished: "2026-11-29T08:00:00.000Z",
      image: ["https://images.harbourtimes.example.com/2026/11/solar-ferry-marlin.jpg?w=1200&h=675"],
      publisher: { "@type": "Organization", name: "Stadt & Welt <Nachrichten>", url: `${SITE}/` },
      isBasedOn: "https://www.harbourtimes.example.com/news/transport/solar-ferry-marlin?ref=rss&utm_source=feed",
    });
    expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script type="application/ld+json">`]);
  });
});

describe("feed pages for browsers", () => {
  const BROWSER = { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } };

  it.each([
    ["/rss.xml", "RSS", "first solar ferry enters service"],
    ["/atom.xml", "Atom", "first solar ferry enters service"],
    ["/feed.json", "JSON Feed", "first solar ferry enters service"],
    ["/tags/energie/atom.xml", "Atom", "Stadtwerke fördern Wärmepumpen"],
    ["/sources/sggp.org.vn/feed.json", "JSON Feed", "Khanh Minh"],
    ["/archive/2025-12/rss.xml", "RSS", "Der Stadtrat hat am Mittwochabend den Haushalt"],
  ])("%s is an HTML page of the feed with what a feed is, its address and its items", async (path, label, item) => {
    const response = await call(path, BROWSER, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain(`This is a web feed (${label})`);
    expect(html).toContain(`<code class="feed-url">${SITE}${path}</code>`);
    expect(html).toContain(item);
    expect(html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">[^<]+<\/time>/);
    expect(html).not.toMatch(/xml-stylesheet|<script|\son[a-z]+=/i);
    expect(html).not.toContain("<Nachrichten>");
  });

  it("lists as many items as the feed, and links the archive's neighbours", async () => {
    const feed = (await (await call("/feed.json?limit=4", {}, env)).json()) as { items: unknown[] };
    const html = await (await call("/feed.json?limit=4", BROWSER, env)).text();
    expect(html).toContain(`In this feed: ${feed.items.length} items`);
    expect(html.match(/<a class="title"/g)).toHaveLength(feed.items.length);
    const archive = await (await call("/archive/2025-12/atom.xml", BROWSER, env)).text();
    expect(archive).toContain(`href="/archive/2025-03/page/1/atom.xml" rel="prev"`);
    expect(archive).toContain(`href="/archive/2026-06/page/1/atom.xml" rel="next"`);
  });
});
