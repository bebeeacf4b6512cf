/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written directly:
 * the `feed` library only writes JSON Feed 1.0.
 *
 * Optional fields are omitted when there is no value (never `null`), and the
 * deprecated 1.0 `author` field is not written (1.1 uses `authors`).
 */
import type { FeedDescriptor, FeedItem } from "./render";
import { absoluteUrl, languageTag, rfc3339 } from "./values";

/** JSON Feed 1.1 author object (only `name` is known here). */
interface JsonFeedAuthor {
  name: string;
}

/** JSON Feed 1.1 item. */
interface JsonFeedItem {
  id: string;
  url: string;
  external_url?: string;
  title: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  image?: string;
  date_published: string;
  date_modified: string;
  authors?: JsonFeedAuthor[];
  tags?: string[];
  language?: string;
}

/** JSON Feed 1.1 top-level object. */
interface JsonFeedDocument {
  version: "https://jsonfeed.org/version/1.1";
  title: string;
  home_page_url: string;
  feed_url: string;
  description?: string;
  next_url?: string;
  authors?: JsonFeedAuthor[];
  language?: string;
  /** JSON Feed 1.1 `hubs`: "endpoints that can be used to subscribe to real-time notifications". */
  hubs?: { type: string; url: string }[];
  items: JsonFeedItem[];
}

/**
 * `external_url` ("the URL of a page elsewhere", the thing the item is about):
 * the article's source URL, only when the item's `url` is not already that
 * page. URLs are compared in their normalised form (`new URL().href`), so
 * spelling differences such as an upper-case host or an explicit default port
 * do not count as a different page.
 */
function externalUrl(item: FeedItem, url: string): string | undefined {
  const { sourceUrl } = item.article;
  if (sourceUrl === null) return undefined;
  const source = absoluteUrl(sourceUrl, `sourceUrl of ${item.article.id}`);
  return source === url ? undefined : source;
}

function jsonItem(item: FeedItem, feedLanguage: string | undefined): JsonFeedItem {
  const { article } = item;
  const url = absoluteUrl(item.link, `link of ${article.id}`);
  const external = externalUrl(item, url);
  const language = languageTag(article.language) ?? feedLanguage;
  // Written in the spec's order; absent optional fields are left out.
  return {
    id: item.guid,
    url,
    ...(external !== undefined ? { external_url: external } : {}),
    title: article.title,
    // 1.1: "content_html and content_text are each optional strings — but one or both must be present."
    ...(article.contentHtml !== "" ? { content_html: article.contentHtml } : { content_text: article.summary }),
    ...(article.summary !== "" ? { summary: article.summary } : {}),
    ...(article.image !== null ? { image: absoluteUrl(article.image, `image of ${article.id}`) } : {}),
    date_published: rfc3339(article.published, `published of ${article.id}`),
    date_modified: rfc3339(article.updated, `updated of ${article.id}`),
    ...(article.authors.length > 0 ? { authors: article.authors.map((name) => ({ name })) } : {}),
    ...(article.tags.length > 0 ? { tags: [...article.tags] } : {}),
    ...(language !== undefined ? { language } : {}),
  };
}

/**
 * Renders JSON Feed 1.1. `next_url` comes from a link with `rel: "next"`
 * (1.1: "the URL of a feed that provides the next n items"); other links
 * have no JSON Feed field and are left out.
 */
export function renderJsonFeed(feed: FeedDescriptor, items: readonly FeedItem[]): string {
  const language = languageTag(feed.language);
  const next = feed.links.find((link) => link.rel === "next");
  const doc: JsonFeedDocument = {
    version: "https://jsonfeed.org/version/1.1",
    title: feed.title,
    home_page_url: absoluteUrl(feed.siteUrl, "siteUrl"),
    feed_url: absoluteUrl(feed.selfUrl, "selfUrl"),
    ...(feed.description !== "" ? { description: feed.description } : {}),
    ...(next !== undefined ? { next_url: absoluteUrl(next.href, "next link") } : {}),
    ...(feed.author !== undefined ? { authors: [{ name: feed.author }] } : {}),
    ...(language !== undefined ? { language } : {}),
    ...(feed.hubs !== undefined && feed.hubs.length > 0 ? { hubs: feed.hubs.map((hub) => ({ type: "WebSub", url: absoluteUrl(hub, "hub") })) } : {}),
    items: items.map((item) => jsonItem(item, language)),
  };
  return JSON.stringify(doc, null, 2);
}
