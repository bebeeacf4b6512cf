/**
 * The faults the proxy (fault-proxy.ts, Node) injects, shared with the
 * worker tests that switch them (faults.ts, workerd). Pure data.
 */

/** Every fault a channel can be switched to (fault-proxy.ts says what each does). */
export const FAULT_MODES = ["pass", "down", "slow", "hang", "reset", "http500", "truncated"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** A channel's current behaviour. */
export interface FaultSettings {
  mode: FaultMode;
  /** Delay of `slow`, in milliseconds (default 400). */
  delayMs?: number;
  /** Only requests with one of these methods get the fault (the others pass). */
  methods?: string[];
  /** Only requests whose decoded path contains this get the fault. */
  pathIncludes?: string;
}
