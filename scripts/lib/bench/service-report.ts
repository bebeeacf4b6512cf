/**
 * The service benchmark's results, the targets they are judged against, and
 * the markdown that goes to the terminal and to BENCHMARKS.md. Pure:
 * numbers in, verdicts and text out.
 */
import { GENERATOR_BOUND_SHARE, type RatioRun } from "./baseline-ratio";
import type { HeapSweep } from "./heap-sweep";
import type { LoadResult } from "./load-generator";
import type { MissCpu } from "./miss-cpu";
import type { RenderTiming } from "./render-bench";
import { median } from "./stats";

/** One throughput comparison with the static-bytes Worker. */
export interface RatioCase {
  /**
   * warm: memory hits; edge: an isolate whose first request finds the feed in
   * the edge cache only (the hit refills isolate memory); steady: across an
   * INDEX_TTL expiry; notModified: If-None-Match. All under production
   * defaults (INDEX_TTL=60, edge cache on).
   */
  kind: "warm" | "edge" | "steady" | "notModified";
  run: RatioRun;
  /** Requests that reached the S3 server during the measured rounds. */
  storeRequests: number;
  /** The cache state (`Server-Timing`) of the Worker's first answer, before the measured rounds; null when it had none. */
  firstState: string | null;
}

/** The stores a feed Worker is measured reading: S3 through the SDK (any S3-compatible server), and an R2 binding. */
export const MEASURED_STORES = { s3: "S3 (SDK)", r2: "R2 binding" } as const;

/** CPU per uncached request of one scope. */
export interface ScopeCpu {
  /** Which store the Worker read: S3 through the SDK, or an R2 binding. */
  store: string;
  scope: string;
  path: string;
  /** Items in the document. */
  items: number;
  cpu: MissCpu;
}

/** The uncached topic mix under concurrency. */
export interface TopicMix {
  connections: number;
  seconds: number;
  /** Topic feed URLs (topic × format) the mix picks from, each requested once before. */
  feeds: number;
  result: LoadResult;
  storeRequests: number;
  /** Share of one core workerd used; null when its process is unknown. */
  workerdShare: number | null;
  /** Responses by status and by cache state, from the Worker's request log. */
  statuses: Record<string, number>;
  cache: Record<string, number>;
  logged: { warn: number; error: number; connectionLost: number };
}

/** Everything measured at one archive size. */
export interface SizeResult {
  articles: number;
  articleBytes: number;
  indexBuild: { ms: number; reads: number; writes: number };
  /** Bytes of the RSS document the throughput cases serve. */
  feedBytes: number;
  topics: number;
  missCpu: ScopeCpu[];
  /** The static-bytes Worker, measured as the misses are: the cost of any request at all. */
  floor: MissCpu;
  ratios: RatioCase[];
  topicMix: TopicMix;
  heap: HeapSweep;
  /** The machine's 1-minute load average when this size's measurements began (after seeding) and ended. */
  load: { before: number; after: number };
  /** Warnings and errors the feed Workers logged over the whole size, and the first of them. */
  logged: { warn: number; error: number; connectionLost: number; failures: string[] };
}

/** The whole run. */
export interface BenchResult {
  machine: string;
  date: string;
  /** The command as typed. */
  command: string;
  /** The load generator that ran, e.g. `wrk debian/4.1.0-3+b2`. */
  generator: string;
  /** The machine's 1-minute load average when the run began and ended. */
  load: { before: number; after: number; cores: number };
  minutes: number;
  settings: {
    ratio: { connections: number; roundSeconds: number; rounds: number };
    steadyWallSeconds: number;
    miss: { requests: number };
  };
  sizes: SizeResult[];
  render: RenderTiming[];
  bundle: { bytes: number; gzipBytes: number };
}

/** The targets (the product requirements). */
export const TARGETS = {
  /** Warm, edge-hit and production-default steady state: req/s at least this share of the static-bytes Worker's. */
  ratio: 0.9,
  /** A 304: at least this share of the static-bytes Worker's 304s. */
  notModifiedRatio: 0.95,
  /** The isolate's CPU per uncached request, every scope, every size, ms. */
  missCpuMs: 8,
  /** The isolate's heap after every feed was served, after a full collection, MB (2^20 bytes), judged at {@link TARGETS.heapArticles}. */
  heapMb: 64,
  heapArticles: 100_000,
  /** The uncached topic mix: no errors, p99 at most this, ms. */
  topicP99Ms: 500,
  /** Gzipped bundle, KB (1,000 bytes). */
  bundleKb: 250,
} as const;

/**
 * PASS and FAIL are verdicts; GENERATOR-BOUND means the load generator used
 * more than half a core, so the ratio may be its limit rather than the
 * Worker's; NOT MEASURED means a figure could not be read; NOT RUN means the
 * size the target names was not part of this run.
 */
export type Verdict = "PASS" | "FAIL" | "GENERATOR-BOUND" | "NOT MEASURED" | "NOT RUN";

/** One target at one size (or over all of them) and its verdict. */
export interface TargetCheck {
  target: string;
  /** The size it was judged at, e.g. "10,000" or "all". */
  articles: string;
  measured: string;
  verdict: Verdict;
}

const CASE_LABELS: Record<RatioCase["kind"], string> = {
  warm: "warm (INDEX_TTL=60, edge cache on: isolate-memory hits)",
  edge: "edge hit (a new isolate finds the feed in the edge cache only; INDEX_TTL=60)",
  steady: "production-default steady state (INDEX_TTL=60, edge cache on, across an INDEX_TTL expiry)",
  notModified: "304 (If-None-Match with the current ETag; INDEX_TTL=60, edge cache on)",
};

const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");
const fixed = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
const pct = (share: number | null): string => (share === null || !Number.isFinite(share) ? "n/a" : `${Math.round(share * 100)}%`);
const mb = (bytes: number | null): string => (bytes === null ? "n/a" : (bytes / 2 ** 20).toFixed(1));
const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => `${key} ${int(value)}`)
    .join(", ") || "–";

/**
 * The cache state a case is about: a warm run measures isolate-memory
 * answers. Below {@link EXPECTED_SHARE} of the feed's responses in that
 * state, the run measured something else, and its ratio does not judge the
 * target.
 */
const EXPECTED_STATE: Partial<Record<RatioCase["kind"], string>> = { warm: "memory" };
const EXPECTED_SHARE = 0.9;

/**
 * The state the first answer of an edge-hit run must have: the case is an
 * isolate that finds the feed in the edge cache only. Its later requests are
 * memory answers, because an edge hit refills isolate memory.
 */
const EDGE_FIRST_STATE = "hit";

/** The share of `run`'s feed responses in `state`; null when the Worker logged none. */
function stateShare(run: RatioRun, state: string): number | null {
  const total = Object.values(run.feedCache).reduce((sum, count) => sum + count, 0);
  return total === 0 ? null : (run.feedCache[state] ?? 0) / total;
}

/** The worst (highest) isolate CPU per miss of a size, with its scope; null when a figure is missing. */
function worstMiss(size: SizeResult, store: string): ScopeCpu | null {
  const scopes = size.missCpu.filter((scope) => scope.store === store);
  if (scopes.length === 0 || scopes.some((scope) => scope.cpu.isolateMs === null)) return null;
  return scopes.reduce<ScopeCpu | null>(
    (worst, scope) => (worst === null || (scope.cpu.isolateMs as number) > (worst.cpu.isolateMs as number) ? scope : worst),
    null,
  );
}

/** Judges every target; a target that names a size not run is NOT RUN. */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const kind of ["warm", "edge", "steady", "notModified"] as const) {
    const floor = kind === "notModified" ? TARGETS.notModifiedRatio : TARGETS.ratio;
    for (const size of result.sizes) {
      const found = size.ratios.find((entry) => entry.kind === kind);
      const run = found?.run;
      const expected = EXPECTED_STATE[kind];
      const share = run && expected ? stateShare(run, expected) : null;
      const notEdgeHit = kind === "edge" && found !== undefined && found.firstState !== EDGE_FIRST_STATE;
      const offCase = notEdgeHit || (expected !== undefined && share !== null && share < EXPECTED_SHARE);
      const verdict: Verdict =
        !run || !Number.isFinite(run.ratio) || offCase ? "NOT MEASURED" : run.generatorBound ? "GENERATOR-BOUND" : run.ratio >= floor ? "PASS" : "FAIL";
      checks.push({
        target: `${kind === "notModified" ? "304" : kind === "steady" ? "production-default steady state" : kind === "edge" ? "edge hit" : "warm"} req/s ≥ ${floor}× the static-bytes Worker's`,
        articles: int(size.articles),
        measured: !run
          ? "n/a"
          : `${run.ratio.toFixed(2)}× (median of ${run.ratios.length} round pairs; generator ${pct(median(run.feed.map((r) => r.generatorShare)))} of a core)` +
            (notEdgeHit
              ? `, but the first answer was "${found.firstState ?? "unknown"}", not an edge hit: not the case the target names`
              : offCase
                ? `, but ${pct(share)} of the feed's responses were "${expected}" (${counts(run.feedCache)}): not the case the target names`
                : kind === "edge"
                  ? `; the first answer was an edge hit, which refilled isolate memory (${counts(run.feedCache)})`
                  : ""),
        verdict,
      });
    }
  }
  for (const store of [...new Set(result.sizes.flatMap((size) => size.missCpu.map((scope) => scope.store)))]) {
    for (const size of result.sizes) {
      const worst = worstMiss(size, store);
      checks.push({
        target: `isolate CPU per uncached request ≤ ${TARGETS.missCpuMs} ms, every scope, store: ${store}`,
        articles: int(size.articles),
        measured: worst === null ? "a profile could not be read" : `worst ${fixed(worst.cpu.isolateMs, 2)} ms (${worst.scope})`,
        verdict: worst === null ? "NOT MEASURED" : (worst.cpu.isolateMs as number) <= TARGETS.missCpuMs ? "PASS" : "FAIL",
      });
    }
  }
  const heapSize = result.sizes.find((size) => size.articles === TARGETS.heapArticles);
  const largest = result.sizes[result.sizes.length - 1];
  checks.push({
    target: `heap after every feed ≤ ${TARGETS.heapMb} MB (after a full GC)`,
    articles: int(TARGETS.heapArticles),
    measured: heapSize
      ? `${mb(heapSize.heap.afterGcBytes)} MB after GC, peak ${mb(heapSize.heap.peakBytes)} MB, ${int(heapSize.heap.feeds)} feeds`
      : `not in this run${largest ? ` (at ${int(largest.articles)}: ${mb(largest.heap.afterGcBytes)} MB after GC)` : ""}`,
    verdict: !heapSize
      ? "NOT RUN"
      : heapSize.heap.afterGcBytes === null
        ? "NOT MEASURED"
        : heapSize.heap.afterGcBytes <= TARGETS.heapMb * 2 ** 20 && !heapSize.heap.truncated
          ? "PASS"
          : "FAIL",
  });
  for (const size of result.sizes) {
    const mix = size.topicMix;
    const errors = mix.result.socketErrors + mix.result.errorResponses;
    checks.push({
      target: `uncached topic mix at ${mix.connections} connections: 0 errors, p99 ≤ ${TARGETS.topicP99Ms} ms`,
      articles: int(size.articles),
      measured: `${errors} errors, p99 ${fixed(mix.result.p99)} ms`,
      verdict: errors === 0 && mix.result.p99 <= TARGETS.topicP99Ms ? "PASS" : "FAIL",
    });
  }
  const kb = result.bundle.gzipBytes / 1000;
  checks.push({
    target: `bundle ≤ ${TARGETS.bundleKb} KB gzip`,
    articles: "–",
    measured: `${fixed(kb)} KB`,
    verdict: kb <= TARGETS.bundleKb ? "PASS" : "FAIL",
  });
  return checks;
}

/** True when no target failed or went unjudged at a size that was run (NOT RUN alone does not count). */
export function allTargetsMet(checks: readonly TargetCheck[]): boolean {
  return checks.every((check) => check.verdict === "PASS" || check.verdict === "NOT RUN");
}

/** The report as markdown (also the main content of BENCHMARKS.md). */
export function renderReport(result: BenchResult): string {
  const sizes = result.sizes;
  const s = result.settings;
  const lines: string[] = [
    "# Benchmarks",
    "",
    `Machine: ${result.machine}  `,
    `Date: ${result.date}  `,
    `Command: \`${result.command}\` (${Math.round(result.minutes)} min)  `,
    `Load generator: ${result.generator}, one thread, on the same machine; its own CPU is shown beside every throughput figure.  `,
    `Load average (1 min): ${result.load.before.toFixed(1)} when the run began, ${result.load.after.toFixed(1)} when it ended, on ${result.load.cores} cores` +
      (Math.max(result.load.before, result.load.after) > result.load.cores ? " (above the core count: other work competed for the CPU)." : "."),
    "",
    "Synthetic seed-like articles (~2.5 KB, five languages, dated evenly over 2021-2024) in s3rver on loopback, behind a proxy",
    "that counts the requests reaching it (store requests at the wire; a listing page is one). The Worker is the minified",
    "`wrangler deploy --dry-run` bundle in workerd (Miniflare), LOG_LEVEL unset (one log line per request, as deployed),",
    "requested over loopback HTTP without `Accept-Encoding`. Each measurement gets a Worker started for it, and one workerd is",
    "under load at a time. workerd writes the feed Worker's log lines to a file, which the benchmark reads every 100 ms to count",
    "statuses and cache states. Through a pipe, each line woke the reading process on the other core, which on a small virtual",
    "machine cost the writing Worker about a tenth of its throughput; on Cloudflare the lines go to the runtime's own buffer.",
    "The Worker still formats and writes every line.",
    "",
    "## Targets",
    "",
    "| target | articles | measured | result |",
    "|---|---:|---|---|",
    ...checkTargets(result).map(
      (check) => `| ${check.target} | ${check.articles} | ${check.measured} | ${check.verdict === "PASS" ? "PASS" : `**${check.verdict}**`} |`,
    ),
    "",
    "## Throughput against the static-bytes Worker",
    "",
    "The static-bytes Worker returns the feed's own response from memory (no routing, no cache, no store): the same status, headers",
    "and body, recorded from the feed Worker before the run (workerd's cost grows with each header, and the headers are part of",
    "what every response must carry), and the feed's own 304 to a matching If-None-Match, so a 304 is compared with a 304. The",
    "request log line the feed Worker writes for each request is not repeated: it is the feed Worker's own work. The two Workers are loaded in turns within one run,",
    `${s.ratio.roundSeconds} s rounds at ${s.ratio.connections} connections, the order alternating each round; each pair of rounds gives a ratio of responses per`,
    `second, and the figure is the median of at least ${s.ratio.rounds} pairs. The production-default steady state runs until ${s.steadyWallSeconds} s have passed since`,
    "the Worker's first request, so it includes an INDEX_TTL expiry and its refill. The edge-hit case starts a new Worker whose",
    "edge cache already holds the feed (rendered there by another Worker, since stopped, at the same address) and nothing else:",
    "its first request is an edge hit, which refills isolate memory, so its later requests are memory answers. A run whose generator used more than",
    `${Math.round(GENERATOR_BOUND_SHARE * 100)}% of a core (median of its rounds) may measure the generator: its verdict is GENERATOR-BOUND. CPU shares are of one core.`,
    "",
    "| case | articles | feed req/s | static req/s | ratio: median (range) | round pairs | generator CPU: feed / static | workerd CPU: feed / static | this process (log reader): feed / static | feed responses by cache state | store requests | errors |",
    "|---|---:|---:|---:|---|---:|---|---|---|---|---:|---:|",
  ];
  for (const kind of ["warm", "edge", "steady", "notModified"] as const) {
    for (const size of sizes) {
      const found = size.ratios.find((entry) => entry.kind === kind);
      if (!found) continue;
      const run = found.run;
      const rate = (rounds: typeof run.feed) => int(median(rounds.map((r) => r.result.okPerSecond)));
      const share = (values: (number | null)[]) => pct(values.some((v) => v === null) ? null : median(values as number[]));
      const errors = [...run.feed, ...run.baseline].reduce((sum, r) => sum + r.result.socketErrors + r.result.errorResponses, 0);
      lines.push(
        `| ${CASE_LABELS[kind]} | ${int(size.articles)} | ${rate(run.feed)} | ${rate(run.baseline)} | ${run.ratio.toFixed(2)}× (${Math.min(...run.ratios).toFixed(2)}–${Math.max(...run.ratios).toFixed(2)}) | ${run.ratios.length} | ` +
          `${share(run.feed.map((r) => r.generatorShare))} / ${share(run.baseline.map((r) => r.generatorShare))} | ` +
          `${share(run.feed.map((r) => r.workerdShare))} / ${share(run.baseline.map((r) => r.workerdShare))} | ${share(run.feed.map((r) => r.benchShare))} / ${share(run.baseline.map((r) => r.benchShare))} | ${counts(run.feedCache)} | ${int(found.storeRequests)} | ${errors} |`,
      );
    }
  }
  lines.push(
    "",
    "## CPU per uncached request",
    "",
    `A Worker with INDEX_TTL=0 and the edge cache off (every request reads the index from the store and renders), ${s.miss.requests} sequential`,
    "requests per scope after a warm-up, twice: once under V8's sampling CPU profiler through workerd's inspector (200 µs), for the",
    "isolate's CPU, which is what Workers bills and what the target is judged on (JavaScript, the runtime's native code it calls, garbage",
    "collection; waits excluded: the time between two samples is capped at two intervals, see `scripts/lib/bench/isolate-cpu.ts`; the",
    "requests are profiled in three profiles and the figure is the median of their means, since the sampler counts wall-clock time and",
    "a burst of other work on this shared two-core machine inflates the profile it falls into), and",
    "once unprofiled, for the workerd process's CPU from /proc (the isolate plus Miniflare's proxy and services and the HTTP stack: an upper",
    "bound), the store requests at the wire and the latency. The static-bytes Worker's row is the floor of any request.",
    "Each scope is measured twice: reading S3 through the SDK (the S3 server behind the counting proxy), and reading an R2 bucket",
    "through its binding, as a Worker deployed on Cloudflare with R2 does (Miniflare's R2, holding a copy of the same index; no",
    "requests at the wire, and the emulated R2 runs outside the Worker's isolate, as R2 does).",
    "",
    "| store | scope | articles | items | isolate CPU, ms | of which GC, ms | workerd process CPU, ms | store requests per request (wire) | store reads (Server-Timing) | p50 latency, ms |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const size of sizes) {
    for (const scope of size.missCpu) {
      const cpu = scope.cpu;
      const reads = cpu.reads === null ? "n/a" : cpu.reads.min === cpu.reads.max ? String(cpu.reads.min) : `${cpu.reads.min}–${cpu.reads.max}`;
      const notMiss = Object.entries(cpu.cache).filter(([state]) => state !== "miss");
      lines.push(
        `| ${scope.store} | ${scope.scope} \`${scope.path}\`${notMiss.length > 0 ? ` (not all misses: ${counts(cpu.cache)})` : ""} | ${int(size.articles)} | ${scope.items} | ${fixed(cpu.isolateMs, 2)} | ${fixed(cpu.gcMs, 2)} | ${fixed(cpu.processMs, 2)} | ${scope.store === MEASURED_STORES.r2 ? "–" : fixed(cpu.storeRequests, 1)} | ${reads} | ${fixed(cpu.p50Ms)} |`,
      );
    }
    lines.push(
      `| – | static-bytes Worker (floor, ${size.floor.requests} requests) | ${int(size.articles)} | – | ${fixed(size.floor.isolateMs, 2)} | ${fixed(size.floor.gcMs, 2)} | ${fixed(size.floor.processMs, 2)} | 0 | – | ${fixed(size.floor.p50Ms)} |`,
    );
  }
  lines.push(
    "",
    `## Uncached topic feeds under concurrency`,
    "",
    "Production defaults (edge cache entries on disk). Every topic feed in its three formats is requested once first, then the generator",
    "picks a topic × format × `?limit=` (1-100) at random per request, so most requests miss every cache and render. Errors are socket",
    "errors and statuses ≥ 400.",
    "",
    "| articles | connections | s | requests | req/s | p50 ms | p99 ms | errors | statuses | cache states | store requests | generator CPU | workerd CPU |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|",
    ...sizes.map((size) => {
      const mix = size.topicMix;
      const r = mix.result;
      const detail = r.socketErrors > 0 && r.socketErrorDetail ? ` (socket: ${r.socketErrorDetail})` : "";
      return `| ${int(size.articles)} | ${mix.connections} | ${mix.seconds} | ${int(r.responses)} | ${int(r.responses / r.seconds)} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${r.socketErrors + r.errorResponses}${detail} | ${counts(mix.statuses)} | ${counts(mix.cache)} | ${int(mix.storeRequests)} | ${pct(r.generatorCpuSeconds / r.seconds)} | ${pct(mix.workerdShare)} |`;
    }),
    "",
    "## Heap after every feed",
    "",
    "Production defaults, the edge cache's entries on disk (on Cloudflare the cache is not the Worker's memory). Every feed of the bucket",
    "is requested once: the main feeds, every topic feed, every archive month and every archive page, each in three formats (the",
    "RSS archive walked page by page through its `prev-archive` links, the rest four at a time). The isolate's JavaScript heap",
    "(`Runtime.getHeapUsage`, what the 128 MB limit applies to) is sampled every 0.5 s (peak), then read after a forced full garbage",
    "collection (`HeapProfiler.collectGarbage`). MB are 2^20 bytes.",
    "",
    "| articles | feeds | topics | months | archive pages | errors | s | heap peak, MB | heap after GC, MB | workerd resident, MB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...sizes.map((size) => {
      const h = size.heap;
      return `| ${int(size.articles)} | ${int(h.feeds)} | ${h.topics} | ${h.months} | ${int(h.pages)}${h.truncated ? " (walk cut short)" : ""} | ${h.errors} | ${int(h.seconds)} | ${mb(h.peakBytes)} | ${mb(h.afterGcBytes)} | ${mb(h.residentBytes)} |`;
    }),
    "",
    "## Index build and documents",
    "",
    "| articles | article bytes | index build, s | reads / writes | RSS document, bytes | topics | Worker log: warn / error / connection lost | load average: measurements began / ended |",
    "|---:|---:|---:|---|---:|---:|---|---|",
    ...sizes.map(
      (size) =>
        `| ${int(size.articles)} | ${int(size.articleBytes)} | ${fixed(size.indexBuild.ms / 1000)} | ${int(size.indexBuild.reads)} / ${int(size.indexBuild.writes)} | ${int(size.feedBytes)} | ${size.topics} | ${size.logged.warn} / ${size.logged.error} / ${size.logged.connectionLost} | ${size.load.before.toFixed(1)} / ${size.load.after.toFixed(1)} |`,
    ),
  );
  const failures = sizes.flatMap((size) => size.logged.failures.map((line) => `${int(size.articles)}: ${line}`));
  if (failures.length > 0) lines.push("", "First warnings and errors the Worker logged:", "", "```", ...failures.slice(0, 8), "```");
  lines.push(
    "",
    "## Rendering and bundle",
    "",
    "Rendering 50 items in Node, ms per render (median): the project's `renderFeed` against bare `feed` library calls.",
    "",
    "| format | renderFeed (project) | bare `feed` library | ratio |",
    "|---|---:|---:|---:|",
    ...result.render.map(
      (timing) => `| ${timing.format} | ${fixed(timing.projectMs, 2)} | ${fixed(timing.libraryMs, 2)} | ${fixed(timing.projectMs / timing.libraryMs, 2)}× |`,
    ),
    "",
    `Bundle: ${int(result.bundle.bytes)} bytes minified, ${fixed(result.bundle.gzipBytes / 1000)} KB gzip (level 9).`,
    "",
  );
  return lines.join("\n");
}
