/**
 * The home page: what the site is, how to subscribe, the latest articles,
 * the topic feeds and the archive.
 */
import type { Article } from "../article/model";
import { formatMonth, formatReadableUtc, isoUtc } from "./dates";
import { escapeHtml, safeUrl } from "./escape";
import { FEED_FORMATS, FEED_FORMAT_INFO } from "../feed/formats";
import { TOPIC_KINDS, TOPIC_KIND_INFO } from "../index/topic-kinds";
import { DEFAULT_PATHS } from "./feeds";
import type { FeedFormat, PagePaths, TopicKind } from "./feeds";
import { renderLayout } from "./layout";
import type { AlternateLink } from "./layout";

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
  /** Page language; `en` by default (the interface text is English). */
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

/** The meta line under an article title: date, authors, language, source. */
function articleMeta(article: Article): string {
  const parts = [`<time datetime="${escapeHtml(isoUtc(article.published))}">${escapeHtml(formatReadableUtc(article.published))}</time>`];
  if (article.authors.length > 0) parts.push(`by ${escapeHtml(article.authors.join(", "))}`);
  parts.push(`language: ${escapeHtml(article.language)}`);
  if (article.sourceHost) parts.push(`source: ${escapeHtml(article.sourceHost)}`);
  return parts.join(" · ");
}

function renderLatest(articles: readonly Article[], paths: PagePaths): string {
  if (articles.length === 0) return `<p class="muted">No articles yet.</p>`;
  const items = articles.map(
    (article) =>
      // `lang` on the title so screen readers pronounce it in the article's language.
      `<li><a class="title" lang="${escapeHtml(article.language)}" href="${escapeHtml(safeUrl(paths.article(article.id)))}">${escapeHtml(article.title)}</a>` +
      `<p class="meta">${articleMeta(article)}</p></li>`,
  );
  return `<ul class="articles">\n${items.join("\n")}\n</ul>`;
}

/** Links to the three formats of one feed, as small chips. */
function formatLinks(url: (format: FeedFormat) => string): string {
  const links = FEED_FORMATS.map((format) => link(url(format), FEED_FORMAT_INFO[format].label, ` type="${escapeHtml(FEED_FORMAT_INFO[format].mediaType)}"`));
  return `<span class="formats">${links.join("")}</span>`;
}

function renderTopics(topics: readonly Topic[], paths: PagePaths): string {
  const sections: string[] = [];
  for (const kind of TOPIC_KINDS) {
    const { heading } = TOPIC_KIND_INFO[kind];
    const ofKind = topics.filter((t) => t.kind === kind);
    if (ofKind.length === 0) continue;
    const items = ofKind.map(
      (topic) =>
        `<li><span>${escapeHtml(topic.name)}<span class="count">${escapeHtml(plural(topic.count, "article"))}</span></span>${formatLinks((format) => paths.topicFeed(topic.kind, topic.slug, format))}</li>`,
    );
    sections.push(`<h3>${escapeHtml(heading)}</h3>\n<ul class="topics">\n${items.join("\n")}\n</ul>`);
  }
  return sections.length > 0 ? sections.join("\n") : `<p class="muted">No topic feeds yet.</p>`;
}

function renderMonths(months: readonly ArchiveMonth[], paths: PagePaths): string {
  if (months.length === 0) return `<p class="muted">The archive is empty.</p>`;
  const items = months.map(
    (m) =>
      `<li><span>${escapeHtml(formatMonth(m.month))}<span class="count">${escapeHtml(plural(m.count, "article"))}</span></span>${formatLinks((format) => paths.archiveFeed(m.month, format))}</li>`,
  );
  return `<ul class="topics months">\n${items.join("\n")}\n</ul>`;
}

/**
 * Renders the home page as a complete HTML document.
 *
 * Every main feed is announced in the head with `<link rel="alternate">` so
 * browsers and feed readers can discover it from the site URL alone.
 *
 * @param data What to show (see {@link HomePageData}); plain text fields are escaped here.
 * @returns The HTML document.
 */
export function renderHomePage(data: HomePageData): string {
  const paths = data.paths ?? DEFAULT_PATHS;
  const feedLinks = data.feeds.map(
    (feed) => `<li>${link(feed.url, FEED_FORMAT_INFO[feed.format].label, ` type="${escapeHtml(FEED_FORMAT_INFO[feed.format].mediaType)}" title="${escapeHtml(feed.title)}"`)}</li>`,
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
    `<main>`,
    `<section aria-labelledby="latest"><h2 id="latest">Latest articles</h2>`,
    renderLatest(data.latest, paths),
    `</section>`,
    `<section aria-labelledby="topics"><h2 id="topics">Topic feeds</h2>`,
    `<p class="muted">Every topic has its own feed in each format. The ${link(data.opmlUrl, "OPML catalogue")} lists them all for import into a feed reader.</p>`,
    renderTopics(data.topics, paths),
    `</section>`,
    `<section aria-labelledby="archive"><h2 id="archive">Archive</h2>`,
    `<p class="muted">The articles of each month, as a feed in each format.</p>`,
    renderMonths(data.months, paths),
    `</section>`,
    `</main>`,
    `<footer class="site-footer">All times are in UTC.</footer>`,
  ].join("\n");
  return renderLayout({
    lang: data.lang ?? "en",
    title: data.title,
    description: data.description,
    canonicalUrl: data.siteUrl,
    alternates: feedAlternates(data.feeds),
    body,
  });
}
