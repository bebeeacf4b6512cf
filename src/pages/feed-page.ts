/**
 * The page a person sees when a browser opens a feed URL (RSS, Atom or JSON
 * Feed; main, topic or archive): what a feed is, the address to copy into a
 * feed reader, the other formats, and the items the feed holds.
 *
 * Rendered by the server from the same descriptor and items as the feed
 * document itself, so the page never shows anything the feed does not.
 * Browsers are dropping XSLT (Chromium already overlays a removal warning on
 * styled feeds), so nothing here relies on a stylesheet transformation, and
 * the page has no script.
 */
import type { Article } from "../article/model";
import { FEED_FORMAT_INFO, FEED_FORMATS, type FeedFormat } from "../feed/formats";
import type { FeedDescriptor, FeedItem } from "../feed/render";
import { escapeHtml, safeUrl } from "../text/xml";
import { renderArticleList } from "./article-list";
import { formatMonth, PAGE_LANGUAGE } from "./dates";
import { type AlternateLink, renderLayout } from "./layout";

/** The same feed in one format. */
export interface FeedVersion {
  format: FeedFormat;
  /** Absolute URL. */
  url: string;
}

/** A neighbouring archive month of the feed (RFC 5005 archives). */
export interface ArchiveNeighbour {
  /** `YYYY-MM`. */
  month: string;
  /** URL of its feed page (absolute or root-relative). */
  url: string;
}

/** Everything the feed page shows. */
export interface FeedPageData {
  /** The feed document's own description: title, description, language. */
  feed: FeedDescriptor;
  /** The items, exactly as the feed document lists them. */
  items: readonly FeedItem[];
  /** Format of the URL the browser opened. */
  format: FeedFormat;
  /** Address to subscribe to (absolute, without paging parameters). */
  feedUrl: string;
  /** This feed in every format, in display order. */
  versions: readonly FeedVersion[];
  /** Site title, for the back link and the document title. */
  siteTitle: string;
  /** URL of the home page. */
  homeUrl: string;
  /** URL of the OPML catalogue of all feeds. */
  opmlUrl: string;
  /** URL of an article's own page here. */
  articleUrl(article: Article): string;
  /** The month before (older) and after (newer) this feed's items, when archives have them. */
  older?: ArchiveNeighbour | undefined;
  newer?: ArchiveNeighbour | undefined;
  /** Language of the interface text and dates; {@link PAGE_LANGUAGE} by default. */
  lang?: string | undefined;
}

/** What each format is good for, in one line (shown next to its link). */
const FORMAT_NOTES: Readonly<Record<FeedFormat, string>> = {
  rss: "works in every feed reader",
  atom: "the IETF standard (RFC 4287), for readers that prefer it",
  json: "for newer readers and apps that read JSON",
};

function link(href: string, text: string, attrs = ""): string {
  return `<a href="${escapeHtml(safeUrl(href))}"${attrs}>${escapeHtml(text)}</a>`;
}

function formatList(data: FeedPageData): string {
  const items = data.versions.map((version) => {
    const info = FEED_FORMAT_INFO[version.format];
    const current = version.format === data.format ? ` aria-current="page"` : "";
    return `<li>${link(version.url, info.label, ` type="${escapeHtml(info.mediaType)}"${current}`)} <span class="muted">${escapeHtml(FORMAT_NOTES[version.format])}</span></li>`;
  });
  return `<ul class="format-list">\n${items.join("\n")}\n</ul>`;
}

function pager(data: FeedPageData, lang: string): string {
  const parts: string[] = [];
  if (data.newer) parts.push(`<a href="${escapeHtml(safeUrl(data.newer.url))}" rel="next">← Newer: ${escapeHtml(formatMonth(data.newer.month, lang))}</a>`);
  else parts.push("<span></span>");
  if (data.older) parts.push(`<a href="${escapeHtml(safeUrl(data.older.url))}" rel="prev">Older: ${escapeHtml(formatMonth(data.older.month, lang))} →</a>`);
  return data.newer || data.older ? `<nav class="pager" aria-label="Archive">${parts.join("")}</nav>` : "";
}

/** "12 items" / "1 item". */
function itemCount(count: number): string {
  return `${count} item${count === 1 ? "" : "s"}`;
}

/**
 * Renders the page for a feed URL as a complete HTML document.
 *
 * @param data The feed's descriptor and items and the site around them (see {@link FeedPageData}).
 * @returns The HTML document.
 */
export function renderFeedPage(data: FeedPageData): string {
  const lang = data.lang ?? PAGE_LANGUAGE;
  const label = FEED_FORMAT_INFO[data.format].label;
  const body = [
    `<a class="back" href="${escapeHtml(safeUrl(data.homeUrl))}">← ${escapeHtml(data.siteTitle)}</a>`,
    `<header class="site-header">`,
    `<h1>${escapeHtml(data.feed.title)}</h1>`,
    data.feed.description !== "" ? `<p class="lede">${escapeHtml(data.feed.description)}</p>` : "",
    `</header>`,
    `<section class="notice" aria-labelledby="subscribe">`,
    `<h2 id="subscribe">This is a web feed (${escapeHtml(label)})</h2>`,
    `<p>A feed lists the newest articles in a form that feed readers understand. ` +
      `Copy this address into a feed reader (NetNewsWire, Feedly, Inoreader, Miniflux, Thunderbird…) ` +
      `and it shows you every new article as it appears: no account, no newsletter.</p>`,
    `<code class="feed-url">${escapeHtml(data.feedUrl)}</code>`,
    `<p>The same feed in each format:</p>`,
    formatList(data),
    `<p class="muted">All feeds of this site: ${link(data.homeUrl, "home page")} · ${link(data.opmlUrl, "OPML catalogue", ` type="text/x-opml"`)}</p>`,
    `</section>`,
    `<main>`,
    `<section aria-labelledby="items"><h2 id="items">In this feed: ${escapeHtml(itemCount(data.items.length))}</h2>`,
    renderArticleList(
      data.items.map((item) => item.article),
      { lang, articleUrl: data.articleUrl, emptyText: "This feed has no items yet." },
    ),
    `</section>`,
    pager(data, lang),
    `</main>`,
    `<footer class="site-footer">Times are in UTC. Feed readers that ask for ${escapeHtml(FEED_FORMAT_INFO[data.format].mediaType)} get the feed itself at this address.</footer>`,
  ]
    .filter((line) => line !== "")
    .join("\n");

  const alternates: AlternateLink[] = data.versions.map((version) => ({
    type: FEED_FORMAT_INFO[version.format].mediaType,
    title: `${data.feed.title} (${FEED_FORMAT_INFO[version.format].label})`,
    href: version.url,
  }));
  return renderLayout({
    lang,
    title: `${data.feed.title} (${label} feed)`,
    description: data.feed.description,
    canonicalUrl: data.feedUrl,
    alternates,
    body,
  });
}

/** Every format of a feed, for {@link FeedPageData.versions}, from a function giving each format's URL. */
export function feedVersions(url: (format: FeedFormat) => string): FeedVersion[] {
  return FEED_FORMATS.map((format) => ({ format, url: url(format) }));
}
