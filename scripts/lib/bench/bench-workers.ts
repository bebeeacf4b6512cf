/**
 * The two kinds of Worker the service benchmark runs in workerd: the feed
 * Worker (the deployable bundle) in the configurations it is measured in,
 * and the static-bytes Worker it is compared with.
 */
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { LOCAL_S3_CREDENTIALS } from "../local-s3";
import { type Compatibility, freePort, type RunningWorker, startBundledWorker, startScriptWorker } from "./workerd";

/** What every feed Worker of one bucket shares. */
export interface FeedWorkerSetup {
  mainFile: string;
  compatibility: Compatibility;
  /** Where the Worker reaches S3: the counting proxy in front of the local S3 server. */
  s3Endpoint: string;
  bucket: string;
  /** A folder for on-disk edge caches (one subfolder per Worker). */
  tempDir: string;
}

/** One configuration of the feed Worker. */
export interface FeedWorkerOptions {
  /** INDEX_TTL: 60 is the production default, 0 keeps nothing in isolate memory. */
  indexTtl: number;
  /** The emulated edge cache (Cache API); off, it stores nothing. */
  edgeCache: boolean;
  /** Keep the edge cache's entries on disk rather than in workerd's memory (long runs over many URLs). */
  cacheOnDisk?: boolean;
  /**
   * Keep the edge cache's entries in this folder, shared with any Worker
   * started with the same folder and `port` (the cache keys and documents
   * name the Worker's address): what one stopped Worker cached, the next
   * one finds.
   */
  edgeCacheDir?: string;
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Open workerd's V8 inspector (heap, CPU profile). */
  inspector?: boolean;
  /** Read the bucket through an R2 binding kept in this folder (`openR2Bucket`) instead of S3 through the SDK. */
  r2Persist?: string;
}

/** What the Worker wrote to its console: counted by level, the first warnings and errors kept. */
export interface WorkerOutput {
  info: number;
  warn: number;
  error: number;
  /** workerd's "Network connection lost" (a subrequest cut off), which the Worker cannot log itself. */
  connectionLost: number;
  /** Requests by status and by cache state, from the Worker's request log lines (the load generator need not read the responses). */
  statuses: Record<string, number>;
  cache: Record<string, number>;
  /** The first warning and error lines, for the report. */
  failures: string[];
}

/** Counts one block of whole lines of workerd's output into `output`. */
function countOutput(output: WorkerOutput, text: string): void {
  for (const match of text.matchAll(/^\{"level":"(info|warn|error)"/gm)) output[match[1] as "info" | "warn" | "error"]++;
  for (const match of text.matchAll(/"status":(\d+)/g)) output.statuses[match[1] as string] = (output.statuses[match[1] as string] ?? 0) + 1;
  for (const match of text.matchAll(/"cache":"([a-z]+)"/g)) output.cache[match[1] as string] = (output.cache[match[1] as string] ?? 0) + 1;
  if (text.includes("Network connection lost")) output.connectionLost += text.split("Network connection lost").length - 1;
  if (output.failures.length < 5 && /"level":"(warn|error)"|Network connection lost/.test(text)) {
    for (const line of text.split("\n")) {
      if (output.failures.length < 5 && /^\{"level":"(warn|error)"|Network connection lost/.test(line)) output.failures.push(line.slice(0, 400));
    }
  }
}

/** How often the feed Worker's log file is read: well within the settling time the throughput rounds allow (baseline-ratio.ts). */
const LOG_POLL_MS = 100;

/**
 * Follows `file` (written by workerd, see `stdoutFile`), handing its new
 * whole lines to `receive` every {@link LOG_POLL_MS}; `stop` reads the rest.
 * It polls with positional reads: a file watcher would wake this process on
 * every write, the cost the file is there to avoid.
 */
function followFile(file: string, receive: (lines: string) => void): { stop(): Promise<void> } {
  let offset = 0;
  let rest = "";
  let reading: Promise<void> = Promise.resolve();
  const buffer = Buffer.alloc(1 << 20);
  const readNew = async (): Promise<void> => {
    const handle = await open(file, "r").catch(() => null);
    if (handle === null) return; // Not created yet: workerd has not started writing.
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const text = rest + buffer.toString("utf8", 0, bytesRead);
        const end = text.lastIndexOf("\n");
        rest = end < 0 ? text : text.slice(end + 1);
        if (end >= 0) receive(text.slice(0, end + 1));
      }
    } finally {
      await handle.close();
    }
  };
  const timer = setInterval(() => {
    reading = reading.then(readNew);
  }, LOG_POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      reading = reading.then(readNew);
      await reading;
      if (rest !== "") receive(`${rest}\n`);
    },
  };
}

/** A running feed Worker. */
export interface FeedWorker extends RunningWorker {
  /** The inspector's port, when it was asked for. */
  inspectorPort: number | null;
  output: WorkerOutput;
}

let started = 0;

/**
 * Starts the bundled Worker on `setup`'s bucket with production settings
 * (LOG_LEVEL unset: one info line per request, as deployed) but for the
 * given INDEX_TTL and edge cache. Its console lines are counted, not printed;
 * its standard output goes to a file in `setup.tempDir` (see `stdoutFile`).
 */
export async function startFeedWorker(setup: FeedWorkerSetup, options: FeedWorkerOptions): Promise<FeedWorker> {
  const port = options.port ?? (await freePort());
  const inspectorPort = options.inspector ? await freePort() : null;
  const output: WorkerOutput = { info: 0, warn: 0, error: 0, connectionLost: 0, statuses: {}, cache: {}, failures: [] };
  const stdoutFile = join(setup.tempDir, `feed-worker-${++started}.log`);
  const worker = await startBundledWorker({
    mainFile: setup.mainFile,
    compatibility: setup.compatibility,
    edgeCache: options.edgeCache,
    ...(options.edgeCache && (options.edgeCacheDir || options.cacheOnDisk)
      ? { cachePersist: options.edgeCacheDir ?? join(setup.tempDir, `edge-cache-${started}`) }
      : {}),
    ...(inspectorPort === null ? {} : { inspectorPort }),
    ...(options.r2Persist ? { r2Persist: options.r2Persist } : {}),
    port,
    bindings: {
      ...(options.r2Persist
        ? {}
        : {
            S3_ENDPOINT: setup.s3Endpoint,
            S3_REGION: "us-east-1",
            S3_BUCKET: setup.bucket,
            S3_PREFIX: "",
            S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
            S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
            S3_FORCE_PATH_STYLE: "true",
          }),
      SITE_URL: `http://127.0.0.1:${port}`,
      INDEX_TTL: String(options.indexTtl),
    },
    stdoutFile,
    onOutputBlock: (_stream, text) => countOutput(output, text),
  });
  // Read from the file's start: nothing written before this is lost.
  const log = followFile(stdoutFile, (text) => countOutput(output, text));
  const stop = async () => {
    await worker.stop();
    await log.stop();
    // At thousands of lines a second the file grows by about a megabyte a second: not kept.
    await rm(stdoutFile, { force: true });
  };
  return { ...worker, stop, inspectorPort, output };
}

/**
 * The baseline: the same response as the feed's, from memory, with no
 * routing, no cache lookup and no store: the feed's status, headers and body
 * (a 200), and the feed's 304 for a matching If-None-Match, so that a 304 is
 * compared with a 304. The headers are part of the bytes every response
 * carries (the security headers, CORS, validators, `Vary`), and workerd's
 * cost grows with each one, so a baseline without them would count them
 * against the feed Worker. They are built into a `Headers` object once,
 * which the runtime copies into each response natively: the cheapest way we
 * know to send them, and the one the feed Worker's memory answers use. What a
 * feed request costs beyond this is the feed Worker's own work.
 */
const STATIC_BYTES_WORKER = `let bytes, full, notModified;
export default {
  fetch(request, env) {
    full ??= new Headers(JSON.parse(env.HEADERS));
    notModified ??= new Headers(JSON.parse(env.NOT_MODIFIED_HEADERS));
    if (request.headers.get("If-None-Match") === env.ETAG) return new Response(null, { status: 304, headers: notModified });
    bytes ??= new TextEncoder().encode(env.BODY);
    return new Response(bytes, { headers: full });
  },
};`;

/** Headers of an HTTP message that describe its transfer, not the response (the runtime writes its own). */
const TRANSFER_HEADERS = new Set(["content-length", "transfer-encoding", "content-encoding", "date", "connection", "keep-alive"]);

/** One response as the static-bytes Worker repeats it. */
export interface RecordedResponse {
  body: string;
  headers: [string, string][];
}

/**
 * Requests `url` as the load generator does (no compression) and records the
 * response for the static-bytes Worker: its body and its headers, without
 * the transfer headers.
 */
export async function recordResponse(url: string, headers: Record<string, string> = {}): Promise<RecordedResponse> {
  const response = await fetch(url, { headers: { "Accept-Encoding": "identity", ...headers } });
  const body = await response.text();
  return { body, headers: [...response.headers].filter(([name]) => !TRANSFER_HEADERS.has(name)) };
}

/** Starts the static-bytes Worker answering with `full` (200) and, to a request with `etag` in If-None-Match, with `notModified` (304). */
export async function startStaticWorker(options: {
  full: RecordedResponse;
  notModified: RecordedResponse;
  etag: string;
  compatibility: Compatibility;
  inspector?: boolean;
}): Promise<RunningWorker & { inspectorPort: number | null }> {
  const inspectorPort = options.inspector ? await freePort() : null;
  const worker = await startScriptWorker({
    script: STATIC_BYTES_WORKER,
    bindings: {
      BODY: options.full.body,
      HEADERS: JSON.stringify(options.full.headers),
      NOT_MODIFIED_HEADERS: JSON.stringify(options.notModified.headers),
      ETAG: options.etag,
    },
    compatibility: options.compatibility,
    ...(inspectorPort === null ? {} : { inspectorPort }),
  });
  return { ...worker, inspectorPort };
}
