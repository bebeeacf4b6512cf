/**
 * `npm run bench:index [-- --quick] [-- --rounds N]`: what one change costs
 * the index as the archive grows.
 *
 * For 1,000 and 10,000 synthetic articles in the local S3 server (behind a
 * proxy that counts requests at the wire), and for 1,000, 10,000 and
 * 100,000 in an in-memory store (same requests, no network time), it
 * measures: the first build; one new article, one edit of an old article and
 * one deletion applied with `applyChanges` (requests and time, median of
 * several rounds); one reconciliation run with nothing changed and the runs a
 * whole pass takes; and, at 10,000 in the S3 server, 500 changed objects
 * applied in invocations of at most 45 requests. It checks the targets (time
 * ratio 100k/1k <= 1.2 at equal request counts; no invocation over 50
 * requests), says whether Hugo is on PATH, and writes its section of
 * BENCHMARKS.md.
 */
import "./lib/quiet-sdk-notice";
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rebuildIndex } from "../src/index/build";
import { applyChanges, reconcile } from "../src/index/changes";
import { createS3Store } from "../src/store/s3";
import type { ArticleStore } from "../src/store/store";
import { onCleanup, runBenchmark } from "./lib/bench/cleanup";
import { describeMachine } from "./lib/bench/machine";
import { replaceSection } from "./lib/bench/sections";
import { seedBucket } from "./lib/bench/seed-bucket";
import { startCountingProxy } from "./lib/counting-proxy";
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from "./lib/local-s3";
import { MemoryStore } from "./lib/memory-store";
import { createProgress } from "./lib/progress";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const OPTIONS = { articlePrefix: "", defaultLanguage: "en" };
/** A Worker invocation on the free plan may make 50 subrequests; the change path keeps 5 back for retries. */
const WORKER_LIMIT = 50;

const USAGE = `Usage: npm run bench:index [-- --quick] [-- --rounds N]

  --quick     1,000 and 10,000 articles in memory, 1,000 in the S3 server (a smoke run)
  --rounds N  changes of each kind measured per size (default 7; the median is reported)
  -h, --help  show this help`;

/** Requests and time of one operation. */
interface Sample {
  requests: number;
  /** Wall-clock time. */
  ms: number;
  /** CPU time of this process (user and system): less sensitive than wall time to other work on the machine. */
  cpuMs: number;
}

/** Median of the samples' requests and times (separately). */
interface Median {
  requests: number;
  ms: number;
  cpuMs: number;
  /** Lowest and highest request count seen. */
  requestRange: [number, number];
}

interface SizeFigures {
  backend: "S3 server" | "memory";
  articles: number;
  build: Sample;
  add: Median;
  edit: Median;
  remove: Median;
  /** One reconciliation run with nothing changed. */
  quietRun: Sample;
  /** Runs one reconciliation pass takes (at 45 requests each). */
  passRuns: number;
}

interface Burst {
  articles: number;
  invocations: number;
  requests: number;
  max: number;
  median: number;
  ms: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

function summarise(samples: readonly Sample[]): Median {
  const requests = samples.map((s) => s.requests);
  return {
    requests: median(requests),
    ms: median(samples.map((s) => s.ms)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    requestRange: [Math.min(...requests), Math.max(...requests)],
  };
}

function log(line: string): void {
  console.error(line);
}

/** A store and a way to read its request counter. */
interface Bucket {
  store: ArticleStore;
  requests(): number;
}

/** A new article dated after every synthetic one, with the topics a real one has. */
function newArticle(i: number): string {
  const date = new Date(Date.UTC(2025, 0, 1, 8) + i * 60_000).toISOString();
  return `---\ntitle: Neue Meldung ${i}\ndate: ${date}\ntags: [Hafen, Wirtschaft]\nauthor: Maria Meier\nlang: de\nsource: https://www.example-news.test/neu/${i}\n---\nDie neue Meldung ${i} ist kurz und klar.\nMARIA MEIER\n`;
}

async function measure(bucket: Bucket, task: () => Promise<unknown>): Promise<Sample> {
  const before = bucket.requests();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await task();
  const used = process.cpuUsage(cpu);
  return { requests: bucket.requests() - before, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** An old article's text with a new first sentence (its id and date stay). */
function edited(body: Uint8Array, round: number): string {
  return `Nachtrag ${round}: die Meldung wurde ergänzt. ${new TextDecoder().decode(body)}`;
}

/** Seeds `count` articles, builds the index and measures the change path. */
async function measureSize(bucket: Bucket, backend: SizeFigures["backend"], count: number, rounds: number): Promise<SizeFigures> {
  const label = `${count.toLocaleString("en-US")} articles (${backend})`;
  log(`${label}: seeding...`);
  const seeding = createProgress("seed");
  await seedBucket(bucket.store, count, { onProgress: (done, total) => seeding.update(done, total) });
  seeding.finish();

  log(`${label}: first build...`);
  const building = createProgress("index");
  const build = await measure(bucket, () => rebuildIndex(bucket.store, { ...OPTIONS, onProgress: (done, total) => building.update(done, total) }));
  building.finish();
  // A second pass marks the older index folder as checked: what follows measures the steady state.
  await rebuildIndex(bucket.store, OPTIONS);
  // The first new article opens a new month (its archive tree is created): not what a change usually costs.
  await bucket.store.put("articles/new/warm-up.txt", newArticle(999));
  await applyChanges(bucket.store, ["articles/new/warm-up.txt"], OPTIONS);

  log(`${label}: ${rounds} new articles, edits and deletions, one at a time...`);
  const adds: Sample[] = [];
  const edits: Sample[] = [];
  const removes: Sample[] = [];
  const keys = (await bucket.store.list("", { skipPrefix: "_index/" })).map((info) => info.key).filter((key) => key.startsWith("articles/"));
  for (let round = 0; round < rounds; round++) {
    const key = `articles/new/${String(round).padStart(3, "0")}.txt`;
    await bucket.store.put(key, newArticle(round));
    adds.push(await measure(bucket, () => applyChanges(bucket.store, [key], OPTIONS)));

    // An old article of the archive, edited in place (it stays in its month's page, out of every window).
    const old = keys[Math.floor(((round + 1) * keys.length) / (rounds + 2))] as string;
    const object = await bucket.store.get(old);
    if (object === null) throw new Error(`${old} vanished`);
    await bucket.store.put(old, edited(object.body, round), { metadata: object.metadata });
    edits.push(await measure(bucket, () => applyChanges(bucket.store, [old], OPTIONS)));

    // One of the newest: it leaves the head's and its topics' windows, which refill.
    await bucket.store.delete(key);
    removes.push(await measure(bucket, () => applyChanges(bucket.store, [key], OPTIONS)));
  }

  log(`${label}: reconciliation runs...`);
  const quietRun = await measure(bucket, () => reconcile(bucket.store, OPTIONS));
  let passRuns = 1;
  for (; passRuns < 10_000; passRuns++) {
    const report = await reconcile(bucket.store, OPTIONS);
    if (report.completedPass) break;
  }
  return { backend, articles: count, build, add: summarise(adds), edit: summarise(edits), remove: summarise(removes), quietRun, passRuns };
}

/** 500 changed objects (new, edited, deleted) applied in budgeted invocations until none is left. */
async function measureBurst(bucket: Bucket, count: number): Promise<Burst> {
  log(`500 changed objects at ${count.toLocaleString("en-US")} articles...`);
  const changed: string[] = [];
  for (let i = 0; i < 250; i++) {
    const key = `articles/burst/${String(i).padStart(3, "0")}.txt`;
    await bucket.store.put(key, newArticle(1_000 + i));
    changed.push(key);
  }
  const keys = (await bucket.store.list("articles/0", {})).map((info) => info.key);
  for (let i = 0; i < 150; i++) {
    const key = keys[i * 3] as string;
    const object = await bucket.store.get(key);
    if (object === null) continue;
    await bucket.store.put(key, edited(object.body, 1_000 + i), { metadata: object.metadata });
    changed.push(key);
  }
  for (let i = 0; i < 100; i++) {
    const key = keys[i * 3 + 1] as string;
    await bucket.store.delete(key);
    changed.push(key);
  }
  const perInvocation: number[] = [];
  const started = performance.now();
  let queue = changed;
  while (queue.length > 0) {
    const before = bucket.requests();
    const report = await applyChanges(bucket.store, queue, OPTIONS);
    perInvocation.push(bucket.requests() - before);
    if (report.applied.length === 0 && (report.failed?.length ?? 0) === 0) throw new Error("an invocation made no progress");
    queue = report.remaining;
  }
  return {
    articles: count,
    invocations: perInvocation.length,
    requests: perInvocation.reduce((a, b) => a + b, 0),
    max: Math.max(...perInvocation),
    median: median(perInvocation),
    ms: performance.now() - started,
  };
}

function hugoVersion(): string | null {
  try {
    return execFileSync("hugo", ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

const fmt = (n: number): string => n.toLocaleString("en-US");
const ms = (n: number): string => (n >= 100 ? fmt(Math.round(n)) : n.toFixed(1));
const range = (m: Median): string =>
  m.requestRange[0] === m.requestRange[1] ? fmt(m.requests) : `${fmt(m.requests)} (${m.requestRange[0]}-${m.requestRange[1]})`;

function renderReport(figures: SizeFigures[], burst: Burst | null, rounds: number, load: string): { text: string; pass: boolean } {
  const columns = figures.map((f) => `${fmt(f.articles)}, ${f.backend}`);
  const row = (label: string, cell: (f: SizeFigures) => string): string => `| ${label} | ${figures.map(cell).join(" | ")} |`;
  const lines = [
    "## Index: cost of one change (`npm run bench:index`)",
    "",
    `Machine: ${describeMachine()}  `,
    `Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; load average while running: ${load} (the machine is shared, figures were taken under load)  `,
    `Command: \`npm run bench:index\``,
    "",
    "Synthetic seed-like articles (as `npm run bench`). Requests are counted at the wire: by a proxy in front of",
    "the local S3 server, or by the in-memory store, one per listing page, get, put and delete. Times are wall",
    `clock in Node, median of ${rounds} changes of each kind; request counts are the median with the range seen.`,
    "A new article has four topics (two tags, an author, a language and its source host, the latter shared by",
    "nine in ten articles); the edit is of an old article (its month's page, out of every window); the deletion",
    "is of the newest article (the windows refill from their buffers).",
    "",
    `| | ${columns.join(" | ")} |`,
    `|---|${figures.map(() => "---:").join("|")}|`,
    row("first build, s (requests)", (f) => `${(f.build.ms / 1000).toFixed(1)} (${fmt(f.build.requests)})`),
    row("+1 article: requests", (f) => range(f.add)),
    row("+1 article: ms (CPU ms)", (f) => `${ms(f.add.ms)} (${ms(f.add.cpuMs)})`),
    row("edit of an old article: requests", (f) => range(f.edit)),
    row("edit of an old article: ms (CPU ms)", (f) => `${ms(f.edit.ms)} (${ms(f.edit.cpuMs)})`),
    row("deletion of the newest: requests", (f) => range(f.remove)),
    row("deletion of the newest: ms (CPU ms)", (f) => `${ms(f.remove.ms)} (${ms(f.remove.cpuMs)})`),
    row("cron run, nothing changed: requests (ms)", (f) => `${fmt(f.quietRun.requests)} (${ms(f.quietRun.ms)})`),
    row("cron runs per reconciliation pass", (f) => fmt(f.passRuns)),
    "",
  ];
  if (burst) {
    lines.push(
      `500 changed objects (250 new, 150 edited, 100 deleted) at ${fmt(burst.articles)} articles in the S3 server: ` +
        `${burst.invocations} invocations, ${fmt(burst.requests)} requests, at most ${burst.max} and a median of ${burst.median} per invocation, ` +
        `${(burst.ms / 1000).toFixed(1)} s in all.`,
      "",
    );
  }
  const hugo = hugoVersion();
  lines.push(
    hugo === null
      ? "Hugo is not on PATH on this machine: no Hugo rebuild to compare with."
      : `Hugo on PATH: ${hugo} (not run: the bench has no Hugo site of these articles).`,
    "",
  );

  const memory = figures.filter((f) => f.backend === "memory");
  const small = memory.find((f) => f.articles === 1_000);
  const large = memory.find((f) => f.articles === 100_000) ?? memory.at(-1);
  const checks: { target: string; measured: string; pass: boolean }[] = [];
  if (small && large && large !== small) {
    const ratio = large.add.ms / small.add.ms;
    checks.push({
      target: `+1 article: time ${fmt(large.articles)} / 1,000 <= 1.2 (in memory)`,
      measured: `${ms(large.add.ms)} ms / ${ms(small.add.ms)} ms = ${ratio.toFixed(2)}x (CPU ${(large.add.cpuMs / small.add.cpuMs).toFixed(2)}x)`,
      pass: ratio <= 1.2,
    });
    checks.push({
      target: `+1 article: equal request counts at 1,000 to ${fmt(large.articles)}`,
      measured: memory.map((f) => range(f.add)).join(", "),
      pass: memory.every((f) => f.add.requests === small.add.requests),
    });
  }
  if (burst) checks.push({ target: "500 changed objects: every invocation <= 50 requests", measured: `at most ${burst.max}`, pass: burst.max <= WORKER_LIMIT });
  lines.push("| target | measured | result |", "|---|---|---|", ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.pass ? "PASS" : "FAIL"} |`));
  return { text: lines.join("\n"), pass: checks.every((c) => c.pass) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, rounds: { type: "string", default: "7" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error("--rounds must be a whole number from 1 to 100");
  const memorySizes = values.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const s3Sizes = values.quick ? [1_000] : [1_000, 10_000];
  const loads: number[] = [];
  const sampleLoad = (): void => {
    loads.push(loadavg()[0] ?? 0);
  };
  const loadTimer = setInterval(sampleLoad, 5_000);
  onCleanup(() => clearInterval(loadTimer));
  sampleLoad();

  const figures: SizeFigures[] = [];
  const s3 = await startLocalS3({ buckets: s3Sizes.map((size) => `index-${size}`) });
  onCleanup(() => s3.close());
  const proxy = await startCountingProxy(s3.endpoint);
  onCleanup(() => proxy.close());
  let burst: Burst | null = null;
  for (const size of s3Sizes) {
    const name = `index-${size}`;
    const bucket: Bucket = {
      store: createS3Store({ endpoint: proxy.endpoint, region: "us-east-1", bucket: name, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS }),
      requests: () => proxy.count(name),
    };
    figures.push(await measureSize(bucket, "S3 server", size, rounds));
    if (size === s3Sizes.at(-1)) burst = await measureBurst(bucket, size);
  }
  for (const size of memorySizes) {
    const store = new MemoryStore({ recordCalls: false });
    figures.push(await measureSize({ store, requests: () => store.requests }, "memory", size, rounds));
  }
  clearInterval(loadTimer);
  const load = `${median(loads).toFixed(1)} median, ${Math.max(...loads).toFixed(1)} highest`;

  const report = renderReport(figures, burst, rounds, load);
  console.log(`\n${report.text}`);
  const file = join(PROJECT_DIR, "BENCHMARKS.md");
  const current = await readFile(file, "utf8").catch(() => "");
  await writeFile(file, replaceSection(current, "index", report.text));
  log("written to BENCHMARKS.md (section bench:index)");
  return report.pass ? 0 : 3;
}

runBenchmark("bench:index", main);
