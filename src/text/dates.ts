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
 * Everything is computed in UTC with explicit calendar checks, never with
 * `Date.parse`, whose accepted formats differ between engines and which reads
 * a date without a zone in the local time zone of whatever machine runs it.
 */

/** Earliest and latest year a publisher's date may have: anything outside is a typo, not a publication date. */
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] as const;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
/** RFC 9110 §5.6.7 spells names exactly so (HTTP-date is case-sensitive). */
const HTTP_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const HTTP_DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const HTTP_DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** The fields of a date-time in some zone, before it becomes an instant. */
interface DateFields {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant the fields name, or null when they name no real time (Feb 30,
 * 25:00, an offset beyond ±23:59). A leap second (:60, allowed by RFC 3339
 * §5.7 and RFC 9110 §5.6.7) is read as :59, the closest representable time.
 */
function toInstant(f: DateFields): Date | null {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) return null;
  if (f.hour > 23 || f.minute > 59 || f.second > 60 || Math.abs(f.offsetMinutes) >= 24 * 60) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute, Math.min(f.second, 59), f.millisecond);
  return new Date(date.getTime() - f.offsetMinutes * 60_000);
}

// ---------------------------------------------------------------------------
// ISO 8601

/**
 * ISO 8601 calendar date (the RFC 3339 profile and the common variations):
 * optional time after `T` or a blank, optional seconds and fraction, optional
 * zone (`Z`, `UTC`, `GMT`, `+02`, `+0200`, `+02:00`, with or without a blank).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/** Minutes east of UTC for an ISO zone designator; a missing zone is UTC (article format rule 10). */
function isoOffset(zone: string | undefined): number {
  if (zone === undefined || /^(?:z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes > 59) return Number.NaN;
  return sign * (Number(digits.slice(0, 2)) * 60 + minutes);
}

/**
 * Parses an ISO 8601 date or date-time (`2024-06-19`, `2024-06-19T08:00:00.000Z`,
 * `2024-06-19 10:00+02:00`). A value without a zone is UTC. Null for anything
 * else, including days that do not exist.
 */
export function parseIsoDate(text: string): Date | null {
  const m = ISO.exec(text.trim());
  if (m === null) return null;
  const [, y = "", mo = "", d = "", h = "0", mi = "0", s = "0", fraction = "", zone] = m;
  const offsetMinutes = isoOffset(zone);
  if (Number.isNaN(offsetMinutes)) return null;
  return toInstant({
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    millisecond: Number(fraction.slice(0, 3).padEnd(3, "0")),
    offsetMinutes,
  });
}

// ---------------------------------------------------------------------------
// RFC 2822

/**
 * RFC 2822 §3.3 date-time, read leniently: optional day name (not checked
 * against the date), names in any case, optional seconds, zone as an offset or
 * an obsolete name (§4.3); a missing zone is UTC.
 */
const RFC2822 = /^(?:([A-Za-z]{3}),?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})?$/;

/** Obsolete zone names of RFC 2822 §4.3 (military single letters other than Z are unknown). */
const ZONE_NAMES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

/** Parses an RFC 2822 date-time (`Sat, 02 Nov 2024 10:15:00 +0000`); null for anything else. */
export function parseRfc2822Date(text: string): Date | null {
  const m = RFC2822.exec(text.trim());
  if (m === null) return null;
  const [, dayName, d = "", mon = "", y = "", h = "", mi = "", s = "0", zone] = m;
  if (dayName !== undefined && !(DAYS as readonly string[]).includes(dayName.toLowerCase())) return null;
  const month = (MONTHS as readonly string[]).indexOf(mon.toLowerCase()) + 1;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const minutes = Number(zone.slice(3));
    if (minutes > 59) return null;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + minutes);
  } else if (zone !== undefined) {
    const named = ZONE_NAMES[zone.toUpperCase()];
    if (named === undefined) return null;
    offsetMinutes = named;
  }
  return toInstant({ year: Number(y), month, day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), millisecond: 0, offsetMinutes });
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
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** Obsolete asctime-date: `Sun Nov  6 08:49:37 1994` (a one-digit day is padded with a blank). */
const ASCTIME_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

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
  let dayIndex: number;
  let fields: Omit<DateFields, "millisecond" | "offsetMinutes">;
  let m: RegExpExecArray | null;
  if ((m = IMF_FIXDATE.exec(text)) !== null) {
    const [, day = "", d = "", mon = "", y = "", h = "", mi = "", s = ""] = m;
    dayIndex = (HTTP_DAYS as readonly string[]).indexOf(day);
    fields = { year: Number(y), month: (HTTP_MONTHS as readonly string[]).indexOf(mon) + 1, day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) };
  } else if ((m = RFC850_DATE.exec(text)) !== null) {
    const [, day = "", d = "", mon = "", yy = "", h = "", mi = "", s = ""] = m;
    dayIndex = (HTTP_DAY_NAMES as readonly string[]).indexOf(day);
    const nowYear = now.getUTCFullYear();
    let year = nowYear - (nowYear % 100) + Number(yy);
    if (year > nowYear + 50) year -= 100;
    fields = { year, month: (HTTP_MONTHS as readonly string[]).indexOf(mon) + 1, day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) };
  } else if ((m = ASCTIME_DATE.exec(text)) !== null) {
    const [, day = "", mon = "", d = "", h = "", mi = "", s = "", y = ""] = m;
    dayIndex = (HTTP_DAYS as readonly string[]).indexOf(day);
    fields = { year: Number(y), month: (HTTP_MONTHS as readonly string[]).indexOf(mon) + 1, day: Number(d.trim()), hour: Number(h), minute: Number(mi), second: Number(s) };
  } else {
    return null;
  }
  const date = toInstant({ ...fields, millisecond: 0, offsetMinutes: 0 });
  return date !== null && date.getUTCDay() === dayIndex ? date : null;
}
