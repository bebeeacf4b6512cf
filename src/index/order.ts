/**
 * The one order of every collection (newest first: published descending, id
 * ascending for ties) as a string key, so that the B+trees in the bucket,
 * the windows and the archive pages sort alike with one comparison.
 *
 * A sort key is the publication time in ISO 8601 with every digit inverted
 * (`9 - d`), then the id. ISO strings of the same form compare like the
 * instants they name, so inverted ones compare in reverse; the time part has
 * a fixed length, so the id decides only between equal times.
 */
import type { Article } from "../article/model";
import { compareKeys } from "../store/store";

/** Length of the time part of a sort key (`YYYY-MM-DDTHH:MM:SS.sssZ`). */
const TIME_LENGTH = 24;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** What an unreadable date sorts as: the oldest possible time. */
const EARLIEST = "0000-01-01T00:00:00.000Z";

function invertDigits(text: string): string {
  let out = "";
  for (const char of text) out += char >= "0" && char <= "9" ? String(9 - Number(char)) : char;
  return out;
}

/** `published` in the one ISO form every sort key uses. */
export function canonicalTime(published: string): string {
  if (ISO_TIME.test(published)) return published;
  const time = Date.parse(published);
  if (!Number.isFinite(time)) return EARLIEST;
  const iso = new Date(time).toISOString();
  return ISO_TIME.test(iso) ? iso : EARLIEST;
}

/** Sort keys of article objects already seen (an article is placed in several collections per run). */
const sortKeys = new WeakMap<object, string>();

/** The sort key of an article (or of the fields that place it). */
export function sortKey(article: Pick<Article, "published" | "id">): string {
  let key = sortKeys.get(article);
  if (key === undefined) {
    key = invertDigits(canonicalTime(article.published)) + article.id;
    sortKeys.set(article, key);
  }
  return key;
}

/** The id inside a sort key. */
export function idOfSortKey(key: string): string {
  return key.slice(TIME_LENGTH);
}

/** The publication time inside a sort key (ISO 8601 UTC). */
export function timeOfSortKey(key: string): string {
  return invertDigits(key.slice(0, TIME_LENGTH));
}

/** Compares two sort keys (or any two keys): S3 key order, which is code point order. */
export const compareSortKeys = compareKeys;

/** Newest first, as every page shows articles. */
export function newestFirst(a: Pick<Article, "published" | "id">, b: Pick<Article, "published" | "id">): number {
  return compareKeys(sortKey(a), sortKey(b));
}

/** UTC calendar month of a publication time (`2024-06-19T08:00:00.000Z` -> `2024-06`). */
export function monthOf(published: string): string {
  return canonicalTime(published).slice(0, 7);
}

/** `now` as an ISO string, per Date object (compared with many publication times). */
const isoTimes = new WeakMap<Date, string>();

/** True when `published` lies after `now`: the article is embargoed until then. */
export function isFuture(published: string, now: Date): boolean {
  // Times of the one ISO form compare as strings; anything else takes the slow way.
  if (ISO_TIME.test(published)) {
    let iso = isoTimes.get(now);
    if (iso === undefined) {
      iso = now.toISOString();
      isoTimes.set(now, iso);
    }
    if (ISO_TIME.test(iso)) return published > iso;
  }
  const time = Date.parse(published);
  return !Number.isFinite(time) || time > now.getTime();
}

/**
 * A position in the newest-first order, as JSON Feed `next_url` pages carry
 * it: `<published>/<id>` (`2024-06-19T08:00:00.000Z/000_6851`), readable and
 * exact. Parsed back with {@link parseCursor}.
 */
export function formatCursor(article: Pick<Article, "published" | "id">): string {
  return `${canonicalTime(article.published)}/${article.id}`;
}

/** The sort key a {@link formatCursor} string names, or null when it is not one. */
export function parseCursor(cursor: string): string | null {
  const time = cursor.slice(0, TIME_LENGTH);
  const id = cursor.slice(TIME_LENGTH + 1);
  if (!ISO_TIME.test(time) || cursor[TIME_LENGTH] !== "/" || id === "" || id.length > 2_048) return null;
  return sortKey({ published: time, id });
}
