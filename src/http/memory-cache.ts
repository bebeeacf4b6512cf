/**
 * Rendered documents kept in isolate memory for a short time (INDEX_TTL): a
 * warm feed is then answered without a store read, a render or even an edge
 * cache lookup, at nearly the cost of returning fixed bytes.
 */

/** A finished 200 response, as plain data so it can be answered many times. */
export interface RenderedDocument {
  /** Encoded once: a warm request then copies bytes instead of encoding text again. */
  body: Uint8Array;
  headers: [string, string][];
  expires: number;
}

/** Enough for every feed a busy site serves; the oldest entry goes first. */
const MAX_ENTRIES = 256;
const documents = new Map<string, RenderedDocument>();

/** The document stored under `key` while it is fresh. */
export function recall(key: string, now = Date.now()): RenderedDocument | null {
  const found = documents.get(key);
  if (!found) return null;
  if (found.expires <= now) {
    documents.delete(key);
    return null;
  }
  return found;
}

/** Keeps `document` under `key` for `ttlSeconds` (nothing is kept for 0). */
export function remember(key: string, body: string, headers: Headers, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0) return;
  documents.delete(key);
  if (documents.size >= MAX_ENTRIES) {
    const oldest = documents.keys().next().value;
    if (oldest !== undefined) documents.delete(oldest);
  }
  documents.set(key, { body: new TextEncoder().encode(body), headers: [...headers], expires: now + ttlSeconds * 1000 });
}

/** Forgets every document, e.g. after the index was rebuilt. */
export function clearRenderedDocuments(): void {
  documents.clear();
}
