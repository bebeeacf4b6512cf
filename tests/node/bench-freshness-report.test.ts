/** The file-to-feed benchmark's report and the BENCHMARKS.md sections it shares with the other benchmarks, on made-up figures. */
import { describe, expect, it } from "vitest";
import { type FreshnessResult, median, meetsTarget, renderFreshnessReport } from "../../scripts/lib/bench/freshness-report";
import { keepSections, replaceSection } from "../../scripts/lib/bench/sections";

const result = (rss1k: number[], rss20k: number[]): FreshnessResult => ({
  machine: "test machine",
  date: "2026-01-01 00:00 UTC",
  commit: "abc1234",
  runs: rss1k.length,
  sizes: [
    { articles: 1_000, startupMs: 12_300, rssMs: rss1k, homeMs: rss1k, applyMs: [200, 250, 300] },
    { articles: 20_000, startupMs: 140_000, rssMs: rss20k, homeMs: rss20k, applyMs: [900, 1000, 1100] },
  ],
});

describe("median", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("renderFreshnessReport", () => {
  it("gives medians with min-max per size and says whether the 5 s target is met", () => {
    const report = renderFreshnessReport(result([600, 500, 700], [1200, 5200, 1400]));
    expect(report).toContain("| | 1,000 articles | 20,000 articles |");
    expect(report).toContain("| file written → in `/rss.xml` | 600 (500–700) | 1,400 (1,200–5,200) |");
    expect(report).toContain("| start-up: upload, first index, `wrangler dev`, s | 12.3 | 140.0 |");
    expect(report).toContain("| target ≤ 5,000 ms (median, `/rss.xml`) | met | met |");
    expect(report).toContain("medians of 3 runs");
    expect(renderFreshnessReport({ ...result([600], [1200]), machine: "linux, 2 cores", load: { before: 0.4, after: 1.25 } })).toContain(
      "Load average (1 min) 0.4 before the run and 1.3 after it, on 2 cores.",
    );
    expect(meetsTarget(result([600, 500, 700], [1200, 5200, 1400]))).toBe(true);
  });

  it("marks a missed target", () => {
    const report = renderFreshnessReport(result([600, 500, 700], [5200, 6000, 1400]));
    expect(report).toContain("| met | **missed** |");
    expect(meetsTarget(result([600], [5200, 6000, 1400]))).toBe(false);
  });
});

describe("BENCHMARKS.md sections", () => {
  it("replaces a section in place, or appends it", () => {
    const first = replaceSection("# Benchmarks\n\nmain report\n", "freshness", "one");
    expect(first).toBe("# Benchmarks\n\nmain report\n\n<!-- bench:freshness -->\none\n<!-- /bench:freshness -->\n");
    const second = replaceSection(`${first}\nafter\n`, "freshness", "two");
    expect(second).toBe("# Benchmarks\n\nmain report\n\n<!-- bench:freshness -->\ntwo\n<!-- /bench:freshness -->\n\nafter\n");
  });

  it("keeps the other scripts' sections when the main report rewrites the file", () => {
    const previous = replaceSection("# old main report\n", "freshness", "fresh figures");
    const next = keepSections(previous, "# new main report\n");
    expect(next).toBe("# new main report\n\n<!-- bench:freshness -->\nfresh figures\n<!-- /bench:freshness -->\n");
    expect(keepSections(previous, next)).toBe(next);
  });
});
