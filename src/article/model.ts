/**
 * The one shape every later stage (index, feed, http) sees of an article.
 *
 * Dates are ISO 8601 strings in UTC so that an Article survives a JSON round
 * trip unchanged (the index stores articles as JSON in the bucket).
 */
export interface Article {
  /** Stable identity: front matter `id`, else the object key without folder prefix and extension. */
  id: string;
  /** The object key the article was read from (for diagnostics and re-indexing). */
  key: string;
  /** Front matter `title`, else derived from the first sentence (never a file name). */
  title: string;
  /** Author display names in title case; empty when the article has no signature. */
  authors: string[];
  /** URL of the original article (the source line or front matter `source`); null when none. */
  sourceUrl: string | null;
  /** Host name of `sourceUrl` without a leading `www.`; null when there is no source. */
  sourceHost: string | null;
  /** BCP 47 language tag (`de`, `en`, `vi`...). */
  language: string;
  /** First publication, ISO 8601 UTC (`2024-06-19T08:00:00.000Z`). */
  published: string;
  /** Last update, ISO 8601 UTC; equals `published` when the article was never updated. */
  updated: string;
  /** Tags in the order given, duplicates removed. */
  tags: string[];
  /** Plain-text summary (front matter `summary`, else the first paragraph, trimmed). */
  summary: string;
  /** Cleaned body as safe HTML: one `<p>` per paragraph, then the attribution paragraph. */
  contentHtml: string;
  /** Absolute URL of a lead image (front matter `image`); null when none. */
  image: string | null;
  /** Text alternative of the lead image (front matter `image_alt`); null when none or when there is no image. */
  imageAlt: string | null;
  /** Front matter `draft: true`: kept out of every feed. */
  draft: boolean;
  /** Front matter `withdrawn: true`: the publisher withdrew the article, with `withdrawn_reason` when given; null otherwise. */
  withdrawn: { reason: string | null } | null;
  /**
   * Front matter `correction` (the note's plain text) and `correction_date`
   * (ISO 8601 UTC, null when not given or not a date); null when there is no
   * correction. `contentHtml` then starts with the dated note, and `updated`
   * is at least the correction date.
   */
  correction: { text: string; date: string | null } | null;
}
