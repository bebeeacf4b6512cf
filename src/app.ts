/**
 * The Hono application: middleware order, routes, and how errors and unknown
 * paths are answered. It is an adapter over one {@link Application}.
 */
import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Application } from "./app/application";
import { registerAdminRoutes } from "./http/admin-routes";
import { registerChangeRoutes } from "./http/change-routes";
import { contentSecurityPolicy } from "./http/content-security-policy";
import { ERROR_BODIES, errorResponse } from "./http/errors";
import { registerFeedRoutes } from "./http/feed-routes";
import type { MemoryAnswers } from "./http/memory-answers";
import { registerArticlePageRoute, registerPageRoutes } from "./http/page-routes";
import { corsByAccess, PARTNER_ROUTE_PREFIX, partnerGate, resolveAccess } from "./http/partner-access";
import { requestLog } from "./http/request-log";
import type { AppEnv } from "./http/services";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /**
   * The memory fast path in front of the app (`worker.ts`): its middleware
   * goes first, so that it sees each response as it leaves.
   */
  memoryAnswers?: MemoryAnswers;
}

/** Creates the HTTP application over `application`. */
export function createApp(application: Application, options: CreateAppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Outermost: the finished response (every header below added) is what a memory answer repeats.
  if (options.memoryAnswers) app.use("*", options.memoryAnswers.capture());

  app.use("*", async (c, next) => {
    c.set("app", application);
    await next();
  });

  // Our own id for every request (a client's X-Request-Id is not taken over: it
  // would put request input into logs and response headers); the log line of
  // the request is written once its response is ready.
  app.use("*", requestId({ headerName: "" }), requestLog());

  // A known path with another method is a 405 naming the allowed ones (RFC 9110
  // §15.5.6), not a 404: Hono's middleware derives Allow from the routes below.
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => c.text(ERROR_BODIES.methodNotAllowed, 405, { Allow: [...new Set([...methods, "OPTIONS"])].join(", ") }),
    }),
  );

  // The documents partners may get on their own terms: every feed and the
  // article pages, at their public paths and below /p/<token>.
  const partnerCapable = new Hono<AppEnv>();
  registerFeedRoutes(partnerCapable);
  registerArticlePageRoute(partnerCapable);
  const partnerRoutes = new Set(partnerCapable.routes.flatMap(({ path }) => [path, PARTNER_ROUTE_PREFIX + path]));

  // Who the request is for (public, a partner, a refused token), before CORS
  // depends on it.
  app.use("*", resolveAccess(partnerRoutes));

  // Widgets read feeds from browsers: the public documents any origin may, a
  // partner's only its own origins; they may see the validators and timing
  // (CORS, Fetch standard §3.2). Preflights are answered here.
  app.use("*", corsByAccess());

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

  // HTML pages: no script at all, styles only from this origin, never framed.
  app.use("*", contentSecurityPolicy());

  // Refused tokens, rate limits and usage records, after CORS and the security
  // headers, so that their responses carry both.
  app.use("*", partnerGate());

  app.route("/", partnerCapable);
  app.route(PARTNER_ROUTE_PREFIX, partnerCapable);
  registerPageRoutes(app);
  registerAdminRoutes(app);
  registerChangeRoutes(app);

  // A wrong or revoked token gets this very response too (partner-access.ts).
  app.notFound((c) => c.text(ERROR_BODIES.notFound, 404));
  app.onError((error, c) => errorResponse(error, c));
  return app;
}
