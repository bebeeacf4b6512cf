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
 * The shape of every topic slug: what the index files topics under and what
 * the routes accept, so every topic the catalog lists has a working URL and a
 * request for anything else is a 404 without a store read. Lower-case ASCII
 * letters, digits, `.` and `-`, starting with a letter or digit, at most 100
 * characters: host names (`sggp.org.vn`), language tags (`pt-br`) and
 * {@link slugify} output all fit, and so does the hash fallback.
 */
const TOPIC_SLUG = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** Whether `slug` has the shape of a topic slug (see {@link topicSlug}). */
export function isTopicSlug(slug: string): boolean {
  return TOPIC_SLUG.test(slug);
}

/**
 * The slug of a topic name: the host for sources, the lower-case tag for
 * languages, `slugify(name)` for tags and authors. A name whose natural slug
 * would not be a routable {@link isTopicSlug} gets `h-` plus a hash of its
 * normalized form instead, stable across releases and distinct per name,
 * rather than disappearing from the catalog or being listed without a route:
 * a tag without any Latin letter or digit (CJK, Cyrillic...), an IPv6 source
 * host (`[::1]`), a host over 100 characters. Returns `""` only for a blank name.
 */
export function topicSlug(kind: TopicKind, name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") return "";
  const natural = kind === "sources" || kind === "languages" ? trimmed.toLowerCase() : slugify(trimmed);
  return isTopicSlug(natural) ? natural : `h-${hashHex(trimmed.normalize("NFC").toLowerCase()).slice(0, 12)}`;
}

/**
 * The canonical form of a slug as a request spells it: lower case, and for
 * sources without a leading `www.`, since source topics are named by the host
 * without it (`/sources/www.example.es/` means `/sources/example.es/`).
 */
export function canonicalTopicSlug(kind: TopicKind, requested: string): string {
  const slug = requested.toLowerCase();
  return kind === "sources" && slug.startsWith("www.") ? slug.slice(4) : slug;
}

/**
 * Every topic of an article, each (kind, slug) once: two tags that slugify
 * alike (`Wirtschaft`, `wirtschaft`) are one topic, named by the first.
 * Computed once per article object: treat the result as read-only.
 */
export function articleTopics(article: Pick<Article, "tags" | "authors" | "language" | "sourceHost">): TopicRef[] {
  let refs = topicsOf.get(article);
  if (refs === undefined) {
    refs = computeTopics(article);
    topicsOf.set(article, refs);
  }
  return refs;
}

/** Topics of article objects already seen (the index asks for them many times per run). */
const topicsOf = new WeakMap<object, TopicRef[]>();

function computeTopics(article: Pick<Article, "tags" | "authors" | "language" | "sourceHost">): TopicRef[] {
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
