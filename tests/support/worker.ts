/**
 * Calls the Worker the way the runtime does (its default export's `fetch` with
 * an execution context), inside workerd, and waits for its background work
 * (edge-cache writes) before returning.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import type { Env } from "../../src/config";
import worker from "../../src/index";
import { testEnv } from "./env";

/** Requests `path` (relative to the environment's SITE_URL) from the Worker. */
export async function call(path: string, init: RequestInit = {}, env: Env = testEnv()): Promise<Response> {
  const ctx = createExecutionContext();
  const url = new URL(path, env.SITE_URL ?? "https://news.example.com");
  const response = await worker.fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs the Worker's cron handler once. */
export async function runScheduled(env: Env): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/10 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The `reads=N` figure of a response's Server-Timing header. */
export function storeReads(response: Response): number {
  const match = /store;desc="reads=(\d+)"/.exec(response.headers.get("Server-Timing") ?? "");
  if (!match?.[1]) throw new Error(`no store reads in Server-Timing: ${response.headers.get("Server-Timing")}`);
  return Number(match[1]);
}
