/**
 * Reading index objects back from bytes, defensively.
 *
 * The bucket is shared with people and other tools; an index object may be
 * truncated, hand-edited or written by another release. Every decoder checks
 * the version and the shape a caller relies on, and reports why it refused,
 * so that callers can treat a bad object as missing and log the reason
 * instead of failing a request on a property access deep in a renderer.
 */
import type { Article } from "../article/model";
import { parseIsoDate } from "../text/dates";
import {
  type ArticleMeta,
  type ArticleRecord,
  INDEX_VERSION,
  isTopicKind,
  LAYOUT_VERSION,
  LEGACY_VERSIONS,
  type ManifestEntry,
  type ReconcileState,
  type StoredHead,
  type StoredSummary,
  type StoredTopic,
  TOPIC_KINDS,
  type Tombstone,
  type TopicKind,
  type TreeNode,
} from "./schema";

/** A decoded object, or the reason it was refused. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Turns stored bytes into a value, or says why not. */
export type Decoder<T> = (body: Uint8Array | string) => Decoded<T>;

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

/** An ISO 8601 date a renderer can format (the feed library throws on anything else). */
function isIsoDate(value: unknown): value is string {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) && parseIsoDate(value) !== null;
}

/** `Article.withdrawn`: null, or the reason (text or null). */
function isWithdrawal(value: unknown): boolean {
  return value === null || (isRecord(value) && isStringOrNull(value.reason));
}

/** `Article.correction`: null, or the note's text and its ISO date (or null). */
function isCorrection(value: unknown): boolean {
  return value === null || (isRecord(value) && isString(value.text) && (value.date === null || isIsoDate(value.date)));
}

/** The fields that decide an article's place in the index (id, order, topics). */
function hasIndexFields(value: Record<string, unknown>): boolean {
  return (
    isString(value.id) &&
    value.id !== "" &&
    isIsoDate(value.published) &&
    isIsoDate(value.updated) &&
    isStringArray(value.tags) &&
    isStringArray(value.authors) &&
    isString(value.language) &&
    isStringOrNull(value.sourceHost) &&
    typeof value.draft === "boolean"
  );
}

/** Every field a renderer reads, with its type: an object that passes can be rendered without a crash. */
export function isArticle(value: unknown): value is Article {
  return (
    isRecord(value) &&
    hasIndexFields(value) &&
    isString(value.key) &&
    isString(value.title) &&
    isString(value.summary) &&
    isString(value.contentHtml) &&
    isStringOrNull(value.sourceUrl) &&
    isStringOrNull(value.image) &&
    isStringOrNull(value.imageAlt) &&
    isWithdrawal(value.withdrawn) &&
    isCorrection(value.correction)
  );
}

/**
 * An article of the older layout: the fields that version added later
 * (image text, withdrawal, correction) may be missing; {@link upgradeArticle}
 * fills them in.
 */
function isOlderArticle(value: unknown): value is Article {
  return isRecord(value) && isArticle({ imageAlt: null, withdrawn: null, correction: null, ...value });
}

/** An article of the older layout with the fields it may lack set to "none". */
function upgradeArticle(article: Article): Article {
  return { ...article, imageAlt: article.imageAlt ?? null, withdrawn: article.withdrawn ?? null, correction: article.correction ?? null };
}

/** The planning fields of an article (a manifest entry's pending versions). */
export function isArticleMeta(value: unknown): value is ArticleMeta {
  return isRecord(value) && hasIndexFields(value);
}

/** A manifest entry the index can rely on (a manifest may have been edited by hand). */
export function isManifestEntry(value: unknown): value is ManifestEntry {
  return (
    isRecord(value) &&
    typeof value.etag === "string" &&
    (value.id === undefined || typeof value.id === "string") &&
    (value.skipped === undefined || typeof value.skipped === "string") &&
    (value.pending === undefined || (Array.isArray(value.pending) && value.pending.every(isArticleMeta)))
  );
}

/** A tail tree's value: only the key matters. */
export function isTailValue(value: unknown): value is 1 {
  return value === 1;
}

function parseJson(body: Uint8Array | string): Decoded<unknown> {
  try {
    return { ok: true, value: JSON.parse(typeof body === "string" ? body : UTF8.decode(body)) };
  } catch (error) {
    return { ok: false, reason: `malformed JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Parse JSON bytes and check the common envelope: an object with a version of this layout. */
function envelope(body: Uint8Array | string, accepts: (version: unknown) => boolean, expected: string): Decoded<Record<string, unknown>> {
  const parsed = parseJson(body);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (!isRecord(value)) return { ok: false, reason: "not a JSON object" };
  if (!accepts(value.version)) return { ok: false, reason: `index version ${JSON.stringify(value.version)}, expected ${expected}` };
  return { ok: true, value };
}

const CURRENT = (version: unknown): boolean => typeof version === "number" && version >= LAYOUT_VERSION && version <= INDEX_VERSION;
const CURRENT_RANGE = LAYOUT_VERSION === INDEX_VERSION ? String(INDEX_VERSION) : `${LAYOUT_VERSION} to ${INDEX_VERSION}`;

function current(body: Uint8Array | string): Decoded<Record<string, unknown>> {
  return envelope(body, CURRENT, CURRENT_RANGE);
}

function isWindow(value: Record<string, unknown>): boolean {
  return (
    Array.isArray(value.items) &&
    value.items.every(isArticle) &&
    isStringArray(value.more) &&
    typeof value.tail === "number" &&
    Number.isInteger(value.tail) &&
    value.tail >= 0
  );
}

function isCatalogEntry(value: unknown): boolean {
  return (
    isRecord(value) && typeof value.slug === "string" && typeof value.name === "string" && typeof value.total === "number" && typeof value.updated === "string"
  );
}

function isStoredMonth(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.month === "string" &&
    typeof value.total === "number" &&
    typeof value.newestPage === "string" &&
    typeof value.oldestPage === "string"
  );
}

function isTombstone(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isIsoDate(value.when) &&
    isStringOrNull(value.reason) &&
    Array.isArray(value.topics) &&
    value.topics.every((topic) => isRecord(topic) && isString(topic.slug) && isString(topic.kind) && isTopicKind(topic.kind))
  );
}

/** Tombstones are optional (heads written before them have none); present, each is checked. */
function hasTombstones(value: Record<string, unknown>): boolean {
  return value.tombstones === undefined || (Array.isArray(value.tombstones) && value.tombstones.every(isTombstone));
}

/** Decode `head.json`. */
export const decodeHead: Decoder<StoredHead> = (body) => {
  const d = current(body);
  if (!d.ok) return d;
  // A summary at the head's key is another object's content.
  if (!isHeadShape(d.value) || d.value.summary !== undefined) return { ok: false, reason: "not an index head" };
  return { ok: true, value: d.value as unknown as StoredHead };
};

/** Decode the head's summary: a head without its visible articles, marked as such. */
export const decodeSummary: Decoder<StoredSummary> = (body) => {
  const d = current(body);
  if (!d.ok) return d;
  if (!isHeadShape(d.value) || d.value.summary !== true) return { ok: false, reason: "not an index summary" };
  return { ok: true, value: d.value as unknown as StoredSummary };
};

/** The fields of a head (and of its summary). */
function isHeadShape(v: Record<string, unknown>): boolean {
  const catalog = v.catalog;
  return (
    typeof v.builtAt === "string" &&
    typeof v.complete === "boolean" &&
    typeof v.defaultLanguage === "string" &&
    isWindow(v) &&
    isRecord(catalog) &&
    TOPIC_KINDS.every((kind) => Array.isArray(catalog[kind]) && catalog[kind].every(isCatalogEntry)) &&
    Array.isArray(v.months) &&
    v.months.every(isStoredMonth) &&
    hasTombstones(v)
  );
}

/** Decode a topic object. */
export const decodeTopic: Decoder<StoredTopic> = (body) => {
  const d = current(body);
  if (!d.ok) return d;
  const v = d.value;
  if (
    typeof v.kind !== "string" ||
    !(TOPIC_KINDS as readonly string[]).includes(v.kind) ||
    typeof v.slug !== "string" ||
    typeof v.name !== "string" ||
    typeof v.updated !== "string" ||
    !isWindow(v)
  ) {
    return { ok: false, reason: "not a topic object" };
  }
  return { ok: true, value: v as unknown as StoredTopic };
};

/** Decode an article record. */
export const decodeArticleRecord: Decoder<ArticleRecord> = (body) => {
  const d = current(body);
  if (!d.ok) return d;
  const v = d.value;
  if (!isArticle(v.article) || !isStringArray(v.claimants)) return { ok: false, reason: "not an article record" };
  return { ok: true, value: v as unknown as ArticleRecord };
};

/** A decoder of the nodes of a tree whose values pass `isValue`. */
export function nodeDecoder<V>(isValue: (value: unknown) => value is V): Decoder<TreeNode<V>> {
  return (body) => {
    const d = current(body);
    if (!d.ok) return d;
    const v = d.value;
    if (v.type === "branch") {
      const children = v.children;
      const valid =
        Array.isArray(children) &&
        children.every((child) => isRecord(child) && typeof child.from === "string" && typeof child.id === "string" && typeof child.count === "number") &&
        typeof v.height === "number" &&
        typeof v.nextId === "number";
      return valid ? { ok: true, value: v as unknown as TreeNode<V> } : { ok: false, reason: "not a tree branch" };
    }
    if (v.type === "leaf") {
      const entries = v.entries;
      const valid =
        Array.isArray(entries) && entries.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === "string" && isValue(entry[1]));
      return valid ? { ok: true, value: v as unknown as TreeNode<V> } : { ok: false, reason: "not a tree leaf" };
    }
    return { ok: false, reason: "not a tree node" };
  };
}

/** Decode `state.json`. */
export const decodeState: Decoder<ReconcileState> = (body) => {
  const d = current(body);
  if (!d.ok) return d;
  const v = d.value;
  if (
    (v.cursor !== null && typeof v.cursor !== "string") ||
    typeof v.passes !== "number" ||
    typeof v.reparse !== "boolean" ||
    typeof v.legacyRemoved !== "boolean" ||
    (v.rebuilds !== undefined && typeof v.rebuilds !== "number")
  ) {
    return { ok: false, reason: "not a reconciliation state" };
  }
  return { ok: true, value: v as unknown as ReconcileState };
};

// ---------------------------------------------------------------------------
// Versions 1 to 3 (one manifest, one object per month), read while an upgrade is under way

/** `head.json` of the older layout. */
export interface LegacyHead {
  version: number;
  builtAt: string;
  items: Article[];
  catalog: Record<TopicKind, { slug: string; name: string; count: number; updated: string }[]>;
  months: { month: string; count: number }[];
  /** Version 3: articles that left within TOMBSTONE_DAYS. */
  tombstones?: Tombstone[];
}

/** A topic or month page of the older layout. */
export interface LegacyPage {
  version: number;
  name?: string;
  items: Article[];
}

const LEGACY = (version: unknown): boolean => typeof version === "number" && LEGACY_VERSIONS.includes(version);
const LEGACY_RANGE = LEGACY_VERSIONS.join(" or ");

function legacyItems(v: Record<string, unknown>): boolean {
  if (!Array.isArray(v.items) || !v.items.every(isOlderArticle)) return false;
  v.items = v.items.map(upgradeArticle);
  return true;
}

/** Decode a `head.json` of the older layout. */
export const decodeLegacyHead: Decoder<LegacyHead> = (body) => {
  const d = envelope(body, LEGACY, LEGACY_RANGE);
  if (!d.ok) return d;
  const v = d.value;
  const catalog = v.catalog;
  const valid =
    typeof v.builtAt === "string" &&
    legacyItems(v) &&
    isRecord(catalog) &&
    TOPIC_KINDS.every((kind) => Array.isArray(catalog[kind])) &&
    Array.isArray(v.months) &&
    v.months.every((m) => isRecord(m) && typeof m.month === "string" && typeof m.count === "number") &&
    hasTombstones(v);
  return valid ? { ok: true, value: v as unknown as LegacyHead } : { ok: false, reason: "not an index head of the older layout" };
};

/** Decode a topic or month page of the older layout. */
export const decodeLegacyPage: Decoder<LegacyPage> = (body) => {
  const d = envelope(body, LEGACY, LEGACY_RANGE);
  if (!d.ok) return d;
  return legacyItems(d.value) ? { ok: true, value: d.value as unknown as LegacyPage } : { ok: false, reason: "not a page of the older layout" };
};

/** Decode an article object of the older layout. */
export const decodeLegacyArticle: Decoder<{ article: Article }> = (body) => {
  const d = envelope(body, LEGACY, LEGACY_RANGE);
  if (!d.ok) return d;
  const article = d.value.article;
  return isOlderArticle(article) ? { ok: true, value: { article: upgradeArticle(article) } } : { ok: false, reason: "not an article of the older layout" };
};
