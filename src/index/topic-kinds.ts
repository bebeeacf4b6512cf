/**
 * The kinds of topic feeds, in one table: everything that differs by kind
 * (URL segment, labels) is a column here.
 */

/** The kinds of topic pages: one per facet the feeds can be filtered by. */
export type TopicKind = "tags" | "authors" | "languages" | "sources";

/** What is known of one topic kind. */
export interface TopicKindInfo {
  /** Path segment of its feeds (`/tags/<slug>/rss.xml`, `/lang/de/feed.json`). */
  segment: string;
  /** Singular label, in feed titles and outlines ("Tag: Energie"). */
  label: string;
  /** Plural heading, on pages listing topics of this kind. */
  heading: string;
}

/** Every topic kind's facts. */
export const TOPIC_KIND_INFO: Readonly<Record<TopicKind, TopicKindInfo>> = {
  tags: { segment: "tags", label: "Tag", heading: "Tags" },
  authors: { segment: "authors", label: "Author", heading: "Authors" },
  languages: { segment: "lang", label: "Language", heading: "Languages" },
  sources: { segment: "sources", label: "Source", heading: "Sources" },
};

/** Every topic kind, in the order catalogs and pages list them. */
export const TOPIC_KINDS: readonly TopicKind[] = ["tags", "authors", "languages", "sources"];

/** True when `value` is one of the {@link TOPIC_KINDS}. */
export function isTopicKind(value: string): value is TopicKind {
  return (TOPIC_KINDS as readonly string[]).includes(value);
}
