/**
 * R2 event notifications through the Worker's queue consumer: batches made
 * with `createMessageBatch` for what is acknowledged and what is retried, and
 * one event sent through a producer binding of the real local queue, which
 * delivers it to the Worker's queue() handler.
 */
import { env as workerEnv } from "cloudflare:workers";
import { parseAtomFeed } from "feedsmith";
import { describe, expect, it, vi } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { applyChanges } from "../../src/index/changes";
import { indexKeys } from "../../src/index/schema";
import { createS3Store } from "../../src/store/s3";
import { createWorker } from "../../src/worker";
import { testEnv } from "../support/env";
import { QUEUE_BUCKET, QUEUE_PRODUCER_BINDING, QUEUE_SITE_URL } from "../support/fixtures";
import { call, newWorker, runQueue, TEST_NOW } from "../support/worker";

const SITE = "https://queue-events.example.com";
const env = testEnv("events", { SITE_URL: SITE, INDEX_TTL: "60" });
const store = () => createS3Store(s3Settings(loadConfig(env, SITE)));
const article = (text: string) => `${text}\nERIKA MUSTER\nQuelle: https://example.org/${encodeURIComponent(text.slice(0, 8))}\nKommentar (0)\n`;
const asBrowser = { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } };

/** An R2 event notification as R2 sends it to a queue. */
function r2Event(key: string, action = "PutObject", bucket = env.S3_BUCKET ?? ""): unknown {
  const object = action.includes("Delete") ? { key } : { key, size: 120, eTag: "c846ff7a18f28c2e262116d6e8719ef0" };
  return { account: "3f4b7e3dcab231cbfdaa90a6a28bd548", bucket, object, action, eventTime: TEST_NOW.toISOString() };
}

/** A new `limit` each time: a URL of its own, which no earlier response left in the edge cache. */
let nextLimit = 20;
async function ids(worker = sharedEventsWorker): Promise<string[]> {
  const response = await call(`/atom.xml?limit=${nextLimit++}`, {}, env, worker);
  return (parseAtomFeed(await response.text()).entries ?? []).map((entry) => entry.id ?? "");
}

const sharedEventsWorker = newWorker();
const id = (name: string) => `tag:queue-events.example.com,2024:${name}`;

describe("the queue consumer", () => {
  it("applies a put and then a delete, and the feeds show both at once, to readers and browsers", async () => {
    const worker = sharedEventsWorker;
    await store().put("q-hafen.txt", article("Der Hafen meldet einen neuen Rekord."), { metadata: { date: "2026-02-01T08:00:00Z" } });
    const first = await runQueue([r2Event("q-hafen.txt")], env, worker);
    expect(first).toEqual({ acked: ["message-0"], retried: {}, retriedAll: undefined });
    expect(await ids(worker)).toContain(id("q-hafen"));

    // Warm every cache, then change the bucket and deliver the event.
    await call("/", asBrowser, env, worker);
    await call("/rss.xml", asBrowser, env, worker);
    await store().put("q-bahn.txt", article("Die Bahn fährt wieder nach Plan zum Stadtpark."), { metadata: { date: "2026-02-02T08:00:00Z" } });
    expect((await runQueue([r2Event("q-bahn.txt")], env, worker)).acked).toEqual(["message-0"]);
    for (const path of ["/", "/rss.xml"]) {
      const response = await call(path, asBrowser, env, worker);
      expect(await response.text(), path).toContain("Stadtpark");
    }
    // An isolate that shares only the edge cache sees the new documents too.
    expect(await (await call("/", asBrowser, env, newWorker())).text()).toContain("Stadtpark");

    await store().delete("q-hafen.txt");
    const deleted = await runQueue([r2Event("q-hafen.txt", "DeleteObject")], env, worker);
    expect(deleted.acked).toEqual(["message-0"]);
    expect(await ids(worker)).not.toContain(id("q-hafen"));
    expect((await call("/articles/q-hafen", {}, env, worker)).status).toBe(410); // withdrawn: Gone, for TOMBSTONE_DAYS
  });

  it("acknowledges duplicated events of one key together, after one update", async () => {
    const update = vi.fn(applyChanges);
    const worker = createWorker({ clock: () => TEST_NOW, applyChanges: update });
    await store().put("q-doppelt.txt", article("Eine doppelt gemeldete Nachricht über den Markt."), { metadata: { date: "2026-02-03T08:00:00Z" } });
    const result = await runQueue([r2Event("q-doppelt.txt"), r2Event("q-doppelt.txt", "CopyObject"), r2Event("q-doppelt.txt")], env, worker);
    expect(result.acked).toEqual(["message-0", "message-1", "message-2"]);
    expect(update).toHaveBeenCalledTimes(1);
    expect(update.mock.calls[0]?.[1]).toEqual(["q-doppelt.txt"]);
  });

  it("acknowledges malformed messages and other buckets with a logged reason, without failing the batch", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await store().put("q-gut.txt", article("Eine gute Nachricht neben kaputten Meldungen."), { metadata: { date: "2026-02-04T08:00:00Z" } });
      const result = await runQueue(
        [
          "not an object",
          { bucket: env.S3_BUCKET, action: "PutObject", object: {} },
          { bucket: env.S3_BUCKET, action: "RenameObject", object: { key: "q-gut.txt" } },
          r2Event("q-gut.txt", "PutObject", "some-other-bucket"),
          r2Event("q-gut.txt"),
        ],
        env,
        sharedEventsWorker,
      );
      expect(result.acked).toEqual(["message-0", "message-1", "message-2", "message-3", "message-4"]);
      expect(result.retried).toEqual({});
      // One structured line per message (src/app/log.ts).
      const logged = warn.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
      const acknowledged = logged.filter((line) => line.message === "queue message acknowledged without work").map((line) => [line.messageId, line.reason]);
      expect(acknowledged).toEqual([
        ["message-0", "the message body is not an object"],
        ["message-1", "object.key is missing"],
        ["message-2", "action is not one of the R2 event notification actions"],
        ["message-3", "it is for another bucket"],
      ]);
      expect(await ids()).toContain(id("q-gut"));
    } finally {
      warn.mockRestore();
    }
  });

  it("acknowledges keys that name no article without reading the store", async () => {
    const update = vi.fn(applyChanges);
    const worker = createWorker({ clock: () => TEST_NOW, applyChanges: update });
    const result = await runQueue([r2Event("_index/head.json"), r2Event("bild.png"), r2Event("README.md")], env, worker);
    expect(result.acked).toEqual(["message-0", "message-1", "message-2"]);
    expect(update).not.toHaveBeenCalled();
  });

  it("retries only the keys the budget did not reach, after a short delay", async () => {
    // An index update that reaches one key per invocation, as a tight budget would.
    const onePerInvocation: typeof applyChanges = async (target, keys, options) => {
      const report = await applyChanges(target, keys.slice(0, 1), options);
      return { ...report, remaining: keys.slice(1) };
    };
    const worker = createWorker({ clock: () => TEST_NOW, applyChanges: onePerInvocation });
    await store().put("q-eins.txt", article("Die erste Nachricht eines großen Stapels."), { metadata: { date: "2026-02-05T08:00:00Z" } });
    await store().put("q-zwei.txt", article("Die zweite Nachricht eines großen Stapels."), { metadata: { date: "2026-02-05T09:00:00Z" } });
    const result = await runQueue([r2Event("q-eins.txt"), r2Event("q-zwei.txt")], env, worker);
    expect(result).toEqual({ acked: ["message-0"], retried: { "message-1": 2 }, retriedAll: undefined });

    const again = await runQueue([r2Event("q-zwei.txt")], env, worker);
    expect(again.acked).toEqual(["message-0"]);
  });

  it("retries every message later when the store fails, and never throws", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const down = { ...env, S3_ENDPOINT: "http://127.0.0.1:9" };
      const result = await runQueue([r2Event("q-eins.txt"), r2Event("q-zwei.txt"), "malformed"], down, newWorker());
      expect(result).toEqual({ acked: ["message-2"], retried: { "message-0": 60, "message-1": 60 }, retriedAll: undefined });
    } finally {
      error.mockRestore();
    }
  });

  it("retries the whole batch later while the configuration is incomplete", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const result = await runQueue([r2Event("q-eins.txt")], { ...env, S3_BUCKET: "" }, newWorker());
      expect(result.retriedAll).toBe(60);
      expect(error.mock.calls.map((args) => String(args[0])).join("\n")).toContain("S3_BUCKET is not set");
    } finally {
      error.mockRestore();
    }
  });
});

describe("the local queue", () => {
  it("delivers an event sent to feed-changes to the Worker's queue() handler, which indexes the key", async () => {
    // The Worker under test serves QUEUE_BUCKET (vitest.config.ts): nothing else ever indexes it.
    const queueEnv = testEnv("queue", { SITE_URL: QUEUE_SITE_URL, INDEX_TTL: "0" });
    const queueStore = createS3Store(s3Settings(loadConfig(queueEnv, QUEUE_SITE_URL)));
    await queueStore.put("aus-der-queue.txt", article("Eine Meldung, die nur die Queue bringt."), { metadata: { date: "2020-01-01T08:00:00Z" } });
    expect(await queueStore.list("_index/")).toEqual([]);

    const producer = (workerEnv as unknown as Record<string, Queue>)[QUEUE_PRODUCER_BINDING];
    if (!producer) throw new Error(`no ${QUEUE_PRODUCER_BINDING} binding`);
    await producer.send({
      account: "3f4b7e3dcab231cbfdaa90a6a28bd548",
      bucket: QUEUE_BUCKET,
      object: { key: "aus-der-queue.txt", size: 80, eTag: "0123456789abcdef0123456789abcdef" },
      action: "PutObject",
      eventTime: "2020-01-01T08:00:01Z",
    });

    // Delivery is asynchronous: wait (bounded) until the consumer has written the index's head with the article
    // (the index writes its objects in steps; the head comes last but for the manifest).
    const deadline = Date.now() + 15_000;
    const head = indexKeys("").head;
    while (!new TextDecoder().decode((await queueStore.get(head))?.body ?? new Uint8Array()).includes("aus-der-queue")) {
      if (Date.now() > deadline) throw new Error("the queue consumer did not index the bucket within 15 s");
      await new Promise((done) => setTimeout(done, 100));
    }
    const feed = await call("/atom.xml", {}, queueEnv, newWorker());
    expect((parseAtomFeed(await feed.text()).entries ?? []).map((entry) => entry.id)).toEqual(["tag:queue.example.com,2024:aus-der-queue"]);
  });
});
