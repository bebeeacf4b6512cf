/**
 * The load generator of the service benchmark, whichever one is at hand:
 * `wrk` when it is installed (C, event-driven, light on CPU), otherwise
 * autocannon from npm (a devDependency) in a Node process of its own. Both
 * report the same figures, among them their own CPU time, so the report
 * can show that the generator was not the bottleneck.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { autocannonVersion, runAutocannon } from "./autocannon-load";
import { runWrk, writeWrkScript, wrkVersion } from "./wrk";

/** One run of load against one Worker. */
export interface LoadJob {
  /** Base URL of the Worker, e.g. `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** Paths requested in turn, or (with `randomLimit`) at random, each with a random `?limit=` of 1 to 100. */
  paths: readonly string[];
  randomLimit?: boolean;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/** What a run measured. */
export interface LoadResult {
  /** Responses received (any status). */
  responses: number;
  seconds: number;
  /** Responses with a status below 400, per second. */
  okPerSecond: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  /** The generator's breakdown of the socket errors (wrk: `connect 0, read 3, write 0, timeout 45`), when it gives one. */
  socketErrorDetail: string | null;
  /** Responses with status >= 400. Statuses and cache states are counted from the Worker's request log, at no cost to the generator. */
  errorResponses: number;
  /** CPU seconds the generator itself used during the run. */
  generatorCpuSeconds: number;
}

/** A load generator. */
export interface LoadGenerator {
  /** e.g. `wrk debian/4.1.0-3+b2` or `autocannon 9.0.0`. */
  name: string;
  run(job: LoadJob): Promise<LoadResult>;
}

/** Which generator to use: `auto` is wrk when found, else autocannon. */
export type GeneratorChoice = "auto" | "wrk" | "autocannon";

/**
 * The generator for this machine. wrk is looked for as `WRK` (when set) or
 * on PATH; `workDir` receives its Lua scripts.
 */
export async function chooseLoadGenerator(choice: GeneratorChoice, workDir: string): Promise<LoadGenerator> {
  if (choice !== "autocannon") {
    const wrk = process.env.WRK ?? (await findOnPath("wrk"));
    const version = wrk === null ? null : await wrkVersion(wrk);
    if (wrk !== null && version !== null) return wrkGenerator(wrk, version, workDir);
    if (choice === "wrk" || process.env.WRK) throw new Error(`wrk not found or not runnable (${process.env.WRK ?? "not on PATH"})`);
  }
  const version = await autocannonVersion();
  if (version === null) throw new Error("neither wrk (on PATH or WRK=<path>) nor autocannon (npm ci installs it) is available");
  return { name: `autocannon ${version}`, run: runAutocannon };
}

async function findOnPath(command: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

function wrkGenerator(wrk: string, version: string, workDir: string): LoadGenerator {
  let scripts = 0;
  return {
    name: version,
    async run(job) {
      // One path needs no script: wrk then sends a request it formatted once, with no Lua per request.
      const single = job.paths.length === 1 && !job.randomLimit;
      const scriptPath = single
        ? undefined
        : await writeWrkScript(join(workDir, `load-${++scripts}.lua`), job.paths, { randomLimit: job.randomLimit ?? false, countResponses: false });
      const result = await runWrk({
        name: job.paths[0] ?? "",
        url: single ? job.baseUrl + job.paths[0] : job.baseUrl,
        connections: job.connections,
        durationSeconds: job.durationSeconds,
        ...(scriptPath ? { scriptPath } : {}),
        ...(job.headers ? { headers: job.headers } : {}),
        wrk,
      });
      return {
        responses: result.requests,
        seconds: result.seconds,
        okPerSecond: (result.requests - result.errorResponses) / result.seconds,
        p50: result.p50,
        p99: result.p99,
        socketErrors: result.socketErrors,
        socketErrorDetail: /Socket errors: ([^\n]*)/.exec(result.raw)?.[1] ?? null,
        errorResponses: result.errorResponses,
        generatorCpuSeconds: result.cpuSeconds,
      };
    },
  };
}
