import { describe, expect, it } from "vitest";
import { renderHomePage } from "../../../src/pages/home";
import { homeData, lexicalProblems, noAuthors, putinVisit } from "./fixtures";

describe("renderHomePage", () => {
  const html = renderHomePage(homeData());
  const head = html.slice(0, html.indexOf("</head>"));

  it("is an HTML5 document with language, charset and viewport", () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(head).toContain(`<meta charset="utf-8">`);
    expect(head).toContain(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
    expect(head).toContain("<title>Example News</title>");
    expect(head).toContain(`<link rel="canonical" href="https://news.example.org/">`);
  });

  it("announces the three main feeds for autodiscovery with the right media types", () => {
    expect(head).toContain(`<link rel="alternate" type="application/rss+xml" title="Example News (RSS)" href="https://news.example.org/rss.xml">`);
    expect(head).toContain(`<link rel="alternate" type="application/atom+xml" title="Example News (Atom)" href="https://news.example.org/atom.xml">`);
    expect(head).toContain(`<link rel="alternate" type="application/feed+json" title="Example News (JSON Feed)" href="https://news.example.org/feed.json">`);
  });

  it("loads nothing from elsewhere: one stylesheet of this origin, no inline style or script", () => {
    expect(html).not.toMatch(/<script|<style|style="|@import|<img/);
    expect(head.match(/<link rel="stylesheet"[^>]*>/g)).toEqual([`<link rel="stylesheet" href="/style.css">`]);
  });

  it("links the main feeds and the OPML catalogue in the body", () => {
    expect(html).toContain(`href="https://news.example.org/rss.xml" type="application/rss+xml"`);
    expect(html).toContain(`href="/opml.xml" type="text/x-opml">All feeds (OPML)</a>`);
  });

  it("lists the latest articles with link, readable date, time element, authors, language, source and summary", () => {
    expect(html).toContain(`<a class="title" lang="de" href="/articles/putin-nordkorea">Putin besucht Nordkorea: „Wir werden eng zusammenarbeiten“</a>`);
    expect(html).toContain(`<time datetime="2024-06-19T08:00:00.000Z">June 19, 2024 at 8:00 AM UTC</time>`);
    expect(html).toContain(`<p class="summary" lang="de">${putinVisit.summary}</p>`);
    expect(html).toContain("by Anna Müller, Tran Van Minh");
    expect(html).toContain("language: de");
    expect(html).toContain("source: tass.example");
    expect(html.indexOf(putinVisit.title)).toBeLessThan(html.indexOf(noAuthors.title));
  });

  it("leaves out the author and source of an article that has none", () => {
    const item = html.slice(html.indexOf(noAuthors.title));
    const meta = item.slice(0, item.indexOf("</li>"));
    expect(meta).not.toContain("by ");
    expect(meta).not.toContain("source:");
    expect(meta).toContain("June 18, 2024 at 11:59 PM UTC");
  });

  it("groups topic feeds by kind, each with links to its three formats", () => {
    for (const heading of ["Tags", "Authors", "Languages", "Sources"]) expect(html).toContain(`<h3 id="${heading.toLowerCase()}">${heading}</h3>`);
    expect(html).toContain(`<a href="/tags/russland/rss.xml" type="application/rss+xml">RSS</a>`);
    expect(html).toContain(`<a href="/tags/russland/atom.xml" type="application/atom+xml">Atom</a>`);
    expect(html).toContain(`<a href="/tags/russland/feed.json" type="application/feed+json">JSON Feed</a>`);
    expect(html).toContain(`href="/authors/anna-muller/rss.xml"`);
    expect(html).toContain(`href="/lang/de/rss.xml"`);
    expect(html).toContain(`href="/sources/tass.example/feed.json"`);
    expect(html).toContain(`<a href="/tags/russland/rss.xml" class="topic">Russland</a><span class="count">12 articles</span>`);
    expect(html).toContain(`<a href="/tags/nordkorea/rss.xml" class="topic">Nordkorea</a><span class="count">1 article</span>`);
    expect(html.indexOf(`<h3 id="tags">`)).toBeLessThan(html.indexOf(`<h3 id="sources">`));
  });

  it("leads to every topic feed and the archive from above the articles, and sets them beside the articles", () => {
    const latest = html.indexOf(`<h2 id="latest">`);
    const jump = html.indexOf(`<nav class="jump"`);
    expect(jump).toBeGreaterThan(0);
    expect(jump).toBeLessThan(latest);
    const nav = html.slice(jump, html.indexOf("</nav>", jump));
    for (const anchor of ["#tags", "#authors", "#languages", "#sources", "#archive"]) expect(nav).toContain(`href="${anchor}"`);
    expect(html).toMatch(/<div class="columns">\n<main>[\s\S]*<\/main>\n<aside [^>]*>[\s\S]*id="topics"[\s\S]*id="archive"[\s\S]*<\/aside>/);
    expect(html).toContain(`<div class="wrap wide">`);
  });

  it("names only the topic kinds it has in the jump links", () => {
    const tagsOnly = renderHomePage(homeData({ topics: [{ kind: "tags", slug: "x", name: "X", count: 1 }], months: [] }));
    const nav = tagsOnly.slice(tagsOnly.indexOf(`<nav class="jump"`), tagsOnly.indexOf("</nav>"));
    expect(nav).toContain(`href="#tags"`);
    expect(nav).not.toContain(`href="#authors"`);
    expect(nav).not.toContain(`href="#archive"`);
  });

  it("links every archive month in every format", () => {
    expect(html).toContain(`<a href="/archive/2024-06/rss.xml" class="topic">June 2024</a><span class="count">21 articles</span>`);
    expect(html).toContain(`href="/archive/2024-06/rss.xml"`);
    expect(html).toContain(`href="/archive/2024-05/feed.json"`);
  });

  it("encodes ids and slugs into link paths", () => {
    const odd = renderHomePage(
      homeData({
        latest: [{ ...putinVisit, id: "a b/c?d" }],
        topics: [{ kind: "tags", slug: "a b", name: "A B", count: 1 }],
      }),
    );
    expect(odd).toContain(`href="/articles/a%20b%2Fc%3Fd"`);
    expect(odd).toContain(`href="/tags/a%20b/rss.xml"`);
  });

  it("says so when there are no articles, topics or months", () => {
    const empty = renderHomePage(homeData({ latest: [], topics: [], months: [] }));
    expect(empty).toContain("No articles yet.");
    expect(empty).toContain("No topic feeds yet.");
    expect(empty).toContain("The archive is empty.");
    expect(empty).not.toContain(`<nav class="jump"`);
  });

  it("uses caller-provided paths", () => {
    const custom = renderHomePage(
      homeData({
        paths: {
          article: (id) => `https://x.example/a/${id}`,
          topicFeed: (kind, slug, format) => `https://x.example/${kind}/${slug}.${format}`,
          archiveFeed: (month, format) => `https://x.example/m/${month}.${format}`,
        },
      }),
    );
    expect(custom).toContain(`href="https://x.example/a/putin-nordkorea"`);
    expect(custom).toContain(`href="https://x.example/tags/russland.atom"`);
    expect(custom).toContain(`href="https://x.example/m/2024-06.json"`);
  });

  it("is lexically sound HTML", () => {
    expect(lexicalProblems(html)).toEqual([]);
  });

  it("the lexical check itself catches a broken attribute and raw markup", () => {
    expect(lexicalProblems(`<a title="x"y">ok</a>`)).not.toEqual([]);
    expect(lexicalProblems(`<p>a > b</p>`)).not.toEqual([]);
  });
});
