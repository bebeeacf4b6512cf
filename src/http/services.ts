/**
 * How a route reaches the application layer: the {@link Application} is put
 * on the context by `createApp`, and a request's services are created from
 * it on first use (so routes that need no store never read its configuration).
 */
import type { Context } from "hono";
import type { RequestIdVariables } from "hono/request-id";
import type { Application, Background, Services } from "../app/application";
import type { LogFields, Logger } from "../app/log";
import type { Env } from "../config";
import type { PartnerBindings } from "../partners/usage";
import type { MemoryOffer } from "./memory-answers";
import type { Access } from "./partner-access";

export type { Services } from "../app/application";

/** Hono's type parameters for this app. */
export interface AppEnv {
  Bindings: Env & PartnerBindings;
  Variables: RequestIdVariables & {
    app: Application;
    services?: Services;
    /** `access` is set on feed and article page routes only (see `partner-access.ts`). */
    access?: Access;
    /** The request's logger (set by the request-log middleware). */
    log: Logger;
    /** How the response was served (cache state, store reads), for the request's log line. */
    outcome?: LogFields;
    /** The failure behind a response served from the last good copy. */
    fallback?: unknown;
    /** The stored document a public response shows, for the memory fast path (`memory-answers.ts`); set by `serve`. */
    memoryDocument?: MemoryOffer;
  };
}

/** The request's services. @throws {ConfigError} when the configuration is incomplete. */
export function services(c: Context<AppEnv>): Services {
  const existing = c.get("services");
  if (existing) return existing;
  const background = backgroundOf(c);
  const created = c.get("app").services(c.env, c.req.url, { log: c.get("log"), ...(background ? { background } : {}) });
  c.set("services", created);
  return created;
}

/** The request's `waitUntil`, where the runtime gives an execution context (Hono throws otherwise). */
export function backgroundOf(c: Context<AppEnv>): Background | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}
