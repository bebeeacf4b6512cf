/**
 * The Worker with its bucket bound as ARTICLES_BUCKET and no S3_* setting at
 * all (so no request to an S3 server could even be addressed): the sample
 * articles, copied into Miniflare's local R2 bucket, become the three feeds
 * and the article pages; the index is built into the bucket by
 * `POST /admin/reindex`, kept up by the change path, the cron run and the
 * queue; and while the binding hangs or fails, requests answer the last good
 * copy or a 503 as quickly as with S3 (the request path's deadlines and the
 * circuit breaker).
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { BREAKER_POLICY } from "../../src/app/application";
import { purgeKeys } from "../../src/app/cache-keys";
import { type Env, loadStoreSettings, s3Settings } from "../../src/config";
import { indexKeys } from "../../src/index/schema";
import { mapLimit } from "../../src/store/concurrency";
import type { R2BucketBinding } from "../../src/store/r2";
import { createS3Store } from "../../src/store/s3";
import { r2TestEnv, testEnv, testR2Bucket } from "../support/env";
import { NO_WAIT_MS } from "../support/faults";
import { SAMPLE_PREFIX } from "../support/fixtures";
import { SAMPLE_ARTICLES, sampleId } from "../support/sample-articles";
import { call, capturingLog, movableClock, newWorker, runQueue, runScheduled, TEST_NOW, timedCall } from "../support/worker";

const TOKEN = "r2-admin-token-8d4c";
const bucket = testR2Bucket();
const visible = Object.entries(SAMPLE_ARTICLES)
  .filter(([, expected]) => expected.visible)
  .map(([file]) => sampleId(file))
  .sort();

/**
 * Copies the sample articles, byte for byte, from the S3 server's sample
 * bucket into a new folder of the R2 bucket (the test's own setup: the
 * Worker under test is never given the S3 server).
 */
async function r2Samples(name: string): Promise<string> {
  const prefix = `${name}-${crypto.randomUUID().slice(0, 8)}/`;
  const samples = createS3Store(s3Settings(loadStoreSettings(testEnv("samples"))));
  const objects = (await samples.list(SAMPLE_PREFIX, { skipPrefix: `${SAMPLE_PREFIX}_index/` })).filter(
    (o) => !o.key.slice(SAMPLE_PREFIX.length).includes("/"),
  );
  await mapLimit(objects, 8, async (info) => {
    const object = await samples.get(info.key);
    if (object) await bucket.put(prefix + info.key.slice(SAMPLE_PREFIX.length), object.body, { customMetadata: object.metadata });
  });
  return prefix;
}

/** An R2-only environment for `site`, with the articles below `prefix`. */
function envFor(site: string, prefix: string, overrides: Partial<Env> = {}, binding?: R2BucketBinding): Env {
  const env = r2TestEnv({ S3_PREFIX: prefix, SITE_URL: site, ADMIN_TOKEN: TOKEN, ...overrides }, binding);
  for (const name of Object.keys(env)) expect(name.startsWith("S3_") && name !== "S3_PREFIX", name).toBe(false);
  return env;
}

const admin = (path: string, env: Env, worker: ReturnType<typeof newWorker>, body?: unknown) =>
  call(
    path,
    {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    env,
    worker,
  );

async function text(path: string, env: Env, worker: ReturnType<typeof newWorker>): Promise<string> {
  const response = await call(path, {}, env, worker);
  expect(response.status, path).toBe(200);
  return response.text();
}

const article = (title: string) => `${title}\nERIKA MUSTER\nQuelle: https://example.org/r2\nKommentar (0)\n`;

describe("the Worker on an R2 binding", () => {
  it("builds its index into the R2 bucket and serves the feeds and article pages of the sample articles", async () => {
    const prefix = await r2Samples("r2-samples");
    const site = "https://r2-samples.example.com";
    const env = envFor(site, prefix);
    const worker = newWorker();
    const guid = (id: string) => `tag:r2-samples.example.com,2024:${id}`;

    const reindex = await admin("/admin/reindex", env, worker);
    expect(reindex.status).toBe(200);
    const report = (await reindex.json()) as { listed: number; parsed: number; writes: number };
    expect(report.parsed).toBeGreaterThanOrEqual(visible.length);
    expect(report.writes).toBeGreaterThan(0);
    // The index is in the bound bucket, below the prefix.
    expect(await bucket.head(indexKeys(prefix).head)).not.toBeNull();

    const rss = parseRssFeed(await text("/rss.xml?limit=100", env, worker));
    expect((rss.items ?? []).map((item) => item.guid?.value).sort()).toEqual(visible.map(guid));
    const atom = parseAtomFeed(await text("/atom.xml?limit=100", env, worker));
    expect((atom.entries ?? []).map((entry) => entry.id).sort()).toEqual(visible.map(guid));
    const json = parseJsonFeed(await text("/feed.json?limit=100", env, worker));
    expect((json.items ?? []).map((item) => item.id).sort()).toEqual(visible.map(guid));
    const page = await text("/articles/101_harbour-bridge-reopens", env, worker);
    expect(page).toContain("The Harbour Bridge reopened to traffic on Monday morning");
    expect(page).toContain("James Okafor");
    const response = await call("/feed.json?limit=3", {}, env, newWorker());
    expect(response.headers.get("Server-Timing")).toMatch(/store;desc="reads=[1-9]/);
  });

  it("indexes a bucket never indexed on the first request", async () => {
    const prefix = await r2Samples("r2-first");
    const env = envFor("https://r2-first.example.com", prefix);
    const rss = parseRssFeed(await text("/rss.xml?limit=100", env, newWorker()));
    expect(rss.items).toHaveLength(visible.length);
    expect(await bucket.head(indexKeys(prefix).head)).not.toBeNull();
  });

  it("follows the bucket through the change path, the cron run and the queue", async () => {
    const prefix = `r2-changes-${crypto.randomUUID().slice(0, 8)}/`;
    const env = envFor("https://r2-changes.example.com", prefix, { INDEX_TTL: "0" });
    const worker = newWorker();
    /** The ids of the main feed's items, newest first. */
    const ids = async () => (parseRssFeed(await text("/rss.xml", env, worker)).items ?? []).map((item) => (item.guid?.value ?? "").replace(/^.*:/, ""));

    await bucket.put(`${prefix}hafen.txt`, article("Der Hafen meldet einen neuen Rekord beim Umschlag."), { customMetadata: { date: "2026-03-01T08:00:00Z" } });
    expect((await admin("/admin/reindex", env, worker)).status).toBe(200);
    expect(await ids()).toEqual(["hafen"]);

    // The change path: a new article and a deleted one, one request.
    await bucket.put(`${prefix}bahn.txt`, article("Die Bahn fährt wieder nach Plan zum Stadtpark."), { customMetadata: { date: "2026-03-02T08:00:00Z" } });
    await bucket.delete(`${prefix}hafen.txt`);
    const changes = await admin("/admin/changes", env, worker, { keys: [`${prefix}bahn.txt`, `${prefix}hafen.txt`] });
    expect(changes.status).toBe(200);
    expect(await ids()).toEqual(["bahn"]);
    expect((await call("/articles/hafen", {}, env, worker)).status).toBe(410);

    // The cron run finds what no event announced.
    await bucket.put(`${prefix}markt.txt`, article("Der Wochenmarkt zieht auf den Rathausplatz."), { customMetadata: { date: "2026-03-03T08:00:00Z" } });
    await runScheduled(env, worker);
    expect(await ids()).toEqual(["markt", "bahn"]);

    // A queue event: a binding does not tell its bucket's name, so the event's bucket is not compared.
    await bucket.put(`${prefix}schule.txt`, article("Die neue Schule am Stadtpark öffnet im Herbst."), { customMetadata: { date: "2026-03-04T08:00:00Z" } });
    const event = {
      account: "account",
      bucket: "whatever-the-bucket-is-called",
      object: { key: `${prefix}schule.txt` },
      action: "PutObject",
      eventTime: TEST_NOW.toISOString(),
    };
    expect((await runQueue([event], env, worker)).acked).toEqual(["message-0"]);
    expect(await ids()).toEqual(["schule", "markt", "bahn"]);
  });
});

/** The real binding behind a switch: calls pass, hang (never settle) or fail at once. */
function switchable(real: R2Bucket): { binding: R2BucketBinding; set(mode: "pass" | "hang" | "fail"): void } {
  let mode: "pass" | "hang" | "fail" = "pass";
  const gate = <T>(call: () => Promise<T>): Promise<T> => {
    if (mode === "hang") return new Promise<T>(() => {});
    if (mode === "fail") return Promise.reject(new Error("We encountered an internal error. Please try again. (10001)"));
    return call();
  };
  return {
    binding: {
      get: (key) => gate(() => real.get(key)),
      put: (key, value, options) => gate(() => real.put(key, value, options)),
      list: (options) => gate(() => real.list(options)),
      delete: (keys) => gate(() => real.delete(keys)),
    },
    set: (next) => {
      mode = next;
    },
  };
}

describe("an R2 binding that hangs or fails", () => {
  /** Requested before the fault: each has a last good copy. */
  const WARM = ["/rss.xml", "/atom.xml", "/feed.json", "/articles/101_harbour-bridge-reopens"];
  /** Never requested before the fault: it needs an index object never read. */
  const COLD = "/tags/energie/atom.xml";

  it.each(["hang", "fail"] as const)("%s: the last good copy or a 503 within 2 s, stale copies within 100 ms once the store is known to fail", async (mode) => {
    const prefix = await r2Samples(`r2-${mode}`);
    const site = `https://r2-${mode}.example.com`;
    const faults = switchable(bucket);
    const env = envFor(site, prefix, { INDEX_TTL: "60" }, faults.binding);
    const clock = movableClock();
    const { log, lines } = capturingLog();
    const worker = newWorker(clock.now, { log });
    expect((await admin("/admin/reindex", env, worker)).status).toBe(200);
    for (const path of WARM) {
      const { response, settled } = await timedCall(path, {}, env, worker);
      expect(response.status, path).toBe(200);
      await response.arrayBuffer();
      await settled; // the copies are written in the background
    }
    // Only the last good copies remain: the fresh edge copies and the memory (INDEX_TTL=60) are gone.
    await Promise.all(WARM.flatMap((path) => purgeKeys(site + path)).map((key) => caches.default.delete(new Request(key))));
    clock.advance(61_000);

    faults.set(mode);
    const results: { path: string; status: number; ms: number; cache: string }[] = [];
    for (const path of [...WARM, COLD]) {
      const { response, ms, settled } = await timedCall(path, {}, env, worker);
      const body = await response.text();
      expect(body).not.toContain("10001");
      expect(body).not.toContain("internal error");
      await settled;
      results.push({ path, status: response.status, ms, cache: /cache;desc="(\w+)"/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? "" });
      if (path === COLD) expect(Number(response.headers.get("Retry-After")), path).toBeGreaterThan(0);
    }
    for (const result of results) {
      expect(result.ms, result.path).toBeLessThan(2_000);
      expect(result, result.path).toMatchObject(result.path === COLD ? { status: 503 } : { status: 200, cache: "stale" });
    }
    // Only the first request had to find out.
    for (const result of results.slice(1, WARM.length)) expect(result.ms, result.path).toBeLessThan(NO_WAIT_MS);

    // The binding's failures are expected ones: logged as warnings, without a stack, and never the admin token.
    const requestLines = lines.filter((line) => line.message === "request");
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) {
      expect(line.level, line.raw).toBe("warn");
      expect(line.stack, line.raw).toBeUndefined();
      expect(line.raw).not.toContain(TOKEN);
    }

    // After the fault and the breaker's cool-down, documents are fresh again.
    faults.set("pass");
    clock.advance(BREAKER_POLICY.coolDownMs);
    for (const path of [...WARM, COLD]) {
      const response = await call(path, {}, env, worker);
      expect(response.status, path).toBe(200);
      await response.arrayBuffer();
    }
  });
});
