/**
 * Feed formats as the pages present them, and the URL paths pages link to.
 *
 * The URL space itself belongs to `src/urls.ts` (routes and links must
 * not drift apart); {@link DEFAULT_PATHS} only adapts it to the shape the
 * views need, and callers may pass other {@link PagePaths} (absolute URLs,
 * a different mount point).
 */
import { bareMediaType } from "../feed/media-types";
import type { FeedFormat } from "../feed/media-types";
import { articlePath, feedPath } from "../urls";
import type { TopicKind } from "../index/schema";

export type { FeedFormat } from "../feed/media-types";
export type { TopicKind } from "../index/schema";

/** Display data of one format. */
export interface FeedFormatInfo {
  format: FeedFormat;
  /** Short label shown on links. */
  label: string;
  /** Media type without parameters, for `type` attributes of links. */
  mediaType: string;
}

/** Every format, in the order pages list them (RSS first: the most widely supported). */
export const FEED_FORMATS: readonly FeedFormatInfo[] = [
  { format: "rss", label: "RSS", mediaType: bareMediaType("rss") },
  { format: "atom", label: "Atom", mediaType: bareMediaType("atom") },
  { format: "json", label: "JSON Feed", mediaType: bareMediaType("json") },
];

/** Display order and headings of the topic kinds. */
export const TOPIC_HEADINGS: readonly { kind: TopicKind; heading: string }[] = [
  { kind: "tags", heading: "Tags" },
  { kind: "authors", heading: "Authors" },
  { kind: "languages", heading: "Languages" },
  { kind: "sources", heading: "Sources" },
];

/** Looks up the display data of a format. */
export function feedFormatInfo(format: FeedFormat): FeedFormatInfo {
  // The table covers every member of the union, so the fallback is unreachable.
  return FEED_FORMATS.find((f) => f.format === format) ?? FEED_FORMATS[0]!;
}

/** Builds the paths (or absolute URLs) that pages link to. */
export interface PagePaths {
  /** Readable page of one article. */
  article(id: string): string;
  /** One topic feed in one format. */
  topicFeed(kind: TopicKind, slug: string, format: FeedFormat): string;
  /** The archive feed of one month (`YYYY-MM`) in one format. */
  archiveFeed(month: string, format: FeedFormat): string;
}

/** The service's own URL space (`src/urls.ts`), as root-relative paths. */
export const DEFAULT_PATHS: PagePaths = {
  article: articlePath,
  topicFeed: (kind, slug, format) => feedPath({ kind: "topic", topic: kind, slug }, format),
  archiveFeed: (month, format) => feedPath({ kind: "archive", month }, format),
};
