/**
 * Errors as a client sees them: a status and one fixed line. Nothing a
 * request sent is ever repeated in a body (no reflected markup, no 10 KB
 * slugs), and anything the client must not see (stack traces, SDK messages,
 * credentials) stays in the log, which the request-log middleware writes.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../config";
import { StoreError } from "../store/store";

/** Seconds a client should wait before retrying when the store is down. */
export const RETRY_AFTER_SECONDS = 30;

/** The fixed bodies of the error responses. */
export const ERROR_BODIES = {
  notFound: "Not found.\n",
  methodNotAllowed: "Method not allowed.\n",
  unavailable: "The article store is unavailable. Please try again shortly.\n",
  notConfigured: "The feed service is not configured correctly.\n",
  internal: "Internal error.\n",
} as const;

/**
 * A request the service refuses, with a reason a client can act on. The
 * message is sent as the body: it must be a fixed text, never built from
 * request input.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Turns any error into a short plain-text response (Hono's `onError`). */
export function errorResponse(error: unknown, c: Context): Response {
  // Hono's own middleware (bearer auth) answers with a prepared response.
  if (error instanceof HTTPException) return error.getResponse();
  if (error instanceof HttpError) return c.text(`${error.message}\n`, error.status);
  if (error instanceof StoreError) {
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return c.text(ERROR_BODIES.unavailable, 503);
  }
  if (error instanceof ConfigError) return c.text(ERROR_BODIES.notConfigured, 500);
  return c.text(ERROR_BODIES.internal, 500);
}
