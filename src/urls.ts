/**
 * The service's URL space in one place: every link the service writes (feed
 * self/alternate/archive links, pages, OPML) and every route it answers use
 * these functions, so the two cannot drift apart.
 */
import type { FeedFormat } from "./feed/render";
import type { TopicKind } from "./index/schema";

/** The file name of each feed format. */
export const FEED_FILES: Readonly<Record<FeedFormat, string>> = {
  rss: "rss.xml",
  atom: "atom.xml",
  json: "feed.json",
};

/** Every feed format, in the order links and pages list them. */
export const FEED_FORMATS = Object.keys(FEED_FILES) as FeedFormat[];

/** Path segment of each topic kind (`/tags/<slug>/rss.xml`, `/lang/de/feed.json`...). */
export const TOPIC_SEGMENTS: Readonly<Record<TopicKind, string>> = {
  tags: "tags",
  authors: "authors",
  languages: "lang",
  sources: "sources",
};

/** Which documents a feed covers. */
export type FeedScope =
  | { kind: "main" }
  | { kind: "topic"; topic: TopicKind; slug: string }
  | { kind: "archive"; month: string };

/** The path of the feed document for `scope` in `format`. */
export function feedPath(scope: FeedScope, format: FeedFormat): string {
  const file = FEED_FILES[format];
  switch (scope.kind) {
    case "main":
      return `/${file}`;
    case "topic":
      return `/${TOPIC_SEGMENTS[scope.topic]}/${encodeURIComponent(scope.slug)}/${file}`;
    case "archive":
      return `/archive/${scope.month}/${file}`;
  }
}

/** The path of an article's own page. */
export function articlePath(id: string): string {
  return `/articles/${encodeURIComponent(id)}`;
}

/** The OPML catalogue of every feed. */
export const OPML_PATH = "/opml.xml";
/** The XSLT stylesheet RSS and Atom documents name, for browsers. */
export const STYLESHEET_PATH = "/feed.xsl";
