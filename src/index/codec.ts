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
import {
  INDEX_VERSION,
  TOPIC_KINDS,
  type ArticlePage,
  type IndexHead,
  type Manifest,
  type ManifestEntry,
  type MonthPage,
  type TopicPage,
} from "./schema";

/** A decoded object, or the reason it was refused. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields that decide an article's place in the index (id, order, topics). */
function hasIndexFields(value: Record<string, unknown>): boolean {
  return (
    typeof value.id === "string" &&
    typeof value.published === "string" &&
    typeof value.updated === "string" &&
    Array.isArray(value.tags) &&
    Array.isArray(value.authors)
  );
}

/** The minimum an item must have for sorting, filtering and rendering not to crash. */
function isArticle(value: unknown): value is Article {
  return (
    isRecord(value) &&
    hasIndexFields(value) &&
    typeof value.key === "string" &&
    typeof value.title === "string" &&
    typeof value.contentHtml === "string"
  );
}

/** A manifest entry the rebuild can rely on (a manifest may have been edited by hand). */
export function isManifestEntry(value: unknown): value is ManifestEntry {
  if (!isRecord(value) || typeof value.etag !== "string") return false;
  if (typeof value.skipped === "string") return true;
  const article = value.article;
  return isRecord(article) && hasIndexFields(article) && typeof article.language === "string" && typeof article.draft === "boolean";
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

/** Decode `head.json`. */
export function decodeHead(body: Uint8Array | string): Decoded<IndexHead> {
  const d = envelope(body);
  if (!d.ok) return d;
  const v = d.value;
  const catalog = v.catalog;
  if (
    typeof v.builtAt !== "string" ||
    !items(v) ||
    !isRecord(catalog) ||
    !TOPIC_KINDS.every((kind) => Array.isArray(catalog[kind])) ||
    !Array.isArray(v.months)
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
  if (typeof v.kind !== "string" || typeof v.slug !== "string" || typeof v.name !== "string" || !items(v)) {
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
  if (typeof v.defaultLanguage !== "string" || !isRecord(v.entries) || !isRecord(v.pages)) {
    return { ok: false, reason: "not an index manifest" };
  }
  return { ok: true, value: v as unknown as Manifest };
}
