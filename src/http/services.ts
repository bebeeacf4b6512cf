/**
 * How a route reaches the application layer: the {@link Application} is put
 * on the context by `createApp`, and a request's services are created from
 * it on first use (so routes that need no store never read its configuration).
 */
import type { Context } from "hono";
import type { Application, Background, Services } from "../app/application";
import type { Env } from "../config";
import type { PartnerBindings } from "../partners/usage";
import type { Access } from "./partner-access";

export type { Services } from "../app/application";

/** Hono's type parameters for this app. */
export interface AppEnv {
  Bindings: Env & PartnerBindings;
  /** `access` is set on feed and article page routes only (see `partner-access.ts`). */
  Variables: { app: Application; services?: Services; access?: Access };
}

/** The request's services. @throws {ConfigError} when the configuration is incomplete. */
export function services(c: Context<AppEnv>): Services {
  const existing = c.get("services");
  if (existing) return existing;
  const created = c.get("app").services(c.env, c.req.url, backgroundOf(c));
  c.set("services", created);
  return created;
}

/** The request's `waitUntil`, where the runtime gives an execution context (Hono throws otherwise). */
function backgroundOf(c: Context<AppEnv>): Background | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}
