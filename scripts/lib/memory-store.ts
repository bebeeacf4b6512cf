/**
 * An in-memory {@link ArticleStore} with S3's semantics, for the index tests
 * and for the index benchmark at sizes the local S3 server would take hours
 * to fill: MD5 ETags of simple uploads, keys listed in S3's order (UTF-8
 * bytes), listing pages of at most 1,000 keys. It counts the requests it
 * answers as S3 would see them (one per listing page, get, put and delete)
 * and, unless told not to, records each one, so tests can assert what a
 * rebuild or a request read and wrote.
 */
import { createHash } from "node:crypto";
import {
  type ArticleStore,
  compareKeys,
  type ListOptions,
  type ListPage,
  type ListPageOptions,
  listAll,
  type PutOptions,
  STORE_PAGE_SIZE,
  type StoredObject,
  type StoredObjectInfo,
  StoreError,
} from "../../src/store/store";

interface Entry {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** The requests a {@link MemoryStore} answers. */
export type Operation = "list" | "get" | "put" | "delete" | "deleteMany";

/** A bucket in memory. */
export class MemoryStore implements ArticleStore {
  private readonly entries = new Map<string, Entry>();
  /** Every call in order, as `op key` (empty when calls are not recorded). */
  calls: string[] = [];
  /** Requests answered so far. */
  requests = 0;
  /** When set and returning true, the call rejects with a StoreError. */
  failWhen: ((op: Operation, key: string) => boolean) | null = null;
  /** Called before each get() is answered (tests simulate concurrent changes with it). */
  beforeGet: ((key: string) => void) | null = null;
  /** Clock for lastModified of objects written through put(). */
  clock = new Date("2024-07-01T00:00:00Z");
  /** Keys per listing page (S3: 1,000); tests lower it to exercise paging. */
  pageSize = STORE_PAGE_SIZE;
  /** Keys in S3 order, sorted again after a key is added or removed. */
  private sorted: string[] | null = null;
  private readonly recordCalls: boolean;

  /** The stored objects by key (read-only: write with {@link seed} and {@link remove}, which keep the listing order). */
  get objects(): ReadonlyMap<string, Entry> {
    return this.entries;
  }

  /** `recordCalls: false` keeps only the count (a benchmark's millions of calls). */
  constructor(options: { recordCalls?: boolean } = {}) {
    this.recordCalls = options.recordCalls ?? true;
  }

  /** Put an object directly (setup: not recorded as a call). */
  seed(key: string, body: string | Uint8Array, options: { lastModified?: Date; metadata?: Record<string, string> } = {}): void {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    if (!this.entries.has(key)) this.sorted = null;
    this.entries.set(key, {
      body: bytes,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: options.lastModified ?? this.clock,
      metadata: { ...(options.metadata ?? {}) },
    });
  }

  /** Remove an object directly (setup: not recorded). */
  remove(key: string): void {
    if (this.entries.delete(key)) this.sorted = null;
  }

  /** The JSON stored under `key` (setup/assertions: not recorded). */
  json<T = unknown>(key: string): T | undefined {
    const entry = this.objects.get(key);
    return entry === undefined ? undefined : (JSON.parse(new TextDecoder().decode(entry.body)) as T);
  }

  resetCalls(): void {
    this.calls = [];
  }

  count(op: Operation): number {
    return this.calls.filter((call) => call.startsWith(`${op} `)).length;
  }

  keysOf(op: Operation): string[] {
    return this.calls.filter((call) => call.startsWith(`${op} `)).map((call) => call.slice(op.length + 1));
  }

  private check(op: Operation, key: string): void {
    this.requests++;
    if (this.recordCalls) this.calls.push(`${op} ${key}`);
    if (this.failWhen?.(op, key)) throw new StoreError(op === "deleteMany" ? "delete" : op, key, { cause: new Error("simulated outage") });
  }

  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    this.check("list", prefix);
    this.sorted ??= [...this.objects.keys()].sort(compareKeys);
    const keys = this.sorted;
    // Binary search for the first key after the cursor (or at the prefix): a page costs the same at any bucket size.
    const after = options.startAfter !== undefined && compareKeys(options.startAfter, prefix) >= 0 ? options.startAfter : undefined;
    const from = after ?? prefix;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const order = compareKeys(keys[middle] as string, from);
      if (order < 0 || (order === 0 && after !== undefined)) low = middle + 1;
      else high = middle;
    }
    const limit = Math.min(options.limit ?? this.pageSize, this.pageSize);
    const objects: StoredObjectInfo[] = [];
    let index = low;
    for (; index < keys.length && objects.length < limit; index++) {
      const key = keys[index] as string;
      if (!key.startsWith(prefix)) break;
      const entry = this.objects.get(key) as Entry;
      objects.push({ key, etag: entry.etag, lastModified: entry.lastModified, size: entry.body.byteLength });
    }
    const truncated = index < keys.length && (keys[index] as string).startsWith(prefix);
    return { objects, truncated };
  }

  list(prefix: string, options?: ListOptions): Promise<StoredObjectInfo[]> {
    return listAll((p, o) => this.listPage(p, o), prefix, options);
  }

  async get(key: string): Promise<StoredObject | null> {
    this.check("get", key);
    this.beforeGet?.(key);
    const entry = this.objects.get(key);
    if (entry === undefined) return null;
    return { key, etag: entry.etag, lastModified: entry.lastModified, size: entry.body.byteLength, body: entry.body.slice(), metadata: { ...entry.metadata } };
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.check("put", key);
    this.seed(key, body, { metadata: options?.metadata ?? {} });
  }

  async delete(key: string): Promise<void> {
    this.check("delete", key);
    this.remove(key);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    this.check("deleteMany", keys[0] ?? "");
    for (const key of keys) this.remove(key);
  }
}
