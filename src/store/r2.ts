/**
 * The R2-binding implementation of {@link ArticleStore}: a bucket bound to the
 * Worker (`[[r2_buckets]]`) is read and written through the binding, without
 * signing HTTP requests or loading the AWS SDK. `s3.ts` stays the store of
 * S3-compatible servers and of the command-line tools, which run outside
 * Workers and have no binding.
 *
 * Both stores keep one contract: the same key order (UTF-8 bytes), entity
 * tags as S3 spells them, user metadata with lower-case names, and every
 * failure a {@link StoreError}. An index built through one of them is valid
 * for the other on the same bucket (R2's S3 endpoint and its binding).
 */
import {
  type ArticleStore,
  type ListOptions,
  type ListPage,
  type ListPageOptions,
  listAll,
  type PutOptions,
  STORE_PAGE_SIZE,
  type StoredObject,
  type StoredObjectInfo,
  StoreError,
} from "./store";

/**
 * The calls the store makes on an R2 bucket binding, spelled out (rather than
 * workers-types `R2Bucket`, which satisfies it) so that the command-line
 * tools, compiled without the Workers types, share the configuration that
 * names it, and so that a test can put a fault-injecting stand-in in front
 * of a real binding.
 */
export interface R2BucketBinding {
  get(key: string): Promise<R2StoredObject | null>;
  put(key: string, value: string | Uint8Array, options?: R2WriteOptions): Promise<unknown>;
  list(options?: { prefix?: string; startAfter?: string; limit?: number }): Promise<{ objects: R2ObjectInfo[]; truncated: boolean }>;
  /** One key, or up to 1,000 in one call; keys that do not exist are not an error. */
  delete(keys: string | string[]): Promise<void>;
}

/** What the store reads of an object in a listing (workers-types `R2Object`). */
export interface R2ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** The entity tag in quotes, as HTTP (and S3) spell it. */
  readonly httpEtag: string;
  readonly uploaded: Date;
  readonly customMetadata?: Record<string, string>;
}

/** An object read with its body (workers-types `R2ObjectBody`). */
export interface R2StoredObject extends R2ObjectInfo {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What the store sets on a write (part of workers-types `R2PutOptions`). */
export interface R2WriteOptions {
  httpMetadata?: { contentType?: string };
  customMetadata?: Record<string, string>;
}

/** How long the store waits for the binding, in the terms of the S3 store's policy (`S3StoreConfig`). */
export interface R2StoreOptions {
  /** Give up on one attempt after this long (default 10 s). */
  timeoutMs?: number;
  /** Attempts per call, the first included (default 2): a failed attempt is retried after a short jittered pause. */
  maxAttempts?: number;
  /** Give up on a whole call (every attempt, the body included) after this long; default `timeoutMs` per attempt. */
  callTimeoutMs?: number;
}

/**
 * An attempt that did not settle in time. The binding takes no abort signal,
 * so the call itself is abandoned rather than cancelled: it runs on, and its
 * late outcome is ignored.
 */
export class R2TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(ms: number) {
    super(`the R2 binding did not answer within ${ms} ms`);
  }
}

/** Longest pause before a retry, in milliseconds; the pause is random below it (a burst of failures must not retry in step). */
const RETRY_PAUSE_MS = 100;

/** Creates a store backed by the R2 bucket `bucket` is bound to. */
export function createR2Store(bucket: R2BucketBinding, options: R2StoreOptions = {}): ArticleStore {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);
  const callTimeoutMs = options.callTimeoutMs ?? timeoutMs * maxAttempts;

  /**
   * Runs `attempt` within the policy. The request path's short deadlines hold
   * for R2 as for S3: a hung binding call ends in a StoreError (which the
   * circuit breaker counts) instead of holding the request. A retry happens
   * only while the deadline leaves room for it, so on the request path
   * (1.5 s per call) only a failure that came at once is retried.
   */
  async function call<T>(operation: StoreError["operation"], key: string, attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + callTimeoutMs;
    for (let attempts = 1; ; attempts++) {
      try {
        return await withTimeout(attempt(), Math.min(timeoutMs, deadline - Date.now()));
      } catch (error) {
        const pause = Math.random() * RETRY_PAUSE_MS;
        if (attempts >= maxAttempts || deadline - Date.now() <= pause) throw new StoreError(operation, key, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  function listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    return call("list", prefix, async () => {
      const page = await bucket.list({
        ...(prefix ? { prefix } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
        limit: Math.min(options.limit ?? STORE_PAGE_SIZE, STORE_PAGE_SIZE),
      });
      // Without `include` R2 fills each page up to the limit, so `truncated` means what S3's IsTruncated means.
      const objects: StoredObjectInfo[] = page.objects.map((object) => ({ key: object.key, ...objectInfo(object) }));
      return { objects, truncated: page.truncated };
    });
  }

  return {
    listPage,

    list(prefix: string, options: ListOptions = {}): Promise<StoredObjectInfo[]> {
      return listAll(listPage, prefix, options);
    },

    get(key: string): Promise<StoredObject | null> {
      // The body is read inside the attempt: a body that stalls counts against the same deadline.
      return call("get", key, async () => {
        const object = await bucket.get(key);
        if (object === null) return null;
        const body = new Uint8Array(await object.arrayBuffer());
        return { key, ...objectInfo(object), size: body.byteLength, body, metadata: lowerCaseKeys(object.customMetadata ?? {}) };
      });
    },

    async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
      await call("put", key, () =>
        bucket.put(key, body, {
          ...(options.contentType ? { httpMetadata: { contentType: options.contentType } } : {}),
          // S3 metadata names are case-insensitive (HTTP headers) and come back in lower case: store them so.
          ...(options.metadata ? { customMetadata: lowerCaseKeys(options.metadata) } : {}),
        }),
      );
    },

    async delete(key: string): Promise<void> {
      await call("delete", key, () => bucket.delete(key));
    },

    async deleteMany(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      if (keys.length > STORE_PAGE_SIZE) throw new RangeError(`at most ${STORE_PAGE_SIZE} keys per batch delete`);
      // One call for the whole batch; R2 deletes all or fails, so there is no per-key error to report.
      await call("delete", keys[0] ?? "", () => bucket.delete([...keys]));
    },
  };
}

/**
 * Entity tag, date and size as the S3 store reports them. `httpEtag` is the
 * quoted form S3 (and R2's own S3 endpoint) answers; the index compares tags
 * with those it stored, so switching a bucket from the S3 endpoint to the
 * binding does not make every article look changed.
 */
function objectInfo(object: R2ObjectInfo): Omit<StoredObjectInfo, "key"> {
  return { etag: object.httpEtag, lastModified: object.uploaded, size: object.size };
}

/** `work`, or a rejection with {@link R2TimeoutError} once `ms` have passed. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  // An abandoned call runs on: its late failure must not surface as an unhandled rejection.
  work.catch(() => {});
  let cancel = (): void => {};
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new R2TimeoutError(ms)), Math.max(0, ms));
    cancel = () => clearTimeout(timer);
  });
  return Promise.race([work, timeout]).finally(() => cancel());
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
}
