/**
 * A list of articles as every page shows it (home page, feed pages): the
 * title linking to the article's page here, a meta line (date, authors,
 * source, language) and the summary. One renderer, so one look and one
 * date format everywhere.
 */
import type { Article } from "../article/model";
import { escapeHtml, safeUrl } from "../text/xml";
import { timeElement } from "./dates";

/** How the list is written. */
export interface ArticleListOptions {
  /** Language of the page around the list (dates are written in it). */
  lang: string;
  /** URL (or path) of an article's own page. */
  articleUrl(article: Article): string;
  /** Text when there are no articles. */
  emptyText: string;
}

/** The meta line under an article title: date, authors, source, language. */
export function articleMeta(article: Article, lang: string): string {
  const parts = [timeElement(article.published, lang, escapeHtml)];
  if (article.authors.length > 0) parts.push(`by ${escapeHtml(article.authors.join(", "))}`);
  if (article.sourceHost) parts.push(`source: ${escapeHtml(article.sourceHost)}`);
  parts.push(`language: ${escapeHtml(article.language)}`);
  return parts.join(" · ");
}

/**
 * Renders `articles` as a `<ul class="articles">`, or a muted paragraph when
 * there are none. Every field is plain text and escaped here.
 */
export function renderArticleList(articles: readonly Article[], options: ArticleListOptions): string {
  if (articles.length === 0) return `<p class="muted">${escapeHtml(options.emptyText)}</p>`;
  const items = articles.map((article) => {
    const lang = escapeHtml(article.language);
    // `lang` on the title and summary so screen readers pronounce them in the article's language.
    const title = `<a class="title" lang="${lang}" href="${escapeHtml(safeUrl(options.articleUrl(article)))}">${escapeHtml(article.title)}</a>`;
    const summary = article.summary !== "" ? `<p class="summary" lang="${lang}">${escapeHtml(article.summary)}</p>` : "";
    return `<li>${title}<p class="meta">${articleMeta(article, options.lang)}</p>${summary}</li>`;
  });
  return `<ul class="articles">\n${items.join("\n")}\n</ul>`;
}
