/**
 * The JavaScript heap of the Worker's isolate in workerd, read through
 * workerd's V8 inspector with the Chrome DevTools Protocol's
 * `Runtime.getHeapUsage`. This is what the Workers memory limit (128 MB per
 * isolate) applies to; the workerd process's resident memory also holds the
 * runtime itself and Miniflare's own services, among them the emulated edge
 * cache, which on Cloudflare lives outside the Worker.
 */
import { WebSocket } from "undici";

/** A connection to one isolate's inspector. */
export interface IsolateHeap {
  /** Bytes of the isolate's JavaScript heap in use now (live objects and garbage not yet collected), or null when it cannot be read. */
  usedBytes(): Promise<number | null>;
  close(): void;
}

/** How long one inspector call may take before the sample is given up. */
const CALL_TIMEOUT_MS = 5_000;

/**
 * Connects to the inspector on `port` (Miniflare's `inspectorPort`) and picks
 * the isolate of the user's Worker: the target whose id names no Miniflare
 * service (Miniflare's own workers are `core:…` entries other than `core:user:…`).
 */
export async function connectIsolateHeap(port: number): Promise<IsolateHeap> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((entry) => entry.id.startsWith("core:user:")) ?? targets[0];
  if (target === undefined) throw new Error("workerd's inspector lists no isolate");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("cannot connect to workerd's inspector")), { once: true });
  });
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id === undefined) return;
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  const call = (method: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(null);
      }, CALL_TIMEOUT_MS);
      waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    async usedBytes() {
      if (socket.readyState !== WebSocket.OPEN) return null;
      const result = (await call("Runtime.getHeapUsage")) as { usedSize?: number } | null;
      return typeof result?.usedSize === "number" ? result.usedSize : null;
    },
    close() {
      socket.close();
    },
  };
}
