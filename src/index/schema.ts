/**
 * The JSON objects the index keeps in the bucket, and where they live.
 *
 * Layout below `<articlePrefix>_index/` (see {@link indexKeys}):
 *
 * ```
 * manifest.json                every listed article key -> etag + metadata or skip reason;
 *                              read only by the rebuild, never by a request
 * head.json                    newest articles in full + catalog + month counts;
 *                              the one object main feeds, the home page and OPML read
 * topics/<kind>/<slug>.json    newest articles of one tag / author / language / source
 * months/<YYYY-MM>.json        every article of one calendar month (UTC), for archives
 * articles/<id>.json           one article, for the article page of any age
 * ```
 *
 * Why several objects rather than one: a request must cost at most a couple of
 * store reads whatever the bucket size, so each page a request needs is one
 * bounded object; and the rebuild rewrites only the objects an edit touches.
 *
 * Every object carries {@link INDEX_VERSION}; a reader treats an object of
 * another version as missing, and the rebuild treats a manifest of another
 * version as absent (full rebuild). Bump it whenever the shape of these objects
 * or the output of the article parser changes, since unchanged objects (same
 * ETag) are otherwise never parsed again.
 */
import type { Article } from "../article/model";
import { hashHex } from "./hash";
import type { TopicKind } from "./topic-kinds";

export { isTopicKind, TOPIC_KINDS, type TopicKind } from "./topic-kinds";

/** Version of every index object; objects of another version are ignored. */
export const INDEX_VERSION = 3;

/** How many newest visible articles a head or topic page holds in full. */
export const PAGE_SIZE = 100;

/** One topic in the catalog of the head (enough to render a link and an OPML outline). */
export interface CatalogEntry {
  /** URL-safe identity: `slugify(name)` for tags and authors, lower-case tag for languages, host for sources. */
  slug: string;
  /** Display name, as written in the newest article that carries it. */
  name: string;
  /** Number of visible articles (not draft, published by build time) with this topic. */
  count: number;
  /** Newest `updated` among those articles, ISO 8601 UTC. */
  updated: string;
}

/** Number of visible articles in one calendar month (UTC). */
export interface MonthCount {
  /** `YYYY-MM`. */
  month: string;
  count: number;
}

/**
 * An article that left the index (deleted from the bucket, or withdrawn),
 * remembered for TOMBSTONE_DAYS so that Atom feeds can announce it (RFC 6721
 * `at:deleted-entry`) and its page can answer 410 Gone.
 */
export interface Tombstone {
  /** The article's id (its GUID is derived from it, as for items). */
  id: string;
  /** When the index saw it leave, ISO 8601 UTC. */
  when: string;
  /** The publisher's reason (front matter `withdrawn_reason`), or null. */
  reason: string | null;
  /** The topics it belonged to: its tombstone is shown in their feeds too. */
  topics: { kind: TopicKind; slug: string }[];
}

/** `head.json`: everything a main feed, the home page and OPML need, in one read. */
export interface IndexHead {
  version: number;
  /** When the rebuild that last changed this object ran, ISO 8601 UTC. */
  builtAt: string;
  /**
   * The newest {@link PAGE_SIZE} visible articles in full (published descending,
   * id ascending for ties), plus every future-dated non-draft article: an
   * embargo then lifts without a re-index, because readers filter the items
   * with `isVisible(article, now)` at request time.
   */
  items: Article[];
  /** Every topic with at least one visible article, per kind; count descending, then slug. */
  catalog: Record<TopicKind, CatalogEntry[]>;
  /** Months with at least one visible article, newest first. */
  months: MonthCount[];
  /**
   * Articles that left within TOMBSTONE_DAYS, newest first (absent in heads
   * written before tombstones existed): in the head because every feed
   * request reads it anyway, so announcing them costs no read.
   */
  tombstones?: Tombstone[];
}

/** `topics/<kind>/<slug>.json`: the newest articles of one topic. */
export interface TopicPage {
  version: number;
  kind: TopicKind;
  slug: string;
  name: string;
  /** Same membership rule and order as {@link IndexHead.items}, restricted to this topic. */
  items: Article[];
}

/** `months/<YYYY-MM>.json`: the archive of one month. */
export interface MonthPage {
  version: number;
  /** `YYYY-MM` (UTC). */
  month: string;
  /** Every non-draft article published in that month, newest first (future ones included; readers filter). */
  items: Article[];
}

/**
 * `articles/<id>.json`: one article. Wrapped rather than bare so that it
 * carries the version like every other index object.
 */
export interface ArticlePage {
  version: number;
  article: Article;
}

/**
 * What the manifest keeps of a parsed article: exactly the fields that decide
 * page membership, order, names and counts. Not title, summary or content:
 * the manifest holds every article of the bucket and is read whole by each
 * rebuild (also in the Worker's scheduled handler, within its memory limit),
 * so every byte per entry counts; those fields come with the full article
 * from an old page, the article object or the raw object when a page is
 * written. Measured on 20,000 synthetic articles: 14.7 MB (735 bytes per
 * entry) with all metadata but the content, 6.5 MB (333 bytes) with these.
 */
export type ArticleMeta = Pick<Article, "id" | "published" | "updated" | "draft" | "withdrawn" | "tags" | "authors" | "language" | "sourceHost">;

/** The manifest's record of one listed article object. */
export type ManifestEntry = { etag: string; article: ArticleMeta } | { etag: string; skipped: string };

/** `manifest.json`: the rebuild's memory between runs. */
export interface Manifest {
  version: number;
  builtAt: string;
  /** Parser input that changes every article: a different value forces a full re-parse. */
  defaultLanguage: string;
  /** Article object key -> what the last rebuild learnt from it. */
  entries: Record<string, ManifestEntry>;
  /**
   * Index object key -> fingerprint of what was written there (members' keys
   * and ETags, plus names and counts). An object whose new fingerprint equals
   * the old one is not written again; a key that drops out is deleted.
   */
  pages: Record<string, string>;
  /** The tombstones in force (the head carries a copy): the rebuild's memory of who left. */
  tombstones?: Tombstone[];
}

/** The object keys of one index, all derived from the article prefix. */
export interface IndexKeys {
  /** `<articlePrefix>_index/`: excluded from the article listing. */
  folder: string;
  manifest: string;
  head: string;
  topic(kind: TopicKind, slug: string): string;
  month(month: string): string;
  article(id: string): string;
}

/**
 * The one place that turns names into object keys. Slugs and ids are
 * percent-encoded so that any id (front matter may hold `/`, spaces, `?`) maps
 * to exactly one flat key and can never climb into another folder, and
 * bounded in length ({@link keyName}).
 */
export function indexKeys(articlePrefix: string): IndexKeys {
  const folder = `${articlePrefix}_index/`;
  return {
    folder,
    manifest: `${folder}manifest.json`,
    head: `${folder}head.json`,
    topic: (kind, slug) => `${folder}topics/${kind}/${keyName(slug)}.json`,
    month: (month) => `${folder}months/${month}.json`,
    article: (id) => `${folder}articles/${keyName(id)}.json`,
  };
}

/** Longest encoded name in a key, in bytes (all ASCII after encoding). */
const MAX_KEY_NAME = 160;

/**
 * A name (id or slug) as the last segment of a key: percent-encoded, and if
 * that is longer than {@link MAX_KEY_NAME}, its first part plus `~` and a
 * hash of the whole name. S3 and R2 refuse keys over 1,024 bytes and stores
 * that keep objects as files refuse segments over 255 bytes (one such key
 * failed every index run); a bounded name fits everywhere. Stable: the
 * reader derives the same key from the same name, and readers check the
 * name inside the object, so a collision could never serve another article.
 */
export function keyName(name: string): string {
  // encodeURIComponent throws on a lone surrogate; such a name has none after parsing, but a key must never throw.
  const safe = name.replace(LONE_SURROGATE, "\uFFFD");
  const encoded = encodeURIComponent(safe);
  if (encoded.length <= MAX_KEY_NAME) return encoded;
  // The prefix ends at a whole character, so it is the encoding of a part of the name.
  let head = "";
  for (const char of safe) {
    const part = encodeURIComponent(char);
    if (head.length + part.length > MAX_KEY_NAME - 17) break;
    head += part;
  }
  return `${head}~${hashHex(name)}`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True for a `YYYY-MM` month with a real month number. */
export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}
