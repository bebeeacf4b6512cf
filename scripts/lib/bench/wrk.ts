/**
 * Load from `wrk` (C, event-driven: it saturates a Worker on a fraction of a
 * core, where a Node client would need several), one process per request
 * class so that each class gets its own latency distribution. The request
 * mix of a class is a Lua script (see {@link wrkScript}); its result is
 * parsed from wrk's report, and wrk's own CPU time is taken from the shell
 * that waits for it (exact, where sampling /proc would miss its last moments).
 */
import { execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";

/** Where wrk is expected: `WRK` when set, else Debian's package. */
export const WRK = process.env.WRK ?? "/usr/bin/wrk";

/** One class of load. */
export interface WrkJob {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  /** Lua script (wrk's `request`/`response`/`done` hooks), written to a file by the caller. */
  scriptPath?: string;
  headers?: Record<string, string>;
  /** The wrk binary (default {@link WRK}). */
  wrk?: string;
}

/** What one wrk run reports. */
export interface WrkResult {
  name: string;
  /** Responses received (any status). */
  requests: number;
  /** Seconds the run lasted, as wrk measured it. */
  seconds: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Socket errors (connect, read, write, timeout). */
  socketErrors: number;
  /** Responses with status >= 400. */
  errorResponses: number;
  /** CPU seconds (user + system) wrk itself used. */
  cpuSeconds: number;
  /** Lines the script's `done` hook printed (`@key value`). */
  extra: Record<string, number>;
  raw: string;
}

/**
 * Runs `job` to its end. wrk runs under `sh`, whose `times` built-in prints
 * the CPU its finished children used: wrk's own CPU, to the tick, on stderr.
 */
export async function runWrk(job: WrkJob): Promise<WrkResult> {
  const args = ["-t1", `-c${job.connections}`, `-d${job.durationSeconds}s`, "--latency", "--timeout", "10s"];
  if (job.scriptPath) args.push("-s", job.scriptPath);
  for (const [name, value] of Object.entries(job.headers ?? {})) args.push("-H", `${name}: ${value}`);
  args.push(job.url);
  const child = spawn("sh", ["-c", '"$@"; status=$?; times >&2; exit $status', "sh", job.wrk ?? WRK, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  // `times` prints two lines, the shell's own user and system time, then its children's: `0m0.010000s 0m0.002000s`.
  const times = [...err.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  const cpuSeconds = times.length >= 4 ? (times[2] as number) + (times[3] as number) : Number.NaN;
  const diagnostics = err.replace(/^\d+m[\d.]+s \d+m[\d.]+s$/gm, "").trim();
  if (code !== 0) throw new Error(`wrk (${job.name}) exited with ${code}: ${`${out}\n${diagnostics}`.trim()}`);
  return { ...parseWrk(job.name, out), cpuSeconds };
}

/** Parses wrk's text report. */
export function parseWrk(name: string, raw: string): Omit<WrkResult, "cpuSeconds"> {
  const number = (pattern: RegExp): number => Number(pattern.exec(raw)?.[1] ?? Number.NaN);
  const percentile = (p: number): number => duration(new RegExp(`^\\s*${p}%\\s+([\\d.]+\\w+)`, "m").exec(raw)?.[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const extra: Record<string, number> = {};
  for (const match of raw.matchAll(/^@(\S+) (\d+)$/gm)) extra[match[1] ?? ""] = Number(match[2]);
  const total = /(\d+) requests in ([\d.]+\w+)/.exec(raw);
  return {
    name,
    requests: Number(total?.[1] ?? Number.NaN),
    seconds: duration(total?.[2]) / 1000,
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    max: duration(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(raw)?.[1]),
    socketErrors: socket ? socket.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
    errorResponses: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
    extra,
    raw,
  };
}

/** wrk's `1.23ms`, `850.00us`, `1.02s`, `2.00m` in milliseconds. */
function duration(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[match[2] as "us" | "ms" | "s" | "m"];
}

/**
 * Writes a wrk Lua script to `path` that requests `paths` (in turn, or at
 * random with a random `?limit=` of 1 to 100). With `countResponses` it also
 * counts the statuses and the `Server-Timing` cache states of the responses,
 * printed as `@status-200 n` and `@cache-memory n` lines that
 * {@link parseWrk} reads into `extra`; that costs wrk much of its speed (the
 * hook gets every body as a Lua string), so throughput runs leave it off.
 * The generator is seeded: every run asks for the same sequence.
 */
export async function writeWrkScript(path: string, paths: readonly string[], options: { randomLimit: boolean; countResponses?: boolean }): Promise<string> {
  if (paths.length === 0) throw new Error("a wrk script needs at least one path");
  const counting = `response = function(status, headers, body)
  local key = "status-" .. status
  counts[key] = (counts[key] or 0) + 1
  local timing = headers["Server-Timing"] or headers["server-timing"] or ""
  local cache = string.match(timing, 'cache;desc="(%a+)"') or "none"
  counts["cache-" .. cache] = (counts["cache-" .. cache] or 0) + 1
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do io.write("@" .. key .. " " .. value .. "\\n") end
  end
end
`;
  const lua = `-- generated by scripts/lib/bench/wrk.ts
local paths = { ${paths.map((entry) => JSON.stringify(entry)).join(", ")} }
local n = 0
counts = {}
local threads = {}
math.randomseed(4711)
setup = function(thread) table.insert(threads, thread) end
request = function()
  n = n + 1
  ${options.randomLimit ? 'return wrk.format("GET", paths[math.random(#paths)] .. "?limit=" .. math.random(1, 100))' : 'return wrk.format("GET", paths[(n % #paths) + 1])'}
end
${options.countResponses === false ? "" : counting}`;
  await writeFile(path, lua);
  return path;
}

/** wrk's version line (`wrk debian/4.1.0-3+b2`), or null when `wrk` does not run. */
export async function wrkVersion(wrk: string = WRK): Promise<string | null> {
  // `wrk -v` prints its version and usage and exits with 1 on some builds: read the output whatever the status.
  const output = await promisify(execFile)(wrk, ["-v"], { timeout: 5_000 }).then(
    (result) => result.stdout + result.stderr,
    (error: { stdout?: string; stderr?: string; code?: unknown }) => (typeof error.code === "number" ? `${error.stdout ?? ""}${error.stderr ?? ""}` : ""),
  );
  return /^(wrk \S+)/m.exec(output)?.[1] ?? null;
}
