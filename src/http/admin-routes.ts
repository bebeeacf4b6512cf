/**
 * Operator endpoints. `POST /admin/reindex` rebuilds the index now instead of
 * at the next cron run, e.g. right after a publisher uploaded articles.
 */
import type { Hono } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { HttpError } from "./errors";
import { rebuildOnce, services, type AppEnv } from "./services";
import { FEED_FORMATS, OPML_PATH, feedPath } from "../urls";

/** Registers the admin routes on `app`. */
export function registerAdminRoutes(app: Hono<AppEnv>): void {
  app.post("/admin/reindex", async (c) => {
    const svc = services(c);
    const presented = /^Bearer\s+(.+)$/i.exec(c.req.header("Authorization") ?? "")?.[1]?.trim() ?? "";
    // Compared in constant time (hashes of both sides), so response timing reveals nothing about the token.
    const authorised = svc.config.adminToken !== "" && (await timingSafeEqual(presented, svc.config.adminToken));
    if (!authorised) {
      c.header("WWW-Authenticate", 'Bearer realm="feed-admin"');
      throw new HttpError(401, "A valid bearer token is required.");
    }
    const report = await rebuildOnce(svc);
    await purgeEdgeCache(svc.config.feed.siteUrl);
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

/** Drops the cached main documents so a rebuild shows at once (topic feeds follow within their max-age). */
async function purgeEdgeCache(siteUrl: string): Promise<void> {
  if (typeof caches === "undefined") return;
  const cache = (caches as unknown as { default: Cache }).default;
  const paths = ["/", OPML_PATH, ...FEED_FORMATS.map((format) => feedPath({ kind: "main" }, format))];
  await Promise.all(paths.map((path) => cache.delete(new Request(siteUrl + path))));
}
