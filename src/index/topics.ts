/**
 * Which topic pages an article belongs to, and how a topic name becomes the
 * slug in its page key and URL. Shared by the rebuild (to file articles) and
 * the http layer (to link a tag or author to its feed), so both always agree.
 */
import type { Article } from "../article/model";
import { slugify } from "../article/slug";
import { hashHex } from "./hash";
import type { TopicKind } from "./schema";

/** One topic of one article. */
export interface TopicRef {
  kind: TopicKind;
  slug: string;
  /** The name as the article writes it. */
  name: string;
}

/**
 * The slug of a topic name: the host for sources, the lower-case tag for
 * languages, `slugify(name)` for tags and authors. A name without any Latin
 * letter or digit (CJK, Cyrillic...) slugifies to `""`; it gets `h-` plus a
 * hash of its normalized form instead, stable across releases and distinct
 * per name, rather than disappearing from the catalog. Returns `""` only for
 * a blank name.
 */
export function topicSlug(kind: TopicKind, name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") return "";
  if (kind === "sources" || kind === "languages") return trimmed.toLowerCase();
  const slug = slugify(trimmed);
  return slug !== "" ? slug : `h-${hashHex(trimmed.normalize("NFC").toLowerCase()).slice(0, 12)}`;
}

/**
 * Every topic of an article, each (kind, slug) once: two tags that slugify
 * alike (`Wirtschaft`, `wirtschaft`) are one topic, named by the first.
 */
export function articleTopics(article: Pick<Article, "tags" | "authors" | "language" | "sourceHost">): TopicRef[] {
  const refs: TopicRef[] = [];
  const seen = new Set<string>();
  const add = (kind: TopicKind, name: string | null): void => {
    if (name === null) return;
    const slug = topicSlug(kind, name);
    if (slug === "" || seen.has(`${kind}/${slug}`)) return;
    seen.add(`${kind}/${slug}`);
    refs.push({ kind, slug, name: name.trim() });
  };
  for (const tag of article.tags) add("tags", tag);
  for (const author of article.authors) add("authors", author);
  add("languages", article.language);
  add("sources", article.sourceHost);
  return refs;
}
