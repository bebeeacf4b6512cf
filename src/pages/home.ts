/**
 * The home page: what the site is, how to subscribe, the latest articles,
 * the topic feeds and the archive.
 */
import type { Article } from "../article/model";
import { FEED_FORMAT_INFO, FEED_FORMATS } from "../feed/formats";
import { TOPIC_KIND_INFO, TOPIC_KINDS } from "../index/topic-kinds";
import { escapeHtml, safeUrl } from "../text/xml";
import { renderArticleList } from "./article-list";
import { formatMonth, PAGE_LANGUAGE } from "./dates";
import type { FeedFormat, PagePaths, TopicKind } from "./feeds";
import { DEFAULT_PATHS } from "./feeds";
import type { AlternateLink } from "./layout";
import { renderLayout } from "./layout";

/** One of the site-wide feeds. */
export interface MainFeed {
  format: FeedFormat;
  /** Feed URL (absolute or root-relative). */
  url: string;
  /** Human-readable feed title, e.g. `News (RSS)`. */
  title: string;
}

/** A feed restricted to one tag, author, language or source host. */
export interface Topic {
  kind: TopicKind;
  /** URL segment identifying the topic (already normalised by the index). */
  slug: string;
  /** Display name (plain text). */
  name: string;
  /** Number of articles in the topic. */
  count: number;
}

/** One month of the archive. */
export interface ArchiveMonth {
  /** `YYYY-MM`. */
  month: string;
  count: number;
}

/** Everything the home page shows. All strings are plain text unless named URL. */
export interface HomePageData {
  /** Site title. */
  title: string;
  /** One-sentence site description. */
  description: string;
  /** Absolute site URL, used as the canonical URL of the page. */
  siteUrl: string;
  /** The main feeds, in the order they should be offered. */
  feeds: readonly MainFeed[];
  /** Latest articles, newest first (the caller decides how many). */
  latest: readonly Article[];
  /** Topic feeds, any order; grouped by kind on the page. */
  topics: readonly Topic[];
  /** Archive months, in the order to show them (newest first is expected). */
  months: readonly ArchiveMonth[];
  /** URL of the OPML catalogue of all feeds. */
  opmlUrl: string;
  /** Page language, also of its dates; {@link PAGE_LANGUAGE} by default (the interface text is English). */
  lang?: string | undefined;
  /** URL scheme for article, topic and archive links; {@link DEFAULT_PATHS} by default. */
  paths?: PagePaths | undefined;
}

/** Autodiscovery entries for the main feeds, shared with the article page. */
export function feedAlternates(feeds: readonly MainFeed[]): AlternateLink[] {
  return feeds.map((feed) => ({ type: FEED_FORMAT_INFO[feed.format].mediaType, title: feed.title, href: feed.url }));
}

/** `<a href>` with escaped URL (filtered through {@link safeUrl}) and text. */
function link(href: string, text: string, attrs = ""): string {
  return `<a href="${escapeHtml(safeUrl(href))}"${attrs}>${escapeHtml(text)}</a>`;
}

/** "12 articles" / "1 article". */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Links to the three formats of one feed, as small chips. */
function formatLinks(url: (format: FeedFormat) => string): string {
  const links = FEED_FORMATS.map((format) => link(url(format), FEED_FORMAT_INFO[format].label, ` type="${escapeHtml(FEED_FORMAT_INFO[format].mediaType)}"`));
  return `<span class="formats">${links.join("")}</span>`;
}

/** Anchor of each topic kind's list on the page. */
const TOPIC_ANCHORS: Readonly<Record<TopicKind, string>> = { tags: "tags", authors: "authors", languages: "languages", sources: "sources" };

function renderTopics(topics: readonly Topic[], paths: PagePaths): string {
  const sections: string[] = [];
  for (const kind of TOPIC_KINDS) {
    const { heading } = TOPIC_KIND_INFO[kind];
    const ofKind = topics.filter((t) => t.kind === kind);
    if (ofKind.length === 0) continue;
    const items = ofKind.map(
      (topic) =>
        // The name opens the topic's feed, which a browser shows as a page of its articles.
        `<li><span>${link(paths.topicFeed(topic.kind, topic.slug, "rss"), topic.name, ` class="topic"`)}<span class="count">${escapeHtml(plural(topic.count, "article"))}</span></span>${formatLinks((format) => paths.topicFeed(topic.kind, topic.slug, format))}</li>`,
    );
    sections.push(`<h3 id="${TOPIC_ANCHORS[kind]}">${escapeHtml(heading)}</h3>\n<ul class="topics">\n${items.join("\n")}\n</ul>`);
  }
  return sections.length > 0 ? sections.join("\n") : `<p class="muted">No topic feeds yet.</p>`;
}

function renderMonths(months: readonly ArchiveMonth[], paths: PagePaths, lang: string): string {
  if (months.length === 0) return `<p class="muted">The archive is empty.</p>`;
  const items = months.map(
    (m) =>
      `<li><span>${link(paths.archiveFeed(m.month, "rss"), formatMonth(m.month, lang), ` class="topic"`)}<span class="count">${escapeHtml(plural(m.count, "article"))}</span></span>${formatLinks((format) => paths.archiveFeed(m.month, format))}</li>`,
  );
  return `<ul class="topics months">\n${items.join("\n")}\n</ul>`;
}

/** Links near the top to each group of feeds, so none is beyond a long list of articles. */
function renderJumpLinks(topics: readonly Topic[], hasMonths: boolean): string {
  const links = TOPIC_KINDS.filter((kind) => topics.some((t) => t.kind === kind)).map(
    (kind) => `<a href="#${TOPIC_ANCHORS[kind]}">${escapeHtml(TOPIC_KIND_INFO[kind].heading)}</a>`,
  );
  if (hasMonths) links.push(`<a href="#archive">Archive</a>`);
  return links.length === 0 ? "" : `<nav class="jump" aria-label="Feeds by topic"><span>Feeds by topic:</span>${links.join("")}</nav>`;
}

/**
 * Renders the home page as a complete HTML document: the latest articles
 * with their summaries in the main column, every topic feed and archive month
 * in a sidebar beside it (below it on narrow screens, with jump links at the top).
 *
 * Every main feed is announced in the head with `<link rel="alternate">` so
 * browsers and feed readers can discover it from the site URL alone.
 *
 * @param data What to show (see {@link HomePageData}); plain text fields are escaped here.
 * @returns The HTML document.
 */
export function renderHomePage(data: HomePageData): string {
  const paths = data.paths ?? DEFAULT_PATHS;
  const lang = data.lang ?? PAGE_LANGUAGE;
  const feedLinks = data.feeds.map(
    (feed) =>
      `<li>${link(feed.url, FEED_FORMAT_INFO[feed.format].label, ` type="${escapeHtml(FEED_FORMAT_INFO[feed.format].mediaType)}" title="${escapeHtml(feed.title)}"`)}</li>`,
  );
  const body = [
    `<header class="site-header">`,
    `<h1>${escapeHtml(data.title)}</h1>`,
    `<p class="lede">${escapeHtml(data.description)}</p>`,
    `<ul class="feeds" aria-label="Subscribe">`,
    ...feedLinks,
    `<li>${link(data.opmlUrl, "All feeds (OPML)", ` type="text/x-opml"`)}</li>`,
    `</ul>`,
    `</header>`,
    renderJumpLinks(data.topics, data.months.length > 0),
    `<div class="columns">`,
    `<main>`,
    `<section aria-labelledby="latest"><h2 id="latest">Latest articles</h2>`,
    renderArticleList(data.latest, { lang, articleUrl: (article) => paths.article(article.id), emptyText: "No articles yet." }),
    `</section>`,
    `</main>`,
    `<aside aria-label="Topic feeds and archive">`,
    `<section aria-labelledby="topics"><h2 id="topics">Topic feeds</h2>`,
    `<p class="muted">Every topic has its own feed in each format. The ${link(data.opmlUrl, "OPML catalogue")} lists them all for import into a feed reader.</p>`,
    renderTopics(data.topics, paths),
    `</section>`,
    `<section aria-labelledby="archive"><h2 id="archive">Archive</h2>`,
    `<p class="muted">The articles of each month, as a feed in each format.</p>`,
    renderMonths(data.months, paths, lang),
    `</section>`,
    `</aside>`,
    `</div>`,
    `<footer class="site-footer">Times are in UTC. Open any feed link in a browser to see what it holds.</footer>`,
  ]
    .filter((line) => line !== "")
    .join("\n");
  return renderLayout({
    lang,
    title: data.title,
    description: data.description,
    canonicalUrl: data.siteUrl,
    alternates: feedAlternates(data.feeds),
    body,
    width: "wide",
  });
}
