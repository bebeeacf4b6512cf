/**
 * The feed formats this service writes, in one table: everything that
 * differs by format (file name, media type, label) is a column here.
 */

/** The three formats this service writes. */
export type FeedFormat = "rss" | "atom" | "json";

/** What is known of one format. */
export interface FeedFormatInfo {
  /** File name of the format's documents in every scope (`/rss.xml`, `/tags/x/rss.xml`). */
  file: string;
  /**
   * `Content-Type`: `application/rss+xml` (RSS Advisory Board),
   * `application/atom+xml` (RFC 4287 §7), `application/feed+json` (JSON Feed 1.1).
   */
  contentType: string;
  /** The media type without parameters, as written in `type` attributes of links. */
  mediaType: string;
  /** Short label shown on links and pages. */
  label: string;
}

/** Every format's facts. */
export const FEED_FORMAT_INFO: Readonly<Record<FeedFormat, FeedFormatInfo>> = {
  rss: { file: "rss.xml", contentType: "application/rss+xml; charset=utf-8", mediaType: "application/rss+xml", label: "RSS" },
  atom: { file: "atom.xml", contentType: "application/atom+xml; charset=utf-8", mediaType: "application/atom+xml", label: "Atom" },
  json: { file: "feed.json", contentType: "application/feed+json; charset=utf-8", mediaType: "application/feed+json", label: "JSON Feed" },
};

/** Every format, in the order links and pages list them (RSS first: the most widely supported). */
export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];
