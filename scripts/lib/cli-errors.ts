/**
 * One-line messages for errors that end a command-line run: what failed and
 * the underlying error's code, never a stack, an endpoint's answer body or a
 * credential.
 */
import { StoreError } from "../../src/store/store";

/** A command line that cannot run as given (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The message for `error`. For a `StoreError` the cause contributes only its
 * code or class name (`ECONNREFUSED`, `InvalidAccessKeyId`, `TimeoutError`):
 * S3 error messages may quote request details, codes do not.
 */
export function oneLineError(error: unknown): string {
  if (error instanceof StoreError) {
    const code = causeCode(error.cause);
    return code ? `${error.message} (${code})` : error.message;
  }
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}

/** The code or class name of an error or of what it wraps (`ECONNREFUSED`, `TimeoutError`), or null. */
export function causeCode(cause: unknown): string | null {
  if (typeof cause !== "object" || cause === null) return null;
  const fields = cause as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown };
  if (typeof fields.code === "string" && fields.code) return fields.code;
  // Node's fetch and the SDK wrap socket errors; the code sits one level down.
  const nested = causeCode(fields.cause) ?? (Array.isArray(fields.errors) ? causeCode(fields.errors[0]) : null);
  if (nested) return nested;
  return typeof fields.name === "string" && fields.name !== "Error" ? fields.name : null;
}
