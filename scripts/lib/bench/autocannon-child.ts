/**
 * The autocannon process of autocannon-load.ts: reads one {@link LoadJob} as
 * JSON on stdin, puts that load on the Worker, and writes one
 * {@link LoadResult} as a JSON line on stdout. Its CPU time is measured here
 * around the run alone, without this process's start-up.
 */
import autocannon from "autocannon";
import type { LoadJob, LoadResult } from "./load-generator";

/** Same seed as the wrk scripts': every run asks for the same sequence. */
const SEED = 4711;

/** mulberry32: a small seeded generator (Math.random cannot be seeded). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as LoadJob;
  const random = seeded(SEED);
  let turn = 0;
  const nextPath = (): string => {
    if (!job.randomLimit) return job.paths[turn++ % job.paths.length] as string;
    const path = job.paths[Math.floor(random() * job.paths.length)] as string;
    return `${path}?limit=${1 + Math.floor(random() * 100)}`;
  };
  const cpuBefore = process.cpuUsage();
  // No onResponse hook: it would make autocannon keep every body. Statuses come from its own counts.
  const result = await autocannon({
    url: job.baseUrl,
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: 10,
    ...(job.headers ? { headers: job.headers } : {}),
    requests: [{ setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
  const cpu = process.cpuUsage(cpuBefore);
  const statuses = Object.entries(result.statusCodeStats).map(([status, stat]) => [Number(status), stat.count] as const);
  const responses = statuses.reduce((sum, [, count]) => sum + count, 0);
  const errorResponses = statuses.filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
  const answer: LoadResult = {
    responses,
    seconds: result.duration,
    okPerSecond: (responses - errorResponses) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    socketErrors: result.errors,
    socketErrorDetail: `errors ${result.errors} (of which timeouts ${result.timeouts})`,
    errorResponses,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
