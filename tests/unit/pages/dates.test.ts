import { describe, expect, it } from "vitest";
import { formatDateTime, formatMonth, formatRfc822, isoUtc, timeElement } from "../../../src/pages/dates";
import { escapeHtml } from "../../../src/text/xml";

describe("page dates (always UTC, whatever the local time zone)", () => {
  it("formats a readable UTC date and time in the page's language", () => {
    expect(formatDateTime("2024-06-19T08:00:00.000Z")).toBe("June 19, 2024 at 8:00 AM UTC");
    expect(formatDateTime("2024-06-19T08:00:00.000Z", "de")).toBe("19. Juni 2024 um 08:00 UTC");
    // Near midnight: a local-time formatter east or west of UTC would show another day.
    expect(formatDateTime("2024-12-31T23:30:00Z", "de")).toBe("31. Dezember 2024 um 23:30 UTC");
    expect(formatDateTime("2024-01-01T00:15:00+02:00", "de")).toBe("31. Dezember 2023 um 22:15 UTC");
  });

  it("falls back to the interface language for a malformed language tag", () => {
    expect(formatDateTime("2024-06-19T08:00:00.000Z", "xx-invalid-")).toBe("June 19, 2024 at 8:00 AM UTC");
  });

  it("writes <time> with the ISO value and the readable text", () => {
    expect(timeElement("2024-06-19T10:00:00+02:00", "en", escapeHtml)).toBe('<time datetime="2024-06-19T08:00:00.000Z">June 19, 2024 at 8:00 AM UTC</time>');
  });

  it("normalises <time datetime> values to ISO 8601 UTC", () => {
    expect(isoUtc("2024-06-19T10:00:00+02:00")).toBe("2024-06-19T08:00:00.000Z");
  });

  it("passes invalid dates through instead of throwing", () => {
    expect(formatDateTime("soon")).toBe("soon");
    expect(isoUtc("soon")).toBe("soon");
  });

  it("formats RFC 822 dates with English names and GMT", () => {
    expect(formatRfc822("2024-06-19T08:00:00.000Z")).toBe("Wed, 19 Jun 2024 08:00:00 GMT");
    expect(formatRfc822(new Date(Date.UTC(2024, 0, 5, 23, 59, 59)))).toBe("Fri, 05 Jan 2024 23:59:59 GMT");
    expect(() => formatRfc822("soon")).toThrow(RangeError);
  });

  it("names archive months in the page's language", () => {
    expect(formatMonth("2024-06")).toBe("June 2024");
    expect(formatMonth("2024-06", "de")).toBe("Juni 2024");
    expect(formatMonth("2024-13")).toBe("2024-13");
    expect(formatMonth("June")).toBe("June");
  });
});
