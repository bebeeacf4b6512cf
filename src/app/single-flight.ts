/**
 * One piece of work per key at a time: callers that ask for a key while its
 * work is under way join it instead of starting their own. Concurrent misses
 * of one URL (a feed that just expired, a crawler opening the same page from
 * many connections) then cost one render and one set of store reads, not one
 * per request.
 *
 * Only work under way is shared: once it settles the key is free again, so a
 * failure is never handed to a later caller (it tries afresh) and a result is
 * kept only where the caller keeps it (the document caches).
 */

/** What {@link SingleFlight.run} gives a caller: the shared work, and whether this caller started it. */
export interface Flight<T> {
  promise: Promise<T>;
  /** True for the caller whose `work` runs; false for those who joined it. */
  leader: boolean;
}

/** Work shared among concurrent callers of the same key. */
export class SingleFlight {
  private readonly running = new Map<string, Promise<unknown>>();

  /**
   * The work under way for `key`, or `work()` started now. Every caller of one
   * key must ask for the same kind of result: the key names what is computed.
   */
  run<T>(key: string, work: () => Promise<T>): Flight<T> {
    const current = this.running.get(key);
    if (current !== undefined) return { promise: current as Promise<T>, leader: false };
    const promise = work();
    this.running.set(key, promise);
    const release = () => {
      if (this.running.get(key) === promise) this.running.delete(key);
    };
    promise.then(release, release);
    return { promise, leader: true };
  }

  /** Keys whose work is under way (for tests and diagnostics). */
  get size(): number {
    return this.running.size;
  }
}
