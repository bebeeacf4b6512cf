/**
 * Load generation over loopback HTTP for the benchmark: sequential latency
 * samples and a closed-loop throughput run. Every loop is bounded both in
 * requests and in time, so a slow or stuck Worker cannot hang the benchmark.
 *
 * No longer used by `npm run bench` (its load comes from load-generator.ts,
 * its requests from http-get.ts); kept for report.ts, see there.
 */
import { type Summary, summarise } from "./stats";

/** One timed response. */
export interface Sample {
  ms: number;
  status: number;
  headers: Headers;
  body: string;
}

/** Sends one GET and reads the whole body; the time includes the body. */
export async function timedGet(url: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, headers: response.headers, body };
}

/** Latency of `count` sequential requests (after `warmup` untimed ones), stopping early after `maxMs`. */
export async function sampleLatency(
  url: string,
  options: { count: number; warmup?: number; headers?: Record<string, string>; maxMs?: number; expectStatus?: number },
): Promise<{ latency: Summary; samples: Sample[] }> {
  const deadline = performance.now() + (options.maxMs ?? 60_000);
  for (let i = 0; i < (options.warmup ?? 0); i++) await timedGet(url, options.headers);
  const samples: Sample[] = [];
  while (samples.length < options.count && performance.now() < deadline) {
    const sample = await timedGet(url, options.headers);
    if (sample.status !== (options.expectStatus ?? 200)) throw new Error(`GET ${url}: status ${sample.status}, expected ${options.expectStatus ?? 200}`);
    samples.push(sample);
  }
  return { latency: summarise(samples.map((sample) => sample.ms)), samples };
}

/** Result of a throughput run. */
export interface Throughput {
  requests: number;
  seconds: number;
  perSecond: number;
  errors: number;
  /** CPU seconds the load generator (this Node process) spent while measuring: near one per second means it was the bottleneck. */
  generatorCpuSeconds: number;
}

/**
 * `concurrency` clients request `url` back to back until `maxRequests` were
 * sent or `maxMs` passed; requests per second of completed 200 responses.
 */
export async function measureThroughput(
  url: string,
  options: { concurrency: number; maxRequests: number; maxMs: number; headers?: Record<string, string> },
): Promise<Throughput> {
  let sent = 0;
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + options.maxMs;
  const client = async (): Promise<void> => {
    while (sent < options.maxRequests && performance.now() < deadline) {
      sent++;
      try {
        const response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { requests: ok, seconds, perSecond: ok / seconds, errors, generatorCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The `reads=N` figure of a `Server-Timing` header; null when absent. */
export function storeReads(headers: Headers): number | null {
  const match = /store;desc="reads=(\d+)"/.exec(headers.get("Server-Timing") ?? "");
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** The `cache;desc="..."` figure of a `Server-Timing` header; null when absent. */
export function cacheStatus(headers: Headers): string | null {
  return /cache;desc="([^"]*)"/.exec(headers.get("Server-Timing") ?? "")?.[1] ?? null;
}

/**
 * Throughput of several URLs compared fairly: after an untimed warm-up burst
 * each, they are measured in turns for `rounds` rounds (so a slow phase of the
 * machine hits all of them alike), and each one's rounds are added up.
 */
export async function compareThroughput<K extends string>(
  urls: Readonly<Record<K, string>>,
  options: { rounds: number; concurrency: number; maxRequests: number; maxMs: number; warmupRequests: number },
): Promise<Record<K, Throughput>> {
  const names = Object.keys(urls) as K[];
  const totals = {} as Record<K, Throughput>;
  for (const name of names) {
    await measureThroughput(urls[name], { concurrency: options.concurrency, maxRequests: options.warmupRequests, maxMs: options.maxMs });
    totals[name] = { requests: 0, seconds: 0, perSecond: 0, errors: 0, generatorCpuSeconds: 0 };
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const name of names) {
      const run = await measureThroughput(urls[name], options);
      const total = totals[name];
      total.requests += run.requests;
      total.seconds += run.seconds;
      total.errors += run.errors;
      total.generatorCpuSeconds += run.generatorCpuSeconds;
      total.perSecond = total.requests / total.seconds;
    }
  }
  return totals;
}
