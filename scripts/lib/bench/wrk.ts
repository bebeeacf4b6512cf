/**
 * Load from `wrk` (C, event-driven: it saturates a Worker on a fraction of a
 * core, where a Node client would need several), one process per request
 * class so that each class gets its own latency distribution. The request
 * mix of a class is a Lua script; its result is parsed from wrk's report.
 */
import { spawn } from "node:child_process";
import { cpuSeconds } from "./process-stats";

/** Where wrk is expected (Debian's package). */
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
}

/** What one wrk run reports. */
export interface WrkResult {
  name: string;
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Socket errors (connect, read, write, timeout) and responses with status >= 400. */
  socketErrors: number;
  errorResponses: number;
  /** CPU seconds wrk itself used. */
  cpuSeconds: number;
  /** Lines the script's `done` hook printed (`key value`). */
  extra: Record<string, number>;
  raw: string;
}

/** Runs `job` to its end. */
export async function runWrk(job: WrkJob): Promise<WrkResult> {
  const args = ["-t1", `-c${job.connections}`, `-d${job.durationSeconds}s`, "--latency", "--timeout", "10s"];
  if (job.scriptPath) args.push("-s", job.scriptPath);
  for (const [name, value] of Object.entries(job.headers ?? {})) args.push("-H", `${name}: ${value}`);
  args.push(job.url);
  const child = spawn(WRK, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  // Sample the generator's CPU until it exits: /proc is gone once it has been reaped.
  let cpu = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) void cpuSeconds(child.pid).then((seconds) => (cpu = seconds ?? cpu));
  }, 500);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`wrk (${job.name}) exited with ${code}: ${out.trim()}`);
  return { ...parseWrk(job.name, out), cpuSeconds: cpu };
}

/** Parses wrk's text report. */
export function parseWrk(name: string, raw: string): Omit<WrkResult, "cpuSeconds"> {
  const number = (pattern: RegExp): number => Number(pattern.exec(raw)?.[1] ?? Number.NaN);
  const percentile = (p: number): number => duration(new RegExp(`^\\s*${p}%\\s+([\\d.]+\\w+)`, "m").exec(raw)?.[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const extra: Record<string, number> = {};
  for (const match of raw.matchAll(/^@(\S+) (\d+)$/gm)) extra[match[1] ?? ""] = Number(match[2]);
  return {
    name,
    requests: number(/(\d+) requests in/),
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
