/**
 * The objects the index keeps in the bucket, and where they live.
 *
 * Layout below `<articlePrefix>_index/v<INDEX_VERSION>/` (see {@link indexKeys}):
 *
 * ```
 * head.json                      main window: newest articles in full, then sort keys; the catalog of
 *                                topics and months; the one object main feeds, the home page and OPML read
 * summary.json                   the head without its visible articles (see {@link summaryOf}): what
 *                                topic and archive feeds read instead of the head
 * state.json                     the reconciliation's cursor through the listing
 * manifest/<node>.json           B+tree over object keys: ETag and id (or skip reason) of every article object
 * articles/<id>.json             one article and the other keys that claim its id
 * topics/<kind>/<slug>.json      topic window: the topic's newest articles in full, then sort keys
 * tails/main/<node>.json         B+tree of the sort keys of older articles (beyond the head's window)
 * tails/<kind>/<slug>/<node>.json  the same per topic
 * archive/<YYYY-MM>/<node>.json  B+tree of one month's articles; its leaves are the RFC 5005 archive
 *                                pages (at most 100 articles each), `root.json` lists them in order
 * ```
 *
 * Why this shape: every object a change or a request reads or writes has a
 * bounded size whatever the size of the archive. A window holds a fixed
 * number of articles; trees have nodes of bounded size (a lookup reads the
 * root and one leaf until a tree holds hundreds of thousands of entries, then
 * one node more per level); an archive page holds at most 100 articles. The
 * only objects that grow are the catalog in the head (with the number of
 * distinct topics and months, not of articles) and a tree's root (one entry
 * per node below it, bounded by its capacity).
 *
 * Every object carries {@link INDEX_VERSION}. Bump it whenever the shape of
 * these objects or the output of the article parser changes: the index is
 * then built anew in a folder of its own while readers keep using the older
 * one until the new one is complete (see `changes.ts`).
 */
import type { Article } from "../article/model";
import { hashHex } from "./hash";
import { isFuture } from "./order";
import type { TopicKind } from "./topic-kinds";

export { isTopicKind, TOPIC_KINDS, type TopicKind } from "./topic-kinds";

/**
 * Version of every index object, and the name of its folder. Versions 1 to
 * 3 had one manifest object and one object per month at the top of the
 * index folder (2 and 3 changed the article: image text, withdrawal,
 * correction).
 */
export const INDEX_VERSION = 4;

/** Oldest version whose objects have this layout (readers accept objects from it up to {@link INDEX_VERSION}). */
export const LAYOUT_VERSION = 4;

/** Versions of the older layout (one manifest, one object per month), read while an upgrade is under way. */
export const LEGACY_VERSIONS: readonly number[] = [1, 2, 3];

/** How many newest visible articles a head or topic window holds in full, and an archive page at most. */
export const PAGE_SIZE = 100;

// ---------------------------------------------------------------------------
// What readers see

/** One topic in the catalog of the head (enough to render a link and an OPML outline). */
export interface CatalogEntry {
  /** URL-safe identity: `slugify(name)` for tags and authors, lower-case tag for languages, host for sources. */
  slug: string;
  /** Display name, as written in the topic's newest visible article. */
  name: string;
  /** Number of visible articles (not draft, published by now) with this topic. */
  count: number;
  /** Newest `updated` among the topic's newest articles, ISO 8601 UTC. */
  updated: string;
}

/** One calendar month (UTC) of the archive. */
export interface MonthCount {
  /** `YYYY-MM`. */
  month: string;
  /** Visible articles of the month. */
  count: number;
  /** Id of the month's newest archive page (what `/archive/<month>/…` shows). */
  newestPage: string;
  /** Id of the month's oldest archive page. */
  oldestPage: string;
}

/**
 * An article that left the index (deleted from the bucket, withdrawn, or
 * made a draft), remembered for TOMBSTONE_DAYS so that Atom feeds can
 * announce it (RFC 6721 `at:deleted-entry`) and its page can answer 410 Gone.
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

/** At most this many tombstones are kept (newest first), whatever TOMBSTONE_DAYS says: the head stays small. */
export const MAX_TOMBSTONES = 200;

/** The head as readers see it: everything a main feed, the home page and OPML need, in one read. */
export interface IndexHead {
  version: number;
  /** When the run that last changed the head ran, ISO 8601 UTC. */
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
   * Articles that left within TOMBSTONE_DAYS, newest first: in the head
   * because every feed request reads it anyway, so announcing them costs no
   * read.
   */
  tombstones: Tombstone[];
}

/** What a topic or archive feed needs of the head: everything but its articles. */
export type IndexSummary = Omit<IndexHead, "items">;

/** A topic window as readers see it. */
export interface TopicPage {
  version: number;
  kind: TopicKind;
  slug: string;
  name: string;
  /** Same membership rule and order as {@link IndexHead.items}, restricted to this topic. */
  items: Article[];
}

/** Where an archive page is: its month and its id within the month. */
export interface ArchiveRef {
  month: string;
  page: string;
}

/** One archive page (RFC 5005) as readers see it. */
export interface ArchivePage extends ArchiveRef {
  /** The page's articles, newest first (future-dated ones included: readers filter). */
  items: Article[];
  /** The page holds as many articles as a page can: it changes only when one of them does. */
  full: boolean;
  /** The next newer page (`next-archive`), or null for the newest. */
  newer: ArchiveRef | null;
  /** The next older page (`prev-archive`), or null for the oldest. */
  older: ArchiveRef | null;
}

// ---------------------------------------------------------------------------
// What is stored

/** A catalog entry as stored: the total counts future-dated articles too (readers subtract those in the head). */
export interface StoredCatalogEntry {
  slug: string;
  name: string;
  /** Members of the topic (not draft), visible or not yet. */
  total: number;
  updated: string;
}

/** A month as stored in the head. */
export interface StoredMonth {
  month: string;
  /** Members of the month (not draft), visible or not yet. */
  total: number;
  newestPage: string;
  oldestPage: string;
}

/**
 * The part of the head and of a topic object that is an ordered collection:
 * a window of full articles, the next sort keys, and the size of the tail
 * tree that holds the rest.
 */
export interface StoredWindow {
  /** Every future-dated member and the newest {@link PAGE_SIZE} visible ones (at write time), newest first. */
  items: Article[];
  /** Sort keys of the members that follow `items`, in order: refills need no tree read. */
  more: string[];
  /** Members in the tail tree, after `more`. */
  tail: number;
}

/** `head.json`. */
export interface StoredHead extends StoredWindow {
  version: number;
  builtAt: string;
  /** False until a reconciliation pass has walked the whole listing: readers then prefer an older complete index. */
  complete: boolean;
  /** Parser input recorded with the index: another value makes the next pass read every article again. */
  defaultLanguage: string;
  catalog: Record<TopicKind, StoredCatalogEntry[]>;
  /** Newest first. */
  months: StoredMonth[];
  /** Articles that left within TOMBSTONE_DAYS, newest first, at most {@link MAX_TOMBSTONES} (absent in heads written before them). */
  tombstones?: Tombstone[];
}

/**
 * `summary.json`: the head without the articles that were visible when it
 * was written, marked `summary`. It keeps the future-dated ones, from which
 * readers count what is visible by now, so it reads as the same catalog,
 * months and tombstones at any time; but at under 2% of the head's bytes
 * (5 KB against 340 KB). Topic and archive feeds read it instead of the
 * head: decoding and parsing the head's hundred articles was an eighth of
 * their CPU per uncached request. It is written with every write
 * of the head, just before it (see `Session`), so it is never older than
 * the head; a missing one is read as "use the head".
 */
export interface StoredSummary extends StoredHead {
  summary: true;
}

/** The summary of `head`, written with it. */
export function summaryOf(head: StoredHead): StoredSummary {
  const builtAt = new Date(head.builtAt);
  return { ...head, items: head.items.filter((item) => isFuture(item.published, builtAt)), more: [], tail: 0, summary: true };
}

/** `topics/<kind>/<slug>.json`. */
export interface StoredTopic extends StoredWindow {
  version: number;
  kind: TopicKind;
  slug: string;
  name: string;
  updated: string;
}

/**
 * `articles/<id>.json`: the article that owns an id, and the other keys that
 * claim it. When two objects claim one id (front matter `id`), the first key
 * in S3 key order owns it; the others wait in `claimants` and take over when
 * it goes. `article` is null only inside a run, never in a stored object.
 */
export interface ArticleRecord {
  version: number;
  article: Article | null;
  /** Object keys of the other claimants, in key order. */
  claimants: string[];
}

/**
 * What the manifest keeps of a parsed article that is indexed, or about to
 * be: exactly what finds its place in every collection. Kept in an entry's
 * `pending` list between the write that announces a change and the one that
 * completes it (see `changes.ts`).
 */
export type ArticleMeta = Pick<Article, "id" | "published" | "updated" | "draft" | "withdrawn" | "tags" | "authors" | "language" | "sourceHost">;

/** The manifest's record of one article object. */
export interface ManifestEntry {
  /** The ETag that was applied ("" while only announced). */
  etag: string;
  /** The id the object owns or claims; absent when it is skipped or a draft. */
  id?: string;
  /** Why the object is left out (unreadable, empty...). */
  skipped?: string;
  /** Versions a run started to index and may not have finished: the next change removes them first. */
  pending?: ArticleMeta[];
}

/** A branch node's reference to a child. */
export interface ChildRef {
  /** Lowest key the child may hold (the first child's is ignored). */
  from: string;
  id: string;
  /** Entries below the child (kept only by counted trees). */
  count: number;
}

/** An inner node of a stored B+tree; the root (`root.json`) is always one. */
export interface BranchNode {
  version: number;
  type: "branch";
  /** Levels below it: 1 when its children are leaves. Nodes are written lowest first. */
  height: number;
  children: ChildRef[];
  /** The next node id to hand out (root only). */
  nextId: number;
}

/** A leaf of a stored B+tree: sorted entries. Its neighbours are found through its parent. */
export interface LeafNode<V> {
  version: number;
  type: "leaf";
  entries: [string, V][];
}

/** Any node of a stored B+tree. */
export type TreeNode<V> = BranchNode | LeafNode<V>;

/** `state.json`: where the reconciliation stands. */
export interface ReconcileState {
  version: number;
  /** The last key the current pass has checked; null at the start of a pass. */
  cursor: string | null;
  /** Passes completed so far. */
  passes: number;
  /** When true, the current pass reads every article again (the default language changed). */
  reparse: boolean;
  /** Set once older index folders are removed after the first complete pass. */
  legacyRemoved: boolean;
  /** Rebuilds in place so far (after damage): each gives new archive pages ids of their own. */
  rebuilds?: number;
}

// ---------------------------------------------------------------------------
// Object keys

/** The object keys of one index, all derived from the article prefix. */
export interface IndexKeys {
  /** `<articlePrefix>_index/`: every index object of every version, excluded from article listings. */
  folder: string;
  /** `<articlePrefix>_index/v<INDEX_VERSION>/`: this version's objects. */
  base: string;
  head: string;
  /** The head's summary (see {@link StoredSummary}). */
  summary: string;
  state: string;
  manifestNode(id: string): string;
  article(id: string): string;
  topic(kind: TopicKind, slug: string): string;
  /** Node `id` of the tail tree of the main collection (`null` topic) or of one topic. */
  tailNode(topic: { kind: TopicKind; slug: string } | null, id: string): string;
  archiveNode(month: string, id: string): string;
  /** The folder of another version of the same layout. */
  versionBase(version: number): string;
  /** Keys of the older layout (single manifest, one object per month, versions 1 to 3), read while an upgrade is under way. */
  legacy: {
    head: string;
    manifest: string;
    topic(kind: TopicKind, slug: string): string;
    month(month: string): string;
    article(id: string): string;
  };
}

/**
 * Longest key segment made from a name (id or slug), in bytes of its
 * percent-encoding. S3 refuses keys over 1,024 bytes and some S3-compatible
 * servers keep a key as a file name (255 bytes); with the folders around it
 * a key then stays near 200 bytes.
 */
const MAX_SEGMENT = 120;

/**
 * The key segment of a name: its percent-encoding (so any id maps to exactly
 * one flat segment and can never climb into another folder), or, when that
 * is too long, a readable start, `@` and a hash of the whole name.
 * `encodeURIComponent` never writes a bare `@`, so a shortened segment can
 * never equal the segment of another name.
 */
export function keySegment(name: string): string {
  // encodeURIComponent throws on a lone surrogate; a parsed name has none, but a key must never throw.
  const encoded = encodeURIComponent(name.replace(LONE_SURROGATE, "\uFFFD"));
  if (encoded.length <= MAX_SEGMENT) return encoded;
  let cut = 80;
  // Do not cut through a %XX escape.
  const percent = encoded.lastIndexOf("%", cut);
  if (percent > cut - 3) cut = percent;
  return `${encoded.slice(0, cut)}@${hashHex(name)}`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The key segment the older layout gave a name: its percent-encoding, or
 * (version 3), when that passed 160 bytes, its first part, `~` and a hash.
 */
function legacySegment(name: string): string {
  const safe = name.replace(LONE_SURROGATE, "\uFFFD");
  const encoded = encodeURIComponent(safe);
  if (encoded.length <= 160) return encoded;
  let head = "";
  for (const char of safe) {
    const part = encodeURIComponent(char);
    if (head.length + part.length > 160 - 17) break;
    head += part;
  }
  return `${head}~${hashHex(name)}`;
}

/** The one place that turns names into object keys. */
export function indexKeys(articlePrefix: string): IndexKeys {
  const folder = `${articlePrefix}_index/`;
  const versionBase = (version: number): string => `${folder}v${version}/`;
  const base = versionBase(INDEX_VERSION);
  return {
    folder,
    base,
    head: `${base}head.json`,
    summary: `${base}summary.json`,
    state: `${base}state.json`,
    manifestNode: (id) => `${base}manifest/${id}.json`,
    article: (id) => `${base}articles/${keySegment(id)}.json`,
    topic: (kind, slug) => `${base}topics/${kind}/${keySegment(slug)}.json`,
    tailNode: (topic, id) => (topic === null ? `${base}tails/main/${id}.json` : `${base}tails/${topic.kind}/${keySegment(topic.slug)}/${id}.json`),
    archiveNode: (month, id) => `${base}archive/${month}/${id}.json`,
    versionBase,
    legacy: {
      head: `${folder}head.json`,
      manifest: `${folder}manifest.json`,
      topic: (kind, slug) => `${folder}topics/${kind}/${legacySegment(slug)}.json`,
      month: (month) => `${folder}months/${month}.json`,
      article: (id) => `${folder}articles/${legacySegment(id)}.json`,
    },
  };
}

/** True for a `YYYY-MM` month with a real month number. */
export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}
