/**
 * The terms a feed document is made under. The public feeds have terms too
 * (`PUBLIC_CONTENT`); a partner's come from `_partners.yaml`. One set of
 * rules applies both, so a partner feed is the public feed with its terms
 * applied, never a second code path.
 */

import type { Article } from "../article/model";
import { isVisible } from "../article/parse";
import type { TopicKind } from "../index/topic-kinds";
import { articleTopics } from "../index/topics";
import { escapeHtml } from "../text/xml";
import { type Partner, type PartnerContent, partnerFingerprint, type TopicRule } from "./definition";

/** The terms of one document. */
export interface FeedTerms {
  /**
   * Absolute base of every link the document writes to this service's feeds
   * and article pages: the site URL, or `<site>/p/<token>` for a partner that
   * put its token in the path (its reader must stay inside its terms).
   */
  linkBase: string;
  content: PartnerContent;
  /** Items published less than this many minutes ago are withheld. */
  delayMinutes: number;
  /** Allowed topics; null for all. */
  topics: readonly TopicRule[] | null;
  /** Appended to each item; null for none. */
  attribution: string | null;
  /** The partner the document is for; null for the public. */
  partner: { id: string; fingerprint: string } | null;
}

/** The public feeds' terms: everything, at once, with `PUBLIC_CONTENT`. */
export function publicTerms(siteUrl: string, content: PartnerContent): FeedTerms {
  return { linkBase: siteUrl, content, delayMinutes: 0, topics: null, attribution: null, partner: null };
}

/** A partner's terms; `linkBase` as in {@link FeedTerms.linkBase}. */
export function partnerTerms(partner: Partner, linkBase: string): FeedTerms {
  return {
    linkBase,
    content: partner.content,
    delayMinutes: partner.delayMinutes,
    topics: partner.topics,
    attribution: partner.attribution,
    partner: { id: partner.id, fingerprint: partnerFingerprint(partner) },
  };
}

/**
 * True when the terms let the article out at `now`: visible to the public,
 * published at least `delayMinutes` ago (a delay is an embargo that ends
 * later for this reader), and in an allowed topic.
 */
export function releasedUnderTerms(article: Article, now: Date, terms: FeedTerms): boolean {
  const cutoff = terms.delayMinutes > 0 ? new Date(now.getTime() - terms.delayMinutes * 60_000) : now;
  return isVisible(article, cutoff) && inAllowedTopics(article, terms.topics);
}

/** True when `topics` is null (no restriction) or the article has one of them. */
export function inAllowedTopics(article: Article, topics: readonly TopicRule[] | null): boolean {
  if (topics === null) return true;
  return articleTopics(article).some((ref) => topics.some((rule) => rule.kind === ref.kind && rule.slug === ref.slug));
}

/** True when the terms allow the topic feed `kind`/`slug`. */
export function topicAllowed(terms: FeedTerms, kind: TopicKind, slug: string): boolean {
  return terms.topics === null || terms.topics.some((rule) => rule.kind === kind && rule.slug === slug);
}

/**
 * The article as a feed item under the terms. `summary` drops the content,
 * so RSS carries `description` only, Atom `summary` only and JSON Feed
 * `summary` plus `content_text` (the renderers' rule for an article without
 * content). The attribution becomes a paragraph of its own in both the
 * summary (plain text: after a blank line) and the content.
 */
export function itemUnderTerms(article: Article, terms: FeedTerms): Article {
  if (terms.content === "full" && terms.attribution === null) return article;
  let { summary, contentHtml } = article;
  if (terms.content === "summary") contentHtml = "";
  if (terms.attribution !== null) {
    summary = summary === "" ? terms.attribution : `${summary}\n\n${terms.attribution}`;
    if (contentHtml !== "") contentHtml = `${contentHtml}\n${attributionHtml(terms.attribution)}`;
  }
  return { ...article, summary, contentHtml };
}

/**
 * The article as its page shows it under the terms: with `summary`, the
 * summary and a link to where the whole article is (`fullTextUrl`); the
 * attribution last.
 */
export function pageUnderTerms(article: Article, terms: FeedTerms, fullTextUrl: string): Article {
  if (terms.content === "full" && terms.attribution === null) return article;
  let contentHtml = article.contentHtml;
  if (terms.content === "summary") {
    const more = `<p class="more"><a href="${escapeHtml(fullTextUrl)}">Read the full article</a></p>`;
    contentHtml = article.summary === "" ? more : `<p>${escapeHtml(article.summary)}</p>\n${more}`;
  }
  if (terms.attribution !== null) contentHtml = `${contentHtml}\n${attributionHtml(terms.attribution)}`;
  return { ...article, contentHtml };
}

function attributionHtml(attribution: string): string {
  return `<p class="attribution">${escapeHtml(attribution)}</p>`;
}
