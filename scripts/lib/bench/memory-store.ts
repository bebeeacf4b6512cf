/**
 * An in-memory {@link ArticleStore} for the index benchmark at sizes the
 * local S3 server would take hours to fill: S3's semantics (MD5 ETags of
 * simple uploads, key order by UTF-8 bytes, listing pages of 1,000 keys) and
 * a count of the requests it answers, one per listing page, get, put and
 * delete, as the S3 server would see them.
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
} from "../../../src/store/store";

interface Entry {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** A bucket in memory that counts requests. */
export class CountingMemoryStore implements ArticleStore {
  private readonly objects = new Map<string, Entry>();
  /** Keys in S3 order, rebuilt lazily after a write. */
  private sorted: string[] | null = null;
  /** Requests answered so far. */
  requests = 0;

  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    this.requests++;
    this.sorted ??= [...this.objects.keys()].sort(compareKeys);
    const keys = this.sorted;
    // Binary search for the first key after the cursor (or at the prefix).
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
    const limit = Math.min(options.limit ?? STORE_PAGE_SIZE, STORE_PAGE_SIZE);
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
    this.requests++;
    const entry = this.objects.get(key);
    if (entry === undefined) return null;
    return { key, etag: entry.etag, lastModified: entry.lastModified, size: entry.body.byteLength, body: entry.body, metadata: { ...entry.metadata } };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    this.requests++;
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    if (!this.objects.has(key)) this.sorted = null;
    this.objects.set(key, {
      body: bytes,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: new Date(),
      metadata: { ...(options.metadata ?? {}) },
    });
  }

  async delete(key: string): Promise<void> {
    this.requests++;
    if (this.objects.delete(key)) this.sorted = null;
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    this.requests++;
    for (const key of keys) if (this.objects.delete(key)) this.sorted = null;
  }
}
