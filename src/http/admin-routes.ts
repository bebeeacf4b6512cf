/**
 * Operator endpoints. `POST /admin/reindex` rebuilds the index now instead of
 * at the next cron run, e.g. right after a publisher uploaded articles.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { timingSafeEqual } from "hono/utils/buffer";
import { services, type AppEnv } from "./services";

/**
 * Bearer authentication (RFC 6750) against ADMIN_TOKEN, which is read per
 * request from the environment; while it is unset every call is refused.
 * Tokens are compared in constant time (hashes of both sides), so response
 * timing reveals nothing about the token.
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return bearerAuth<AppEnv>({
    realm: "feed-admin",
    verifyToken: async (token, c) => {
      const expected = services(c).config.adminToken;
      return expected !== "" && (await timingSafeEqual(token, expected));
    },
  });
}

/** Registers the admin routes on `app`. */
export function registerAdminRoutes(app: Hono<AppEnv>): void {
  app.post("/admin/reindex", adminAuth(), async (c) => {
    const svc = services(c);
    const report = await svc.app.rebuild(svc.config, svc.store, svc.config.feed.siteUrl);
    return c.json({
      listed: report.listed,
      parsed: report.parsed,
      unchanged: report.unchanged,
      deleted: report.deleted,
      skipped: report.skipped,
      reads: report.reads,
      writes: report.writes,
      durationMs: Math.round(report.durationMs),
    });
  });
}
