/**
 * The article store as the rest of the pipeline sees it: a flat namespace of
 * objects (an S3 bucket below a key prefix). Only `s3.ts` knows how it is
 * reached, so tests, the Worker and the command line share one contract.
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
  /** User metadata (S3 `x-amz-meta-*`), lower-case names without the prefix. */
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

/** Read/write access to the bucket. Every method rejects with {@link StoreError} on failure. */
export interface ArticleStore {
  /** Every object whose key starts with `prefix`, in key order (all pages of the listing). */
  list(prefix: string, options?: ListOptions): Promise<StoredObjectInfo[]>;
  /** The object, or null when there is no object under `key`. */
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  delete(key: string): Promise<void>;
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
