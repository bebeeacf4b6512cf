/**
 * `npm run bench [-- --quick]`: the service benchmark.
 *
 * Fills a local S3 server (s3rver, loopback) with 100, 1,000 and 10,000
 * synthetic articles, builds their index from Node, then runs the deployable
 * bundle of the Worker in workerd and measures uncached, edge-cache-hit,
 * 304 and warm (isolate memory) latency, warm and edge-cache throughput (an
 * edge hit, then the isolate-memory copy it leaves) against a Worker that
 * returns the same bytes from memory, feed rendering against the bare `feed`
 * library, and the gzipped bundle size. Prints a markdown report, checks the
 * targets and writes the report to BENCHMARKS.md.
 *
 * Everything stays on 127.0.0.1; every loop is bounded in count and time;
 * servers and temporary folders are removed at the end and on Ctrl-C.
 */
import "./lib/quiet-sdk-notice";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rebuildIndex } from "../src/index/build";
import { createS3Store } from "../src/store/s3";
import { onCleanup, runBenchmark } from "./lib/bench/cleanup";
import { cacheStatus, compareThroughput, type Sample, sampleLatency, storeReads, timedGet } from "./lib/bench/http-load";
import { describeMachine } from "./lib/bench/machine";
import { benchRender } from "./lib/bench/render-bench";
import { type BenchResult, checkTargets, renderReport, type SizeResult } from "./lib/bench/report";
import { keepSections } from "./lib/bench/sections";
import { seedBucket } from "./lib/bench/seed-bucket";
import { type Summary, summarise } from "./lib/bench/stats";
import { bundleWorker, readCompatibility } from "./lib/bench/worker-bundle";
import { type Compatibility, freePort, startBundledWorker, startScriptWorker } from "./lib/bench/workerd";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "./lib/local-s3";
import { createProgress } from "./lib/progress";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const FULL_SIZES = [100, 1_000, 10_000];
const QUICK_SIZES = [100, 1_000];
/** Sequential requests per latency figure, after a few untimed ones. */
const LATENCY_SAMPLES = 40;
/**
 * Untimed requests first: the isolate's JIT, the connections and the S3
 * server warm up. Generous, because the smallest size runs first, on the
 * coldest processes, and is the baseline of the latency target.
 */
const WARMUP = 30;
/** Throughput runs: this many clients; per round and Worker until this many requests or this long. */
const CONCURRENCY = 16;
const THROUGHPUT = { concurrency: CONCURRENCY, rounds: 3, maxRequests: 2_000, maxMs: 4_000, warmupRequests: 300 };
const FEED_PATH = "/rss.xml";

/**
 * The baseline Worker: the same bytes as the feed, from memory, with no
 * routing, no cache lookup and no validators. What a warm feed request costs
 * beyond this is the feed Worker's own overhead.
 */
const STATIC_BYTES_WORKER = `let bytes;
export default {
  fetch(request, env) {
    bytes ??= new TextEncoder().encode(env.BODY);
    return new Response(bytes, { headers: { "Content-Type": env.CONTENT_TYPE } });
  },
};`;

const USAGE = `Usage: npm run bench [-- --quick]

  --quick     100 and 1,000 articles only (a smoke run; BENCHMARKS.md is still written)
  -h, --help  show this help`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sizes = values.quick ? QUICK_SIZES : FULL_SIZES;

  const temp = await mkdtemp(join(tmpdir(), "feed-worker-bench-"));
  onCleanup(() => rm(temp, { recursive: true, force: true }));

  log("bundling the Worker (wrangler deploy --dry-run --minify)...");
  const bundle = await bundleWorker(PROJECT_DIR, join(temp, "bundle"));
  const compatibility = await readCompatibility(PROJECT_DIR);

  log("rendering 50 items: renderFeed against the bare feed library...");
  const render = benchRender();

  const s3 = await startLocalS3({ buckets: sizes.map(bucketName) });
  onCleanup(() => s3.close());
  const results: SizeResult[] = [];
  for (const count of sizes) results.push(await measureSize(s3, count, bundle.mainFile, compatibility));

  const result: BenchResult = {
    machine: describeMachine(),
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    quick: values.quick,
    concurrency: CONCURRENCY,
    sizes: results,
    render,
    bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes },
  };
  const report = renderReport(result);
  console.log(`\n${report}`);
  // Other benchmark scripts own sections of the file (bench:freshness...): keep them.
  const previous = await readFile(join(PROJECT_DIR, "BENCHMARKS.md"), "utf8").catch(() => "");
  await writeFile(join(PROJECT_DIR, "BENCHMARKS.md"), keepSections(previous, report));
  log("written to BENCHMARKS.md");
  // Failed targets are findings to report, not a broken run: the exit code says whether all passed.
  return checkTargets(result).every((check) => check.pass) ? 0 : 3;
}

function bucketName(count: number): string {
  return `bench-${count}`;
}

function log(line: string): void {
  console.error(line);
}

/** Seeds one bucket of `count` articles and takes every per-size measurement. */
async function measureSize(s3: LocalS3, count: number, mainFile: string, compatibility: Compatibility): Promise<SizeResult> {
  const label = `${count.toLocaleString("en-US")} articles`;
  const bucket = bucketName(count);
  const store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });

  log(`${label}: uploading...`);
  const seeding = createProgress("upload");
  const { bytes } = await seedBucket(store, count, { onProgress: (done, total) => seeding.update(done, total) });
  seeding.finish();

  log(`${label}: building the index...`);
  const indexing = createProgress("index");
  const built = await rebuildIndex(store, { articlePrefix: "", defaultLanguage: "en", onProgress: (done, total) => indexing.update(done, total) });
  indexing.finish();
  if (built.skipped.length > 0) log(`${label}: ${built.skipped.length} generated articles skipped by the index`);
  const again = await rebuildIndex(store, { articlePrefix: "", defaultLanguage: "en" });

  const bindings = (port: number, indexTtl: number): Record<string, string> => ({
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: bucket,
    S3_PREFIX: "",
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    SITE_URL: `http://127.0.0.1:${port}`,
    INDEX_TTL: String(indexTtl),
  });
  const feedWorker = async (indexTtl: number, edgeCache: boolean) => {
    const port = await freePort();
    return startBundledWorker({ mainFile, compatibility, bindings: bindings(port, indexTtl), edgeCache, port });
  };

  log(`${label}: uncached requests (edge cache off, INDEX_TTL=0)...`);
  const cold = await feedWorker(0, false);
  const uncached = await sampleLatency(cold.url + FEED_PATH, { count: LATENCY_SAMPLES, warmup: WARMUP });
  await cold.stop();
  const reads = uncached.samples.map((sample) => storeReads(sample.headers) ?? Number.NaN);

  log(`${label}: edge cache hits and 304s (edge cache on, INDEX_TTL=0: no rendered copy in isolate memory)...`);
  const edge = await feedWorker(0, true);
  const edgeHit = await sampleEdgeHits(edge.url + FEED_PATH);
  expectCache(edgeHit.samples, "hit", `${label}, edge cache`);
  // The document itself: the 304s' validator and the static-bytes Worker's body.
  const reference = await timedGet(edge.url + FEED_PATH);
  const etag = reference.headers.get("ETag");
  if (!etag) throw new Error("the feed response has no ETag");
  const notModified = await sampleLatency(edge.url + FEED_PATH, {
    count: LATENCY_SAMPLES,
    warmup: WARMUP,
    headers: { "If-None-Match": etag },
    expectStatus: 304,
  });

  log(`${label}: warm feed (production defaults: edge cache on, INDEX_TTL=60)...`);
  const warm = await feedWorker(60, true);
  const memoryHit = await sampleLatency(warm.url + FEED_PATH, { count: LATENCY_SAMPLES, warmup: WARMUP });
  expectCache(memoryHit.samples, "memory", `${label}, warm feed`);

  log(`${label}: throughput, ${THROUGHPUT.rounds} rounds against the static-bytes Worker...`);
  const staticWorker = await startScriptWorker({
    script: STATIC_BYTES_WORKER,
    bindings: { BODY: reference.body, CONTENT_TYPE: reference.headers.get("Content-Type") ?? "application/rss+xml" },
    compatibility,
  });
  const throughput = await compareThroughput({ warm: warm.url + FEED_PATH, staticBytes: staticWorker.url + FEED_PATH, edge: edge.url + FEED_PATH }, THROUGHPUT);
  await Promise.all([edge.stop(), warm.stop(), staticWorker.stop()]);

  return {
    articles: count,
    articleBytes: bytes,
    indexBuild: { ms: built.durationMs, reads: built.reads, writes: built.writes },
    indexNoChange: { ms: again.durationMs, reads: again.reads, writes: again.writes },
    uncached: uncached.latency,
    uncachedReads: { min: Math.min(...reads), max: Math.max(...reads) },
    memoryHit: memoryHit.latency,
    edgeHit: edgeHit.latency,
    notModified: notModified.latency,
    feedBytes: Buffer.byteLength(reference.body),
    throughput,
  };
}

/**
 * Latency of edge-cache hits. An edge hit is kept in isolate memory for the
 * edge copy's lifetime, so each URL is an edge hit once: every request
 * (untimed warm-up and timed sample alike) is the first hit of a `?limit=`
 * of its own, rendered just before. The timed ones ask for 31 to 70 items,
 * around the default 50.
 */
async function sampleEdgeHits(url: string): Promise<{ latency: Summary; samples: Sample[] }> {
  const samples: Sample[] = [];
  for (let i = 1; i <= WARMUP + LATENCY_SAMPLES; i++) {
    const limited = `${url}?limit=${i}`;
    await timedGet(limited); // rendered, and stored in the edge cache
    const hit = await timedGet(limited);
    if (hit.status !== 200) throw new Error(`GET ${limited}: status ${hit.status}, expected 200`);
    if (i > WARMUP) samples.push(hit);
  }
  return { latency: summarise(samples.map((sample) => sample.ms)), samples };
}

/** A measurement that does not measure what it claims deserves a loud line (Server-Timing names the cache layer). */
function expectCache(samples: readonly Sample[], expected: string, what: string): void {
  const off = samples.filter((sample) => cacheStatus(sample.headers) !== expected).length;
  if (off > 0) log(`warning: ${off} of ${samples.length} samples of ${what} were not cache "${expected}"`);
}

runBenchmark("bench", main);
