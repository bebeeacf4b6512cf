/**
 * Counts a store's requests and the time they took, for the `Server-Timing`
 * header (operators and the benchmark read it) and for rebuild reports.
 */
import { type ArticleStore, listAll } from "./store";

/** Requests made so far through a {@link MeteredStore}. */
export interface StoreMeter {
  reads: number;
  writes: number;
  /** Wall time spent waiting for the store, in milliseconds (overlapping requests add up). */
  durationMs: number;
}

/** An {@link ArticleStore} that also reports what it cost. */
export interface MeteredStore extends ArticleStore {
  readonly meter: Readonly<StoreMeter>;
}

/**
 * Wraps `store` so that every request counts: each listing page and each get
 * as a read, each put, delete and batch delete as a write. A `list` of
 * several pages counts as several reads, as the store sees it.
 */
export function meterStore(store: ArticleStore): MeteredStore {
  const meter: StoreMeter = { reads: 0, writes: 0, durationMs: 0 };
  async function timed<T>(kind: "reads" | "writes", run: () => Promise<T>): Promise<T> {
    meter[kind] += 1;
    const started = performance.now();
    try {
      return await run();
    } finally {
      meter.durationMs += performance.now() - started;
    }
  }
  return {
    meter,
    listPage: (prefix, options) => timed("reads", () => store.listPage(prefix, options)),
    list: (prefix, options) => listAll((p, o) => timed("reads", () => store.listPage(p, o)), prefix, options),
    get: (key) => timed("reads", () => store.get(key)),
    put: (key, body, options) => timed("writes", () => store.put(key, body, options)),
    delete: (key) => timed("writes", () => store.delete(key)),
    deleteMany: (keys) => timed("writes", () => store.deleteMany(keys)),
  };
}
