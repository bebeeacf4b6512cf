import { describe, expect, it } from "vitest";
import { renderArticlePage } from "../../../src/pages/article-page";
import type { ArticlePageData } from "../../../src/pages/article-page";
import { FEEDS, lexicalProblems, noAuthors, putinVisit } from "./fixtures";

function page(overrides: Partial<ArticlePageData> = {}): string {
  return renderArticlePage({ article: putinVisit, siteTitle: "Example News", homeUrl: "/", feeds: FEEDS, ...overrides });
}

describe("renderArticlePage", () => {
  const html = page({ canonicalUrl: "https://news.example.org/articles/putin-nordkorea" });
  const head = html.slice(0, html.indexOf("</head>"));

  it("titles the document and the page with the article title", () => {
    expect(head).toContain("<title>Putin besucht Nordkorea: „Wir werden eng zusammenarbeiten“ – Example News</title>");
    expect(html).toContain("<h1>Putin besucht Nordkorea: „Wir werden eng zusammenarbeiten“</h1>");
    expect(head).toContain(`<meta name="description" content="${putinVisit.summary}">`);
    expect(head).toContain(`<link rel="canonical" href="https://news.example.org/articles/putin-nordkorea">`);
  });

  it("puts the article's language on the article element, the interface language on the document", () => {
    expect(html).toContain(`<html lang="en">`);
    expect(html).toContain(`<article lang="de">`);
    expect(html).toContain(`Language: <span class="language">de</span>`);
  });

  it("names the authors", () => {
    expect(html).toContain(`By <span class="author">Anna Müller</span>, <span class="author">Tran Van Minh</span>`);
  });

  it("shows published and, when different, updated dates as <time datetime>", () => {
    expect(html).toContain(`Published <time datetime="2024-06-19T08:00:00.000Z">19 June 2024, 08:00 UTC</time>`);
    expect(html).toContain(`updated <time datetime="2024-06-19T10:30:00.000Z">19 June 2024, 10:30 UTC</time>`);
  });

  it("omits the updated date when it equals the published date (also in another ISO spelling)", () => {
    const same = page({ article: { ...putinVisit, updated: "2024-06-19T08:00:00Z" } });
    expect(same).not.toContain("updated");
    expect(page({ article: noAuthors })).not.toContain("updated <time");
  });

  it("shows the tags", () => {
    expect(html).toContain(`<ul class="tags" aria-label="Tags"><li>Russland</li><li>Nordkorea</li></ul>`);
  });

  it("inserts the cleaned content as HTML, attribution link included", () => {
    expect(html).toContain(putinVisit.contentHtml);
    expect(html).toContain(`<p class="source">Quelle: <a href="https://www.tass.example/world/123">tass.example</a></p>`);
    expect(html).toContain(`Original: <a href="https://www.tass.example/world/123" rel="noopener noreferrer">tass.example</a>`);
  });

  it("has no byline, tags or original link for an article without them", () => {
    const bare = page({ article: noAuthors });
    expect(bare).not.toContain(`class="meta byline"`);
    expect(bare).not.toContain(`class="tags"`);
    expect(bare).not.toContain("Original:");
  });

  it("links back home and announces the main feeds", () => {
    expect(html).toContain(`<a class="back" href="/">← Example News</a>`);
    for (const type of ["application/rss+xml", "application/atom+xml", "application/feed+json"]) {
      expect(head).toContain(`<link rel="alternate" type="${type}"`);
    }
  });

  it("is lexically sound HTML outside the trusted content", () => {
    expect(lexicalProblems(html.replace(putinVisit.contentHtml, ""))).toEqual([]);
  });
});
