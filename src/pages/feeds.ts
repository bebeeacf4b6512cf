/**
 * The URL paths pages link to.
 *
 * The URL space itself belongs to `src/urls.ts` (routes and links must
 * not drift apart); {@link DEFAULT_PATHS} only adapts it to the shape the
 * views need, and callers may pass other {@link PagePaths} (absolute URLs,
 * a different mount point).
 */
import type { FeedFormat } from "../feed/formats";
import type { TopicKind } from "../index/topic-kinds";
import { articlePath, feedPath } from "../urls";

export type { FeedFormat } from "../feed/formats";
export type { TopicKind } from "../index/topic-kinds";

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
