/**
 * The `Server-Timing` header (W3C Server Timing) on feed responses: how many
 * store requests a response cost and how long they took, whether it came from
 * the edge cache, and how long rendering took.
 */
import type { StoreMeter } from "../store/metered";

/** What one response cost. */
export interface ResponseCost {
  store: Readonly<StoreMeter>;
  /** Milliseconds spent rendering; null when nothing was rendered. */
  renderMs: number | null;
  /**
   * memory: isolate memory; hit: edge cache; stale: last good copy during an
   * outage; bypass: no edge cache here; shared: the render another request
   * started for the same document, which that request reports.
   */
  cache: "memory" | "hit" | "miss" | "stale" | "bypass" | "shared";
}

/** e.g. `store;desc="reads=1";dur=12.3, render;dur=0.8, cache;desc="miss"` */
export function serverTiming(cost: ResponseCost): string {
  const parts = [`store;desc="reads=${cost.store.reads}";dur=${cost.store.durationMs.toFixed(1)}`];
  if (cost.renderMs !== null) parts.push(`render;dur=${cost.renderMs.toFixed(1)}`);
  parts.push(`cache;desc="${cost.cache}"`);
  return parts.join(", ");
}
