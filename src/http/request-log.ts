/**
 * One log line per request, written when the response is ready: request id,
 * method, route, status, duration, how it was served, and the failure if
 * there was one. Errors are described here and only here, so that an
 * unexpected error appears once, with its stack, on its request's line.
 *
 * The route is the pattern that matched (`/tags/:slug/rss.xml`), never the
 * path: paths carry user input and, for partner feeds, tokens.
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import { failureFields, isLogLevel, type LogFields, type LogLevel } from "../app/log";
import { ConfigError, type Env } from "../config";
import { StoreError } from "../store/store";
import { HttpError } from "./errors";
import type { AppEnv } from "./services";

/** Response header naming the request id, to quote when reporting a problem. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Puts a request logger on the context (`c.var.log`) and writes the
 * request's line once the response is ready. Runs after Hono's `requestId`
 * middleware, whose id it uses.
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.get("requestId");
    const log = c.get("app").log.child({ requestId }, requestLogOptions(c.env));
    c.set("log", log);
    await next();

    const status = c.res.status;
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    const fields: LogFields = {
      method: c.req.method,
      route: routeOf(c),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...c.get("outcome"),
    };
    const [lineLevel, failure] = classify(c.error, c.get("fallback"));
    log[lineLevel]("request", { ...fields, ...failure });
  };
}

/**
 * How the logger of a request under `env` differs from the application's:
 * the environment's secrets are hidden and its LOG_LEVEL applies (an invalid
 * one leaves the application's level; the configuration reports it).
 */
export function requestLogOptions(env: Env | undefined): { secrets: (string | undefined)[]; level?: LogLevel } {
  const level = env?.LOG_LEVEL?.trim().toLowerCase() ?? "";
  return { secrets: [env?.S3_SECRET_ACCESS_KEY, env?.S3_ACCESS_KEY_ID, env?.ADMIN_TOKEN], ...(isLogLevel(level) ? { level } : {}) };
}

/** The level of a request's line and the fields describing its failure, if any. */
function classify(error: unknown, fallback: unknown): [LogLevel, LogFields] {
  if (fallback !== undefined) return ["warn", { served: "last good copy", ...failureFields(fallback, true) }];
  if (error === undefined) return ["info", {}];
  // A client's mistake is not a failure of the service: its status says it all.
  if (error instanceof HttpError || error instanceof HTTPException) return ["info", {}];
  // Expected: the store is down or an index object is bad (503), a setting is wrong (500, names the variable).
  if (error instanceof StoreError) return ["warn", failureFields(error, true)];
  if (error instanceof ConfigError) return ["error", failureFields(error, true)];
  return ["error", failureFields(error, false)];
}

/** The pattern of the route that answered, or `unmatched`. */
export function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== "ALL");
  return routes.at(-1)?.path ?? "unmatched";
}
