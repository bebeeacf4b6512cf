/**
 * Load from autocannon (npm), the fallback when wrk is not installed. It
 * runs in a Node process of its own (autocannon-child.ts), not in the
 * benchmark's: its CPU is then its own, and the benchmark's timers and
 * proxy do not compete with it on the same event loop.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { LoadJob, LoadResult } from "./load-generator";

const CHILD = fileURLToPath(new URL("./autocannon-child.ts", import.meta.url));
/** A run may end this long after its duration (connection start-up, the last responses, the report) before it is given up. */
const GRACE_MS = 30_000;

/** autocannon's installed version, or null when it is not installed. */
export async function autocannonVersion(): Promise<string | null> {
  try {
    return (createRequire(import.meta.url)("autocannon/package.json") as { version: string }).version;
  } catch {
    return null;
  }
}

/** Runs `job` with autocannon in a child process and returns its figures. */
export async function runAutocannon(job: LoadJob): Promise<LoadResult> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  child.stdin.end(JSON.stringify(job));
  const timer = setTimeout(() => child.kill("SIGTERM"), job.durationSeconds * 1000 + GRACE_MS);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  const line = out.trim().split("\n").pop() ?? "";
  if (code !== 0 || !line.startsWith("{")) throw new Error(`autocannon exited with ${code}: ${err.trim() || out.trim()}`);
  return JSON.parse(line) as LoadResult;
}
