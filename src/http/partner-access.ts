/**
 * Who a request to a feed or an article page is for: the public, a partner
 * (its token in the path, `/p/<token>/…`, because feed readers cannot send
 * headers, or in `Authorization: Bearer <token>` on the public URL), or
 * nobody (a wrong or revoked token: answered exactly like an unknown path).
 *
 * The token is held in the request's context only to write the links of a
 * path-token document; it never reaches a cache key, a log line or another
 * partner's response.
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { routePath } from "hono/route";
import type { CachePartner } from "../app/cache-keys";
import { type Partner, partnerFingerprint } from "../partners/definition";
import { type FeedTerms, partnerTerms, publicTerms } from "../partners/terms";
import { findPartnerByToken } from "../partners/token";
import { RATE_LIMIT_RETRY_AFTER_SECONDS, recordUsage, withinBudget } from "../partners/usage";
import { type AppEnv, type Services, services } from "./services";

/** The route prefix of partner documents with the token in the path. */
export const PARTNER_ROUTE_PREFIX = "/p/:token";

/** How a request reaches feeds and article pages. */
export type Access =
  | { kind: "public" }
  | {
      kind: "partner";
      partner: Partner;
      via: "path" | "header";
      /** `/p/<token>` for a path token, empty for a header: what the document's links start with after the site URL. */
      linkPrefix: string;
      /** The request's path without the token prefix. */
      route: string;
    }
  | { kind: "refused" };

/**
 * Decides the {@link Access} of requests to `routes` (the feed and article
 * page routes, public and prefixed) and puts it on the context. Requests to
 * any other route (pages, admin, unknown paths) get none.
 */
export function resolveAccess(routes: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const matched = routePath(c, -1);
    if (!routes.has(matched)) return next();
    const url = new URL(c.req.url);
    let token: string | null;
    let via: "path" | "header";
    if (matched.startsWith(`${PARTNER_ROUTE_PREFIX}/`)) {
      via = "path";
      token = decodeSegment(url.pathname.split("/")[2] ?? "");
    } else {
      via = "header";
      token = bearerToken(c.req.header("Authorization"));
      if (token === null) {
        c.set("access", { kind: "public" });
        return next();
      }
    }
    const definition = await c.get("app").partnerDefinition(services(c));
    const partner = token === null ? null : await findPartnerByToken(definition.partners, token);
    if (!partner || token === null) {
      c.set("access", { kind: "refused" });
      return next();
    }
    // The route without `/p/<token>`: segments 0 (empty), 1 (`p`) and 2 (the token) go.
    const route = via === "path" ? `/${url.pathname.split("/").slice(3).join("/")}` : url.pathname;
    c.set("access", { kind: "partner", partner, via, linkPrefix: via === "path" ? `/p/${encodeURIComponent(token)}` : "", route });
    return next();
  };
}

/**
 * CORS by access: the public documents may be read by any origin (`*`); a
 * partner's only by the origins it listed (none without `origins`), with
 * `Vary: Origin`. Preflights name `Authorization` among the allowed request
 * headers, so that a widget can send its token as a bearer header.
 */
export function corsByAccess(): MiddlewareHandler<AppEnv> {
  const shared = {
    allowMethods: ["GET", "HEAD", "OPTIONS"],
    allowHeaders: ["If-None-Match", "If-Modified-Since", "Authorization"],
    exposeHeaders: ["ETag", "Last-Modified", "Server-Timing", "Link"],
    maxAge: 86_400,
  };
  const publicCors = cors({ origin: "*", ...shared });
  const partnerCors = cors({
    origin: (origin, c: Context<AppEnv>) => {
      const access = c.get("access");
      return access?.kind === "partner" && access.partner.origins?.includes(origin) ? origin : null;
    },
    ...shared,
  });
  return (c, next) => (c.get("access")?.kind === "partner" ? partnerCors(c, next) : publicCors(c, next));
}

/**
 * Acts on the access: a refused token gets the very response of an unknown
 * path; a partner over its budget a 429 with `Retry-After`; every partner
 * request is recorded (log line, Analytics Engine). Documents that a bearer
 * header can change say so with `Vary: Authorization`.
 */
export function partnerGate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const access = c.get("access");
    if (!access) return next();
    if (access.kind === "refused") return c.notFound();
    if (access.kind === "public") {
      await next();
      c.header("Vary", "Authorization", { append: true });
      return;
    }
    const app = c.get("app");
    if (!(await withinBudget(c.env, access.partner, (message) => app.noticeOnce(message)))) {
      c.res = new Response("Too many requests for this feed. Please retry later.\n", {
        status: 429,
        headers: {
          "Content-Type": "text/plain; charset=UTF-8",
          "Retry-After": String(RATE_LIMIT_RETRY_AFTER_SECONDS),
          "Cache-Control": "private, no-store",
        },
      });
    } else {
      await next();
    }
    if (access.via === "header") c.header("Vary", "Authorization", { append: true });
    recordUsage(c.env, {
      partner: access.partner.id,
      access: access.via,
      method: c.req.method,
      route: access.route,
      status: c.res.status,
      bytes: await bodyBytes(c),
    });
  };
}

/** The terms of the request's documents. */
export function termsOf(c: Context<AppEnv>, svc: Services): FeedTerms {
  const access = c.get("access");
  const { siteUrl } = svc.config.feed;
  if (access?.kind === "partner") return partnerTerms(access.partner, siteUrl + access.linkPrefix);
  return publicTerms(siteUrl, svc.config.publicContent);
}

/**
 * What the request's documents are cached under: the request URL, or for a
 * partner the public URL of the same document (never the token) and its
 * partner variant.
 */
export function documentIdentity(c: Context<AppEnv>): { url: string; partner: CachePartner | null } {
  const access = c.get("access");
  if (access?.kind !== "partner") return { url: c.req.url, partner: null };
  const url = new URL(c.req.url);
  url.pathname = access.route;
  return { url: url.toString(), partner: { id: access.partner.id, fingerprint: partnerFingerprint(access.partner), links: access.via } };
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is case-insensitive), or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

async function bodyBytes(c: Context<AppEnv>): Promise<number> {
  if (c.req.method === "HEAD" || c.res.status === 304 || c.res.body === null) return 0;
  return (await c.res.clone().arrayBuffer()).byteLength;
}
