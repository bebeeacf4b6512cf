/**
 * Dates on the pages: one format everywhere, in the page's language, always
 * in UTC (the Worker's clock zone; a reader's zone is unknown without script).
 *
 * `Intl.DateTimeFormat` does the work: it knows every language's month names
 * and order, Workers and Node ship it with full locale data, and it never
 * reads the host's time zone when `timeZone` is given.
 */
import { isMonth } from "../index/schema";
import { parseIsoDate } from "../text/dates";

/** Language of the pages' interface text, and so of their dates. */
export const PAGE_LANGUAGE = "en";

/** Parses an ISO string with the shared parser; returns null for values that are not dates so pages never throw on bad data. */
function parse(iso: string | Date): Date | null {
  if (iso instanceof Date) return Number.isNaN(iso.getTime()) ? null : iso;
  return parseIsoDate(iso);
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "long",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
};
const MONTH: Intl.DateTimeFormatOptions = { year: "numeric", month: "long", timeZone: "UTC" };

/** Formatters by language and kind: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for `lang`; the interface language when `lang` is not a valid BCP 47 tag. */
function formatter(lang: string, kind: "dateTime" | "month"): Intl.DateTimeFormat {
  const key = `${kind}|${lang}`;
  let found = formatters.get(key);
  if (!found) {
    const options = kind === "dateTime" ? DATE_TIME : MONTH;
    try {
      found = new Intl.DateTimeFormat(lang, options);
    } catch {
      // RangeError for a malformed tag: the page still renders, in the interface language.
      found = new Intl.DateTimeFormat(PAGE_LANGUAGE, options);
    }
    // A handful of languages at most; the bound only guards against odd input.
    if (formatters.size < 64) formatters.set(key, found);
  }
  return found;
}

/**
 * Human-readable date and time in UTC in the language `lang`, e.g.
 * `June 19, 2024 at 8:00 AM UTC` (en) or `19. Juni 2024 um 08:00 UTC` (de).
 * Returns the input unchanged when it is not a valid date.
 */
export function formatDateTime(iso: string, lang: string = PAGE_LANGUAGE): string {
  const date = parse(iso);
  return date ? formatter(lang, "dateTime").format(date) : iso;
}

/**
 * Machine-readable value for `<time datetime>`: the ISO 8601 UTC string
 * (`2024-06-19T08:00:00.000Z`), normalised. Returns the input for invalid dates.
 */
export function isoUtc(iso: string): string {
  const date = parse(iso);
  return date ? date.toISOString() : iso;
}

/** `<time datetime="ISO">readable</time>` for the pages; `iso` and its text are escaped by the caller's rules here. */
export function timeElement(iso: string, lang: string, escapeText: (text: string) => string): string {
  return `<time datetime="${escapeText(isoUtc(iso))}">${escapeText(formatDateTime(iso, lang))}</time>`;
}

/**
 * RFC 822 date as required by OPML 2.0 `dateCreated`/`dateModified`
 * (with a four-digit year, as RFC 1123 and RSS practice do), e.g.
 * `Wed, 19 Jun 2024 08:00:00 GMT`.
 */
export function formatRfc822(date: string | Date): string {
  const parsed = parse(date);
  if (!parsed) throw new RangeError(`Invalid date: ${String(date)}`);
  // toUTCString() is exactly this format (ECMA-262 §21.4.4.43).
  return parsed.toUTCString();
}

/** Readable month of an archive key `YYYY-MM` in `lang`, e.g. `June 2024`; the key itself when malformed. */
export function formatMonth(month: string, lang: string = PAGE_LANGUAGE): string {
  // Month 01-12 only: Date.UTC would silently roll `2024-13` over into January 2025.
  if (!isMonth(month)) return month;
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return formatter(lang, "month").format(new Date(Date.UTC(year, monthNumber - 1, 1)));
}
