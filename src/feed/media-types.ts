/** The three formats this service writes. */
export type FeedFormat = "rss" | "atom" | "json";

/**
 * `Content-Type` of each format: `application/rss+xml` (RSS Advisory Board),
 * `application/atom+xml` (RFC 4287 §7), `application/feed+json` (JSON Feed 1.1).
 */
export const FEED_MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

/** The media type without parameters, as written in `type` attributes of links. */
export function bareMediaType(format: FeedFormat): string {
  return FEED_MEDIA_TYPES[format].split(";")[0] ?? FEED_MEDIA_TYPES[format];
}
