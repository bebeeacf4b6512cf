/**
 * An in-memory {@link ArticleStore} for the index tests: keeps objects in a
 * Map, derives ETags from the bytes like S3 does for simple uploads, and
 * records every call so tests can assert how many reads and writes a
 * rebuild or a request made. Each listing page is one recorded call, as it is
 * one request to S3; keys are listed in S3's order (UTF-8 bytes).
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
} from "../../../src/store/store";

interface Entry {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export type Operation = "list" | "get" | "put" | "delete" | "deleteMany";

export class MemoryStore implements ArticleStore {
  readonly objects = new Map<string, Entry>();
  /** Every call in order, as `op key`. */
  calls: string[] = [];
  /** When set and returning true, the call rejects with a StoreError. */
  failWhen: ((op: Operation, key: string) => boolean) | null = null;
  /** Called before each get() is answered (tests simulate concurrent changes with it). */
  beforeGet: ((key: string) => void) | null = null;
  /** Clock for lastModified of objects written through put(). */
  clock = new Date("2024-07-01T00:00:00Z");
  /** Keys per listing page (S3: 1,000); tests lower it to exercise paging. */
  pageSize = STORE_PAGE_SIZE;

  /** Put an object directly (setup: not recorded as a call). */
  seed(key: string, body: string | Uint8Array, options: { lastModified?: Date; metadata?: Record<string, string> } = {}): void {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    this.objects.set(key, {
      body: bytes,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: options.lastModified ?? this.clock,
      metadata: options.metadata ?? {},
    });
  }

  /** Remove an object directly (setup: not recorded). */
  remove(key: string): void {
    this.objects.delete(key);
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
    this.calls.push(`${op} ${key}`);
    if (this.failWhen?.(op, key)) throw new StoreError(op === "deleteMany" ? "delete" : op, key, { cause: new Error("simulated outage") });
  }

  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    this.check("list", prefix);
    const after = options.startAfter;
    const matching = [...this.objects]
      .filter(([key]) => key.startsWith(prefix) && (after === undefined || compareKeys(key, after) > 0))
      .sort(([a], [b]) => compareKeys(a, b));
    const limit = Math.min(options.limit ?? this.pageSize, this.pageSize);
    return {
      objects: matching.slice(0, limit).map(([key, e]) => ({ key, etag: e.etag, lastModified: e.lastModified, size: e.body.length })),
      truncated: matching.length > limit,
    };
  }

  list(prefix: string, options?: ListOptions): Promise<StoredObjectInfo[]> {
    return listAll((p, o) => this.listPage(p, o), prefix, options);
  }

  async get(key: string): Promise<StoredObject | null> {
    this.check("get", key);
    this.beforeGet?.(key);
    const e = this.objects.get(key);
    if (e === undefined) return null;
    return { key, etag: e.etag, lastModified: e.lastModified, size: e.body.length, body: e.body.slice(), metadata: { ...e.metadata } };
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.check("put", key);
    this.seed(key, body, { metadata: options?.metadata ?? {} });
  }

  async delete(key: string): Promise<void> {
    this.check("delete", key);
    this.objects.delete(key);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    this.check("deleteMany", keys[0] ?? "");
    for (const key of keys) this.objects.delete(key);
  }
}

/** What a test article says; everything optional. */
export interface ArticleSpec {
  title?: string;
  date?: string;
  tags?: string[];
  author?: string;
  lang?: string;
  source?: string;
  draft?: boolean;
  id?: string;
  body?: string;
}

/** Raw article text in the real format (front matter + body). */
export function articleText(spec: ArticleSpec): string {
  const lines = ["---"];
  if (spec.id !== undefined) lines.push(`id: ${spec.id}`);
  if (spec.title !== undefined) lines.push(`title: ${spec.title}`);
  if (spec.date !== undefined) lines.push(`date: ${spec.date}`);
  if (spec.tags !== undefined) lines.push(`tags: [${spec.tags.join(", ")}]`);
  if (spec.author !== undefined) lines.push(`author: ${spec.author}`);
  if (spec.lang !== undefined) lines.push(`lang: ${spec.lang}`);
  if (spec.source !== undefined) lines.push(`source: ${spec.source}`);
  if (spec.draft !== undefined) lines.push(`draft: ${spec.draft}`);
  lines.push("---");
  lines.push(spec.body ?? `Der Text von ${spec.title ?? "einem Artikel"} ist kurz und klar.`);
  return `${lines.join("\n")}\n`;
}
