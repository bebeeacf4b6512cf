/** The benchmark's pure measures, on made-up inputs (the benchmark itself is too slow for tests). */
import { describe, expect, it } from "vitest";
import { type CpuProfile, cpuOfProfile } from "../../scripts/lib/bench/isolate-cpu";
import { median, percentile, summarise } from "../../scripts/lib/bench/stats";
import { parseWrk } from "../../scripts/lib/bench/wrk";

describe("cpuOfProfile", () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: "(root)" } },
      { id: 2, callFrame: { functionName: "render" } },
      { id: 3, callFrame: { functionName: "(idle)" } },
      { id: 4, callFrame: { functionName: "(garbage collector)" } },
    ],
    // The first delta runs from Profiler.start; a delta of 5 ms is a wait for the store, capped at two intervals.
    samples: [2, 2, 4, 3, 2, 2],
    timeDeltas: [900, 200, 200, 200, 5_000, 200],
    startTime: 0,
    endTime: 6_700,
  };

  it("counts running samples, caps waits at two intervals and leaves idle time out", () => {
    expect(cpuOfProfile(profile, 200)).toEqual({ cpuUs: 200 + 200 + 400 + 200, gcUs: 200, samples: 6, gaps: 1, wallUs: 6_700 });
  });
});

describe("parseWrk", () => {
  const raw = `Running 30s test @ http://127.0.0.1:40273
  1 threads and 48 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   494.26ms    1.05s    7.95s    92.18%
  Latency Distribution
     50%  220.36ms
     75%  321.61ms
     90%    1.19s
     99%    6.46s
  4970 requests in 30.01s, 827.14MB read
  Socket errors: connect 0, read 150, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    165.58
@status-200 4967
`;

  it("reads counts, rates, percentiles in milliseconds, errors and the script's own lines", () => {
    expect(parseWrk("topics", raw)).toMatchObject({
      name: "topics",
      requests: 4970,
      requestsPerSecond: 165.58,
      p50: 220.36,
      p90: 1190,
      p99: 6460,
      max: 7950,
      socketErrors: 152,
      errorResponses: 3,
      extra: { "status-200": 4967 },
    });
  });
});

describe("stats", () => {
  it("takes nearest-rank percentiles and medians", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(summarise([5, 1, 3])).toMatchObject({ count: 3, p50: 3, p95: 5, mean: 3 });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
