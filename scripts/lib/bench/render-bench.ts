/**
 * Feed rendering cost: the project's `renderFeed` (the `feed` library plus
 * the fixes it needs for valid output) against bare `feed` library calls on
 * the same articles, so the price of the fixes is visible.
 */
import { Feed } from "feed";
import type { Article } from "../../../src/article/model";
import { parseArticle } from "../../../src/article/parse";
import { itemGuid } from "../../../src/feed/guid";
import { type FeedDescriptor, type FeedFormat, type FeedItem, renderFeed } from "../../../src/feed/render";
import { makeArticle, prng } from "../synthetic-articles";
import { summarise } from "./stats";

const SITE = "https://news.example.com";

/** Milliseconds per render of one format. */
export interface RenderTiming {
  format: FeedFormat;
  projectMs: number;
  libraryMs: number;
}

/** `count` parsed synthetic articles, newest first, dated a day apart. */
function sampleArticles(count: number): Article[] {
  const rand = prng(0xfeed);
  const articles: Article[] = [];
  for (let i = 0; articles.length < count && i < count * 4; i++) {
    const raw = makeArticle(i, rand);
    raw.metadata = { date: new Date(Date.UTC(2024, 5, 1) - i * 86_400_000).toISOString() };
    const result = parseArticle(raw, { defaultLanguage: "en" });
    if (result.ok) articles.push(result.article);
  }
  return articles;
}

function projectRender(format: FeedFormat, articles: readonly Article[]): string {
  const descriptor: FeedDescriptor = {
    id: `${SITE}/rss.xml`,
    title: "News feed",
    description: "The latest articles",
    language: "en",
    siteUrl: SITE,
    selfUrl: `${SITE}/feed`,
    links: [],
    updated: articles[0]?.updated ?? "2024-01-01T00:00:00.000Z",
  };
  const items: FeedItem[] = articles.map((article) => ({
    article,
    guid: itemGuid("news.example.com", article.id),
    link: article.sourceUrl ?? `${SITE}/articles/${encodeURIComponent(article.id)}`,
  }));
  return renderFeed(format, descriptor, items);
}

/** The same content through the library alone: what a naive implementation would do. */
function libraryRender(format: FeedFormat, articles: readonly Article[]): string {
  const feed = new Feed({
    id: `${SITE}/rss.xml`,
    title: "News feed",
    description: "The latest articles",
    link: SITE,
    language: "en",
    updated: new Date(articles[0]?.updated ?? "2024-01-01T00:00:00.000Z"),
    copyright: "",
  });
  for (const article of articles) {
    feed.addItem({
      title: article.title,
      id: itemGuid("news.example.com", article.id),
      link: article.sourceUrl ?? `${SITE}/articles/${encodeURIComponent(article.id)}`,
      description: article.summary,
      content: article.contentHtml,
      // json1() crashes on an empty author list, so articles without a signature get none.
      ...(article.authors.length > 0 ? { author: article.authors.map((name) => ({ name })) } : {}),
      date: new Date(article.updated),
      published: new Date(article.published),
    });
  }
  return format === "rss" ? feed.rss2() : format === "atom" ? feed.atom1() : feed.json1();
}

/**
 * After `warmup` renders, renders each format
 * `iterations` times (stopping after `maxMs` per format and renderer) and
 * returns the median ms per render.
 */
export function benchRender(options: { items?: number; iterations?: number; warmup?: number; maxMs?: number } = {}): RenderTiming[] {
  const articles = sampleArticles(options.items ?? 50);
  const iterations = options.iterations ?? 200;
  const time = (render: () => string): number => {
    for (let i = 0; i < (options.warmup ?? 20); i++) render();
    const samples: number[] = [];
    const deadline = performance.now() + (options.maxMs ?? 5_000);
    while (samples.length < iterations && performance.now() < deadline) {
      const started = performance.now();
      render();
      samples.push(performance.now() - started);
    }
    return summarise(samples).p50;
  };
  return (["rss", "atom", "json"] as const).map((format) => ({
    format,
    projectMs: time(() => projectRender(format, articles)),
    libraryMs: time(() => libraryRender(format, articles)),
  }));
}
