/**
 * The service's URL space in one place: every link the service writes (feed
 * self/alternate/archive links, pages, OPML) and every route it answers use
 * these functions, so the two cannot drift apart.
 */
import { FEED_FORMAT_INFO, type FeedFormat } from "./feed/formats";
import { TOPIC_KIND_INFO, type TopicKind } from "./index/topic-kinds";

/**
 * Which documents a feed covers. An archive scope without `page` is the
 * month's newest archive page (`/archive/2024-06/rss.xml`); with `page`, one
 * page of the month's RFC 5005 chain (`/archive/2024-06/page/3/rss.xml`).
 */
export type FeedScope = { kind: "main" } | { kind: "topic"; topic: TopicKind; slug: string } | { kind: "archive"; month: string; page?: string };

/** The path of the feed document for `scope` in `format`. */
export function feedPath(scope: FeedScope, format: FeedFormat): string {
  const file = FEED_FORMAT_INFO[format].file;
  switch (scope.kind) {
    case "main":
      return `/${file}`;
    case "topic":
      return `/${TOPIC_KIND_INFO[scope.topic].segment}/${encodeURIComponent(scope.slug)}/${file}`;
    case "archive":
      return scope.page === undefined ? `/archive/${scope.month}/${file}` : `/archive/${scope.month}/page/${encodeURIComponent(scope.page)}/${file}`;
  }
}

/** The path of an article's own page. */
export function articlePath(id: string): string {
  return `/articles/${encodeURIComponent(id)}`;
}

/** The OPML catalogue of every feed. */
export const OPML_PATH = "/opml.xml";
/** The XSLT stylesheet earlier copies of the RSS and Atom documents name; kept for them, current feeds name none. */
export const STYLESHEET_PATH = "/feed.xsl";
/** The stylesheet of the HTML pages (served, not inline, so their Content-Security-Policy needs no 'unsafe-inline'). */
export const PAGE_STYLESHEET_PATH = "/style.css";
