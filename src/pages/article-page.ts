/**
 * The readable page of one cleaned article.
 */
import type { Article } from "../article/model";
import { formatReadableUtc, isoUtc } from "./dates";
import { escapeHtml, safeUrl } from "./escape";
import { feedAlternates } from "./home";
import type { MainFeed } from "./home";
import { renderLayout } from "./layout";

/** Everything the article page shows. */
export interface ArticlePageData {
  /** The article; `contentHtml` is inserted as is (it is safe HTML), every other field is escaped. */
  article: Article;
  /** Site title, shown in the document title and the back link. */
  siteTitle: string;
  /** URL of the home page (absolute or `/`). */
  homeUrl: string;
  /** Main feeds, announced in the head for autodiscovery. */
  feeds: readonly MainFeed[];
  /** Absolute URL of this page, for `<link rel="canonical">`; omitted when absent. */
  canonicalUrl?: string | undefined;
  /** Language of the interface text around the article; `en` by default. */
  lang?: string | undefined;
}

/** `<time>` with a machine-readable ISO value and a readable UTC text. */
function time(iso: string): string {
  return `<time datetime="${escapeHtml(isoUtc(iso))}">${escapeHtml(formatReadableUtc(iso))}</time>`;
}

/** Same instant? Compared as times so `...00Z` and `...00.000Z` count as equal. */
function sameInstant(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a === b : ta === tb;
}

/**
 * Renders one article as a complete HTML document.
 *
 * The `<article>` element carries the article's own `lang` (the page chrome
 * keeps the interface language) so browsers pick the right hyphenation and
 * screen readers the right voice. The attribution is part of `contentHtml`;
 * the header also names the original host because the attribution sits at
 * the very end of a long text and readers often look for the source first.
 *
 * @param data The article and the site context (see {@link ArticlePageData}).
 * @returns The HTML document.
 */
export function renderArticlePage(data: ArticlePageData): string {
  const { article } = data;
  const meta: string[] = [];
  if (article.authors.length > 0) {
    meta.push(`<p class="meta byline">By ${article.authors.map((a) => `<span class="author">${escapeHtml(a)}</span>`).join(", ")}</p>`);
  }
  const dates = [`Published ${time(article.published)}`];
  if (!sameInstant(article.published, article.updated)) dates.push(`updated ${time(article.updated)}`);
  meta.push(`<p class="meta">${dates.join(" · ")}</p>`);
  const details = [`Language: <span class="language">${escapeHtml(article.language)}</span>`];
  if (article.sourceUrl && article.sourceHost) {
    details.push(`Original: <a href="${escapeHtml(safeUrl(article.sourceUrl))}" rel="noopener noreferrer">${escapeHtml(article.sourceHost)}</a>`);
  }
  meta.push(`<p class="meta">${details.join(" · ")}</p>`);
  const tags =
    article.tags.length > 0
      ? `<ul class="tags" aria-label="Tags">${article.tags.map((t) => `<li>${escapeHtml(t)}</li>`).join("")}</ul>`
      : "";

  const body = [
    `<a class="back" href="${escapeHtml(safeUrl(data.homeUrl))}">← ${escapeHtml(data.siteTitle)}</a>`,
    `<main>`,
    `<article lang="${escapeHtml(article.language)}">`,
    `<header>`,
    `<h1>${escapeHtml(article.title)}</h1>`,
    ...meta,
    tags,
    `</header>`,
    // contentHtml is produced by the article cleaner as safe HTML (see model.ts).
    `<div class="content">\n${article.contentHtml}\n</div>`,
    `</article>`,
    `</main>`,
    `<footer class="site-footer"><a href="${escapeHtml(safeUrl(data.homeUrl))}">Back to ${escapeHtml(data.siteTitle)}</a> · All times are in UTC.</footer>`,
  ]
    .filter((line) => line !== "")
    .join("\n");

  return renderLayout({
    lang: data.lang ?? "en",
    title: `${article.title} – ${data.siteTitle}`,
    description: article.summary,
    canonicalUrl: data.canonicalUrl,
    alternates: feedAlternates(data.feeds),
    body,
  });
}
