/**
 * The file-to-feed benchmark's report: pure formatting of measured numbers
 * into the `bench:freshness` section of BENCHMARKS.md.
 */

/** Target: a file written reaches /rss.xml within this many milliseconds. */
export const FRESHNESS_TARGET_MS = 5_000;

/** Measurements at one archive size. */
export interface FreshnessSize {
  articles: number;
  /** `npm start` until it printed its URLs: upload, first index, wrangler dev. */
  startupMs: number;
  /** Per run: file written -> the new item in /rss.xml as a feed reader requests it. */
  rssMs: number[];
  /** Per run: file written -> the new item on the home page as a browser requests it. */
  homeMs: number[];
  /** Per run: the local service's POST /admin/changes round trip, as it logged it. */
  applyMs: number[];
}

/** One benchmark run. */
export interface FreshnessResult {
  machine: string;
  date: string;
  /** Git commit of the measured code, when known. */
  commit: string | null;
  runs: number;
  sizes: FreshnessSize[];
  /** The machine's 1-minute load average when the run began and ended, to tell a quiet machine from a busy one. */
  load?: { before: number; after: number };
}

/** The middle value (mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** "2 cores" out of the machine line, or "this machine". */
function coresOf(machine: string): string {
  return /\b\d+ cores?\b/.exec(machine)?.[0] ?? "this machine";
}

/** True when the median of every size meets {@link FRESHNESS_TARGET_MS} for /rss.xml. */
export function meetsTarget(result: FreshnessResult): boolean {
  return result.sizes.every((size) => median(size.rssMs) <= FRESHNESS_TARGET_MS);
}

const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–");
const spread = (values: readonly number[]) => `${int(median(values))} (${int(Math.min(...values))}–${int(Math.max(...values))})`;

/** The section's markdown (without markers). */
export function renderFreshnessReport(result: FreshnessResult): string {
  const sizes = result.sizes;
  const head = `| | ${sizes.map((size) => `${size.articles.toLocaleString("en-US")} articles`).join(" | ")} |`;
  const rule = `|---|${sizes.map(() => "---:").join("|")}|`;
  const row = (label: string, cell: (size: FreshnessSize) => string) => `| ${label} | ${sizes.map(cell).join(" | ")} |`;
  return [
    "## File to feed (`npm run bench:freshness`)",
    "",
    `Machine: ${result.machine}  `,
    `Date: ${result.date}${result.commit ? `, commit ${result.commit}` : ""}  `,
    "Command: `npm run bench:freshness`",
    "",
    "`npm start` over a folder of synthetic seed-like articles (`scripts/lib/synthetic-articles.ts`); then, per run, one new",
    "file is written to the folder and `/rss.xml` (as a feed reader asks) and `/` (as a browser asks) are polled every",
    "20 ms until the new item shows. The path is the product's: the watcher uploads the file to the local S3 server and",
    "posts its key to the Worker's `POST /admin/changes`, which updates the index and purges its caches.",
    `Figures are medians of ${result.runs} runs (min–max in brackets), in ms.${result.load ? ` Load average (1 min) ${result.load.before.toFixed(1)} before the run and ${result.load.after.toFixed(1)} after it, on ${coresOf(result.machine)}.` : ""}`,
    "",
    head,
    rule,
    row("start-up: upload, first index, `wrangler dev`, s", (size) => (size.startupMs / 1000).toFixed(1)),
    row("file written → in `/rss.xml`", (size) => spread(size.rssMs)),
    row("file written → on `/` (browser)", (size) => spread(size.homeMs)),
    row("of which `POST /admin/changes` round trip", (size) => spread(size.applyMs)),
    row(`target ≤ ${int(FRESHNESS_TARGET_MS)} ms (median, \`/rss.xml\`)`, (size) => (median(size.rssMs) <= FRESHNESS_TARGET_MS ? "met" : "**missed**")),
    "",
  ].join("\n");
}
