/**
 * The one date parser of the project. Three kinds of text carry dates:
 *
 * - what a publisher writes (front matter, object metadata): ISO 8601 or
 *   RFC 2822, read leniently ({@link parseDate}; article format rule 10);
 * - what the project stores itself (`Article.published`, `builtAt`): ISO 8601
 *   ({@link parseIsoDate});
 * - what an HTTP client sends (`If-Modified-Since`): an HTTP-date, read
 *   strictly as RFC 9110 §5.6.7 defines it ({@link parseHttpDate}).
 *
 * date-fns reads the dates: month and day names, calendar checks (Feb 30,
 * 25:00), offsets. Each grammar stays a regular expression here because
 * date-fns's `parse` cannot hold a text to one: it matches names in any case,
 * numbers of one up to N digits and ignores trailing blanks. A match is
 * rewritten into one fixed form with an explicit offset and read in UTC, so
 * the machine's time zone never changes a result (`Date.parse` is never used:
 * its formats differ between engines and it reads a date without a zone in
 * local time).
 */

import { utc } from "@date-fns/utc";
import { isValid, parse } from "date-fns";

/** Earliest and latest year a publisher's date may have: anything outside is a typo, not a publication date. */
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

/** Any valid date: every text handed to {@link parseInUtc} carries all fields, so the reference supplies none. */
const REFERENCE_DATE = new Date(0);

/**
 * Reads `text` with a date-fns format string; null when date-fns finds it
 * invalid. The `utc` context is needed even with an explicit offset in the
 * text: without it date-fns first builds the wall time in the machine's time
 * zone, which moves a time in a daylight-saving gap by an hour.
 */
function parseInUtc(text: string, format: string): Date | null {
  const date = parse(text, format, REFERENCE_DATE, { in: utc });
  return isValid(date) ? new Date(date.getTime()) : null;
}

/**
 * A leap second (:60, allowed by RFC 3339 §5.7, RFC 5322 §3.3 and RFC 9110
 * §5.6.7) read as :59, the closest representable time: hand-written because
 * date-fns rejects second 60.
 */
function withoutLeapSecond(seconds: string): string {
  return seconds === "60" ? "59" : seconds;
}

// ---------------------------------------------------------------------------
// ISO 8601

/**
 * ISO 8601 calendar date (the RFC 3339 profile and the common variations):
 * optional time after `T` or a blank, optional seconds and fraction, optional
 * zone (`Z`, `UTC`, `GMT`, `+02`, `+0200`, `+02:00`, with or without a blank).
 * Offsets are limited to ±23:59 here because date-fns reads any two digits.
 * (date-fns's `parseISO` is not used: it reads a time without a zone in local
 * time, accepts 24:00, week and ordinal dates, and loses a millisecond on
 * some fractions near 1970.)
 */
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|z|UTC|GMT|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$/;

/** Days of each month of a common year; February gains one in leap years. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The number written by `count` ASCII digits of `text` from `start`, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads the project's own canonical form (`2024-06-19T08:00:00.000Z`, what
 * `Date.prototype.toISOString` writes for years 1000-9999), or null for any
 * other text. Written by hand, character by character, because every request
 * reads hundreds of these from the index, and date-fns's general `parse`
 * costs tens of microseconds each (a regular expression and a round trip
 * through `toISOString` still cost microseconds). A field out of its range (a
 * 31 April, a hour 24) is not this form; the general path below then gives
 * its own verdict.
 */
function readCanonicalIso(text: string): Date | null {
  if (
    text.length !== 24 ||
    text[4] !== "-" ||
    text[7] !== "-" ||
    text[10] !== "T" ||
    text[13] !== ":" ||
    text[16] !== ":" ||
    text[19] !== "." ||
    text[23] !== "Z"
  )
    return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  const milliseconds = digitsAt(text, 20, 3);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59 ||
    seconds < 0 ||
    seconds > 59 ||
    milliseconds < 0
  )
    return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0)) return null;
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, milliseconds));
}

/** The `xx` form (`+0200`) of an ISO zone designator; a missing zone is UTC (article format rule 10). */
function isoOffset(zone: string | undefined): string {
  if (zone === undefined || !/^[+-]/.test(zone)) return "+0000";
  return zone.replace(":", "").padEnd(5, "0");
}

/**
 * Parses an ISO 8601 date or date-time (`2024-06-19`, `2024-06-19T08:00:00.000Z`,
 * `2024-06-19 10:00+02:00`). A value without a zone is UTC. Null for anything
 * else, including days that do not exist.
 */
export function parseIsoDate(text: string): Date | null {
  const canonical = readCanonicalIso(text);
  if (canonical !== null) return canonical;
  const m = ISO.exec(text.trim());
  if (m === null) return null;
  const [, date = "", hoursMinutes = "00:00", seconds = "00", fraction = "", zone] = m;
  const milliseconds = fraction.slice(0, 3).padEnd(3, "0");
  return parseInUtc(`${date}T${hoursMinutes}:${withoutLeapSecond(seconds)}.${milliseconds}${isoOffset(zone)}`, "yyyy-MM-dd'T'HH:mm:ss.SSSxx");
}

// ---------------------------------------------------------------------------
// RFC 2822

/**
 * RFC 2822 §3.3 date-time, read leniently: optional day name (not checked
 * against the date), names in any case, optional seconds, zone as an offset
 * (at most ±23:59, which date-fns does not check) or an obsolete name (§4.3);
 * a missing zone is UTC.
 */
const RFC2822 = /^(?:([A-Za-z]{3}),?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}:\d{2})(?::(\d{2}))?\s*([+-](?:[01]\d|2[0-3])[0-5]\d|[A-Za-z]{1,3})?$/;

/**
 * Obsolete zone names of RFC 2822 §4.3 as offsets, hand-written because
 * date-fns reads no zone names (military single letters other than Z are unknown).
 */
const ZONE_NAMES: Readonly<Record<string, string>> = {
  UT: "+0000",
  UTC: "+0000",
  GMT: "+0000",
  Z: "+0000",
  EST: "-0500",
  EDT: "-0400",
  CST: "-0600",
  CDT: "-0500",
  MST: "-0700",
  MDT: "-0600",
  PST: "-0800",
  PDT: "-0700",
};

/** Parses an RFC 2822 date-time (`Sat, 02 Nov 2024 10:15:00 +0000`); null for anything else. */
export function parseRfc2822Date(text: string): Date | null {
  const m = RFC2822.exec(text.trim());
  if (m === null) return null;
  const [, dayName, day = "", month = "", year = "", hoursMinutes = "", seconds = "00", zone = "+0000"] = m;
  const offset = /^[+-]/.test(zone) ? zone : ZONE_NAMES[zone.toUpperCase()];
  if (offset === undefined) return null;
  const fields = `${day} ${month} ${year} ${hoursMinutes}:${withoutLeapSecond(seconds)} ${offset}`;
  // date-fns checks that a day name is one and lets the date win over it (equal priority).
  return dayName === undefined ? parseInUtc(fields, "d MMM yyyy HH:mm:ss xx") : parseInUtc(`${dayName} ${fields}`, "EEE d MMM yyyy HH:mm:ss xx");
}

/**
 * Parses a date a publisher wrote (front matter, object metadata): ISO 8601
 * or RFC 2822, without a zone read as UTC. Null for anything else, including
 * impossible dates (Feb 30) and years outside 1900-9999.
 */
export function parseDate(text: string): Date | null {
  const date = parseIsoDate(text) ?? parseRfc2822Date(text);
  if (date === null) return null;
  const year = date.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? date : null;
}

// ---------------------------------------------------------------------------
// HTTP-date (RFC 9110 §5.6.7)

/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`, the preferred format. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}:\d{2}):(\d{2}) GMT$/;
/** Obsolete rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}:\d{2}):(\d{2}) GMT$/;
/** Obsolete asctime-date: `Sun Nov  6 08:49:37 1994` (a one-digit day is padded with a blank). */
const ASCTIME_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) (\d{2}:\d{2}):(\d{2}) (\d{4})$/;

/** The fields of an HTTP-date, whichever of the three forms carried them. */
interface HttpDateFields {
  /** The first three letters of the day name, as the IMF-fixdate spells it. */
  dayName: string;
  day: string;
  month: string;
  /** Four digits. */
  year: string;
  hoursMinutes: string;
  seconds: string;
}

/**
 * The four-digit year of an rfc850 two-digit year: one that would lie more
 * than 50 years after `now` is the most recent past year with those digits
 * (RFC 9110 §5.6.7). Hand-written because date-fns's `yy` window is one year
 * off that rule and reads the reference year in local time.
 */
function rfc850Year(twoDigits: string, now: Date): string {
  const nowYear = now.getUTCFullYear();
  const year = nowYear - (nowYear % 100) + Number(twoDigits);
  return String(year > nowYear + 50 ? year - 100 : year).padStart(4, "0");
}

/** The fields of whichever HTTP-date form `text` is exactly; null for none. */
function httpDateFields(text: string, now: Date): HttpDateFields | null {
  const imf = IMF_FIXDATE.exec(text);
  if (imf !== null) {
    const [, dayName = "", day = "", month = "", year = "", hoursMinutes = "", seconds = ""] = imf;
    return { dayName, day, month, year, hoursMinutes, seconds };
  }
  const rfc850 = RFC850_DATE.exec(text);
  if (rfc850 !== null) {
    const [, dayPrefix = "", day = "", month = "", twoDigitYear = "", hoursMinutes = "", seconds = ""] = rfc850;
    return { dayName: dayPrefix.slice(0, 3), day, month, year: rfc850Year(twoDigitYear, now), hoursMinutes, seconds };
  }
  const asctime = ASCTIME_DATE.exec(text);
  if (asctime !== null) {
    const [, dayName = "", month = "", day = "", hoursMinutes = "", seconds = "", year = ""] = asctime;
    return { dayName, day: day.trim().padStart(2, "0"), month, year, hoursMinutes, seconds };
  }
  return null;
}

/**
 * Parses an HTTP-date strictly per RFC 9110 §5.6.7: the IMF-fixdate and the
 * two obsolete forms (rfc850-date, asctime-date), case-sensitive, exact
 * spacing, a four-digit year (a five-digit year is no HTTP-date), and a day
 * name that matches the date. Anything else is null, which makes a
 * conditional request unconditional (§13.1.3: an invalid date is ignored).
 *
 * @param now Reference time for the rfc850 two-digit year: a year that would
 * lie more than 50 years after `now` is the most recent past year with those
 * two digits (§5.6.7).
 */
export function parseHttpDate(text: string, now: Date): Date | null {
  const f = httpDateFields(text, now);
  if (f === null) return null;
  const date = parseInUtc(
    `${f.dayName}, ${f.day} ${f.month} ${f.year} ${f.hoursMinutes}:${withoutLeapSecond(f.seconds)} +0000`,
    "EEE, dd MMM yyyy HH:mm:ss xx",
  );
  // date-fns reads the day name but does not check it against the date; RFC 9110
  // requires it to match (toUTCString starts with the same English abbreviation).
  return date?.toUTCString().startsWith(f.dayName) ? date : null;
}
