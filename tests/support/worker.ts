/**
 * Calls the Worker the way the runtime does (its `fetch` with an execution
 * context), inside workerd, and waits for its background work (edge-cache
 * writes) before returning.
 *
 * Tests use workers made by `createWorker` with a fixed clock, so that no
 * test depends on today's date; a test that needs isolate state of its own
 * (memory caches, rebuild coordination) makes its own with {@link newWorker}.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import type { Env } from "../../src/config";
import { createWorker } from "../../src/worker";
import { testEnv } from "./env";

/** The instant every test worker takes for "now": after every sample article but the embargoed one. */
export const TEST_NOW = new Date("2026-12-01T12:00:00.000Z");

/** The handlers of one simulated isolate. */
export type TestWorker = ReturnType<typeof createWorker>;

/** A worker with state of its own and the test clock (or `clock`). */
export function newWorker(clock: () => Date = () => TEST_NOW): TestWorker {
  return createWorker({ clock });
}

/** The isolate most tests share. */
export const sharedWorker = newWorker();

/** Requests `path` (relative to the environment's SITE_URL) from the Worker. */
export async function call(path: string, init: RequestInit = {}, env: Env = testEnv(), worker: TestWorker = sharedWorker): Promise<Response> {
  const ctx = createExecutionContext();
  const url = new URL(path, env.SITE_URL ?? "https://news.example.com");
  const response = await worker.fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs the Worker's cron handler once. */
export async function runScheduled(env: Env, worker: TestWorker = sharedWorker): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: TEST_NOW.getTime(), cron: "*/10 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The `reads=N` figure of a response's Server-Timing header. */
export function storeReads(response: Response): number {
  const match = /store;desc="reads=(\d+)"/.exec(response.headers.get("Server-Timing") ?? "");
  if (!match?.[1]) throw new Error(`no store reads in Server-Timing: ${response.headers.get("Server-Timing")}`);
  return Number(match[1]);
}
