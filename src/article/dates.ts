/**
 * Parsing the dates an article can carry (front matter, object metadata):
 * ISO 8601 and RFC 2822, with a missing time zone read as UTC.
 *
 * date-fns does the calendar arithmetic; the regular expressions below only
 * decide which format a string is in and add the zone when it is missing,
 * because both `parseISO` and `parse` would otherwise use the local zone of
 * whatever machine runs the code.
 */

import { isValid, parse, parseISO } from "date-fns";

/** Earliest and latest year we accept: anything outside is a typo, not a publication date. */
const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

/**
 * ISO 8601 calendar date, optional time (`T` or space), optional fraction,
 * optional zone (`Z`, `+02`, `+0200`, `+02:00`, with or without a blank before it).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?[ ]?(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * RFC 2822 §3.3 date-time: optional day name, day, month name, year, time
 * with optional seconds, zone as offset or obsolete name (§4.3).
 */
const RFC2822 = /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,3})?$/;

/** Obsolete zone names of RFC 2822 §4.3 (military single letters other than Z are treated as unknown). */
const ZONES: Readonly<Record<string, string>> = {
  UT: "+0000", UTC: "+0000", GMT: "+0000", Z: "+0000",
  EST: "-0500", EDT: "-0400", CST: "-0600", CDT: "-0500", MST: "-0700", MDT: "-0600", PST: "-0800", PDT: "-0700",
};

/**
 * Parse an ISO 8601 or RFC 2822 date. A date or date-time without a zone is
 * UTC. Returns null for anything else, including impossible dates (Feb 30)
 * and years outside 1900-9999.
 */
export function parseDate(text: string): Date | null {
  const value = text.trim();
  const date = parseIsoUtc(value) ?? parseRfc2822(value);
  if (date === null || !isValid(date)) return null;
  const year = date.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? date : null;
}

function parseIsoUtc(value: string): Date | null {
  const m = ISO.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac, zone] = m;
  let z = zone === undefined || /^(?:z|utc|gmt)$/i.test(zone) ? "Z" : zone;
  if (/^[+-]\d{2}$/.test(z)) z += ":00";
  else if (/^[+-]\d{4}$/.test(z)) z = `${z.slice(0, 3)}:${z.slice(3)}`;
  const ms = frac === undefined ? "" : `.${frac.slice(0, 3).padEnd(3, "0")}`;
  const canonical = `${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${z}`;
  const date = parseISO(canonical);
  // parseISO rolls Feb 30 over to March; reject such dates by checking the day survived.
  if (!isValid(date) || !sameCalendarDay(date, canonical, z)) return null;
  return date;
}

/** True when the date-time in `canonical` names a real calendar day (no overflow). */
function sameCalendarDay(date: Date, canonical: string, zone: string): boolean {
  if (zone !== "Z") {
    // With an offset, compare in the offset's wall clock.
    const sign = zone.startsWith("-") ? -1 : 1;
    const offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const wall = new Date(date.getTime() + offsetMin * 60_000);
    return wall.toISOString().slice(0, 10) === canonical.slice(0, 10);
  }
  return date.toISOString().slice(0, 10) === canonical.slice(0, 10);
}

function parseRfc2822(value: string): Date | null {
  const m = RFC2822.exec(value);
  if (m === null) return null;
  const [, d = "", mon = "", y = "", h = "", mi = "", s = "00", zone] = m;
  const offset = zone === undefined ? "+0000" : /^[+-]/.test(zone) ? zone : ZONES[zone.toUpperCase()];
  if (offset === undefined) return null;
  const month = mon.charAt(0).toUpperCase() + mon.slice(1).toLowerCase();
  const canonical = `${d.padStart(2, "0")} ${month} ${y} ${h}:${mi}:${s} ${offset}`;
  const date = parse(canonical, "dd MMM yyyy HH:mm:ss xx", new Date(0));
  return isValid(date) ? date : null;
}
