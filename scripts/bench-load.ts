/**
 * `npm run bench:load [-- --duration 300 --connections 48 --articles 10000]`:
 * the service under sustained load.
 *
 * Fills a local S3 server (s3rver, loopback) with synthetic articles, builds
 * their index, runs the deployable bundle of the Worker in workerd with the
 * production defaults (edge cache on, INDEX_TTL=60, one log line per
 * request) and puts three classes of load on it at once with `wrk`, the
 * connections split evenly between them:
 * - warm: the main feeds and the home page (isolate memory);
 * - 304: the RSS feed with a current If-None-Match;
 * - topics: random topic feeds in random formats with a random `?limit=`
 *   (the first request of each URL renders; repeats of a URL are mostly
 *   edge-cache hits, so over five minutes the misses become a minority).
 *
 * Reports requests/s, p50 and p99 per class, errors (socket errors,
 * statuses >= 400, error log lines, workerd's "Network connection lost"),
 * the isolate's heap (what the Workers memory limit applies to) and the
 * workerd process's resident memory over time, and the CPU the load
 * generator used, writes them to their own section of BENCHMARKS.md, and
 * exits 3 when there were errors or the heap grew.
 */
import "./lib/quiet-sdk-notice";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rebuildIndex } from "../src/index/build";
import { createS3Store } from "../src/store/s3";
import { onCleanup, runBenchmark } from "./lib/bench/cleanup";
import { connectIsolateHeap } from "./lib/bench/isolate-heap";
import { describeMachine } from "./lib/bench/machine";
import { childrenNamed, cpuSeconds, residentBytes } from "./lib/bench/process-stats";
import { replaceSection } from "./lib/bench/sections";
import { seedBucket } from "./lib/bench/seed-bucket";
import { bundleWorker, readCompatibility } from "./lib/bench/worker-bundle";
import { freePort, startBundledWorker } from "./lib/bench/workerd";
import { runWrk, WRK, type WrkResult, writeWrkScript } from "./lib/bench/wrk";
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from "./lib/local-s3";
import { createProgress } from "./lib/progress";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const BUCKET = "load";
/** Memory is sampled this often. */
const SAMPLE_MS = 5_000;
/** The isolate's heap may end (median of the last fifth) at most this much above the second fifth's median. */
const FLAT_MEMORY_GROWTH = 1.2;
/** The Workers memory limit per isolate. */
const ISOLATE_LIMIT_BYTES = 128 * 1024 * 1024;

const USAGE = `Usage: npm run bench:load [-- options]

  --duration <seconds>    how long the load lasts (default 300)
  --connections <n>       connections in all, split over the three classes (default 48)
  --articles <n>          articles in the bucket (default 10000)
  --log-level <level>     the Worker's LOG_LEVEL (default info: one line per request)
  --no-edge-cache         run without the (emulated) edge cache: isolate memory and the store only
  --no-write              do not write BENCHMARKS.md
  -h, --help              show this help

Needs wrk (${WRK}; WRK=<path> for another). BENCH_VERBOSE=1 shows workerd's own
diagnostics (info level) in the report's "other output".`;

interface MemorySample {
  seconds: number;
  /** The isolate's JavaScript heap in use. */
  heap: number | null;
  /** The workerd process's resident memory. */
  resident: number | null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "300" },
      connections: { type: "string", default: "48" },
      articles: { type: "string", default: "10000" },
      "no-write": { type: "boolean", default: false },
      "no-edge-cache": { type: "boolean", default: false },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const duration = positive(values.duration, "--duration");
  const connections = positive(values.connections, "--connections");
  const articles = positive(values.articles, "--articles");
  const perClass = Math.max(1, Math.floor(connections / 3));
  // Before this run's own upload and index build, which load the machine too.
  const loadBefore = loadavg()[0] ?? 0;

  const temp = await mkdtemp(join(tmpdir(), "feed-worker-load-"));
  onCleanup(() => rm(temp, { recursive: true, force: true }));
  log("bundling the Worker (wrangler deploy --dry-run --minify)...");
  const bundle = await bundleWorker(PROJECT_DIR, join(temp, "bundle"));
  const compatibility = await readCompatibility(PROJECT_DIR);

  const s3 = await startLocalS3({ buckets: [BUCKET] });
  onCleanup(() => s3.close());
  const store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
  log(`uploading ${articles.toLocaleString("en-US")} articles...`);
  const seeding = createProgress("upload");
  await seedBucket(store, articles, { onProgress: (done, total) => seeding.update(done, total) });
  seeding.finish();
  log("building the index...");
  const indexing = createProgress("index");
  await rebuildIndex(store, { articlePrefix: "", defaultLanguage: "en", onProgress: (done, total) => indexing.update(done, total) });
  indexing.finish();

  const output = { lines: 0, info: 0, warn: 0, error: 0, connectionLost: 0, other: [] as string[], failures: [] as string[] };
  const port = await freePort();
  const inspectorPort = await freePort();
  const worker = await startBundledWorker({
    inspectorPort,
    mainFile: bundle.mainFile,
    compatibility,
    edgeCache: !values["no-edge-cache"],
    // On disk: what grows with the edge cache is not the Worker's memory (on Cloudflare the cache lives elsewhere).
    cachePersist: join(temp, "edge-cache"),
    port,
    bindings: {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: "us-east-1",
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
      SITE_URL: `http://127.0.0.1:${port}`,
      INDEX_TTL: "60",
      LOG_LEVEL: values["log-level"],
    },
    onOutput: (_stream, line) => {
      output.lines++;
      if (line.includes("Network connection lost")) output.connectionLost++;
      const level = /^\{"level":"(info|warn|error)"/.exec(line)?.[1] as "info" | "warn" | "error" | undefined;
      if (level) output[level]++;
      else if (output.other.length < 20 && line.trim() !== "") output.other.push(line.slice(0, 300));
      if (level === "error" || level === "warn" || line.includes("Network connection lost")) {
        if (output.failures.length < 8) output.failures.push(line.slice(0, 400));
      }
    },
  });
  const workerd = (await childrenNamed(process.pid, "workerd"))[0];
  if (workerd === undefined) log("warning: workerd's process not found; its resident memory is not sampled");
  const heap = await connectIsolateHeap(inspectorPort);
  onCleanup(() => heap.close());

  // What the load asks for: every topic feed of the catalogue, and the RSS feed's current entity tag.
  const opml = await (await fetch(`${worker.url}/opml.xml`)).text();
  const topics = [...opml.matchAll(/xmlUrl="http:\/\/127\.0\.0\.1:\d+(\/(?:tags|authors|lang|sources)\/[^"]+)\/rss\.xml"/g)].map((match) => match[1] ?? "");
  if (topics.length === 0) throw new Error("the catalogue lists no topic feeds");
  const etag = (await fetch(`${worker.url}/rss.xml`)).headers.get("ETag");
  if (!etag) throw new Error("the RSS feed has no ETag");
  const warmPaths = ["/rss.xml", "/atom.xml", "/feed.json", "/"];
  for (const path of warmPaths) await (await fetch(worker.url + path)).arrayBuffer();
  const topicPaths = topics.flatMap((topic) => ["rss.xml", "atom.xml", "feed.json"].map((file) => `${topic}/${file}`));
  const scripts = {
    warm: await writeWrkScript(join(temp, "warm.lua"), warmPaths, { randomLimit: false }),
    notModified: await writeWrkScript(join(temp, "304.lua"), ["/rss.xml"], { randomLimit: false }),
    topics: await writeWrkScript(join(temp, "topics.lua"), topicPaths, { randomLimit: true }),
  };

  log(`load: ${duration} s, ${perClass * 3} connections (${perClass} per class), ${topics.length} topics...`);
  const memory: MemorySample[] = [];
  const startedAt = Date.now();
  const workerCpuBefore = workerd === undefined ? null : await cpuSeconds(workerd);
  const sample = async (): Promise<MemorySample> => ({
    seconds: Math.round((Date.now() - startedAt) / 1000),
    heap: await heap.usedBytes(),
    resident: workerd === undefined ? null : await residentBytes(workerd),
  });
  const sampler = setInterval(() => {
    void sample().then((taken) => memory.push(taken));
  }, SAMPLE_MS);
  memory.push(await sample());
  const results = await Promise.all([
    runWrk({ name: "warm (memory)", url: worker.url, connections: perClass, durationSeconds: duration, scriptPath: scripts.warm }),
    runWrk({
      name: "304 (If-None-Match)",
      url: worker.url,
      connections: perClass,
      durationSeconds: duration,
      scriptPath: scripts.notModified,
      headers: { "If-None-Match": etag },
    }),
    runWrk({ name: "topic feeds, random ?limit", url: worker.url, connections: perClass, durationSeconds: duration, scriptPath: scripts.topics }),
  ]);
  clearInterval(sampler);
  const workerCpu = workerd === undefined || workerCpuBefore === null ? null : ((await cpuSeconds(workerd)) ?? workerCpuBefore) - workerCpuBefore;
  memory.push(await sample());
  heap.close();
  await worker.stop();

  const errors = results.reduce((sum, result) => sum + result.socketErrors + result.errorResponses, 0) + output.error + output.connectionLost;
  const flat = memoryIsFlat(memory, duration);
  const machineLoad = { before: loadBefore, after: loadavg()[0] ?? 0 };
  const report = renderReport({
    machineLoad,
    duration,
    connections: perClass * 3,
    articles,
    topics: topics.length,
    results,
    memory,
    workerCpu,
    output,
    errors,
    flat,
  });
  console.log(`\n${report}`);
  if (!values["no-write"]) {
    const file = join(PROJECT_DIR, "BENCHMARKS.md");
    const previous = await readFile(file, "utf8").catch(() => "");
    await writeFile(file, replaceSection(previous, "load", report));
    log("written to BENCHMARKS.md (section bench:load)");
  }
  return errors === 0 && flat.pass ? 0 : 3;
}

/**
 * Flat: the isolate's heap in the last fifth of the run (median, so that one
 * sample just before a garbage collection does not decide) is within
 * {@link FLAT_MEMORY_GROWTH} of the second fifth's (start-up and the first
 * cache fill excluded), and never passes the isolate limit.
 */
function memoryIsFlat(samples: readonly MemorySample[], duration: number): { pass: boolean; settled: number; last: number; peak: number } {
  const heapBetween = (from: number, to: number) => samples.filter((s) => s.seconds >= from && s.seconds <= to && s.heap !== null).map((s) => s.heap as number);
  const settled = median(heapBetween(duration / 5, (2 * duration) / 5));
  const last = median(heapBetween((4 * duration) / 5, Number.POSITIVE_INFINITY));
  const peak = Math.max(0, ...samples.map((s) => s.heap ?? 0));
  return { pass: settled > 0 && last <= settled * FLAT_MEMORY_GROWTH && peak <= ISOLATE_LIMIT_BYTES, settled, last, peak };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function renderReport(r: {
  machineLoad: { before: number; after: number };
  duration: number;
  connections: number;
  articles: number;
  topics: number;
  results: WrkResult[];
  memory: MemorySample[];
  workerCpu: number | null;
  output: { lines: number; info: number; warn: number; error: number; connectionLost: number; other: string[]; failures: string[] };
  errors: number;
  flat: { pass: boolean; settled: number; last: number; peak: number };
}): string {
  const mb = (bytes: number | null) => (bytes === null ? "n/a" : (bytes / 1024 / 1024).toFixed(1));
  const cores = availableParallelism();
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
  const lines = [
    "## Under load",
    "",
    `Machine: ${describeMachine()}  `,
    `Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC  `,
    `Command: \`npm run bench:load -- --duration ${r.duration} --connections ${r.connections} --articles ${r.articles}\``,
    "",
    `${r.articles.toLocaleString("en-US")} synthetic articles in s3rver on loopback; the minified Worker bundle in workerd (Miniflare) with`,
    "the production defaults: edge cache on (its entries on disk), INDEX_TTL=60, LOG_LEVEL=info (one JSON line per request). Three `wrk` processes",
    `(one thread each) at once for ${r.duration} s, ${r.connections} connections split evenly; the topic class picks one of`,
    `${r.topics} topic feeds × 3 formats with a random \`?limit=\` (1-100): the first request of each of these ${(r.topics * 300).toLocaleString("en-US")} URLs renders, repeats are mostly edge-cache hits (the cache column says how many of each).`,
    `Generator, workerd and s3rver share the machine's ${cores} cores; its load average (1 min) was ${r.machineLoad.before.toFixed(1)} before the benchmark began and ${r.machineLoad.after.toFixed(1)} after it` +
      (r.machineLoad.before > cores ? " (above the core count before the benchmark began: other work competed for the CPU and the figures are low)." : "."),
    "",
    "| class | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | statuses | cache |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ...r.results.map((result) => {
      const statuses = Object.entries(result.extra)
        .filter(([key]) => key.startsWith("status-"))
        .map(([key, value]) => `${key.slice(7)}: ${value}`)
        .join(", ");
      const caches = Object.entries(result.extra)
        .filter(([key]) => key.startsWith("cache-"))
        .map(([key, value]) => `${key.slice(6)}: ${value}`)
        .join(", ");
      return `| ${result.name} | ${result.requests.toLocaleString("en-US")} | ${result.requestsPerSecond.toFixed(0)} | ${ms(result.p50)} | ${ms(result.p90)} | ${ms(result.p99)} | ${ms(result.max)} | ${result.socketErrors + result.errorResponses} | ${statuses} | ${caches} |`;
    }),
    "",
    `Errors in all: **${r.errors}** (socket errors, statuses >= 400, error log lines, "Network connection lost": ${r.output.connectionLost}).  `,
    ...r.results.filter((result) => result.socketErrors > 0).map((result) => `${result.name}: ${/Socket errors:[^\n]*/.exec(result.raw)?.[0] ?? ""}.  `),
    `Worker log lines: ${r.output.info.toLocaleString("en-US")} info, ${r.output.warn} warn, ${r.output.error} error.  `,
    `Load generator CPU: ${r.results.map((result) => `${result.name} ${result.cpuSeconds.toFixed(1)} s`).join(", ")} ` +
      `(${((r.results.reduce((sum, result) => sum + result.cpuSeconds, 0) / r.duration) * 100).toFixed(0)}% of one core); ` +
      `workerd: ${r.workerCpu === null ? "n/a" : `${r.workerCpu.toFixed(1)} s (${((r.workerCpu / r.duration) * 100).toFixed(0)}% of one core)`}.`,
    "",
    `The isolate's JavaScript heap (V8 \`Runtime.getHeapUsage\` through workerd's inspector: what the 128 MB limit applies to): ${r.flat.pass ? "flat" : "**GROWING**"} ` +
      `(median ${mb(r.flat.settled)} MB in the second fifth of the run, ${mb(r.flat.last)} MB in the last; at most ${mb(r.flat.peak)} MB; ` +
      `flat means at most ${FLAT_MEMORY_GROWTH}x and never above 128 MB). The workerd process's resident memory is shown beside it for reference: ` +
      "it also holds the runtime, the memory V8 reserved for the isolate and Miniflare's own services (the emulated edge cache among them).",
    "",
    `| MB | ${downsample(r.memory, 12)
      .map((sample) => `${sample.seconds} s`)
      .join(" | ")} |`,
    `|---|${downsample(r.memory, 12)
      .map(() => "---:")
      .join("|")}|`,
    `| isolate heap | ${downsample(r.memory, 12)
      .map((sample) => mb(sample.heap))
      .join(" | ")} |`,
    `| workerd resident | ${downsample(r.memory, 12)
      .map((sample) => mb(sample.resident))
      .join(" | ")} |`,
  ];
  if (r.output.failures.length > 0) lines.push("", "First failure lines of the Worker:", "", "```", ...r.output.failures, "```");
  if (r.output.other.length > 0) lines.push("", "Other workerd output (first lines):", "", "```", ...r.output.other, "```");
  return lines.join("\n");
}

/** At most `count` samples, evenly spread, first and last included. */
function downsample<T>(samples: readonly T[], count: number): T[] {
  if (samples.length <= count) return [...samples];
  return Array.from({ length: count }, (_, i) => samples[Math.round((i * (samples.length - 1)) / (count - 1))] as T);
}

function positive(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

function log(line: string): void {
  console.error(line);
}

runBenchmark("bench:load", main);
