/**
 * The store contract (`src/store/store.ts`), one suite over both stores inside
 * workerd: the S3 store against the local S3 server and the R2 store over
 * Miniflare's local R2 bucket. Whatever the index relies on must hold for
 * both: listing pages (startAfter, limit, truncated) in UTF-8 byte order,
 * null for a missing object, entity tags that agree between listing and read,
 * metadata with lower-case names, single and batch deletes, and every
 * failure a StoreError. Then what only the R2 store has to do itself: keep
 * the request path's deadlines although the binding takes no abort signal.
 */
import { describe, expect, it } from "vitest";
import { loadStoreSettings, s3Settings } from "../../src/config";
import { createR2Store, type R2BucketBinding, R2TimeoutError } from "../../src/store/r2";
import { createS3Store } from "../../src/store/s3";
import { type ArticleStore, compareKeys, StoreError } from "../../src/store/store";
import { testEnv, testR2Bucket } from "../support/env";
import { GOOD_ARTICLE } from "../support/fixtures";

const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** A secret of the failing stores: it must never reach an error message. */
const SECRET = "wrong-secret-5b7e";

/** An R2 error as the binding throws it. */
const r2Failure = () => new Error("We encountered an internal error. Please try again. (10001)");

/**
 * The stores under test, each in a folder of its own (the buckets outlive one
 * run of a file), and a failing one of each kind: the S3 server refusing a
 * key, the binding failing every call.
 */
const STORES: [name: string, open: () => ArticleStore, failing: () => ArticleStore][] = [
  [
    "S3 store",
    () => createS3Store(s3Settings(loadStoreSettings(testEnv("scratch")))),
    () => createS3Store(s3Settings(loadStoreSettings(testEnv("scratch", { S3_ACCESS_KEY_ID: "NOT-A-KEY", S3_SECRET_ACCESS_KEY: SECRET })))),
  ],
  [
    "R2 store",
    () => createR2Store(testR2Bucket()),
    () =>
      createR2Store(
        {
          get: () => Promise.reject(r2Failure()),
          put: () => Promise.reject(r2Failure()),
          list: () => Promise.reject(r2Failure()),
          delete: () => Promise.reject(r2Failure()),
        },
        { maxAttempts: 1 },
      ),
  ],
];

describe.each(STORES)("%s", (_, open, failing) => {
  const store = open();
  const root = `contract-${crypto.randomUUID().slice(0, 8)}/`;

  it("lists one page at a time from startAfter, at most limit keys, and says whether more follow", async () => {
    const folder = `${root}paging/`;
    const names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"];
    await Promise.all(names.map((name) => store.put(folder + name, name)));

    const first = await store.listPage(folder, { limit: 2 });
    expect(first.objects.map((o) => o.key)).toEqual([`${folder}a.txt`, `${folder}b.txt`]);
    expect(first.truncated).toBe(true);
    const second = await store.listPage(folder, { startAfter: `${folder}b.txt`, limit: 2 });
    expect(second.objects.map((o) => o.key)).toEqual([`${folder}c.txt`, `${folder}d.txt`]);
    expect(second.truncated).toBe(true);
    // The last key exactly fills the page: nothing follows it.
    const last = await store.listPage(folder, { startAfter: `${folder}d.txt`, limit: 1 });
    expect(last.objects.map((o) => o.key)).toEqual([`${folder}e.txt`]);
    expect(last.truncated).toBe(false);
    // A startAfter that is no key starts right after where it would sort.
    expect((await store.listPage(folder, { startAfter: `${folder}b` })).objects.map((o) => o.key)).toEqual(names.slice(1).map((n) => folder + n));
    expect(await store.listPage(folder, { startAfter: `${folder}z` })).toEqual({ objects: [], truncated: false });
    expect(await store.listPage(`${root}nothing-here/`)).toEqual({ objects: [], truncated: false });

    // `list` keeps to the prefix and can leave out a sub-folder.
    await store.put(`${folder}_index/head.json`, "{}");
    await store.put(`${root}paging-sibling.txt`, "not in the folder");
    expect((await store.list(folder)).map((o) => o.key)).toEqual([...names.map((n) => folder + n), `${folder}_index/head.json`].sort(compareKeys));
    expect((await store.list(folder, { skipPrefix: `${folder}_index/` })).map((o) => o.key)).toEqual(names.map((n) => folder + n));
  });

  it("lists keys in UTF-8 byte order, non-ASCII and characters beyond U+FFFF included", async () => {
    const folder = `${root}order/`;
    // JavaScript's `<` puts 😀 (a surrogate pair) before Ａ (U+FF21); S3 and R2 put it after.
    const expected = ["A.txt", "a.txt", "z.txt", "ä.txt", "é.txt", "北京.txt", "Ａ.txt", "😀.txt"];
    await Promise.all([...expected].reverse().map((name) => store.put(folder + name, name)));

    const keys = (await store.list(folder)).map((o) => o.key);
    expect(keys).toEqual(expected.map((name) => folder + name));
    expect([...keys].sort(compareKeys)).toEqual(keys);
    const page = await store.listPage(folder, { startAfter: `${folder}é.txt`, limit: 2 });
    expect(page.objects.map((o) => o.key)).toEqual([`${folder}北京.txt`, `${folder}Ａ.txt`]);
    expect(page.truncated).toBe(true);
    const object = await store.get(`${folder}北京.txt`);
    expect(decode(object?.body)).toBe("北京.txt");
  });

  it("answers null for a missing object, and after its deletion", async () => {
    expect(await store.get(`${root}missing.txt`)).toBeNull();
    await store.put(`${root}short-lived.txt`, "x");
    expect(await store.get(`${root}short-lived.txt`)).not.toBeNull();
    await store.delete(`${root}short-lived.txt`);
    expect(await store.get(`${root}short-lived.txt`)).toBeNull();
    // Deleting what is not there is no error.
    await store.delete(`${root}short-lived.txt`);
  });

  it("reads back bytes, size, entity tag and metadata (names in lower case) as written", async () => {
    const key = `${root}meta/artikel.txt`;
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x00, 0xff, ...new TextEncoder().encode(GOOD_ARTICLE)]);
    await store.put(key, bytes, { contentType: "text/plain; charset=utf-8", metadata: { Date: "2024-06-19T08:00:00Z", "x-source": "feed" } });

    const object = await store.get(key);
    expect(object).not.toBeNull();
    expect(object?.key).toBe(key);
    expect(object?.body).toEqual(bytes);
    expect(object?.size).toBe(bytes.byteLength);
    expect(object?.metadata).toEqual({ date: "2024-06-19T08:00:00Z", "x-source": "feed" });
    expect(object?.lastModified).toBeInstanceOf(Date);
    expect(object?.lastModified.getTime()).toBeGreaterThan(Date.UTC(2020, 0, 1));
    // Quoted as S3 answers it, and the same in a listing as in a read: the index compares the two.
    expect(object?.etag).toMatch(/^"[^"]+"$/);
    const [listed] = await store.list(`${root}meta/`);
    expect(listed).toEqual({ key, etag: object?.etag, lastModified: expect.any(Date), size: bytes.byteLength });

    // New bytes, new tag; no metadata, none read back.
    await store.put(key, "anders");
    const rewritten = await store.get(key);
    expect(rewritten?.etag).not.toBe(object?.etag);
    expect(rewritten?.metadata).toEqual({});
    expect(decode(rewritten?.body)).toBe("anders");
  });

  it("deletes a batch of keys in one call, missing ones included, and refuses more than 1,000", async () => {
    const folder = `${root}batch/`;
    await Promise.all(["a.txt", "b.txt", "c.txt"].map((name) => store.put(folder + name, name)));
    await store.deleteMany([`${folder}a.txt`, `${folder}c.txt`, `${folder}missing.txt`]);
    expect((await store.list(folder)).map((o) => o.key)).toEqual([`${folder}b.txt`]);
    await store.deleteMany([]);
    await expect(store.deleteMany(Array.from({ length: 1_001 }, (_, i) => `${folder}${i}`))).rejects.toThrow(RangeError);
    expect((await store.list(folder)).map((o) => o.key)).toEqual([`${folder}b.txt`]);
  });

  it("rejects every call that fails with a StoreError naming the operation and key, the store's own error kept as its cause", async () => {
    const broken = failing();
    const key = `${root}refused.txt`;
    const calls: [StoreError["operation"], string, () => Promise<unknown>][] = [
      ["list", root, () => broken.list(root)],
      ["list", root, () => broken.listPage(root, { limit: 1 })],
      ["get", key, () => broken.get(key)],
      ["put", key, () => broken.put(key, "x", { metadata: { date: "2024-06-19T08:00:00Z" } })],
      ["delete", key, () => broken.delete(key)],
      ["delete", key, () => broken.deleteMany([key, `${root}other.txt`])],
    ];
    for (const [operation, named, run] of calls) {
      const failure = await run().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure, operation).toBeInstanceOf(StoreError);
      expect(failure, operation).toMatchObject({ operation, key: named, message: `store ${operation} failed for "${named}"` });
      expect((failure as StoreError).cause, operation).toBeDefined();
      expect(String(failure), operation).not.toContain(SECRET);
    }
  });
});

describe("R2 store: what the binding leaves to it", () => {
  const bucket = testR2Bucket();
  const root = `deadlines-${crypto.randomUUID().slice(0, 8)}/`;

  /** The real binding, with `get` replaced. */
  const withGet = (get: R2BucketBinding["get"]): R2BucketBinding => ({
    get,
    put: (key, value, options) => bucket.put(key, value, options),
    list: (options) => bucket.list(options),
    delete: (keys) => bucket.delete(keys),
  });

  it("writes the content type as the object's HTTP metadata (what R2 answers when the object is served)", async () => {
    await createR2Store(bucket).put(`${root}typed.json`, "{}", { contentType: "application/json" });
    expect((await bucket.head(`${root}typed.json`))?.httpMetadata?.contentType).toBe("application/json");
  });

  it("ends a call that hangs with a StoreError at the call's deadline", async () => {
    const store = createR2Store(
      withGet(() => new Promise(() => {})),
      { timeoutMs: 150, maxAttempts: 2, callTimeoutMs: 150 },
    );
    const started = performance.now();
    const failure = await store.get(`${root}hang.txt`).catch((error: unknown) => error);
    const ms = performance.now() - started;
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).cause).toBeInstanceOf(R2TimeoutError);
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThan(1_000);
  });

  it("retries a call that failed at once while its deadline leaves room", async () => {
    await bucket.put(`${root}flaky.txt`, "da");
    let calls = 0;
    const flaky = withGet((key) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error("We encountered an internal error. Please try again.")) : bucket.get(key);
    });
    const store = createR2Store(flaky, { timeoutMs: 1_500, maxAttempts: 2, callTimeoutMs: 1_500 });
    expect(decode((await store.get(`${root}flaky.txt`))?.body)).toBe("da");
    expect(calls).toBe(2);
  });

  it("gives up after its attempts with the last failure as the cause", async () => {
    const cause = new Error("We encountered an internal error. Please try again.");
    let calls = 0;
    const failing = withGet(() => {
      calls += 1;
      return Promise.reject(cause);
    });
    const failure = await createR2Store(failing, { timeoutMs: 1_000, maxAttempts: 3 })
      .get(`${root}down.txt`)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).cause).toBe(cause);
    expect(calls).toBe(3);
  });
});
