/**
 * Calls the Worker the way the runtime does (its `fetch` with an execution
 * context), inside workerd, and waits for its background work (edge-cache
 * writes) before returning.
 *
 * Tests use workers made by `createWorker` with a fixed clock, so that no
 * test depends on today's date; a test that needs isolate state of its own
 * (memory caches, rebuild coordination) makes its own with {@link newWorker}.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import type { ApplicationOptions } from "../../src/app/application";
import { createLogger, type LogLevel } from "../../src/app/log";
import type { Env } from "../../src/config";
import { createWorker } from "../../src/worker";
import { testEnv } from "./env";
import { TEST_NOW } from "./fixtures";

export { TEST_NOW };

/** The handlers of one simulated isolate. */
export type TestWorker = ReturnType<typeof createWorker>;

/** A worker with state of its own and the test clock (or `clock`), and any other application options. */
export function newWorker(clock: () => Date = () => TEST_NOW, options: Omit<ApplicationOptions, "clock"> = {}): TestWorker {
  return createWorker({ ...options, clock });
}

/** A clock that stands still at `start` until a test moves it. */
export function movableClock(start: Date = TEST_NOW): { now: () => Date; advance(ms: number): void } {
  let time = start.getTime();
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
  };
}

/** One captured log line, parsed. */
export type LogLine = { level: LogLevel; message: string; raw: string } & Record<string, unknown>;

/** A logger that keeps its lines for the test to read (nothing reaches the console). */
export function capturingLog(): { log: ReturnType<typeof createLogger>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({ sink: (_level, raw) => lines.push({ ...(JSON.parse(raw) as { level: LogLevel; message: string }), raw }) });
  return { log, lines };
}

/**
 * Like {@link call}, but reports how long the response took, apart from the
 * background work the Worker goes on with (`settled` ends when that is done).
 */
export async function timedCall(
  path: string,
  init: RequestInit = {},
  env: Env = testEnv(),
  worker: TestWorker = sharedWorker,
): Promise<{ response: Response; ms: number; settled: Promise<void> }> {
  const ctx = createExecutionContext();
  const url = new URL(path, env.SITE_URL ?? "https://news.example.com");
  const started = performance.now();
  const response = await worker.fetch(new Request(url, init), env, ctx);
  const ms = performance.now() - started;
  return { response, ms, settled: waitOnExecutionContext(ctx) };
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

/** What a queue handler did with a batch: acknowledged ids, retried ids with their delays. */
export interface QueueOutcome {
  acked: string[];
  /** Message id -> delay in seconds (undefined: the queue's default). */
  retried: Record<string, number | undefined>;
  /** Set when the whole batch was retried: its delay (or null without one). */
  retriedAll: number | null | undefined;
}

/**
 * Delivers `bodies` as one batch of the `feed-changes` queue to the Worker's
 * queue handler. The test harness's own result does not keep retry delays,
 * so the messages' `retry` and the batch's `retryAll` are observed directly.
 */
export async function runQueue(bodies: unknown[], env: Env, worker: TestWorker = sharedWorker): Promise<QueueOutcome> {
  const messages = bodies.map((body, index) => ({ id: `message-${index}`, timestamp: TEST_NOW, attempts: 1, body }));
  const batch = createMessageBatch("feed-changes", messages);
  const outcome: QueueOutcome = { acked: [], retried: {}, retriedAll: undefined };
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      outcome.retried[message.id] = options?.delaySeconds;
      retry(options);
    };
  }
  const retryAll = batch.retryAll.bind(batch);
  batch.retryAll = (options?: QueueRetryOptions) => {
    outcome.retriedAll = options?.delaySeconds ?? null;
    retryAll(options);
  };
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  if (result.outcome !== "ok") throw new Error(`the queue handler failed: ${result.outcome}`);
  outcome.acked = [...result.explicitAcks].sort();
  return outcome;
}

/**
 * Requests that reached `bucket` through the counting proxy so far: a run's
 * subrequests as the S3 server saw them (each listing page, get, put and
 * delete, retries included).
 */
export async function wireRequests(bucket: string): Promise<number> {
  const response = await fetch(`${inject("s3CountingEndpoint")}/__requests/${encodeURIComponent(bucket)}`);
  return ((await response.json()) as { requests: number }).requests;
}
