/**
 * The Hono application: middleware order, routes, and how errors and unknown
 * paths are answered. It is an adapter over one {@link Application}.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { Application } from "./app/application";
import { registerAdminRoutes } from "./http/admin-routes";
import { errorResponse } from "./http/errors";
import { registerFeedRoutes } from "./http/feed-routes";
import { registerPageRoutes } from "./http/page-routes";
import type { AppEnv } from "./http/services";

/** Creates the HTTP application over `application`. */
export function createApp(application: Application): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("app", application);
    await next();
  });

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

  // nosniff everywhere; feeds are read cross-origin by widgets, so resources
  // stay loadable from other origins (CORP cross-origin) while HTML pages may
  // not be framed.
  app.use(
    "*",
    secureHeaders({
      crossOriginResourcePolicy: "cross-origin",
      crossOriginOpenerPolicy: false,
      crossOriginEmbedderPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
      strictTransportSecurity: false,
      referrerPolicy: "strict-origin-when-cross-origin",
      xFrameOptions: "DENY",
    }),
  );

  registerFeedRoutes(app);
  registerPageRoutes(app);
  registerAdminRoutes(app);

  app.notFound((c) => c.text("Not found.\n", 404));
  app.onError((error, c) => errorResponse(error, c));
  return app;
}
