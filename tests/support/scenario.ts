/**
 * A small world of its own for the fault and self-healing tests: a folder of
 * articles in the scratch bucket, an index built over it, an isolate (with a
 * movable clock and a captured log) and an environment that reaches the
 * store directly or through a channel of the fault-injecting proxy.
 */
import { inject } from "vitest";
import { purgeKeys } from "../../src/app/cache-keys";
import { type Env, loadStoreSettings, s3Settings } from "../../src/config";
import { type IndexKeys, indexKeys } from "../../src/index/schema";
import { mapLimit } from "../../src/store/concurrency";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";
import { testEnv } from "./env";
import { type FaultChannel, openFaultChannel } from "./faults";
import { call, capturingLog, type LogLine, movableClock, newWorker, type TestWorker } from "./worker";

/** The admin token of every scenario (a secret: never in a response or a log line). */
export const SCENARIO_TOKEN = "scenario-admin-token-5e2a";

/** One scenario's world. */
export interface Scenario {
  env: Env;
  site: string;
  worker: TestWorker;
  clock: ReturnType<typeof movableClock>;
  /** Every log line of the scenario's isolate since it was set up. */
  lines: LogLine[];
  /** The scratch bucket, reached directly (never through the proxy). */
  store: ArticleStore;
  prefix: string;
  keys: IndexKeys;
  /** Present when the Worker reaches the store through the fault proxy. */
  channel: FaultChannel | null;
  /** `POST /admin/reindex`. */
  reindex(): Promise<Response>;
  /** Forgets the fresh edge-cache copies of `paths` (as if their max-age had passed); last good copies stay. */
  expire(paths: readonly string[]): Promise<void>;
}

/**
 * Builds a scenario named `name` (its folder and host name) with `count`
 * articles in two months and two tags, indexed; INDEX_TTL is `indexTtl`
 * (default 60; with 0 nothing is kept in memory and requests start at most
 * one run per ten seconds).
 */
export async function scenario(name: string, options: { count?: number; viaProxy?: boolean; indexTtl?: number } = {}): Promise<Scenario> {
  const prefix = `${name}-${crypto.randomUUID().slice(0, 8)}/`;
  const site = `https://${name}.scenario.example`;
  const channel = options.viaProxy ? await openFaultChannel() : null;
  const env = testEnv("scratch", {
    S3_PREFIX: prefix,
    SITE_URL: site,
    INDEX_TTL: String(options.indexTtl ?? 60),
    ADMIN_TOKEN: SCENARIO_TOKEN,
    // Everything: the lines go to the scenario's own log, not to the console.
    LOG_LEVEL: "info",
    ...(channel ? { S3_ENDPOINT: channel.endpoint } : {}),
  });
  const direct = loadStoreSettings({ ...env, S3_ENDPOINT: inject("s3Endpoint") });
  const store = createS3Store(s3Settings(direct));
  await mapLimit(
    Array.from({ length: options.count ?? 6 }, (_, i) => i),
    8,
    (i) => store.put(`${prefix}${articleName(i)}.txt`, articleText(i)),
  );
  const clock = movableClock();
  const { log, lines } = capturingLog();
  const worker = newWorker(clock.now, { log });
  const world: Scenario = {
    env,
    site,
    worker,
    clock,
    lines,
    store,
    prefix,
    keys: indexKeys(prefix),
    channel,
    reindex: () => call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${SCENARIO_TOKEN}` } }, env, worker),
    async expire(paths) {
      await Promise.all(paths.flatMap((path) => purgeKeys(site + path)).map((key) => caches.default.delete(new Request(key))));
    },
  };
  const built = await world.reindex();
  if (built.status !== 200) throw new Error(`scenario ${name}: index run answered ${built.status}`);
  lines.length = 0; // the log starts with the scenario itself
  return world;
}

/** The file name (and id) of article `i`. */
export function articleName(i: number): string {
  return `meldung-${String(i).padStart(3, "0")}`;
}

/** Article `i`: even ones in May 2025 tagged Hafen, odd ones in June tagged Bahn; newest has the highest number. */
export function articleText(i: number): string {
  const month = i % 2 === 0 ? "05" : "06";
  const day = String(1 + (Math.floor(i / 2) % 28)).padStart(2, "0");
  const minute = String(i % 60).padStart(2, "0");
  return [
    "---",
    `title: Meldung ${i} aus dem Hafen`,
    `date: 2025-${month}-${day}T08:${minute}:00Z`,
    `tags: [${i % 2 === 0 ? "Hafen" : "Bahn"}]`,
    "author: Erika Muster",
    `source: https://example.org/meldung/${i}`,
    "---",
    `Die Meldung Nummer ${i} berichtet über den Hafen und die Bahn.`,
    "",
  ].join("\n");
}
