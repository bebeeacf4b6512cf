/** The benchmark's target checks and report, on made-up figures (the benchmark itself is too slow for tests). */
import { describe, expect, it } from "vitest";
import type { Throughput } from "../../scripts/lib/bench/http-load";
import { type BenchResult, checkTargets, renderReport, type SizeResult } from "../../scripts/lib/bench/report";
import { percentile, summarise } from "../../scripts/lib/bench/stats";

const rate = (perSecond: number): Throughput => ({ requests: perSecond * 3, seconds: 3, perSecond, errors: 0, generatorCpuSeconds: 1.5 });
const latency = (p50: number) => ({ count: 30, p50, p95: p50 * 2, mean: p50 });

function size(articles: number, uncachedP50: number, warm: number, staticBytes: number): SizeResult {
  return {
    articles,
    articleBytes: articles * 2500,
    indexBuild: { ms: 1000, reads: articles + 3, writes: articles + 70 },
    indexNoChange: { ms: 50, reads: 2, writes: 0 },
    uncached: latency(uncachedP50),
    uncachedReads: { min: 1, max: 1 },
    edgeHit: latency(3),
    notModified: latency(1),
    memoryHit: latency(2),
    feedBytes: 170_000,
    throughput: { warm: rate(warm), edge: rate(warm), staticBytes: rate(staticBytes) },
  };
}

function result(sizes: SizeResult[], gzipBytes = 150_000): BenchResult {
  return {
    machine: "test",
    date: "2026-01-01",
    quick: false,
    concurrency: 16,
    sizes,
    render: [{ format: "rss", projectMs: 1, libraryMs: 1 }],
    bundle: { bytes: 480_000, gzipBytes },
  };
}

describe("checkTargets", () => {
  it("passes figures within the targets", () => {
    const checks = checkTargets(result([size(100, 10, 450, 500), size(10_000, 11.9, 400, 500)]));
    expect(checks.map((check) => check.pass)).toEqual([true, true, true]);
  });

  it("fails slow growth, a slow warm feed at any size, and a big bundle", () => {
    const checks = checkTargets(result([size(100, 10, 500, 500), size(10_000, 12.5, 390, 500)], 260_000));
    expect(checks.map((check) => check.pass)).toEqual([false, false, false]);
  });
});

describe("renderReport", () => {
  it("writes one column per size and a PASS/FAIL line per target", () => {
    const text = renderReport(result([size(100, 10, 450, 500), size(1_000, 10, 450, 500)]));
    expect(text).toContain("| | 100 articles | 1,000 articles |");
    expect(text.match(/\| (PASS|FAIL) \|$/gm)).toHaveLength(3);
  });
});

describe("stats", () => {
  it("takes nearest-rank percentiles", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(summarise([5, 1, 3])).toMatchObject({ count: 3, p50: 3, p95: 5, mean: 3 });
  });
});
