/**
 * The JavaScript heap of the Worker's isolate in workerd, read through
 * workerd's V8 inspector with the Chrome DevTools Protocol's
 * `Runtime.getHeapUsage`. This is what the Workers memory limit (128 MB per
 * isolate) applies to; the workerd process's resident memory also holds the
 * runtime itself and Miniflare's own services, among them the emulated edge
 * cache, which on Cloudflare lives outside the Worker.
 */
import { connectInspector, type IsolateInspector } from "./inspector";

/** A connection to one isolate's inspector. */
export interface IsolateHeap {
  /** Bytes of the isolate's JavaScript heap in use now (live objects and garbage not yet collected), or null when it cannot be read. */
  usedBytes(): Promise<number | null>;
  /**
   * Bytes in use after a full garbage collection (`HeapProfiler.collectGarbage`):
   * what the isolate really keeps, without the garbage a sample may catch
   * just before a collection. Null when it cannot be read. workerd runs the
   * collection only when the isolate next handles a request, so `poke` must
   * send the Worker one (a cheap one: what it allocates is counted).
   */
  usedBytesAfterGc(poke: () => Promise<void>): Promise<number | null>;
  close(): void;
}

/** A full collection of a large heap can take a while on a busy machine. */
const GC_TIMEOUT_MS = 30_000;
/** Requests sent at most to get a collection run. */
const POKES = 20;

/** Reads the heap of the user Worker's isolate through the inspector on `port` (Miniflare's `inspectorPort`). */
export async function connectIsolateHeap(port: number): Promise<IsolateHeap> {
  return isolateHeapOf(await connectInspector(port));
}

/** The heap reader over an inspector session that is already open (shared with the CPU profiler). */
export function isolateHeapOf(inspector: IsolateInspector): IsolateHeap {
  const usedBytes = async (): Promise<number | null> => {
    const result = (await inspector.call("Runtime.getHeapUsage")) as { usedSize?: number } | null;
    return typeof result?.usedSize === "number" ? result.usedSize : null;
  };
  return {
    usedBytes,
    async usedBytesAfterGc(poke) {
      // collectGarbage answers an empty result once the collection is done; null means it failed or timed out.
      let answered = false;
      const collected = inspector.call("HeapProfiler.collectGarbage", {}, GC_TIMEOUT_MS).then((result) => {
        answered = true;
        return result;
      });
      for (let i = 0; i < POKES && !answered; i++) {
        await poke();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if ((await collected) === null) return null;
      return usedBytes();
    },
    close: () => inspector.close(),
  };
}
