/**
 * Workers in workerd for the benchmark, through Miniflare (the engine behind
 * `wrangler dev`, installed with wrangler). Each runs on its own loopback
 * port, so the load generator talks HTTP to it as a client would.
 */
import { createServer } from "node:net";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { onCleanup } from "./cleanup";

/** A Worker listening on 127.0.0.1. */
export interface RunningWorker {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
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

async function start(mf: Miniflare, port: number): Promise<RunningWorker> {
  const stop = onCleanup(() => mf.dispose());
  try {
    await mf.ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
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
}): Promise<RunningWorker> {
  const port = options.port ?? (await freePort());
  const onOutput = options.onOutput;
  const mf = createMiniflare({
    ...(onOutput
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
    host: "127.0.0.1",
    port,
  });
  return start(mf, port);
}

/** Runs a Worker given as module source text (small baselines written inline). */
export async function startScriptWorker(options: { script: string; bindings: Record<string, string>; compatibility: Compatibility }): Promise<RunningWorker> {
  const port = await freePort();
  const mf = createMiniflare({
    modules: true,
    script: options.script,
    ...options.compatibility,
    bindings: options.bindings,
    host: "127.0.0.1",
    port,
  });
  return start(mf, port);
}
