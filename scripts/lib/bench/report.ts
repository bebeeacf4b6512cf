/**
 * The benchmark's results, the targets they are checked against, and the
 * markdown that goes to the terminal and to BENCHMARKS.md. Pure: numbers in,
 * text out.
 *
 * The report of the earlier `npm run bench` (latency and Node-driven
 * throughput): the benchmark now reports through service-report.ts. Kept,
 * with http-load.ts, while tests/node/bench-report.test.ts still tests it;
 * remove the three together.
 */
import type { Throughput } from "./http-load";
import type { RenderTiming } from "./render-bench";
import type { Summary } from "./stats";

/** Everything measured at one bucket size. */
export interface SizeResult {
  articles: number;
  /** Total bytes of the article objects. */
  articleBytes: number;
  /** Full rebuild from an empty index. */
  indexBuild: { ms: number; reads: number; writes: number };
  /** A second rebuild with nothing changed. */
  indexNoChange: { ms: number; reads: number; writes: number };
  /** Edge cache off, INDEX_TTL=0: every request reads the index head. */
  uncached: Summary;
  /** Store reads per uncached request (Server-Timing), lowest and highest seen. */
  uncachedReads: { min: number; max: number };
  /** Edge cache on, INDEX_TTL=0 (no rendered copy in isolate memory): the first request of a URL after its render, from the edge cache. */
  edgeHit: Summary;
  /** If-None-Match with the current ETag, INDEX_TTL=0: from the isolate-memory copy the first edge hit left. */
  notModified: Summary;
  /** Production defaults (edge cache on, INDEX_TTL=60): the rendered document from isolate memory. */
  memoryHit: Summary;
  /** Size of the RSS document served. */
  feedBytes: number;
  /** Throughput: the warm feed (memory hit), the feed after an edge hit (INDEX_TTL=0: its memory copy), the static-bytes Worker. */
  throughput: { warm: Throughput; edge: Throughput; staticBytes: Throughput };
}

/** The whole run. */
export interface BenchResult {
  machine: string;
  date: string;
  quick: boolean;
  concurrency: number;
  sizes: SizeResult[];
  render: RenderTiming[];
  bundle: { bytes: number; gzipBytes: number };
}

/** One target and whether the run met it. */
export interface TargetCheck {
  name: string;
  measured: string;
  pass: boolean;
}

/** Limits the run is checked against. */
export const TARGETS = {
  /** Uncached p50 at the largest size / at the smallest. */
  uncachedGrowth: 1.2,
  /** Warm feed requests/s / static-bytes requests/s, at every size. */
  warmThroughputRatio: 0.8,
  /** Gzipped bundle, in KB of 1,000 bytes. */
  bundleKb: 250,
} as const;

const fmt = (value: number, digits = 1): string => value.toFixed(digits);
const int = (value: number): string => Math.round(value).toLocaleString("en-US");

/** Checks the targets. */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const first = result.sizes[0];
  const last = result.sizes[result.sizes.length - 1];
  if (first && last && first !== last) {
    const ratio = last.uncached.p50 / first.uncached.p50;
    checks.push({
      name: `uncached p50 at ${int(last.articles)} within ${TARGETS.uncachedGrowth}x of ${int(first.articles)}`,
      measured: `${fmt(last.uncached.p50)} ms / ${fmt(first.uncached.p50)} ms = ${fmt(ratio, 2)}x`,
      pass: ratio <= TARGETS.uncachedGrowth,
    });
  }
  const ratios = result.sizes.map((size) => size.throughput.warm.perSecond / size.throughput.staticBytes.perSecond);
  const worst = Math.min(...ratios);
  checks.push({
    name: `warm feed throughput >= ${TARGETS.warmThroughputRatio}x the static-bytes Worker (every size)`,
    measured: `${ratios.map((ratio) => `${fmt(ratio, 2)}x`).join(", ")} (lowest ${fmt(worst, 2)}x)`,
    pass: worst >= TARGETS.warmThroughputRatio,
  });
  const kb = result.bundle.gzipBytes / 1000;
  checks.push({ name: `bundle <= ${TARGETS.bundleKb} KB gzip`, measured: `${fmt(kb)} KB`, pass: kb <= TARGETS.bundleKb });
  return checks;
}

/** The report as markdown (also the content of BENCHMARKS.md). */
export function renderReport(result: BenchResult): string {
  const sizes = result.sizes;
  const header = `| | ${sizes.map((size) => `${int(size.articles)} articles`).join(" | ")} |`;
  const rule = `|---|${sizes.map(() => "---:").join("|")}|`;
  const row = (label: string, cell: (size: SizeResult) => string): string => `| ${label} | ${sizes.map(cell).join(" | ")} |`;
  const latency = (summary: Summary): string => `${fmt(summary.p50)} / ${fmt(summary.p95)}`;
  const rps = (throughput: Throughput): string => int(throughput.perSecond) + (throughput.errors > 0 ? ` (${throughput.errors} errors)` : "");

  const lines = [
    "# Benchmarks",
    "",
    `Machine: ${result.machine}  `,
    `Date: ${result.date}${result.quick ? " (quick run: 100 and 1,000 articles only)" : ""}  `,
    `Command: \`npm run bench${result.quick ? " -- --quick" : ""}\``,
    "",
    "Synthetic seed-like articles (~2.5 KB, five languages, dated evenly over 2021-2024) in s3rver on loopback;",
    "the Worker is the minified `wrangler deploy --dry-run` bundle running in workerd (Miniflare), requested over",
    `loopback HTTP from Node. Latencies in ms (p50 / p95) of sequential requests; requests/s with ${result.concurrency} concurrent clients,`,
    "the Workers measured in turns over three rounds. Load generator, workerd and s3rver share the machine's cores.",
    "",
    header,
    rule,
    row("article bytes", (size) => int(size.articleBytes)),
    row("index build, articles/s", (size) => int(size.articles / (size.indexBuild.ms / 1000))),
    row("index build, ms (reads / writes)", (size) => `${int(size.indexBuild.ms)} (${int(size.indexBuild.reads)} / ${int(size.indexBuild.writes)})`),
    row(
      "index rebuild, nothing changed, ms (reads / writes)",
      (size) => `${int(size.indexNoChange.ms)} (${size.indexNoChange.reads} / ${size.indexNoChange.writes})`,
    ),
    row("RSS document, bytes", (size) => int(size.feedBytes)),
    row("uncached feed (no edge cache, INDEX_TTL=0)", (size) => latency(size.uncached)),
    row("store reads per uncached request", (size) =>
      size.uncachedReads.min === size.uncachedReads.max ? String(size.uncachedReads.min) : `${size.uncachedReads.min}-${size.uncachedReads.max}`,
    ),
    row("edge cache hit (INDEX_TTL=0; ?limit=31-70)", (size) => latency(size.edgeHit)),
    row("304 (If-None-Match), INDEX_TTL=0: memory copy of an edge hit", (size) => latency(size.notModified)),
    row("warm feed: memory hit (defaults, INDEX_TTL=60)", (size) => latency(size.memoryHit)),
    row("warm feed req/s (memory hit)", (size) => rps(size.throughput.warm)),
    row("after an edge hit req/s (INDEX_TTL=0)", (size) => rps(size.throughput.edge)),
    row("static-bytes Worker req/s", (size) => rps(size.throughput.staticBytes)),
    row("warm feed / static", (size) => `${fmt(size.throughput.warm.perSecond / size.throughput.staticBytes.perSecond, 2)}x`),
    row("after an edge hit / static", (size) => `${fmt(size.throughput.edge.perSecond / size.throughput.staticBytes.perSecond, 2)}x`),
    row("load generator CPU while measuring warm / static, % of one core", (size) =>
      [size.throughput.warm, size.throughput.staticBytes].map((t) => `${fmt((100 * t.generatorCpuSeconds) / t.seconds, 0)}%`).join(" / "),
    ),
    "",
    "Rendering 50 items in Node, ms per render (median):",
    "",
    "| format | renderFeed (project) | bare `feed` library | ratio |",
    "|---|---:|---:|---:|",
    ...result.render.map(
      (timing) => `| ${timing.format} | ${fmt(timing.projectMs, 2)} | ${fmt(timing.libraryMs, 2)} | ${fmt(timing.projectMs / timing.libraryMs, 2)}x |`,
    ),
    "",
    `Bundle: ${int(result.bundle.bytes)} bytes minified, ${fmt(result.bundle.gzipBytes / 1000)} KB gzip (level 9).`,
    "",
    "| target | measured | result |",
    "|---|---|---|",
    ...checkTargets(result).map((check) => `| ${check.name} | ${check.measured} | ${check.pass ? "PASS" : "FAIL"} |`),
    "",
  ];
  return lines.join("\n");
}
