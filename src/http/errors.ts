/**
 * Errors as a client sees them: a status and one short line. Anything the
 * client must not see (stack traces, SDK messages, credentials) stays in the log.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config";
import { StoreError } from "../store/store";

/** Seconds a client should wait before retrying when the store is down. */
export const RETRY_AFTER_SECONDS = 30;

/** A request the service refuses, with the reason a client can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Turns any error into a short plain-text response and logs what the client does not see. */
export function errorResponse(error: unknown, c: Context): Response {
  // Hono's own middleware (bearer auth) answers with a prepared response.
  if (error instanceof HTTPException) return error.getResponse();
  if (error instanceof HttpError) return c.text(`${error.message}\n`, error.status);
  if (error instanceof StoreError) {
    // The cause can carry endpoint names or signed URLs: log it, never return it.
    console.error(`${error.message}: ${describeCause(error.cause)}`);
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return c.text("The article store is unavailable. Please try again shortly.\n", 503);
  }
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
    return c.text("The feed service is not configured correctly.\n", 500);
  }
  console.error("unexpected error", error);
  return c.text("Internal error.\n", 500);
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
