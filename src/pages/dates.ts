/**
 * Date formatting for the pages, always in UTC.
 *
 * date-fns formats with the getters of the Date it is given (`getHours()`...),
 * which read the local time zone. Workers run in UTC, but Node (tests, local
 * scripts) may not, so the same article would show different times. Passing
 * {@link UtcDate} through date-fns' `in` option makes every getter read the
 * UTC fields instead, without depending on `@date-fns/utc`.
 */
import { format } from "date-fns";
import { isMonth } from "../index/schema";

/**
 * A Date whose local getters return the UTC fields. Only the getters date-fns'
 * formatters read are overridden; the time value itself is unchanged.
 */
class UtcDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
}

/** date-fns context function: normalises every argument to a {@link UtcDate}. */
const inUtc = (value: Date | number | string): UtcDate => new UtcDate(value instanceof Date ? value.getTime() : value);

/** Parses an ISO string; returns null for values that are not dates so pages never throw on bad data. */
function parse(iso: string | Date): Date | null {
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Human-readable UTC date and time, e.g. `19 June 2024, 08:00 UTC`.
 * Returns the input unchanged when it is not a valid date.
 */
export function formatReadableUtc(iso: string): string {
  const date = parse(iso);
  return date ? format(date, "d MMMM yyyy, HH:mm 'UTC'", { in: inUtc }) : iso;
}

/**
 * Machine-readable value for `<time datetime>`: the ISO 8601 UTC string
 * (`2024-06-19T08:00:00.000Z`), normalised. Returns the input for invalid dates.
 */
export function isoUtc(iso: string): string {
  const date = parse(iso);
  return date ? date.toISOString() : iso;
}

/**
 * RFC 822 date as required by OPML 2.0 `dateCreated`/`dateModified`
 * (with a four-digit year, as RFC 1123 and RSS practice do), e.g.
 * `Wed, 19 Jun 2024 08:00:00 GMT`. English day and month names are mandated by
 * the RFC, which is date-fns' default locale.
 */
export function formatRfc822(date: string | Date): string {
  const parsed = parse(date);
  if (!parsed) throw new RangeError(`Invalid date: ${String(date)}`);
  // toUTCString() is exactly this format (ECMA-262 §21.4.4.43).
  return parsed.toUTCString();
}

/** Readable month name for an archive key `YYYY-MM`, e.g. `June 2024`; the key itself when malformed. */
export function formatMonth(month: string): string {
  // Month 01-12 only: Date.UTC would silently roll `2024-13` over into January 2025.
  if (!isMonth(month)) return month;
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return format(new Date(Date.UTC(year, monthNumber - 1, 1)), "MMMM yyyy", { in: inUtc });
}
