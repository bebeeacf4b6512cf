/**
 * R2 event notifications, as an R2 bucket's notification rule delivers them
 * to a Cloudflare Queue (one message per event):
 *
 * ```json
 * { "account": "…", "bucket": "articles", "action": "PutObject",
 *   "object": { "key": "news/a.txt", "size": 2048, "eTag": "…" },
 *   "eventTime": "2026-05-24T19:36:44.379Z" }
 * ```
 *
 * Deletions carry only `object.key`. An event is a hint that a key may have
 * changed, never the truth: the index reads the key's current state, so only
 * what is needed to name the key is checked here.
 */

/** Actions of R2 event notifications (Cloudflare R2 docs, "Event notifications"). */
export const R2_ACTIONS = ["PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject", "LifecycleDeletion"] as const;

/** One of {@link R2_ACTIONS}. */
export type R2Action = (typeof R2_ACTIONS)[number];

/** What an R2 event says: which key of which bucket may have changed, and how. */
export interface R2Event {
  bucket: string;
  key: string;
  action: R2Action;
}

/** An event, or why a message is not one (the reason names fields, never their values). */
export type R2EventResult = { ok: true; event: R2Event } | { ok: false; reason: string };

/** S3 (and R2) refuse keys longer than this many bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** Reads one queue message body as an R2 event notification. */
export function parseR2Event(body: unknown): R2EventResult {
  if (!isRecord(body)) return { ok: false, reason: "the message body is not an object" };
  const { bucket, action, object } = body;
  if (typeof bucket !== "string" || bucket === "") return { ok: false, reason: "bucket is missing" };
  if (typeof action !== "string") return { ok: false, reason: "action is missing" };
  if (!isR2Action(action)) return { ok: false, reason: "action is not one of the R2 event notification actions" };
  if (!isRecord(object) || typeof object.key !== "string" || object.key === "") return { ok: false, reason: "object.key is missing" };
  if (byteLength(object.key) > MAX_KEY_BYTES) return { ok: false, reason: `object.key is longer than ${MAX_KEY_BYTES} bytes` };
  return { ok: true, event: { bucket, key: object.key, action } };
}

function isR2Action(action: string): action is R2Action {
  return (R2_ACTIONS as readonly string[]).includes(action);
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Length of `text` in UTF-8 bytes. */
export function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
