import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDate, parseHttpDate, parseIsoDate, parseRfc2822Date } from "../../../src/text/dates";
import { checkProperty } from "../../support/seed";

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;
/** A fixed clock for the rfc850 two-digit year: no test depends on today's date. */
const NOW = new Date("2026-06-01T00:00:00Z");

describe("parseIsoDate", () => {
  it("reads ISO 8601 with a zone, a fraction, T or a blank", () => {
    expect(iso(parseIsoDate("2025-03-14T09:30:00+01:00"))).toBe("2025-03-14T08:30:00.000Z");
    expect(iso(parseIsoDate("2024-06-19T08:00:00.123456Z"))).toBe("2024-06-19T08:00:00.123Z");
    expect(iso(parseIsoDate("2024-06-19 10:00 +0200"))).toBe("2024-06-19T08:00:00.000Z");
    expect(iso(parseIsoDate("2024-06-19t08:00:00z"))).toBe("2024-06-19T08:00:00.000Z");
    expect(iso(parseIsoDate("2024-06-19T10:00:00.000+02:00"))).toBe("2024-06-19T08:00:00.000Z");
  });
  it("reads a date or date-time without a zone as UTC, whatever the machine's zone", () => {
    expect(iso(parseIsoDate("2024-06-19"))).toBe("2024-06-19T00:00:00.000Z");
    expect(iso(parseIsoDate("2024-06-19 08:15"))).toBe("2024-06-19T08:15:00.000Z");
  });
  it("keeps years below 100 as they are", () => {
    expect(iso(parseIsoDate("0050-01-01"))).toBe("0050-01-01T00:00:00.000Z");
  });
  it("reads a leap second as the second before", () => {
    expect(iso(parseIsoDate("2016-12-31T23:59:60Z"))).toBe("2016-12-31T23:59:59.000Z");
  });
  it.each([
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-06-19T24:00:00Z",
    "2024-06-19T08:60Z",
    "2024-06-19T08:00+24:00",
    "2024-06-19T08:00+01:60",
    "19.06.2024",
    "2024-6-19",
    "",
    "yesterday",
  ])("rejects %j", (text) => expect(parseIsoDate(text)).toBeNull());
  it("reads the form the project writes (toISOString) as the general grammar does", () => {
    const fields = fc.tuple(
      fc.integer({ min: 1000, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 999 }),
    );
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    checkProperty(
      fc.property(fields, ([year, month, day, hour, minute, second, ms]) => {
        const text = `${year}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}Z`;
        // The same instant written with an offset takes the general (date-fns) path.
        const general = parseIsoDate(text.replace("Z", "+00:00"));
        expect(iso(parseIsoDate(text))).toBe(iso(general));
      }),
    );
  });
  it("accepts Feb 29 in a leap year only", () => {
    expect(iso(parseIsoDate("2024-02-29"))).toBe("2024-02-29T00:00:00.000Z");
    expect(parseIsoDate("1900-02-29")).toBeNull();
    expect(iso(parseIsoDate("2000-02-29"))).toBe("2000-02-29T00:00:00.000Z");
    // The same in the form the project writes, which has its own reader.
    expect(iso(parseIsoDate("2024-02-29T23:59:59.999Z"))).toBe("2024-02-29T23:59:59.999Z");
    expect(parseIsoDate("2023-02-29T00:00:00.000Z")).toBeNull();
    expect(parseIsoDate("1900-02-29T00:00:00.000Z")).toBeNull();
    expect(iso(parseIsoDate("2000-02-29T00:00:00.000Z"))).toBe("2000-02-29T00:00:00.000Z");
  });
});

describe("parseRfc2822Date", () => {
  it("reads RFC 2822 with offsets and obsolete zone names", () => {
    expect(iso(parseRfc2822Date("Sat, 02 Nov 2024 10:15:00 +0100"))).toBe("2024-11-02T09:15:00.000Z");
    expect(iso(parseRfc2822Date("2 Nov 2024 10:15 GMT"))).toBe("2024-11-02T10:15:00.000Z");
    expect(iso(parseRfc2822Date("2 nov 2024 10:15 EST"))).toBe("2024-11-02T15:15:00.000Z");
  });
  it("rejects unknown names and impossible days", () => {
    expect(parseRfc2822Date("31 Feb 2024 10:00 GMT")).toBeNull();
    expect(parseRfc2822Date("2 Foo 2024 10:00 GMT")).toBeNull();
    expect(parseRfc2822Date("Xyz, 2 Nov 2024 10:00 GMT")).toBeNull();
    expect(parseRfc2822Date("2 Nov 2024 10:00 QQQ")).toBeNull();
  });
});

describe("parseDate (what a publisher writes)", () => {
  it("reads ISO 8601 and RFC 2822", () => {
    expect(iso(parseDate("2025-03-14T09:30:00+01:00"))).toBe("2025-03-14T08:30:00.000Z");
    expect(iso(parseDate(" Sat, 02 Nov 2024 10:15:00 +0100 "))).toBe("2024-11-02T09:15:00.000Z");
  });
  it("rejects implausible years", () => {
    expect(parseDate("0001-01-01")).toBeNull();
    expect(parseDate("1899-12-31")).toBeNull();
    expect(iso(parseDate("1900-01-01"))).toBe("1900-01-01T00:00:00.000Z");
  });
});

describe("parseHttpDate (RFC 9110 §5.6.7, strict)", () => {
  const when = "1994-11-06T08:49:37.000Z";
  it("reads the IMF-fixdate and the two obsolete forms", () => {
    expect(iso(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", NOW))).toBe(when);
    expect(iso(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW))).toBe(when);
    expect(iso(parseHttpDate("Sun Nov  6 08:49:37 1994", NOW))).toBe(when);
    expect(iso(parseHttpDate("Sun Nov 06 08:49:37 1994", NOW))).toBe(when);
  });
  it("reads what Date.prototype.toUTCString writes", () => {
    const date = new Date("2024-06-19T08:00:00Z");
    expect(parseHttpDate(date.toUTCString(), NOW)?.getTime()).toBe(date.getTime());
  });
  it("reads an rfc850 two-digit year more than 50 years ahead as the past century", () => {
    // NOW is 2026: 76 is 2076 (50 years ahead, not more), 77 is 1977.
    expect(iso(parseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", NOW))).toBe("2076-01-01T00:00:00.000Z");
    expect(iso(parseHttpDate("Saturday, 01-Jan-77 00:00:00 GMT", NOW))).toBe("1977-01-01T00:00:00.000Z");
    expect(iso(parseHttpDate("Tuesday, 01-Jan-02 00:00:00 GMT", NOW))).toBe("2002-01-01T00:00:00.000Z");
  });
  it.each([
    ["a five-digit year", "Sun, 06 Nov 19940 08:49:37 GMT"],
    ["a two-digit year in the IMF-fixdate", "Sun, 06 Nov 94 08:49:37 GMT"],
    ["a one-digit day in the IMF-fixdate", "Sun, 6 Nov 1994 08:49:37 GMT"],
    ["another zone", "Sun, 06 Nov 1994 08:49:37 UTC"],
    ["a numeric offset", "Sun, 06 Nov 1994 08:49:37 +0000"],
    ["lower-case names (HTTP-date is case-sensitive)", "sun, 06 nov 1994 08:49:37 GMT"],
    ["lower-case GMT", "Sun, 06 Nov 1994 08:49:37 gmt"],
    ["extra blanks", "Sun,  06 Nov 1994 08:49:37 GMT"],
    ["leading blanks", " Sun, 06 Nov 1994 08:49:37 GMT"],
    ["no seconds", "Sun, 06 Nov 1994 08:49 GMT"],
    ["a wrong day name", "Mon, 06 Nov 1994 08:49:37 GMT"],
    ["a day that does not exist", "Thu, 31 Feb 1994 08:49:37 GMT"],
    ["hour 24", "Sun, 06 Nov 1994 24:00:00 GMT"],
    ["ISO 8601", "1994-11-06T08:49:37Z"],
    ["a short day name in rfc850", "Sun, 06-Nov-94 08:49:37 GMT"],
    ["a four-digit year in rfc850", "Sunday, 06-Nov-1994 08:49:37 GMT"],
    ["a zone in asctime", "Sun Nov  6 08:49:37 1994 GMT"],
    ["nothing", ""],
    ["words", "yesterday"],
  ])("rejects %s", (_what, text) => {
    expect(parseHttpDate(text, NOW)).toBeNull();
  });
});

describe("the machine's time zone", () => {
  /** Runs `check` with the process in another time zone (Node re-reads TZ when it is assigned). */
  function inZone(zone: string, check: () => void): void {
    const saved = process.env.TZ;
    process.env.TZ = zone;
    try {
      check();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }

  it.each(["America/New_York", "Europe/Berlin", "Asia/Tokyo"])("changes no result in %s, not even in its daylight-saving gaps", (zone) => {
    inZone(zone, () => {
      // The switch took effect: 2024-03-10 02:30 does not exist in New York, 2024-03-31 02:30 not in Berlin.
      expect(new Date(2024, 2, 10, 2, 30).getHours() === 2 && new Date(2024, 2, 31, 2, 30).getHours() === 2).toBe(zone === "Asia/Tokyo");
      expect(iso(parseIsoDate("2024-03-10T02:30:00Z"))).toBe("2024-03-10T02:30:00.000Z");
      expect(iso(parseIsoDate("2024-03-31 02:30"))).toBe("2024-03-31T02:30:00.000Z");
      expect(iso(parseRfc2822Date("Sun, 10 Mar 2024 02:30:00 +0000"))).toBe("2024-03-10T02:30:00.000Z");
      expect(iso(parseRfc2822Date("31 Mar 2024 03:30 +0100"))).toBe("2024-03-31T02:30:00.000Z");
      expect(iso(parseHttpDate("Sun, 10 Mar 2024 02:30:00 GMT", NOW))).toBe("2024-03-10T02:30:00.000Z");
      expect(iso(parseHttpDate("Sunday, 31-Mar-24 02:30:00 GMT", NOW))).toBe("2024-03-31T02:30:00.000Z");
      expect(iso(parseHttpDate("Sun Mar 10 02:30:00 2024", NOW))).toBe("2024-03-10T02:30:00.000Z");
    });
  });
});
