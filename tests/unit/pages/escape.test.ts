import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderArticlePage } from "../../../src/pages/article-page";
import { renderFeedPage } from "../../../src/pages/feed-page";
import { renderHomePage } from "../../../src/pages/home";
import { renderOpml } from "../../../src/pages/opml";
import { escapeHtml, safeUrl } from "../../../src/text/xml";
import { FEEDS, FORBIDDEN, HOSTILE_TOPICS, homeData, hostile, lexicalProblems, SCRIPT, SITE_URL } from "./fixtures";

describe("escapeHtml", () => {
  it("escapes the five special characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("leaves other text, including non-ASCII, unchanged", () => {
    expect(escapeHtml("Müller „Zitat“ — 北朝鮮")).toBe("Müller „Zitat“ — 北朝鮮");
  });

  it("escapes existing entities again (input is text, not HTML)", () => {
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });
});

describe("safeUrl", () => {
  it.each(["https://a.example/x?y=1", "http://a.example", "/articles/x", "HTTPS://A.EXAMPLE"])("keeps %s", (url) => {
    expect(safeUrl(url)).toBe(url);
  });

  it.each(["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example/", "vbscript:x", "relative"])("replaces %s", (url) => {
    expect(safeUrl(url)).toBe("#");
  });
});

describe("hostile text never reaches the output unescaped", () => {
  const outputs: Record<string, string> = {
    "home page": renderHomePage(homeData({ title: hostile.title, description: hostile.summary, latest: [hostile], topics: HOSTILE_TOPICS })),
    "article page": renderArticlePage({ article: hostile, siteTitle: hostile.title, homeUrl: "/", feeds: FEEDS }),
    OPML: renderOpml({
      title: hostile.title,
      siteUrl: SITE_URL,
      dateCreated: "2024-06-19T08:00:00Z",
      ownerName: hostile.title,
      mainFeed: { ...FEEDS[0]!, title: hostile.title },
      topics: HOSTILE_TOPICS,
    }),
    "feed page": renderFeedPage({
      feed: {
        id: SITE_URL,
        title: hostile.title,
        description: hostile.summary,
        language: "en",
        siteUrl: SITE_URL,
        selfUrl: SITE_URL,
        links: [],
        updated: hostile.updated,
      },
      items: [{ article: hostile, guid: "tag:x,2024:1", link: "https://x.example/" }],
      format: "rss",
      feedUrl: `${SITE_URL}tags/${encodeURIComponent(SCRIPT)}/rss.xml`,
      versions: FEEDS.map((f) => ({ format: f.format, url: f.url })),
      siteTitle: hostile.title,
      homeUrl: "/",
      opmlUrl: "/opml.xml",
      articleUrl: (article) => `/articles/${encodeURIComponent(article.id)}`,
    }),
  };

  for (const [name, output] of Object.entries(outputs)) {
    it(`${name}`, () => {
      // The page's own JSON-LD element is the one script tag allowed; its content is checked below.
      // So is the lead image's own <img>; its attributes stay in and are checked.
      const checked = output.replace(`<script type="application/ld+json">`, "").replace(`<figure class="lead"><img `, `<figure class="lead">`);
      for (const fragment of FORBIDDEN) expect(checked, fragment).not.toContain(fragment);
      // The hostile text is still shown, escaped.
      expect(output).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    });
  }

  it.each(["home page", "article page", "feed page"])("%s is lexically sound: no attribute broken out of, no raw markup in text", (name) => {
    expect(lexicalProblems(outputs[name] ?? "")).toEqual([]);
  });

  it("home page shows the hostile topic name escaped", () => {
    expect(outputs["home page"]).toContain("&lt;b&gt;x&lt;/b&gt;");
  });

  it("article page turns the javascript: source into an inert link", () => {
    expect(outputs["article page"]).toContain(`Original: <a href="#"`);
  });

  it("OPML with hostile names is still well-formed", () => {
    expect(XMLValidator.validate(outputs.OPML ?? "")).toBe(true);
  });
});

describe("JSON-LD of a hostile article", () => {
  const html = renderArticlePage({ article: hostile, siteTitle: "Site", homeUrl: "/", feeds: FEEDS });
  const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";

  it("cannot end its script element early and holds no markup", () => {
    expect(block).not.toMatch(/[<>&]/);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it("still parses to the article's own text", () => {
    const data = JSON.parse(block) as { headline: string; image: string[]; isBasedOn?: string };
    expect(data.headline).toBe(hostile.title);
    expect(data.image).toEqual([hostile.image]);
    // A javascript: source is no source.
    expect(data.isBasedOn).toBeUndefined();
  });
});
