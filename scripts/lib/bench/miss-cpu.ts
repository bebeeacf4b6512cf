/**
 * CPU per uncached request of one URL: sequential requests to a Worker that
 * caches nothing (INDEX_TTL=0, edge cache off), so each one reads the index
 * from the store and renders. Two passes of the same requests after a
 * warm-up (the JIT, the connections): the first unprofiled, for the workerd
 * process's CPU from /proc, the store requests at the wire and the latency;
 * the second under V8's CPU profiler, for the isolate's own CPU (what
 * Workers bills; the profiler's overhead would inflate the process figure).
 * The profiled pass is three profiles of a third of the requests each, and
 * the figure is the median of their means: the profiler samples wall-clock
 * time, so a burst of other work on the machine (this one has two cores and
 * is shared) inflates the profile it falls into, and only that one.
 */
import { cacheStatus, getOk, storeReads } from "./http-get";
import type { IsolateInspector } from "./inspector";
import { profileIsolateCpu } from "./isolate-cpu";
import { cpuSeconds } from "./process-stats";
import { median } from "./stats";

/** Sampling interval of the profiler: fine enough for requests of a few ms (see isolate-cpu.ts for how gaps are read). */
export const PROFILE_INTERVAL_US = 200;
/** Profiles per measurement (an odd number: the figure is their median). */
const PROFILES = 3;

/** What one URL costs per uncached request. */
export interface MissCpu {
  /** Requests per pass. */
  requests: number;
  /** The isolate's CPU per request (V8 profiler), ms; null when the profile could not be read. */
  isolateMs: number | null;
  /** Of which garbage collection, ms. */
  gcMs: number | null;
  /** The workerd process's CPU per request (/proc): the isolate, Miniflare's proxy and services, the HTTP stack; an upper bound. */
  processMs: number | null;
  /** Requests that reached the S3 server per request (counted at the wire; a listing page is one). */
  storeRequests: number;
  /** Store reads per request as the Worker reports them (`Server-Timing`), lowest and highest. */
  reads: { min: number; max: number } | null;
  /** Latency p50 of the unprofiled pass, ms. */
  p50Ms: number;
  /** Responses per `Server-Timing` cache state (all "miss" when nothing was cached). */
  cache: Record<string, number>;
}

/** Where to send the requests and how to read the Worker's costs. */
export interface MissTarget {
  url: string;
  /** The workerd process (null: no process figure). */
  pid: number | null;
  /** Inspector session on the Worker's isolate (null: no isolate figure). */
  inspector: IsolateInspector | null;
  /** Requests that reached the S3 server so far (the counting proxy), or a constant for a Worker without a store. */
  storeCount: () => number;
}

/** Measures `target.url`: `warmup` untimed requests, then two passes of `requests` each. */
export async function measureMissCpu(target: MissTarget, options: { warmup: number; requests: number }): Promise<MissCpu> {
  for (let i = 0; i < options.warmup; i++) await getOk(target.url);

  const cpuBefore = target.pid === null ? null : await cpuSeconds(target.pid);
  const storeBefore = target.storeCount();
  const latencies: number[] = [];
  const reads: number[] = [];
  const cache: Record<string, number> = {};
  for (let i = 0; i < options.requests; i++) {
    const sample = await getOk(target.url);
    latencies.push(sample.ms);
    const read = storeReads(sample.headers);
    if (read !== null) reads.push(read);
    const state = cacheStatus(sample.headers) ?? "none";
    cache[state] = (cache[state] ?? 0) + 1;
  }
  const cpuAfter = target.pid === null ? null : await cpuSeconds(target.pid);
  const storeRequests = (target.storeCount() - storeBefore) / options.requests;
  const processMs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / options.requests;

  const perProfile = Math.max(1, Math.floor(options.requests / PROFILES));
  const profiles: { cpuMs: number; gcMs: number }[] = [];
  for (let p = 0; target.inspector !== null && p < PROFILES; p++) {
    const profile = await profileIsolateCpu(
      target.inspector,
      async () => {
        for (let i = 0; i < perProfile; i++) await getOk(target.url);
      },
      PROFILE_INTERVAL_US,
    );
    if (profile === null) break;
    profiles.push({ cpuMs: profile.cpuUs / 1000 / perProfile, gcMs: profile.gcUs / 1000 / perProfile });
  }
  // The median profile by CPU, and its own GC share.
  const middle = profiles.length === PROFILES ? [...profiles].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(PROFILES / 2)] : undefined;
  return {
    requests: options.requests,
    isolateMs: middle === undefined ? null : middle.cpuMs,
    gcMs: middle === undefined ? null : middle.gcMs,
    processMs,
    storeRequests,
    reads: reads.length === 0 ? null : { min: Math.min(...reads), max: Math.max(...reads) },
    p50Ms: median(latencies),
    cache,
  };
}
