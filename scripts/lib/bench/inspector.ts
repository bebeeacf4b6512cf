/**
 * A Chrome DevTools Protocol connection to the user Worker's isolate in
 * workerd, through the V8 inspector Miniflare opens with `inspectorPort`.
 * The heap reader (isolate-heap.ts) and the CPU profiler (isolate-cpu.ts)
 * both talk to the isolate through it.
 */
import { WebSocket } from "undici";

/** An open inspector session on one isolate. */
export interface IsolateInspector {
  /**
   * Sends `method` with `params`; resolves with the result, or null when the
   * call failed, timed out or the connection is closed (a benchmark reading
   * a figure should report it missing, not crash).
   */
  call(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  /** True while the connection is open. */
  open(): boolean;
  close(): void;
}

/** How long one call may take by default; a profile of many requests is returned in one message and may take longer (callers pass their own). */
const CALL_TIMEOUT_MS = 5_000;

/**
 * Connects to the inspector on `port` and picks the isolate of the user's
 * Worker: the target whose id names no Miniflare service (Miniflare's own
 * workers are `core:…` entries other than `core:user:…`).
 */
export async function connectInspector(port: number): Promise<IsolateInspector> {
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
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id === undefined) return;
    // An error answer (unknown method, bad state) counts as no result; workerd answers some commands without a `result` at all.
    waiting.get(message.id)?.(message.error === undefined ? (message.result ?? {}) : null);
    waiting.delete(message.id);
  });
  return {
    call(method, params = {}, timeoutMs = CALL_TIMEOUT_MS) {
      if (socket.readyState !== WebSocket.OPEN) return Promise.resolve(null);
      return new Promise((resolve) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(null);
        }, timeoutMs);
        waiting.set(id, (result) => {
          clearTimeout(timer);
          resolve(result);
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    open: () => socket.readyState === WebSocket.OPEN,
    close() {
      socket.close();
    },
  };
}
