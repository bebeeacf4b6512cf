/**
 * Deciding whether a local file and a stored object hold the same bytes
 * without downloading the object: S3 (and s3rver, R2, MinIO) report the ETag
 * of a single-part PUT as the hex MD5 of the body in double quotes.
 */
import { createHash } from "node:crypto";

/** Hex MD5 of `bytes`. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * True when `etag` is the single-part ETag of bytes whose MD5 is `md5`. A
 * multipart ETag (`"<md5>-<parts>"`), a weak or empty one never matches: we
 * cannot tell, so the file counts as changed and is uploaded again.
 */
export function etagMatches(etag: string, md5: string): boolean {
  return etag.toLowerCase() === `"${md5}"`;
}
