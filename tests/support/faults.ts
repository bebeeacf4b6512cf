/**
 * The worker tests' side of the fault-injecting proxy (fault-proxy.ts): open
 * a channel of one's own and switch it between faults.
 */
import { inject } from "vitest";
import type { FaultMode, FaultSettings } from "./fault-modes";

export type { FaultMode } from "./fault-modes";

/**
 * Longest time of a request answered without waiting for a failing store.
 * The design answers a stale copy after 50 ms (DEGRADED_WAIT_MS) and gives a
 * store call 1.5 s on the request path; the bound sits far from both, so that
 * it tells the two apart on a busy machine too (100 ms failed there by a few
 * milliseconds while nothing waited for the store).
 */
export const NO_WAIT_MS = 500;

/** One proxy channel: an S3 endpoint whose behaviour the test controls. */
export interface FaultChannel {
  /** Use as S3_ENDPOINT. */
  endpoint: string;
  /** Switches the channel; `options` may limit the fault to some methods or paths. */
  set(mode: FaultMode, options?: Omit<FaultSettings, "mode">): Promise<void>;
}

/** Opens a new channel (mode `pass`). */
export async function openFaultChannel(): Promise<FaultChannel> {
  const control = inject("faultControl");
  const opened = await fetch(`${control}/channels`, { method: "POST" });
  if (!opened.ok) throw new Error(`fault proxy: ${opened.status} ${await opened.text()}`);
  const { endpoint } = (await opened.json()) as { endpoint: string };
  const port = new URL(endpoint).port;
  return {
    endpoint,
    async set(mode, options = {}) {
      const response = await fetch(`${control}/channels/${port}`, { method: "PUT", body: JSON.stringify({ mode, ...options }) });
      if (!response.ok) throw new Error(`fault proxy: ${response.status} ${await response.text()}`);
    },
  };
}
