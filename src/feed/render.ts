/**
 * Feed rendering: articles in, one feed document out (RSS 2.0, Atom 1.0 or
 * JSON Feed 1.1).
 *
 * Pure and deterministic: the same input gives the same bytes (the HTTP layer
 * derives ETags from them), so nothing here reads the clock.
 */
import type { Article } from "../article/model";
import type { FeedFormat } from "./formats";
import { renderJsonFeed } from "./json-feed";
import { renderXmlFeed } from "./xml-feed";

export type { FeedFormat } from "./formats";

/** One entry of a feed. */
export interface FeedItem {
  article: Article;
  /** stable GUID/id (a tag: URI) */
  guid: string;
  /** where the item links: the source URL or the article's page on this service */
  link: string;
}

/** A feed-level link (`<atom:link>` in RSS, `<link>` in Atom; JSON Feed uses `next` only). */
export interface FeedLink {
  href: string;
  rel: "self" | "alternate" | "prev-archive" | "next-archive" | "current" | "next" | "first";
  type?: string;
  title?: string;
}

/** Everything about the feed document that is not an item. */
export interface FeedDescriptor {
  /** feed id (tag: URI or the self URL) */
  id: string;
  title: string;
  description: string;
  /** BCP 47 language tag of the feed. */
  language: string;
  siteUrl: string;
  /** absolute URL of this very document; a `self` entry in {@link links} is ignored in its favour */
  selfUrl: string;
  /** alternates (other formats), archive links (RFC 5005), JSON next page... */
  links: FeedLink[];
  /** ISO: newest item's update time (never "now"; the caller decides the fallback for an empty feed) */
  updated: string;
  /** optional XSLT for RSS/Atom: <?xml-stylesheet type="text/xsl" href="..."?> */
  stylesheetUrl?: string;
  /** optional feed-level author/publisher name */
  author?: string;
  /** RFC 5005 §4: archived feed document -> <fh:archive/> in RSS and Atom */
  archive?: boolean;
  /**
   * WebSub hubs that publish this document (W3C WebSub §4): `rel="hub"` links
   * in RSS and Atom, `hubs` in JSON Feed; absent or empty: none.
   */
  hubs?: readonly string[];
  /**
   * Entries withdrawn from this feed (RFC 6721): written by Atom as
   * `at:deleted-entry`; RSS and JSON Feed have no such element, the item
   * simply leaves them.
   */
  tombstones?: readonly FeedTombstone[];
}

/** One RFC 6721 tombstone. */
export interface FeedTombstone {
  /** The GUID the entry had (`ref`, the atom:id of the deleted entry). */
  ref: string;
  /** When it was deleted, ISO 8601. */
  when: string;
  /** Why, as plain text (`at:comment`), or null. */
  comment: string | null;
}

/**
 * Renders one feed document.
 *
 * Items are written in the order given (the caller sorts, newest first).
 * Drafts are the caller's business too: every item given is rendered.
 *
 * @throws RangeError on a date that is not ISO 8601 or a URL that is not absolute.
 */
export function renderFeed(format: FeedFormat, feed: FeedDescriptor, items: readonly FeedItem[]): string {
  switch (format) {
    case "rss":
    case "atom":
      return renderXmlFeed(format, feed, items);
    case "json":
      return renderJsonFeed(feed, items);
  }
}
