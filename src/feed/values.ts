/**
 * Checks and normalisations of input values, shared by all formats. Each
 * throws a RangeError naming the field, so bad data fails at render time
 * rather than producing an invalid feed.
 */
import { parseIsoDate } from "../text/dates";
import { normalizeLanguageTag } from "../text/language";

/** Parses an ISO 8601 date (`Article.published`, `FeedDescriptor.updated`...). */
export function parseDate(value: string, field: string): Date {
  // A date-time is required: a bare date would silently become midnight UTC.
  const date = /^\d{4}-\d{2}-\d{2}T/.test(value) ? parseIsoDate(value) : null;
  if (date === null) {
    throw new RangeError(`feed: ${field} is not an ISO 8601 date: ${JSON.stringify(value)}`);
  }
  return date;
}

/** RFC 3339 timestamp in UTC (`2024-06-19T08:00:00.000Z`), as Atom and JSON Feed require. */
export function rfc3339(value: string, field: string): string {
  return parseDate(value, field).toISOString();
}

/** An absolute http(s) URL in its normalised (WHATWG) serialisation. */
export function absoluteUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`feed: ${field} is not an absolute URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RangeError(`feed: ${field} is not an http(s) URL: ${JSON.stringify(value)}`);
  }
  return url.href;
}

/** The language tag in its canonical spelling (the shared BCP 47 rule), or undefined when it is empty or malformed (then no language is declared). */
export function languageTag(value: string): string | undefined {
  return normalizeLanguageTag(value) ?? undefined;
}
