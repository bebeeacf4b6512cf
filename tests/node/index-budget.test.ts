/**
 * The change path's budget counted at the wire: 500 changed objects in a
 * real S3-protocol server (s3rver on loopback, behind a proxy that counts
 * the requests reaching it) are applied by successive `applyChanges` calls,
 * each making at most 45 requests (a Worker may make 50), until none is
 * left; the index then equals a fresh build. And a full bucket listing
 * costs one request per page of 1,000 keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountingProxy, startCountingProxy } from "../../scripts/lib/counting-proxy";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "../../scripts/lib/local-s3";
import { rebuildIndex } from "../../src/index/build";
import { applyChanges } from "../../src/index/changes";
import { createIndexReader } from "../../src/index/reader";
import { mapLimit } from "../../src/store/concurrency";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";

const BUCKET = "budget";
const FRESH = "budget-fresh";
const NOW = new Date("2024-07-01T12:00:00Z");
const options = { articlePrefix: "", defaultLanguage: "en", now: NOW };

let s3: LocalS3;
let proxy: CountingProxy;
let store: ArticleStore;
const storeFor = (bucket: string, endpoint: string) => createS3Store({ endpoint, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });

function article(title: string, date: Date, tags: string[], author: string): string {
  return `---\ntitle: ${title}\ndate: ${date.toISOString()}\ntags: [${tags.join(", ")}]\nauthor: ${author}\nlang: de\n---\n${title}: ein kurzer Text.\n`;
}

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET, FRESH] });
  proxy = await startCountingProxy(s3.endpoint);
  store = storeFor(BUCKET, proxy.endpoint);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await s3?.close();
});

describe("500 changed objects at the wire", () => {
  it("complete across invocations of at most 45 requests each", async () => {
    const base = Date.UTC(2024, 5, 28);
    await mapLimit(
      Array.from({ length: 200 }, (_, i) => i),
      8,
      (i) =>
        store.put(
          `old/${String(i).padStart(3, "0")}.txt`,
          article(`Alt ${i}`, new Date(base - i * 3_600_000), ["Ticker", i % 2 ? "Hafen" : "Bahn"], i % 3 ? "Maria Meier" : "Hans Bauer"),
        ),
    );
    await rebuildIndex(store, options);

    // 300 new (some older than the windows), 100 edited, 100 deleted.
    const changed: string[] = [];
    const name = (folder: string, i: number) => `${folder}/${String(i).padStart(3, "0")}.txt`;
    await mapLimit(
      Array.from({ length: 300 }, (_, i) => i),
      8,
      (i) => store.put(name("new", i), article(`Neu ${i}`, new Date(base + 3_600_000 - i * 5_400_000), ["Ticker", "Neu"], "Maria Meier")),
    );
    await mapLimit(
      Array.from({ length: 100 }, (_, i) => i),
      8,
      (i) => store.put(name("old", i), article(`Alt ${i}, ergänzt`, new Date(base - i * 3_600_000), ["Ticker"], "Hans Bauer")),
    );
    await mapLimit(
      Array.from({ length: 100 }, (_, i) => 100 + i),
      8,
      (i) => store.delete(name("old", i)),
    );
    for (let i = 0; i < 300; i++) changed.push(name("new", i));
    for (let i = 0; i < 200; i++) changed.push(name("old", i));
    expect(new Set(changed).size).toBe(500);

    const requests: number[] = [];
    let queue = changed;
    while (queue.length > 0) {
      const before = proxy.count(BUCKET);
      const report = await applyChanges(store, queue, options);
      const wire = proxy.count(BUCKET) - before;
      requests.push(wire);
      // What the change path counts is what the server saw.
      expect(wire).toBe(report.reads + report.writes);
      expect(report.failed).toEqual([]);
      expect(report.applied.length).toBeGreaterThan(0);
      queue = report.remaining;
    }
    expect(Math.max(...requests)).toBeLessThanOrEqual(45);
    console.log(
      `500 changed objects: ${requests.length} invocations, ${requests.reduce((a, b) => a + b, 0)} requests, ` +
        `at most ${Math.max(...requests)} per invocation (median ${[...requests].sort((a, b) => a - b)[requests.length >> 1]})`,
    );

    // The index now says what a fresh build of the same bucket says.
    const fresh = storeFor(FRESH, s3.endpoint);
    const articles = (await store.list("")).filter((info) => !info.key.startsWith("_index/"));
    await mapLimit(articles, 8, async (info) => {
      const object = await store.get(info.key);
      if (object) await fresh.put(info.key, object.body);
    });
    await rebuildIndex(fresh, options);
    const view = async (bucketStore: ArticleStore) => {
      const reader = createIndexReader(bucketStore, { articlePrefix: "", ttlSeconds: 0, now: () => NOW.getTime() });
      const head = await reader.head();
      const topic = await reader.topic("tags", "ticker");
      return {
        items: head?.items.map((a) => [a.id, a.title]),
        catalog: head?.catalog,
        months: head?.months.map((m) => [m.month, m.count]),
        ticker: topic?.items.map((a) => a.id),
      };
    };
    expect(await view(store)).toEqual(await view(fresh));
  }, 240_000);

  it("counts a listing of several pages as one request per page", async () => {
    await mapLimit(
      Array.from({ length: 500 }, (_, i) => i),
      8,
      (i) => store.put(`filler/${i}.jpg`, "x"),
    );
    const before = proxy.count(BUCKET);
    const all = await store.list("");
    expect(all.length).toBeGreaterThan(1_000);
    expect(proxy.count(BUCKET) - before).toBe(Math.ceil(all.length / 1_000));
  }, 60_000);
});
