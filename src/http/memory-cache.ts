/**
 * Rendered documents kept in isolate memory for a short time (INDEX_TTL): a
 * warm feed is then answered without a store read, a render or even an edge
 * cache lookup, at nearly the cost of returning fixed bytes.
 */

/** A finished 200 response, as plain data so it can be answered many times. */
export interface RenderedDocument {
  /** Encoded once: a warm request then copies bytes instead of encoding text again. */
  body: Uint8Array<ArrayBuffer>;
  headers: [string, string][];
  expires: number;
}

/**
 * Bounds on what one isolate keeps (a Worker has 128 MB in all): enough for
 * every feed a busy site serves, while archives of large months (megabytes
 * each) cannot crowd out the rest. The oldest entry goes first.
 */
const MAX_ENTRIES = 256;
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_DOCUMENT_BYTES = MAX_BYTES / 8;
const documents = new Map<string, RenderedDocument>();
let totalBytes = 0;

function forget(key: string): void {
  const found = documents.get(key);
  if (!found) return;
  totalBytes -= found.body.byteLength;
  documents.delete(key);
}

/** The document stored under `key` while it is fresh. */
export function recall(key: string, now = Date.now()): RenderedDocument | null {
  const found = documents.get(key);
  if (!found) return null;
  if (found.expires <= now) {
    forget(key);
    return null;
  }
  return found;
}

/** Keeps `document` under `key` for `ttlSeconds` (nothing is kept for 0). */
export function remember(key: string, body: string, headers: Headers, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0) return;
  forget(key);
  // TextEncoder always allocates a fresh ArrayBuffer (never a shared one).
  const bytes = new TextEncoder().encode(body) as Uint8Array<ArrayBuffer>;
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) return;
  documents.set(key, { body: bytes, headers: [...headers], expires: now + ttlSeconds * 1000 });
  totalBytes += bytes.byteLength;
  while (documents.size > MAX_ENTRIES || totalBytes > MAX_BYTES) {
    const oldest = documents.keys().next().value;
    if (oldest === undefined) break;
    forget(oldest);
  }
}

/** Forgets every document, e.g. after the index was rebuilt. */
export function clearRenderedDocuments(): void {
  documents.clear();
  totalBytes = 0;
}
