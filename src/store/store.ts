/**
 * The article store as the rest of the pipeline sees it: a flat namespace of
 * objects (a bucket below a key prefix). Only `s3.ts` (over the S3 protocol)
 * and `r2.ts` (through a Worker's R2 binding) know how it is reached, so
 * tests, the Worker and the command line share one contract.
 */

/** What a listing says of one object, without reading it. */
export interface StoredObjectInfo {
  /** Full object key, prefix included. */
  key: string;
  /** Entity tag as the store reports it; changes whenever the bytes change. */
  etag: string;
  lastModified: Date;
  size: number;
}

/** One object read in full. */
export interface StoredObject extends StoredObjectInfo {
  body: Uint8Array;
  /** User metadata (S3 `x-amz-meta-*`, R2 custom metadata), lower-case names without the prefix. */
  metadata: Record<string, string>;
}

/** Options for writing an object. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/** Options of a listing. */
export interface ListOptions {
  /**
   * Leave out the keys that start with this prefix (a sub-folder), without
   * paging through them: when a page ends inside it, the next page starts
   * right after it. For a folder as large as the rest of the listing this
   * halves the requests.
   */
  skipPrefix?: string;
}

/** Options of one listing request. */
export interface ListPageOptions {
  /** List only keys after this one (S3 `StartAfter`; key order is UTF-8 byte order). */
  startAfter?: string;
  /** At most this many keys (default and maximum: the store's page size, 1,000 for S3). */
  limit?: number;
}

/** One page of a listing: exactly one request to the store. */
export interface ListPage {
  objects: StoredObjectInfo[];
  /** True when more keys follow the last one of this page. */
  truncated: boolean;
}

/** Most keys one listing page or one batch delete holds (S3's limit for both, and R2's). */
export const STORE_PAGE_SIZE = 1_000;

/** Read/write access to the bucket. Every method rejects with {@link StoreError} on failure. */
export interface ArticleStore {
  /** Every object whose key starts with `prefix`, in key order (all pages of the listing). */
  list(prefix: string, options?: ListOptions): Promise<StoredObjectInfo[]>;
  /**
   * One page of the listing of `prefix`, in key order: one request. Callers
   * that must bound their requests (a Worker invocation) walk a listing with
   * this, from a cursor they keep.
   */
  listPage(prefix: string, options?: ListPageOptions): Promise<ListPage>;
  /** The object, or null when there is no object under `key`. */
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Deletes up to {@link STORE_PAGE_SIZE} keys in one request (S3
   * DeleteObjects); keys that do not exist are not an error.
   */
  deleteMany(keys: readonly string[]): Promise<void>;
}

/**
 * Every object below `prefix` through `listPage`, one page after another.
 * With `skipPrefix`, a page that ends inside that folder is followed by one
 * that starts right after it, so a large folder costs one or two pages. S3
 * orders keys by UTF-8 bytes and U+10FFFF is the largest code point, so the
 * folder plus that character sorts after every key in the folder.
 */
export async function listAll(
  listPage: (prefix: string, options: ListPageOptions) => Promise<ListPage>,
  prefix: string,
  options: ListOptions = {},
): Promise<StoredObjectInfo[]> {
  const skip = options.skipPrefix;
  const objects: StoredObjectInfo[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await listPage(prefix, startAfter === undefined ? {} : { startAfter });
    for (const info of page.objects) if (skip === undefined || !info.key.startsWith(skip)) objects.push(info);
    const last = page.objects.at(-1)?.key;
    if (!page.truncated || last === undefined) return objects;
    startAfter = skip !== undefined && last.startsWith(skip) ? `${skip}\u{10FFFF}` : last;
  }
}

/**
 * The store could not be reached or refused a request. The message is safe to
 * log (operation and key, never credentials); `cause` keeps the original error
 * for logs only and must never reach a response.
 */
export class StoreError extends Error {
  constructor(
    readonly operation: "list" | "get" | "put" | "delete",
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`store ${operation} failed for "${key}"`, options);
    this.name = "StoreError";
  }
}

/**
 * Orders keys as S3 lists them: by UTF-8 bytes, which is code point order.
 * JavaScript's `<` compares UTF-16 code units, which differs when a
 * surrogate (a code point above U+FFFF) meets U+E000–U+FFFF: those sort
 * after the surrogates by code unit but before them by code point.
 */
export function compareKeys(a: string, b: string): number {
  // Below U+D800 both orders agree: let the engine compare (most keys are ASCII).
  if (!ABOVE_D7FF.test(a) && !ABOVE_D7FF.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const ABOVE_D7FF = /[\uD800-\uFFFF]/;

/** A code unit's rank in code point order (surrogates move above U+E000–U+FFFF). */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}
