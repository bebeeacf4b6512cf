import { describe, expect, it } from "vitest";
import type { ArticlePageData } from "../../../src/pages/article-page";
import { renderArticlePage } from "../../../src/pages/article-page";
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
    expect(html).toContain(`Published <time datetime="2024-06-19T08:00:00.000Z">June 19, 2024 at 8:00 AM UTC</time>`);
    expect(html).toContain(`updated <time datetime="2024-06-19T10:30:00.000Z">June 19, 2024 at 10:30 AM UTC</time>`);
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

describe("renderArticlePage with a lead image", () => {
  const withImage = {
    ...putinVisit,
    image: "https://img.example/putin.jpg?w=1200&h=675",
    imageAlt: "Wladimir Putin und Kim Jong-un in Pjöngjang",
  };
  const html = page({
    article: withImage,
    canonicalUrl: "https://news.example.org/articles/putin-nordkorea",
    publisherName: "Example Newsroom",
    siteUrl: "https://news.example.org/",
  });
  const head = html.slice(0, html.indexOf("</head>"));

  it("shows the image with its alt text, without sending a referrer", () => {
    expect(html).toContain(
      `<figure class="lead"><img src="https://img.example/putin.jpg?w=1200&amp;h=675" alt="Wladimir Putin und Kim Jong-un in Pjöngjang" decoding="async" referrerpolicy="no-referrer"></figure>`,
    );
  });

  it("gives an image without alt text an empty alt", () => {
    expect(page({ article: { ...withImage, imageAlt: null } })).toContain(`alt=""`);
    expect(page()).not.toContain("<figure");
  });

  it("carries Open Graph and Twitter card tags", () => {
    for (const tag of [
      `<meta property="og:type" content="article">`,
      `<meta property="og:title" content="${putinVisit.title}">`,
      `<meta property="og:site_name" content="Example News">`,
      `<meta property="og:description" content="${putinVisit.summary}">`,
      `<meta property="og:url" content="https://news.example.org/articles/putin-nordkorea">`,
      `<meta property="og:image" content="https://img.example/putin.jpg?w=1200&amp;h=675">`,
      `<meta property="og:image:alt" content="Wladimir Putin und Kim Jong-un in Pjöngjang">`,
      `<meta property="article:published_time" content="2024-06-19T08:00:00.000Z">`,
      `<meta property="article:modified_time" content="2024-06-19T10:30:00.000Z">`,
      `<meta property="article:author" content="Anna Müller">`,
      `<meta property="article:tag" content="Russland">`,
      `<meta name="twitter:card" content="summary_large_image">`,
      `<meta name="twitter:title" content="${putinVisit.title}">`,
      `<meta name="twitter:image" content="https://img.example/putin.jpg?w=1200&amp;h=675">`,
      `<meta name="twitter:image:alt" content="Wladimir Putin und Kim Jong-un in Pjöngjang">`,
    ]) {
      expect(head).toContain(tag);
    }
    expect(page()).toContain(`<meta name="twitter:card" content="summary">`);
  });

  it("describes itself as a schema.org NewsArticle based on the source", () => {
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(head)?.[1] ?? "{}";
    expect(JSON.parse(block)).toEqual({
      "@context": "https://schema.org",
      "@type": "NewsArticle",
      headline: putinVisit.title,
      description: putinVisit.summary,
      inLanguage: "de",
      datePublished: "2024-06-19T08:00:00.000Z",
      dateModified: "2024-06-19T10:30:00.000Z",
      author: [
        { "@type": "Person", name: "Anna Müller" },
        { "@type": "Person", name: "Tran Van Minh" },
      ],
      image: ["https://img.example/putin.jpg?w=1200&h=675"],
      publisher: { "@type": "Organization", name: "Example Newsroom", url: "https://news.example.org/" },
      url: "https://news.example.org/articles/putin-nordkorea",
      mainEntityOfPage: "https://news.example.org/articles/putin-nordkorea",
      isBasedOn: "https://www.tass.example/world/123",
      keywords: ["Russland", "Nordkorea"],
    });
  });

  it("has no inline script and no event handler attributes", () => {
    expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script type="application/ld+json">`]);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it("is lexically sound HTML outside the trusted content", () => {
    expect(lexicalProblems(html.replace(putinVisit.contentHtml, ""))).toEqual([]);
  });
});
