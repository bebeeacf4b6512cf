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
  type ArticlePage,
  INDEX_VERSION,
  type IndexHead,
  isTopicKind,
  type Manifest,
  type ManifestEntry,
  type MonthPage,
  TOPIC_KINDS,
  type TopicPage,
} from "./schema";

/** A decoded object, or the reason it was refused. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

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
function isArticle(value: unknown): value is Article {
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

/** A manifest entry the rebuild can rely on (a manifest may have been edited by hand). */
export function isManifestEntry(value: unknown): value is ManifestEntry {
  if (!isRecord(value) || typeof value.etag !== "string") return false;
  if (typeof value.skipped === "string") return true;
  const article = value.article;
  // `withdrawn` joined the planning fields after version 3 began: an entry without it is read again once.
  return isRecord(article) && hasIndexFields(article) && isWithdrawal(article.withdrawn);
}

/** Parse JSON bytes and check the common envelope: an object with our version. */
function envelope(body: Uint8Array | string): Decoded<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === "string" ? body : UTF8.decode(body));
  } catch (error) {
    return { ok: false, reason: `malformed JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isRecord(value)) return { ok: false, reason: "not a JSON object" };
  if (value.version !== INDEX_VERSION) {
    return { ok: false, reason: `index version ${JSON.stringify(value.version)}, expected ${INDEX_VERSION}` };
  }
  return { ok: true, value };
}

function items(value: Record<string, unknown>): boolean {
  return Array.isArray(value.items) && value.items.every(isArticle);
}

function isCatalogEntry(value: unknown): boolean {
  return isRecord(value) && isString(value.slug) && isString(value.name) && Number.isInteger(value.count) && isIsoDate(value.updated);
}

function isMonthCount(value: unknown): boolean {
  return isRecord(value) && isString(value.month) && /^\d{4}-\d{2}$/.test(value.month) && Number.isInteger(value.count);
}

function isTombstone(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isIsoDate(value.when) &&
    (value.reason === null || isString(value.reason)) &&
    Array.isArray(value.topics) &&
    value.topics.every((topic) => isRecord(topic) && isString(topic.slug) && typeof topic.kind === "string" && isTopicKind(topic.kind))
  );
}

/** Tombstones are optional (objects written before them have none); present, each is checked. */
function tombstones(value: Record<string, unknown>): boolean {
  return value.tombstones === undefined || (Array.isArray(value.tombstones) && value.tombstones.every(isTombstone));
}

/** Decode `head.json`. */
export function decodeHead(body: Uint8Array | string): Decoded<IndexHead> {
  const d = envelope(body);
  if (!d.ok) return d;
  const v = d.value;
  const catalog = v.catalog;
  if (
    !isIsoDate(v.builtAt) ||
    !items(v) ||
    !isRecord(catalog) ||
    !TOPIC_KINDS.every((kind) => Array.isArray(catalog[kind]) && catalog[kind].every(isCatalogEntry)) ||
    !Array.isArray(v.months) ||
    !v.months.every(isMonthCount) ||
    !tombstones(v)
  ) {
    return { ok: false, reason: "not an index head" };
  }
  return { ok: true, value: v as unknown as IndexHead };
}

/** Decode a topic page. */
export function decodeTopicPage(body: Uint8Array | string): Decoded<TopicPage> {
  const d = envelope(body);
  if (!d.ok) return d;
  const v = d.value;
  if (typeof v.kind !== "string" || !isTopicKind(v.kind) || typeof v.slug !== "string" || typeof v.name !== "string" || !items(v)) {
    return { ok: false, reason: "not a topic page" };
  }
  return { ok: true, value: v as unknown as TopicPage };
}

/** Decode a month page. */
export function decodeMonthPage(body: Uint8Array | string): Decoded<MonthPage> {
  const d = envelope(body);
  if (!d.ok) return d;
  const v = d.value;
  if (typeof v.month !== "string" || !items(v)) return { ok: false, reason: "not a month page" };
  return { ok: true, value: v as unknown as MonthPage };
}

/** Decode an article object. */
export function decodeArticlePage(body: Uint8Array | string): Decoded<ArticlePage> {
  const d = envelope(body);
  if (!d.ok) return d;
  if (!isArticle(d.value.article)) return { ok: false, reason: "not an article object" };
  return { ok: true, value: d.value as unknown as ArticlePage };
}

/** Decode any page that holds `items` (head, topic or month), for reuse of unchanged members. */
export function decodeItems(body: Uint8Array | string): Decoded<Article[]> {
  const d = envelope(body);
  if (!d.ok) return d;
  if (!items(d.value)) return { ok: false, reason: "no article items" };
  return { ok: true, value: d.value.items as Article[] };
}

/** Decode `manifest.json`. Entries are checked one by one later; here only the containers. */
export function decodeManifest(body: Uint8Array | string): Decoded<Manifest> {
  const d = envelope(body);
  if (!d.ok) return d;
  const v = d.value;
  if (typeof v.defaultLanguage !== "string" || !isRecord(v.entries) || !isRecord(v.pages) || !tombstones(v)) {
    return { ok: false, reason: "not an index manifest" };
  }
  return { ok: true, value: v as unknown as Manifest };
}
