/**
 * The HTML5 document shell shared by the human-facing pages.
 *
 * Self-contained on purpose: one stylesheet from this origin (served at
 * `/style.css`, so the Content-Security-Policy needs no inline style), no
 * external fonts and no script at all, so a page works from the edge cache.
 * The one outside resource is an article's lead image, loaded without a
 * referrer. (The JSON-LD block is data, not script: browsers do not run it.)
 */
import { escapeHtml, safeUrl } from "../text/xml";
import { PAGE_STYLESHEET_PATH } from "../urls";

/** A `<link rel="alternate">` feed autodiscovery entry for the document head. */
export interface AlternateLink {
  /** Media type, e.g. `application/rss+xml`. */
  type: string;
  /** Name shown by browsers and feed readers when they offer the feed. */
  title: string;
  /** Feed URL (absolute or root-relative). */
  href: string;
}

/** A `<meta>` element of the head: `name=` (Twitter cards) or `property=` (Open Graph) with its content. */
export interface MetaTag {
  /** `property` for Open Graph (`og:title`, `article:published_time`), `name` for everything else. */
  attribute: "name" | "property";
  key: string;
  /** Plain text; escaped here. */
  content: string;
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
  /** Further `<meta>` elements (Open Graph, Twitter cards). */
  meta?: readonly MetaTag[] | undefined;
  /** Structured data (schema.org), written as one JSON-LD block. */
  structuredData?: Readonly<Record<string, unknown>> | undefined;
  /** Page content: trusted HTML placed inside `<body>`. */
  body: string;
  /** `wide` for pages with a sidebar (the home page); one reading column otherwise. */
  width?: "narrow" | "wide" | undefined;
}

/**
 * JSON for a `<script type="application/ld+json">` block. The HTML parser
 * ends a script element at the first `</script` whatever the JSON means, and
 * `<!--` changes how it scans (HTML §13.2.5.4), so `<`, `>` and `&` are
 * written as JSON escapes (`\u003c`...), which mean the same to a JSON parser.
 * U+2028 and U+2029 are escaped too for consumers that evaluate it as script.
 */
export function jsonLd(data: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A small stylesheet for a readable news layout. System font stack and
 * `color-scheme` so the page follows the reader's light/dark preference
 * without any script. Wide pages get a sidebar next to the main column from
 * 62rem on; below that, the sidebar follows the main column and a jump
 * navigation at the top leads to it.
 */
export const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#fbfbf9;--fg:#1b1b1f;--muted:#5c6066;--line:#e2e2dd;--accent:#0b57d0;--accent-soft:#e8f0fe;--chip:#f1f1ec;--card:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#e8e8ea;--muted:#a3a7ae;--line:#2e2f35;--accent:#8ab4f8;--accent-soft:#1c2a44;--chip:#222328;--card:#1a1b1f}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;overflow-wrap:break-word;background:var(--bg);color:var(--fg);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:44rem;margin:0 auto;padding:2rem 1.25rem 4rem}
.wrap.wide{max-width:74rem}
a{color:var(--accent);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
h1,h2,h3{line-height:1.25;margin:0 0 .5rem}
h1{font-size:clamp(1.6rem,1rem + 3vw,2.25rem);letter-spacing:-.015em;overflow-wrap:break-word;hyphens:auto}
h1 a{color:inherit;text-decoration:none}
h2{font-size:1.2rem;margin-top:2.25rem;padding-bottom:.35rem;border-bottom:1px solid var(--line)}
h3{font-size:.8rem;margin-top:1.5rem;color:var(--muted);text-transform:uppercase;letter-spacing:.08em}
p{margin:0 0 1rem}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted,.meta{color:var(--muted);font-size:.9rem}
.meta{margin:.2rem 0 0}
.byline{color:var(--fg)}
.site-header{margin-bottom:1.5rem}
.site-header .lede{color:var(--muted);font-size:1.1rem;margin:.35rem 0 0}
.feeds{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:1rem 0 0}
.feeds a,.formats a,.format-list a{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:.2rem .8rem;text-decoration:none;font-size:.9rem;background:var(--chip)}
.feeds a:hover,.formats a:hover,.format-list a:hover{border-color:var(--accent)}
.format-list{list-style:none;padding:0;margin:0 0 .9rem}
.format-list li{margin:.35rem 0;font-size:.95rem}
.format-list a{min-width:6.5rem;text-align:center;margin-right:.5rem}
.format-list a[aria-current]{background:var(--accent);border-color:var(--accent);color:var(--bg);font-weight:600}
.formats{display:inline-flex;gap:.3rem;flex-wrap:nowrap}
.formats a{padding:.05rem .55rem;font-size:.78rem}
.jump{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1.5rem;padding:.6rem 0;border-top:1px solid var(--line);border-bottom:1px solid var(--line);font-size:.9rem}
.jump span{color:var(--muted)}
.articles{list-style:none;padding:0;margin:0}
.articles li{padding:1.1rem 0;border-bottom:1px solid var(--line)}
.articles li:last-child{border-bottom:0}
.articles .title{font-weight:650;font-size:1.15rem;line-height:1.35;text-decoration:none;color:var(--fg)}
.articles a.title:hover{color:var(--accent);text-decoration:underline}
.articles .summary{margin:.4rem 0 0;color:var(--fg);font-size:1rem;line-height:1.55}
.topics{list-style:none;padding:0;margin:0}
.topics li{display:grid;grid-template-columns:minmax(0,1fr) auto;align-items:baseline;gap:.2rem .75rem;padding:.4rem 0;border-bottom:1px dashed var(--line);font-size:.95rem}
.topics a.topic{color:var(--fg);text-decoration:none}
.topics a.topic:hover{color:var(--accent);text-decoration:underline}
.topics .count{color:var(--muted);font-size:.8rem;margin-left:.35rem;white-space:nowrap}
.tags{display:flex;flex-wrap:wrap;gap:.35rem;list-style:none;padding:0;margin:.75rem 0 0}
.tags li{background:var(--chip);border:1px solid var(--line);border-radius:999px;padding:.05rem .6rem;font-size:.8rem}
.notice{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:.6rem;padding:1.1rem 1.25rem;margin:0 0 2rem}
.notice h2{margin:0 0 .5rem;padding:0;border:0;font-size:1.1rem}
.notice p{margin:0 0 .75rem}
.notice p:last-child{margin-bottom:0}
.feed-url{display:block;overflow-wrap:anywhere;background:var(--bg);border:1px solid var(--line);border-radius:.4rem;padding:.5rem .7rem;margin:0 0 .75rem;user-select:all;-webkit-user-select:all}
.pager{display:flex;justify-content:space-between;gap:1rem;margin-top:1.5rem;font-size:.95rem}
.lead{margin:1.5rem 0 0}
.lead img{display:block;width:100%;height:auto;aspect-ratio:16/9;object-fit:cover;border-radius:.5rem;background:var(--chip);color:var(--muted);font-size:.9rem;font-style:italic}
article .content{margin-top:1.75rem;font-size:1.125rem;line-height:1.7;hyphens:auto;overflow-wrap:break-word}
article .content .source{margin-top:2rem;padding-top:.75rem;border-top:1px solid var(--line);color:var(--muted);font-size:.95rem}
article .content img{max-width:100%;height:auto}
.back{display:inline-block;margin-bottom:1.5rem;text-decoration:none;font-size:.95rem}
.site-footer{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
aside h2:first-child{margin-top:0}
@media (min-width:62rem){.columns{display:grid;grid-template-columns:minmax(0,1fr) 25rem;gap:3.5rem;align-items:start}.columns>main>section:first-child>h2{margin-top:0}}
`.trim();

/**
 * Renders a complete HTML5 document around `options.body`.
 *
 * Pages carry no script of their own: the JSON-LD block is data
 * (`application/ld+json` is not executed), so a Content-Security-Policy
 * without inline script holds.
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
    head.push(`<link rel="alternate" type="${escapeHtml(link.type)}" title="${escapeHtml(link.title)}" href="${escapeHtml(safeUrl(link.href))}">`);
  }
  for (const tag of options.meta ?? []) {
    head.push(`<meta ${tag.attribute}="${escapeHtml(tag.key)}" content="${escapeHtml(tag.content)}">`);
  }
  if (options.structuredData) head.push(`<script type="application/ld+json">${jsonLd(options.structuredData)}</script>`);
  head.push(`<link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}">`);
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(options.lang)}">`,
    "<head>",
    ...head,
    "</head>",
    "<body>",
    `<div class="wrap${options.width === "wide" ? " wide" : ""}">`,
    options.body,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
