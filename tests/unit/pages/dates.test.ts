import { describe, expect, it } from "vitest";
import { formatMonth, formatReadableUtc, formatRfc822, isoUtc } from "../../../src/pages/dates";

describe("page dates (always UTC, whatever the local time zone)", () => {
  it("formats a readable UTC date and time", () => {
    expect(formatReadableUtc("2024-06-19T08:00:00.000Z")).toBe("19 June 2024, 08:00 UTC");
    // Near midnight: a local-time formatter east or west of UTC would show another day.
    expect(formatReadableUtc("2024-12-31T23:30:00Z")).toBe("31 December 2024, 23:30 UTC");
    expect(formatReadableUtc("2024-01-01T00:15:00+02:00")).toBe("31 December 2023, 22:15 UTC");
  });

  it("normalises <time datetime> values to ISO 8601 UTC", () => {
    expect(isoUtc("2024-06-19T10:00:00+02:00")).toBe("2024-06-19T08:00:00.000Z");
  });

  it("passes invalid dates through instead of throwing", () => {
    expect(formatReadableUtc("soon")).toBe("soon");
    expect(isoUtc("soon")).toBe("soon");
  });

  it("formats RFC 822 dates with English names and GMT", () => {
    expect(formatRfc822("2024-06-19T08:00:00.000Z")).toBe("Wed, 19 Jun 2024 08:00:00 GMT");
    expect(formatRfc822(new Date(Date.UTC(2024, 0, 5, 23, 59, 59)))).toBe("Fri, 05 Jan 2024 23:59:59 GMT");
    expect(() => formatRfc822("soon")).toThrow(RangeError);
  });

  it("names archive months", () => {
    expect(formatMonth("2024-06")).toBe("June 2024");
    expect(formatMonth("2024-13")).toBe("2024-13");
    expect(formatMonth("June")).toBe("June");
  });
});
