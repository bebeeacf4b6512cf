/**
 * Everything the service benchmark measures at one archive size, in order:
 * seed the bucket and build its index; CPU per uncached request of each
 * scope (and the static-bytes Worker's floor); throughput against the
 * static-bytes Worker in four cases; the uncached topic mix under
 * concurrency; the heap after every feed. One workerd is under load at a
 * time, each measurement on a Worker started for it, so that no case
 * inherits another's caches or heap.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { rebuildIndex } from "../../../src/index/build";
import { mapLimit } from "../../../src/store/concurrency";
import { createR2Store, type R2BucketBinding } from "../../../src/store/r2";
import { createS3Store } from "../../../src/store/s3";
import type { ArticleStore } from "../../../src/store/store";
import type { CountingProxy } from "../counting-proxy";
import { LOCAL_S3_CREDENTIALS, type LocalS3 } from "../local-s3";
import { createProgress } from "../progress";
import { compareWithBaseline } from "./baseline-ratio";
import { type FeedWorker, type FeedWorkerOptions, type FeedWorkerSetup, recordResponse, startFeedWorker, startStaticWorker } from "./bench-workers";
import { FEED_FILES, topicPaths, walkArchive } from "./feed-catalogue";
import { sweepEveryFeed } from "./heap-sweep";
import { getOk } from "./http-get";
import { connectInspector } from "./inspector";
import { isolateHeapOf } from "./isolate-heap";
import type { LoadGenerator } from "./load-generator";
import { measureMissCpu } from "./miss-cpu";
import { cpuSeconds } from "./process-stats";
import { seedBucket } from "./seed-bucket";
import { MEASURED_STORES, type RatioCase, type ScopeCpu, type SizeResult, type TopicMix } from "./service-report";
import { type Compatibility, freePort, openR2Bucket } from "./workerd";

/** How much of each measurement to take; the defaults are in bench.ts. */
export interface RunSettings {
  miss: { warmup: number; requests: number };
  floor: { warmup: number; requests: number };
  ratio: { connections: number; roundSeconds: number; rounds: number; warmupSeconds: number };
  /** The production-default steady state runs at least this long, to cross an INDEX_TTL (60 s) expiry and its refill. */
  steadyWallSeconds: number;
  topicMix: { connections: number; seconds: number };
  heap: { maxPages: number; concurrency: number };
}

/** What one size's run needs from the whole benchmark. */
export interface SizeContext {
  s3: LocalS3;
  proxy: CountingProxy;
  bundle: { mainFile: string };
  compatibility: Compatibility;
  generator: LoadGenerator;
  tempDir: string;
  settings: RunSettings;
  log: (line: string) => void;
}

/** Production defaults: isolate memory for 60 s, the edge cache on. */
const PRODUCTION: FeedWorkerOptions = { indexTtl: 60, edgeCache: true };

/** Nothing cached anywhere: every request reads the index and renders. */
const UNCACHED: FeedWorkerOptions = { indexTtl: 0, edgeCache: false };

/** How long a Worker that rendered a feed is left running to write its edge copy. */
const EDGE_WRITE_WAIT_MS = 1000;

/** The bucket of one size. */
export function bucketName(articles: number): string {
  return `bench-${articles}`;
}

/** Seeds the bucket of `articles` and takes every measurement at that size. */
export async function runSize(ctx: SizeContext, articles: number): Promise<SizeResult> {
  const label = `${articles.toLocaleString("en-US")} articles`;
  const log = (line: string) => ctx.log(`${label}: ${line}`);
  const bucket = bucketName(articles);
  // Seeded and indexed straight at the S3 server: the proxy counts only what the Worker asks for.
  const store = createS3Store({ endpoint: ctx.s3.endpoint, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
  log("uploading...");
  const seeding = createProgress("upload");
  const { bytes } = await seedBucket(store, articles, { onProgress: (done, total) => seeding.update(done, total) });
  seeding.finish();
  log("building the index...");
  const indexing = createProgress("index");
  const built = await rebuildIndex(store, { articlePrefix: "", defaultLanguage: "en", onProgress: (done, total) => indexing.update(done, total) });
  indexing.finish();
  if (built.skipped.length > 0) log(`${built.skipped.length} generated articles skipped by the index`);

  const loadBefore = loadavg()[0] ?? 0;
  const setup: FeedWorkerSetup = {
    mainFile: ctx.bundle.mainFile,
    compatibility: ctx.compatibility,
    s3Endpoint: ctx.proxy.endpoint,
    bucket,
    tempDir: ctx.tempDir,
  };
  const storeCount = () => ctx.proxy.count(bucket);
  const logged = { warn: 0, error: 0, connectionLost: 0, failures: [] as string[] };
  const worker = async (options: FeedWorkerOptions): Promise<FeedWorker & { done: () => Promise<void> }> => {
    const started = await startFeedWorker(setup, options);
    return {
      ...started,
      done: async () => {
        await started.stop();
        logged.warn += started.output.warn;
        logged.error += started.output.error;
        logged.connectionLost += started.output.connectionLost;
        for (const line of started.output.failures) if (logged.failures.length < 5) logged.failures.push(line);
      },
    };
  };

  // CPU per uncached request.
  log("CPU per uncached request (INDEX_TTL=0, edge cache off)...");
  const cold = await worker({ ...UNCACHED, inspector: true });
  const inspector = await connectInspector(cold.inspectorPort as number);
  const topics = await topicPaths(cold.url);
  // A full page of the archive (up to 100 items): the newest page of a month may be short, the ones below it are full.
  const walked = await walkArchive(cold.url, 12);
  const page = walked.reduce((best, next) => (next.items > best.items ? next : best), walked[0] ?? { path: "", items: 0 });
  if (page.path === "") throw new Error("the archive has no pages");
  // One topic of each kind the catalogue lists (authors, languages, sources, tags): their index windows differ in size.
  const topicKinds = new Map<string, string>();
  for (const topic of topics) {
    const kind = topic.split("/")[1] ?? "";
    if (!topicKinds.has(kind)) topicKinds.set(kind, topic);
  }
  const scopes: { scope: string; path: string; items: number | null }[] = [
    { scope: "main, RSS", path: "/rss.xml", items: null },
    { scope: "main, Atom", path: "/atom.xml", items: null },
    { scope: "main, JSON Feed", path: "/feed.json", items: null },
    { scope: "main, RSS `?limit=100`", path: "/rss.xml?limit=100", items: null },
    ...[...topicKinds].map(([kind, topic]) => ({ scope: `topic (${kind}), RSS`, path: `${topic}/rss.xml`, items: null })),
    { scope: "archive page, RSS", path: `${page.path}/rss.xml`, items: page.items },
  ];
  const missCpu: ScopeCpu[] = [];
  for (const scope of scopes) {
    const body = (await getOk(cold.url + scope.path)).body;
    const items = scope.items ?? itemCount(body);
    const cpu = await measureMissCpu({ url: cold.url + scope.path, pid: cold.pid, inspector, storeCount }, ctx.settings.miss);
    missCpu.push({ store: MEASURED_STORES.s3, scope: scope.scope, path: scope.path, items, cpu });
    log(`  ${scope.scope}: isolate ${cpu.isolateMs?.toFixed(2) ?? "n/a"} ms, process ${cpu.processMs?.toFixed(2) ?? "n/a"} ms, store ${cpu.storeRequests}`);
  }
  inspector.close();

  // The same scopes through an R2 binding, the store of a deployment on Cloudflare, which has no SDK on the request path.
  log("CPU per uncached request through the R2 binding (INDEX_TTL=0, edge cache off)...");
  const r2Persist = join(ctx.tempDir, `r2-${articles}`);
  const copied = await copyIndexToR2(store, r2Persist, ctx.compatibility);
  log(`  ${copied.toLocaleString("en-US")} index objects copied into the R2 bucket`);
  const r2 = await worker({ ...UNCACHED, inspector: true, r2Persist });
  const r2Inspector = await connectInspector(r2.inspectorPort as number);
  for (const scope of scopes) {
    const through = missCpu.find((entry) => entry.path === scope.path);
    const items = itemCount((await getOk(r2.url + scope.path)).body);
    if (items !== through?.items) throw new Error(`${scope.path} through the R2 binding has ${items} items, through S3 ${through?.items}`);
    const cpu = await measureMissCpu({ url: r2.url + scope.path, pid: r2.pid, inspector: r2Inspector, storeCount: () => 0 }, ctx.settings.miss);
    missCpu.push({ store: MEASURED_STORES.r2, scope: scope.scope, path: scope.path, items, cpu });
    log(`  ${scope.scope}: isolate ${cpu.isolateMs?.toFixed(2) ?? "n/a"} ms, process ${cpu.processMs?.toFixed(2) ?? "n/a"} ms`);
  }
  r2Inspector.close();
  await r2.done();
  const rss = await getOk(`${cold.url}/rss.xml`);
  await cold.done();

  log("the static-bytes Worker's floor...");
  const floorEtag = rss.headers.get("ETag") ?? '"none"';
  const floorWorker = await startStaticWorker({
    full: { body: rss.body, headers: [["Content-Type", rss.headers.get("Content-Type") ?? "application/rss+xml"]] },
    notModified: { body: "", headers: [["ETag", floorEtag]] },
    etag: floorEtag,
    compatibility: ctx.compatibility,
    inspector: true,
  });
  const floorInspector = await connectInspector(floorWorker.inspectorPort as number);
  const floor = await measureMissCpu(
    { url: `${floorWorker.url}/rss.xml`, pid: floorWorker.pid, inspector: floorInspector, storeCount: () => 0 },
    ctx.settings.floor,
  );
  floorInspector.close();
  await floorWorker.stop();

  // Throughput against the static-bytes Worker.
  const ratios: RatioCase[] = [];
  const cases: { kind: RatioCase["kind"]; options: FeedWorkerOptions; conditional: boolean; minWall: number }[] = [
    { kind: "warm", options: PRODUCTION, conditional: false, minWall: 0 },
    { kind: "notModified", options: PRODUCTION, conditional: true, minWall: 0 },
    { kind: "edge", options: PRODUCTION, conditional: false, minWall: 0 },
    { kind: "steady", options: PRODUCTION, conditional: false, minWall: ctx.settings.steadyWallSeconds },
  ];
  for (const entry of cases) {
    log(`throughput, ${entry.kind}, against the static-bytes Worker...`);
    let options = entry.options;
    if (entry.kind === "edge") {
      // An isolate that finds the feed in the edge cache only: another one, now stopped, rendered it there.
      const shared = { ...options, port: await freePort(), edgeCacheDir: join(ctx.tempDir, `edge-cache-shared-${articles}`) };
      const filler = await worker(shared);
      await getOk(`${filler.url}/rss.xml`);
      // It writes the edge copy after answering (`waitUntil`); stopping it at once could lose the write. The first answer's
      // cache state shows whether the case was set up (`firstState`).
      await new Promise((resolve) => setTimeout(resolve, EDGE_WRITE_WAIT_MS));
      await filler.done();
      options = shared;
    }
    const feed = await worker(options);
    // The first request fills the caches (the steady state's INDEX_TTL starts here) and gives the bytes and ETag the baseline serves
    // (each Worker's own: the documents link to the Worker's port).
    const first = await getOk(`${feed.url}/rss.xml`);
    const firstState = /cache;desc="([a-z]+)"/.exec(first.headers.get("Server-Timing") ?? "")?.[1] ?? null;
    const etag = first.headers.get("ETag");
    if (etag === null) throw new Error("the feed response has no ETag");
    const baseline = await startStaticWorker({
      full: await recordResponse(`${feed.url}/rss.xml`),
      notModified: await recordResponse(`${feed.url}/rss.xml`, { "If-None-Match": etag }),
      etag,
      compatibility: ctx.compatibility,
    });
    const storeBefore = storeCount();
    const run = await compareWithBaseline(
      ctx.generator,
      { url: feed.url, pid: feed.pid, cacheStates: () => feed.output.cache },
      { url: baseline.url, pid: baseline.pid },
      {
        path: "/rss.xml",
        ...(entry.conditional ? { headers: { "If-None-Match": etag } } : {}),
        connections: ctx.settings.ratio.connections,
        roundSeconds: ctx.settings.ratio.roundSeconds,
        rounds: ctx.settings.ratio.rounds,
        warmupSeconds: ctx.settings.ratio.warmupSeconds,
        minWallSeconds: entry.minWall,
        maxRounds: 40,
      },
    );
    ratios.push({ kind: entry.kind, run, storeRequests: storeCount() - storeBefore, firstState });
    log(`  ratio ${run.ratio.toFixed(2)} (${run.ratios.map((ratio) => ratio.toFixed(2)).join(" ")})${run.generatorBound ? ", generator-bound" : ""}`);
    await baseline.stop();
    await feed.done();
  }

  const topicMix = await runTopicMix(ctx, worker, topics, storeCount, log);

  log("heap after every feed (production defaults, edge cache on disk)...");
  const swept = await worker({ ...PRODUCTION, cacheOnDisk: true, inspector: true });
  const heap = isolateHeapOf(await connectInspector(swept.inspectorPort as number));
  const sweep = await sweepEveryFeed({ url: swept.url, pid: swept.pid }, heap, {
    ...ctx.settings.heap,
    onProgress: (done) => {
      if (done % 500 === 0) log(`  ${done} feeds served`);
    },
  });
  heap.close();
  await swept.done();

  return {
    articles,
    articleBytes: bytes,
    indexBuild: { ms: built.durationMs, reads: built.reads, writes: built.writes },
    feedBytes: Buffer.byteLength(rss.body),
    topics: topics.length,
    missCpu,
    floor,
    ratios,
    topicMix,
    heap: sweep,
    load: { before: loadBefore, after: loadavg()[0] ?? 0 },
    logged,
  };
}

/**
 * Uncached topic feeds under concurrency: every topic feed is requested once
 * first (the index windows the topics read are then in isolate memory, as
 * in a running service), then random topic × format × `?limit=` for a while:
 * most requests miss every cache and render.
 */
async function runTopicMix(
  ctx: SizeContext,
  worker: (options: FeedWorkerOptions) => Promise<FeedWorker & { done: () => Promise<void> }>,
  topics: readonly string[],
  storeCount: () => number,
  log: (line: string) => void,
): Promise<TopicMix> {
  const { connections, seconds } = ctx.settings.topicMix;
  log(`uncached topic feeds, ${connections} connections, ${seconds} s...`);
  const mix = await worker({ ...PRODUCTION, cacheOnDisk: true });
  const paths = topics.flatMap((topic) => FEED_FILES.map((file) => `${topic}/${file}`));
  for (const path of paths) await getOk(mix.url + path);
  const storeBefore = storeCount();
  const outputBefore = structuredClone(mix.output);
  const cpuBefore = mix.pid === null ? null : await cpuSeconds(mix.pid);
  const result = await ctx.generator.run({ baseUrl: mix.url, paths, randomLimit: true, connections, durationSeconds: seconds });
  const cpuAfter = mix.pid === null ? null : await cpuSeconds(mix.pid);
  const storeRequests = storeCount() - storeBefore;
  // The last request log lines may still be in workerd's stdout pipe.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const since = (now: Record<string, number>, before: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(now)
        .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
  const statuses = since(mix.output.statuses, outputBefore.statuses);
  const cache = since(mix.output.cache, outputBefore.cache);
  const logged = {
    warn: mix.output.warn - outputBefore.warn,
    error: mix.output.error - outputBefore.error,
    connectionLost: mix.output.connectionLost - outputBefore.connectionLost,
  };
  await mix.done();
  log(`  p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.socketErrors + result.errorResponses} errors`);
  return {
    connections,
    seconds,
    feeds: paths.length,
    result,
    storeRequests,
    workerdShare: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / result.seconds,
    statuses,
    cache,
    logged,
  };
}

/** Items (RSS), entries (Atom) or JSON Feed items in a document. */
function itemCount(body: string): number {
  return (body.match(/<item[\s>]|<entry[\s>]|^ {6}"id": "/gm) ?? []).length;
}

/** Article records of the index: read for article pages, never for a feed. */
const ARTICLE_RECORDS = /^_index\/v\d+\/articles\//;

/**
 * Copies the index of `source` into the R2 bucket kept in `persist`: every
 * object a feed request may read (head, topic windows, tails, archive trees,
 * manifest). The articles and the index's article records are left out: a
 * feed request never reads them, and copying a hundred thousand of them
 * through Miniflare's proxy would take longer than the measurement.
 */
async function copyIndexToR2(source: ArticleStore, persist: string, compatibility: Compatibility): Promise<number> {
  const keys = (await source.list("_index/")).map((info) => info.key).filter((key) => !ARTICLE_RECORDS.test(key));
  const opened = await openR2Bucket(persist, compatibility);
  try {
    const target = createR2Store(opened.bucket as R2BucketBinding);
    await mapLimit(keys, 16, async (key) => {
      const object = await source.get(key);
      if (object !== null) await target.put(key, object.body, { contentType: "application/json" });
    });
  } finally {
    await opened.close();
  }
  return keys.length;
}
