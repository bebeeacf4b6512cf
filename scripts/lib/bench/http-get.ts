/**
 * One HTTP GET over loopback, timed, with the body read; and the figures the
 * Worker's `Server-Timing` header carries (which cache layer answered, how
 * many store reads it made).
 */

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

/** Like {@link timedGet}, but a status other than 200 is an error: the benchmark must not measure error pages. */
export async function getOk(url: string, headers: Record<string, string> = {}): Promise<Sample> {
  const sample = await timedGet(url, headers);
  if (sample.status !== 200) throw new Error(`GET ${url}: status ${sample.status}, expected 200`);
  return sample;
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
