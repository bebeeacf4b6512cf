/**
 * Bounded concurrency for store requests (index rebuilds, uploads): enough in
 * flight to hide a store's latency, few enough not to flood a server, exhaust
 * sockets or exceed the Workers runtime's limit of simultaneous connections.
 */

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of
 * the items; rejects with the first error (calls already started finish).
 */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
