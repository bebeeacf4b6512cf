/**
 * The HTML5 document shell shared by the human-facing pages.
 *
 * Self-contained on purpose: inline CSS and no external fonts, scripts or
 * images, so a page costs one request, works offline from the edge cache and
 * leaks nothing to third parties.
 */
import { escapeHtml, safeUrl } from "./escape";

/** A `<link rel="alternate">` feed autodiscovery entry for the document head. */
export interface AlternateLink {
  /** Media type, e.g. `application/rss+xml`. */
  type: string;
  /** Name shown by browsers and feed readers when they offer the feed. */
  title: string;
  /** Feed URL (absolute or root-relative). */
  href: string;
}

/** Everything the shell needs; `body` is trusted HTML built by a view. */
export interface LayoutOptions {
  /** BCP 47 language of the page (`<html lang>`). */
  lang: string;
  /** Document title (plain text). */
  title: string;
  /** `<meta name="description">` (plain text); omitted when absent or empty. */
  description?: string | undefined;
  /** Absolute canonical URL of the page; omitted when absent. */
  canonicalUrl?: string | undefined;
  /** Feed autodiscovery links, in the order feed readers should prefer them. */
  alternates: readonly AlternateLink[];
  /** Page content: trusted HTML placed inside `<body>`. */
  body: string;
}

/**
 * A small stylesheet for a readable news layout. System font stack and
 * `color-scheme` so the page follows the reader's light/dark preference
 * without any script.
 */
export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#fdfdfc;--fg:#1d1d1f;--muted:#5f6368;--line:#e3e3e0;--accent:#0b57d0;--chip:#f1f1ee}
@media (prefers-color-scheme:dark){:root{--bg:#141416;--fg:#e8e8ea;--muted:#a0a4ab;--line:#2d2e33;--accent:#8ab4f8;--chip:#232428}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;overflow-wrap:break-word;background:var(--bg);color:var(--fg);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:42rem;margin:0 auto;padding:2rem 1.25rem 4rem}
a{color:var(--accent);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
h1,h2,h3{line-height:1.25;margin:0 0 .5rem}
h1{font-size:clamp(1.5rem,1rem + 3vw,2rem);letter-spacing:-.01em;overflow-wrap:break-word;hyphens:auto}
h1 a{color:inherit;text-decoration:none}
h2{font-size:1.25rem;margin-top:2.5rem;padding-bottom:.35rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin-top:1.5rem;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
p{margin:0 0 1rem}
.muted,.meta{color:var(--muted);font-size:.9rem}
.meta{margin:.25rem 0 0}
.byline{color:var(--fg)}
.site-header{margin-bottom:2rem}
.site-header .lede{color:var(--muted);font-size:1.1rem;margin:.25rem 0 0}
.feeds{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:1rem 0 0}
.feeds a,.formats a{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:.2rem .8rem;text-decoration:none;font-size:.9rem;background:var(--chip)}
.feeds a:hover,.formats a:hover{border-color:var(--accent)}
.formats{display:inline-flex;gap:.3rem;flex-wrap:nowrap}
.formats a{padding:.05rem .55rem;font-size:.78rem}
.articles{list-style:none;padding:0;margin:0}
.articles li{padding:1rem 0;border-bottom:1px solid var(--line)}
.articles li:last-child{border-bottom:0}
.articles .title{font-weight:600;font-size:1.1rem;text-decoration:none;color:var(--fg)}
.articles a.title:hover{color:var(--accent);text-decoration:underline}
.topics{list-style:none;padding:0;margin:0}
.topics li{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.25rem 1rem;padding:.35rem 0;border-bottom:1px dashed var(--line)}
.topics .count{color:var(--muted);font-size:.85rem;margin-left:.35rem;white-space:nowrap}
.tags{display:flex;flex-wrap:wrap;gap:.35rem;list-style:none;padding:0;margin:.75rem 0 0}
.tags li{background:var(--chip);border:1px solid var(--line);border-radius:999px;padding:.05rem .6rem;font-size:.8rem}
article .content{margin-top:1.75rem;font-size:1.125rem;line-height:1.7;hyphens:auto;overflow-wrap:break-word}
article .content .source{margin-top:2rem;padding-top:.75rem;border-top:1px solid var(--line);color:var(--muted);font-size:.95rem}
article .content img{max-width:100%;height:auto}
.back{display:inline-block;margin-bottom:1.5rem;text-decoration:none;font-size:.95rem}
.site-footer{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
`.trim();

/**
 * Renders a complete HTML5 document around `options.body`.
 *
 * @param options Page metadata and body (see {@link LayoutOptions}).
 * @returns The document, starting with `<!doctype html>`.
 */
export function renderLayout(options: LayoutOptions): string {
  const head = [
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(options.title)}</title>`,
  ];
  if (options.description) head.push(`<meta name="description" content="${escapeHtml(options.description)}">`);
  if (options.canonicalUrl) head.push(`<link rel="canonical" href="${escapeHtml(safeUrl(options.canonicalUrl))}">`);
  for (const link of options.alternates) {
    head.push(
      `<link rel="alternate" type="${escapeHtml(link.type)}" title="${escapeHtml(link.title)}" href="${escapeHtml(safeUrl(link.href))}">`,
    );
  }
  head.push(`<style>${PAGE_CSS}</style>`);
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(options.lang)}">`,
    "<head>",
    ...head,
    "</head>",
    "<body>",
    `<div class="wrap">`,
    options.body,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
