/**
 * Operator endpoints. `POST /admin/reindex` runs one full pass of the index
 * over the whole bucket now (the cron trigger walks it a bounded part per
 * run), repairing damaged index objects. `adminAuth()` guards these and `POST /admin/changes`
 * (`change-routes.ts`).
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { basicAuth } from "hono/basic-auth";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { type AppEnv, services } from "./services";

const REALM = "feed-admin";

/** Options of {@link adminAuth}. */
export interface AdminAuthOptions {
  /**
   * Also accept Basic authentication (RFC 7617) with ADMIN_TOKEN as the
   * password and any user name, for senders that cannot send a bearer token:
   * Amazon SNS takes credentials only in the endpoint URL
   * (`https://feed:<token>@host/…`) and may send them only in answer to a
   * Basic challenge, so a request without credentials is offered both
   * (RFC 9110 §11.6.1 allows several challenges).
   */
  basic?: boolean;
}

/**
 * Bearer authentication (RFC 6750) against ADMIN_TOKEN, which is read per
 * request from the environment; while it is unset every call is refused.
 * Tokens are compared in constant time (hashes of both sides), so response
 * timing reveals nothing about the token.
 */
export function adminAuth(options: AdminAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const bearer = bearerAuth<AppEnv>({
    realm: REALM,
    verifyToken: (token, c) => isAdminToken(c, token),
    ...(options.basic ? { noAuthenticationHeader: { wwwAuthenticateHeader: `Bearer realm="${REALM}", Basic realm="${REALM}", charset="UTF-8"` } } : {}),
  });
  if (!options.basic) return bearer;
  const basic = basicAuth({ realm: REALM, verifyUser: (_user, password, c) => isAdminToken(c as Context<AppEnv>, password) });
  return (c, next) => (/^basic /i.test(c.req.header("Authorization") ?? "") ? basic(c, next) : bearer(c, next));
}

async function isAdminToken(c: Context<AppEnv>, candidate: string): Promise<boolean> {
  const expected = services(c).config.adminToken;
  return expected !== "" && (await timingSafeEqual(candidate, expected));
}

/** Registers the admin routes on `app`. */
export function registerAdminRoutes(app: Hono<AppEnv>): void {
  app.post("/admin/reindex", adminAuth(), async (c) => {
    const svc = services(c);
    // An explicit run: it also checks the article records requests found missing (see `Application.indexObjectMaybeMissing`).
    const report = await svc.app.rebuild(svc.config, svc.app.indexStore(svc.config), svc.config.feed.siteUrl, svc.background, svc.log, { explicit: true });
    return c.json({
      listed: report.listed,
      parsed: report.parsed,
      unchanged: report.unchanged,
      deleted: report.deleted,
      skipped: report.skipped,
      failed: report.failed,
      repaired: report.repaired,
      reads: report.reads,
      writes: report.writes,
      durationMs: Math.round(report.durationMs),
    });
  });
}
