/**
 * Workers in workerd for the benchmark, through Miniflare (the engine behind
 * `wrangler dev`, installed with wrangler). Each runs on its own loopback
 * port, so the load generator talks HTTP to it as a client would.
 */
import { chmod, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { onCleanup } from "./cleanup";
import { childrenNamed } from "./process-stats";

/** A Worker listening on 127.0.0.1. */
export interface RunningWorker {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /**
   * The workerd process serving it (for its CPU and resident memory from
   * /proc), or null when it could not be told apart: Workers are started one
   * at a time, so the new workerd child of this process is this Worker's.
   */
  pid: number | null;
  stop(): Promise<void>;
}

/** Compatibility settings of wrangler.toml; the bundle was built for them. */
export interface Compatibility {
  compatibilityDate: string;
  compatibilityFlags: string[];
}

/** A free TCP port on loopback (the Worker's SITE_URL must name it before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => server.once("error", fail).listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Creates a Miniflare instance without the SIGINT/SIGTERM listeners it adds:
 * they kill workerd and call `process.exit` at once, before the benchmark's
 * own clean-up (which disposes these instances too) can stop the S3 server
 * and remove temporary folders. Its `exit` listener stays as a safety net.
 */
function createMiniflare(options: ConstructorParameters<typeof Miniflare>[0]): Miniflare {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const mf = new Miniflare(options);
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mf;
}

/** The environment variable Miniflare takes the workerd executable from (`getRuntimeCommand`). */
const WORKERD_PATH_VARIABLE = "MINIFLARE_WORKERD_PATH";

/**
 * Writes a launcher that runs workerd (the one Miniflare would run) with its
 * standard output appended to `file`, and returns the launcher's path.
 */
async function workerdWritingTo(file: string): Promise<string> {
  const workerd = (createRequire(createRequire(import.meta.url).resolve("miniflare"))("workerd") as { default: string }).default;
  const launcher = `${file}.workerd.sh`;
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  await writeFile(launcher, `#!/bin/sh\nexec ${quote(workerd)} "$@" >>${quote(file)}\n`);
  await chmod(launcher, 0o755);
  return launcher;
}

async function start(create: () => Miniflare, port: number, launcher?: string): Promise<RunningWorker> {
  const before = new Set(await childrenNamed(process.pid, "workerd"));
  // Miniflare reads the variable when it spawns workerd, after the constructor returns; Workers start one at a time.
  const previous = process.env[WORKERD_PATH_VARIABLE];
  if (launcher !== undefined) process.env[WORKERD_PATH_VARIABLE] = launcher;
  const mf = create();
  const stop = onCleanup(() => mf.dispose());
  try {
    await mf.ready;
  } catch (error) {
    // Disposing an instance that failed to start rejects with the same error: report the first.
    await stop().catch(() => {});
    throw error;
  } finally {
    if (previous === undefined) delete process.env[WORKERD_PATH_VARIABLE];
    else process.env[WORKERD_PATH_VARIABLE] = previous;
  }
  const started = (await childrenNamed(process.pid, "workerd")).filter((pid) => !before.has(pid));
  return { url: `http://127.0.0.1:${port}`, pid: started.length === 1 ? (started[0] as number) : null, stop };
}

/** Calls `receive` with each chunk of `input` cut after its last newline (the rest waits for the next chunk). */
function wholeLines(input: Readable, receive: (text: string) => void): void {
  let rest = "";
  input.setEncoding("utf8");
  input.on("data", (chunk: string) => {
    const text = rest + chunk;
    const end = text.lastIndexOf("\n");
    rest = end < 0 ? text : text.slice(end + 1);
    if (end >= 0) receive(text.slice(0, end + 1));
  });
  input.on("end", () => {
    if (rest !== "") receive(`${rest}\n`);
  });
}

/**
 * Runs the bundled Worker `mainFile` with `bindings` as its environment.
 * `edgeCache: false` gives it a Cache API that never stores anything, so each
 * request reaches the index reader.
 */
export async function startBundledWorker(options: {
  mainFile: string;
  compatibility: Compatibility;
  bindings: Record<string, string>;
  edgeCache: boolean;
  port?: number;
  /**
   * Folder for the edge cache's entries; default: kept in workerd's memory,
   * where a long run's cache entries would count as the Worker's memory.
   */
  cachePersist?: string;
  /** Opens workerd's V8 inspector on this port (for reading the isolate's heap, see isolate-heap.ts). */
  inspectorPort?: number;
  /** Receives every line workerd writes (the Worker's console and workerd's own diagnostics); default: printed. */
  onOutput?: (stream: "stdout" | "stderr", line: string) => void;
  /**
   * Receives workerd's output in blocks of whole lines as they arrive, in
   * place of `onOutput`: at thousands of log lines a second, one call per
   * line costs this process (which shares the machine with the Worker under
   * load) several percent of a core.
   */
  onOutputBlock?: (stream: "stdout" | "stderr", lines: string) => void;
  /**
   * Appends workerd's standard output (the Worker's `console.log` lines) to
   * this file instead of sending it through a pipe to this process (standard
   * error still comes through `onOutput`/`onOutputBlock`). Under load every
   * line written to a pipe wakes its reader on another core, which on a small
   * virtual machine costs the writing Worker as much as a tenth of its
   * throughput; on Cloudflare log lines go to the runtime's own buffer. The
   * Worker still formats and writes every line.
   */
  stdoutFile?: string;
  /** Binds the R2 bucket kept in this folder as ARTICLES_BUCKET (see {@link openR2Bucket}). */
  r2Persist?: string;
}): Promise<RunningWorker> {
  const port = options.port ?? (await freePort());
  const { onOutput, onOutputBlock } = options;
  const create = () =>
    createMiniflare({
      ...(onOutputBlock
        ? {
            handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
              wholeLines(stdout, (text) => onOutputBlock("stdout", text));
              wholeLines(stderr, (text) => onOutputBlock("stderr", text));
            },
          }
        : onOutput
          ? {
              handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
                createInterface({ input: stdout }).on("line", (line) => onOutput("stdout", line));
                createInterface({ input: stderr }).on("line", (line) => onOutput("stderr", line));
              },
            }
          : {}),
      ...(process.env.BENCH_VERBOSE ? { verbose: true } : {}),
      modules: true,
      scriptPath: options.mainFile,
      // Module names are relative to this root; the default (cwd) cannot reach a temp folder.
      modulesRoot: dirname(options.mainFile),
      ...options.compatibility,
      bindings: options.bindings,
      cache: options.edgeCache,
      ...(options.cachePersist ? { cachePersist: options.cachePersist } : {}),
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      ...(options.r2Persist ? { r2Buckets: [R2_BINDING], r2Persist: options.r2Persist } : {}),
      host: "127.0.0.1",
      port,
    });
  return start(create, port, options.stdoutFile === undefined ? undefined : await workerdWritingTo(options.stdoutFile));
}

/** The binding name the Worker takes its R2 bucket from (wrangler.toml `[[r2_buckets]]`). */
const R2_BINDING = "ARTICLES_BUCKET";

/**
 * Opens the emulated R2 bucket kept in `persist` from this process, through
 * Miniflare's proxy of the binding: what is put here, a Worker started with
 * the same `r2Persist` reads through its own binding.
 */
export async function openR2Bucket(persist: string, compatibility: Compatibility): Promise<{ bucket: unknown; close(): Promise<void> }> {
  const mf = createMiniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 204 }); } };",
    ...compatibility,
    r2Buckets: [R2_BINDING],
    r2Persist: persist,
  });
  const close = onCleanup(() => mf.dispose());
  return { bucket: await mf.getR2Bucket(R2_BINDING), close };
}

/** Runs a Worker given as module source text (small baselines written inline). */
export async function startScriptWorker(options: {
  script: string;
  bindings: Record<string, string>;
  compatibility: Compatibility;
  /** Opens workerd's V8 inspector on this port (to profile the isolate as the bundled Worker is). */
  inspectorPort?: number;
}): Promise<RunningWorker> {
  const port = await freePort();
  const create = () =>
    createMiniflare({
      modules: true,
      script: options.script,
      ...options.compatibility,
      bindings: options.bindings,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      host: "127.0.0.1",
      port,
    });
  return start(create, port);
}
