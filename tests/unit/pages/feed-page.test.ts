import { describe, expect, it } from "vitest";
import type { FeedDescriptor } from "../../../src/feed/render";
import { type FeedPageData, feedVersions, renderFeedPage } from "../../../src/pages/feed-page";
import { lexicalProblems, noAuthors, putinVisit } from "./fixtures";

const SITE = "https://news.example.org";
const descriptor: FeedDescriptor = {
  id: `${SITE}/tags/russland/atom.xml`,
  title: "Example News: Tag Russland",
  description: "Cleaned news articles",
  language: "en",
  siteUrl: `${SITE}/`,
  selfUrl: `${SITE}/tags/russland/atom.xml?limit=5`,
  links: [],
  updated: "2024-06-19T10:30:00.000Z",
};

function page(overrides: Partial<FeedPageData> = {}): string {
  return renderFeedPage({
    feed: descriptor,
    items: [putinVisit, noAuthors].map((article) => ({ article, guid: `tag:news.example.org,2024:${article.id}`, link: article.sourceUrl ?? `${SITE}/x` })),
    format: "atom",
    feedUrl: descriptor.id,
    versions: feedVersions((format) => `${SITE}/tags/russland/${{ rss: "rss.xml", atom: "atom.xml", json: "feed.json" }[format]}`),
    siteTitle: "Example News",
    homeUrl: `${SITE}/`,
    opmlUrl: `${SITE}/opml.xml`,
    articleUrl: (article) => `/articles/${encodeURIComponent(article.id)}`,
    ...overrides,
  });
}

describe("renderFeedPage", () => {
  const html = page();
  const head = html.slice(0, html.indexOf("</head>"));

  it("is a complete HTML page named after the feed and its format", () => {
    expect(html.startsWith(`<!doctype html>\n<html lang="en">`)).toBe(true);
    expect(head).toContain("<title>Example News: Tag Russland (Atom feed)</title>");
    expect(html).toContain("<h1>Example News: Tag Russland</h1>");
    expect(html).toContain(`<p class="lede">Cleaned news articles</p>`);
  });

  it("says what a feed is and gives the address to copy", () => {
    expect(html).toContain("This is a web feed (Atom)");
    expect(html).toContain("feed reader");
    expect(html).toContain(`<code class="feed-url">${SITE}/tags/russland/atom.xml</code>`);
  });

  it("links the same feed in every format, marking the one shown, and announces them for autodiscovery", () => {
    expect(html).toContain(`<a href="${SITE}/tags/russland/rss.xml" type="application/rss+xml">RSS</a>`);
    expect(html).toContain(`<a href="${SITE}/tags/russland/atom.xml" type="application/atom+xml" aria-current="page">Atom</a>`);
    expect(html).toContain(`<a href="${SITE}/tags/russland/feed.json" type="application/feed+json">JSON Feed</a>`);
    expect(head).toContain(`<link rel="alternate" type="application/rss+xml" title="Example News: Tag Russland (RSS)" href="${SITE}/tags/russland/rss.xml">`);
    expect(html).toContain(`href="${SITE}/opml.xml"`);
  });

  it("lists the items with title, date, authors and summary, in the feed's order", () => {
    expect(html).toContain("In this feed: 2 items");
    expect(html).toContain(`<a class="title" lang="de" href="/articles/putin-nordkorea">${putinVisit.title}</a>`);
    expect(html).toContain(`<time datetime="2024-06-19T08:00:00.000Z">June 19, 2024 at 8:00 AM UTC</time>`);
    expect(html).toContain("by Anna Müller, Tran Van Minh");
    expect(html).toContain(`<p class="summary" lang="de">${putinVisit.summary}</p>`);
    expect(html.indexOf(putinVisit.title)).toBeLessThan(html.indexOf(noAuthors.title));
  });

  it("says so when the feed is empty", () => {
    const empty = page({ items: [] });
    expect(empty).toContain("In this feed: 0 items");
    expect(empty).toContain("This feed has no items yet.");
  });

  it("leads to the neighbouring archive months", () => {
    const archive = page({ older: { month: "2024-05", url: "/archive/2024-05/atom.xml" }, newer: { month: "2024-07", url: "/archive/2024-07/atom.xml" } });
    expect(archive).toContain(`<a href="/archive/2024-07/atom.xml" rel="next">← Newer: July 2024</a>`);
    expect(archive).toContain(`<a href="/archive/2024-05/atom.xml" rel="prev">Older: May 2024 →</a>`);
    expect(html).not.toContain(`class="pager"`);
  });

  it("uses no XSLT and no script", () => {
    expect(html).not.toMatch(/xml-stylesheet|<script|\son[a-z]+=/i);
  });

  it("is lexically sound HTML", () => {
    expect(lexicalProblems(html)).toEqual([]);
  });
});
