/**
 * The Content-Security-Policy of the HTML pages (CSP Level 3).
 *
 * The pages need no script at all and take their styles from `/style.css` on
 * this origin, so the policy can forbid everything else: an injected
 * `<script>` or inline event handler would not run even if escaping ever
 * failed. Images may come from anywhere over HTTPS (an article's lead image
 * lives on its publisher's site). `frame-ancestors 'none'` forbids framing
 * (clickjacking), as X-Frame-Options does for older browsers.
 *
 * Only HTML gets it: feeds styled by XSLT in a browser carry their own
 * inline styles, and a policy means nothing to a feed reader.
 */
import type { MiddlewareHandler } from "hono";

/** The policy of every HTML page. */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Adds {@link PAGE_CSP} to every `text/html` response. */
export function contentSecurityPolicy(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (/^text\/html\b/i.test(c.res.headers.get("Content-Type") ?? "")) c.res.headers.set("Content-Security-Policy", PAGE_CSP);
  };
}
