/**
 * The Hono application: middleware order, routes, and how errors and unknown
 * paths are answered. `src/index.ts` only hands requests to it.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { registerAdminRoutes } from "./http/admin-routes";
import { errorResponse } from "./http/errors";
import { registerFeedRoutes } from "./http/feed-routes";
import { registerPageRoutes } from "./http/page-routes";
import type { AppEnv } from "./http/services";

/** Creates the application. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Partners read feeds from browsers: any origin may, and may see the validators
  // and timing (CORS, Fetch standard §3.2). Preflights are answered here.
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "HEAD", "OPTIONS"],
      allowHeaders: ["If-None-Match", "If-Modified-Since"],
      exposeHeaders: ["ETag", "Last-Modified", "Server-Timing", "Link"],
      maxAge: 86_400,
    }),
  );

  registerFeedRoutes(app);
  registerPageRoutes(app);
  registerAdminRoutes(app);

  app.notFound((c) => c.text("Not found.\n", 404));
  app.onError((error, c) => errorResponse(error, c));
  return app;
}
