/**
 * The readable page of one cleaned article.
 */
import type { Article } from "../article/model";
import { parseIsoDate } from "../text/dates";
import { escapeHtml, safeUrl } from "../text/xml";
import { isoUtc, PAGE_LANGUAGE, timeElement } from "./dates";
import type { MainFeed } from "./home";
import { feedAlternates } from "./home";
import { type MetaTag, renderLayout } from "./layout";

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
  /** Language of the interface text around the article, and of its dates; {@link PAGE_LANGUAGE} by default. */
  lang?: string | undefined;
  /** Who publishes the site (JSON-LD `publisher`); the site title when absent. */
  publisherName?: string | undefined;
  /** Absolute URL of the site (JSON-LD `publisher.url`); omitted when absent. */
  siteUrl?: string | undefined;
}

/** Same instant? Compared as times so `...00Z` and `...00.000Z` count as equal. */
function sameInstant(a: string, b: string): boolean {
  const ta = parseIsoDate(a);
  const tb = parseIsoDate(b);
  return ta === null || tb === null ? a === b : ta.getTime() === tb.getTime();
}

/** The lead image's URL when it is one a page may load (http/https); null otherwise. */
function leadImageUrl(article: Article): string | null {
  if (!article.image) return null;
  const url = safeUrl(article.image);
  return url.startsWith("http") ? url : null;
}

/**
 * Open Graph (https://ogp.me, `og:` and the `article:` vertical) and Twitter
 * card tags: what link previews in messengers, social networks and partner
 * sites show. A lead image gets the large card.
 */
function socialMeta(data: ArticlePageData): MetaTag[] {
  const { article } = data;
  const image = leadImageUrl(article);
  const og = (key: string, content: string): MetaTag => ({ attribute: "property", key, content });
  const twitter = (key: string, content: string): MetaTag => ({ attribute: "name", key, content });
  const tags: MetaTag[] = [og("og:type", "article"), og("og:title", article.title), og("og:site_name", data.siteTitle)];
  if (article.summary !== "") tags.push(og("og:description", article.summary));
  if (data.canonicalUrl) tags.push(og("og:url", data.canonicalUrl));
  if (image) {
    tags.push(og("og:image", image));
    if (article.imageAlt) tags.push(og("og:image:alt", article.imageAlt));
  }
  tags.push(og("article:published_time", isoUtc(article.published)), og("article:modified_time", isoUtc(article.updated)));
  for (const author of article.authors) tags.push(og("article:author", author));
  for (const tag of article.tags) tags.push(og("article:tag", tag));
  tags.push(twitter("twitter:card", image ? "summary_large_image" : "summary"), twitter("twitter:title", article.title));
  if (article.summary !== "") tags.push(twitter("twitter:description", article.summary));
  if (image) {
    tags.push(twitter("twitter:image", image));
    if (article.imageAlt) tags.push(twitter("twitter:image:alt", article.imageAlt));
  }
  return tags;
}

/**
 * The schema.org `NewsArticle` of the page, which news aggregators and
 * search engines read: headline, authors, dates, image, publisher, and
 * `isBasedOn` naming the original the article was taken from.
 */
export function newsArticle(data: ArticlePageData): Record<string, unknown> {
  const { article } = data;
  const image = leadImageUrl(article);
  const publisher: Record<string, unknown> = { "@type": "Organization", name: data.publisherName ?? data.siteTitle };
  if (data.siteUrl) publisher.url = data.siteUrl;
  return {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: article.title,
    ...(article.summary !== "" ? { description: article.summary } : {}),
    inLanguage: article.language,
    datePublished: isoUtc(article.published),
    dateModified: isoUtc(article.updated),
    ...(article.authors.length > 0 ? { author: article.authors.map((name) => ({ "@type": "Person", name })) } : {}),
    ...(image ? { image: [image] } : {}),
    publisher,
    ...(data.canonicalUrl ? { url: data.canonicalUrl, mainEntityOfPage: data.canonicalUrl } : {}),
    ...(article.sourceUrl && safeUrl(article.sourceUrl).startsWith("http") ? { isBasedOn: article.sourceUrl } : {}),
    ...(article.tags.length > 0 ? { keywords: article.tags } : {}),
  };
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
  const lang = data.lang ?? PAGE_LANGUAGE;
  const time = (iso: string): string => timeElement(iso, lang, escapeHtml);
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
  const tags = article.tags.length > 0 ? `<ul class="tags" aria-label="Tags">${article.tags.map((t) => `<li>${escapeHtml(t)}</li>`).join("")}</ul>` : "";
  const image = leadImageUrl(article);
  // No referrer: the image lives on another site, which need not learn what its readers read here.
  const figure = image
    ? `<figure class="lead"><img src="${escapeHtml(image)}" alt="${escapeHtml(article.imageAlt ?? "")}" decoding="async" referrerpolicy="no-referrer"></figure>`
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
    figure,
    // contentHtml is produced by the article cleaner as safe HTML (see model.ts).
    `<div class="content">\n${article.contentHtml}\n</div>`,
    `</article>`,
    `</main>`,
    `<footer class="site-footer"><a href="${escapeHtml(safeUrl(data.homeUrl))}">Back to ${escapeHtml(data.siteTitle)}</a> · Times are in UTC.</footer>`,
  ]
    .filter((line) => line !== "")
    .join("\n");

  return renderLayout({
    lang,
    title: `${article.title} – ${data.siteTitle}`,
    description: article.summary,
    canonicalUrl: data.canonicalUrl,
    alternates: feedAlternates(data.feeds),
    meta: socialMeta(data),
    structuredData: newsArticle(data),
    body,
  });
}
