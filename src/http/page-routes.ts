/**
 * Documents for people and for feed readers' import dialogs: the home page,
 * each article's own page, the OPML catalogue and the feed stylesheet. They go
 * through the same caching and conditional GET as the feeds.
 */
import type { Context, Hono } from "hono";
import type { Article } from "../article/model";
import { isVisible } from "../article/parse";
import { FEED_FORMAT_INFO, FEED_FORMATS } from "../feed/formats";
import { type IndexHead, indexKeys, type Tombstone } from "../index/schema";
import { TOPIC_KINDS } from "../index/topic-kinds";
import { renderArticlePage } from "../pages/article-page";
import { FEED_STYLESHEET_XSL } from "../pages/feed-stylesheet";
import { type MainFeed, renderHomePage, type Topic } from "../pages/home";
import { PAGE_CSS } from "../pages/layout";
import { renderOpml } from "../pages/opml";
import { renderWithdrawnPage } from "../pages/withdrawn-page";
import { pageUnderTerms, releasedUnderTerms } from "../partners/terms";
import { parseIsoDate } from "../text/dates";
import { articlePath, feedPath, OPML_PATH, PAGE_STYLESHEET_PATH, STYLESHEET_PATH } from "../urls";
import { termsOf } from "./partner-access";
import { notFound, type Representation, serve } from "./representation";
import { type AppEnv, type Services, services } from "./services";

const HTML = "text/html; charset=utf-8";
/** Latest articles listed on the home page. */
const HOME_ARTICLES = 20;
/** A stylesheet (the feeds' XSLT, the pages' CSS) changes only with a deployment. */
const STYLESHEET_MAX_AGE = 86_400;

/** Registers the page routes on `app`, but the article pages ({@link registerArticlePageRoute}). */
export function registerPageRoutes(app: Hono<AppEnv>): void {
  app.get("/", (c) => serve(c, () => homePage(services(c))));
  app.get(OPML_PATH, (c) => serve(c, () => opmlCatalogue(services(c))));
  app.get(STYLESHEET_PATH, (c) =>
    serve(c, async () => ({ body: FEED_STYLESHEET_XSL, contentType: "text/xsl; charset=utf-8", lastModified: null, maxAge: STYLESHEET_MAX_AGE })),
  );
  app.get(PAGE_STYLESHEET_PATH, (c) =>
    serve(c, async () => ({ body: PAGE_CSS, contentType: "text/css; charset=utf-8", lastModified: null, maxAge: STYLESHEET_MAX_AGE })),
  );
}

/**
 * Registers the article pages on `app` (public paths; `app.ts` mounts them
 * below the partner prefix too, since a partner feed's items link there).
 */
export function registerArticlePageRoute(app: Hono<AppEnv>): void {
  app.get("/articles/:id", (c) => serve(c, () => articlePage(c, services(c), c.req.param("id"))));
}

/** The three main feeds, as pages announce them (autodiscovery), below `linkBase` (default the site). */
function mainFeeds(svc: Services, linkBase: string = svc.config.feed.siteUrl): MainFeed[] {
  const { title } = svc.config.feed;
  return FEED_FORMATS.map((format) => ({ format, url: linkBase + feedPath({ kind: "main" }, format), title: `${title} (${FEED_FORMAT_INFO[format].label})` }));
}

/** The format the OPML catalogue lists each feed in: RSS, which every reader reads. */
const CATALOGUE_FORMAT = "rss";

function topics(head: IndexHead): Topic[] {
  return TOPIC_KINDS.flatMap((kind) => head.catalog[kind].map((entry) => ({ kind, slug: entry.slug, name: entry.name, count: entry.count })));
}

function visibleItems(svc: Services, head: IndexHead): Article[] {
  const now = svc.app.clock();
  return head.items.filter((article) => isVisible(article, now));
}

async function homePage(svc: Services): Promise<Representation> {
  const head = await svc.app.indexHead(svc);
  const { feed } = svc.config;
  const latest = visibleItems(svc, head).slice(0, HOME_ARTICLES);
  return {
    body: renderHomePage({
      title: feed.title,
      description: feed.description,
      siteUrl: feed.siteUrl,
      feeds: mainFeeds(svc),
      latest,
      topics: topics(head),
      months: head.months,
      opmlUrl: feed.siteUrl + OPML_PATH,
    }),
    contentType: HTML,
    lastModified: parseIsoDate(latest[0]?.updated ?? head.builtAt),
    maxAge: svc.config.cacheMaxAgeSeconds,
  };
}

/**
 * One article's page. The public page always shows the whole article: it is
 * where summary feeds (PUBLIC_CONTENT=summary) send their readers. A
 * partner's page keeps to the partner's terms (delay, topics, summary,
 * attribution); an article they withhold is answered like one that does not
 * exist, and the canonical URL is the public page.
 */
async function articlePage(c: Context<AppEnv>, svc: Services, id: string): Promise<Representation> {
  // The newest articles are in the head, which most requests have read already; older ones cost one read.
  const head = await svc.app.indexHead(svc);
  const article = head.items.find((item) => item.id === id) ?? (await svc.index.article(id));
  const now = svc.app.clock();
  if (!article) {
    const gone = withdrawnArticle(head, id, now.getTime() - svc.config.tombstoneDays * 86_400_000);
    if (gone) return withdrawnNotice(svc, gone);
    // Perhaps never there, perhaps deleted from the bucket: the next run rewrites it if it should exist.
    svc.app.indexObjectMaybeMissing(svc, indexKeys(svc.config.prefix).article(id));
    notFound();
  }
  if (!isVisible(article, now)) notFound();
  const partner = c.get("access")?.kind === "partner" ? termsOf(c, svc) : null;
  if (partner && !releasedUnderTerms(article, now, partner)) notFound();
  const publicPage = svc.config.feed.siteUrl + articlePath(article.id);
  return {
    body: renderArticlePage({
      article: partner ? pageUnderTerms(article, partner, article.sourceUrl ?? publicPage) : article,
      siteTitle: svc.config.feed.title,
      homeUrl: `${svc.config.feed.siteUrl}/`,
      feeds: mainFeeds(svc, partner?.linkBase),
      canonicalUrl: partner ? publicPage : svc.config.feed.siteUrl + new URL(c.req.url).pathname,
      publisherName: svc.config.feed.author,
      siteUrl: `${svc.config.feed.siteUrl}/`,
    }),
    contentType: HTML,
    lastModified: parseIsoDate(article.updated),
    maxAge: svc.config.cacheMaxAgeSeconds,
  };
}

/** The tombstone of article `id`, when it left within TOMBSTONE_DAYS (after that its address is simply unknown: 404). */
function withdrawnArticle(head: IndexHead, id: string, cutoffMs: number): Tombstone | undefined {
  return head.tombstones?.find((tombstone) => tombstone.id === id && (parseIsoDate(tombstone.when)?.getTime() ?? 0) > cutoffMs);
}

/** `410 Gone` with a short notice and the reason when given (RFC 9110 §15.5.11: removed on purpose, for good). */
function withdrawnNotice(svc: Services, tombstone: Tombstone): Representation {
  return {
    status: 410,
    body: renderWithdrawnPage({
      siteTitle: svc.config.feed.title,
      homeUrl: `${svc.config.feed.siteUrl}/`,
      lang: svc.config.feed.language,
      reason: tombstone.reason,
    }),
    contentType: HTML,
    lastModified: parseIsoDate(tombstone.when),
    maxAge: svc.config.cacheMaxAgeSeconds,
  };
}

async function opmlCatalogue(svc: Services): Promise<Representation> {
  const head = await svc.app.indexHead(svc);
  const { feed } = svc.config;
  return {
    body: renderOpml({
      title: `${feed.title}: all feeds`,
      siteUrl: feed.siteUrl,
      dateCreated: head.builtAt,
      mainFeed: { format: CATALOGUE_FORMAT, url: feed.siteUrl + feedPath({ kind: "main" }, CATALOGUE_FORMAT), title: feed.title },
      topics: topics(head),
      // One outline per scope: importing the catalogue must not subscribe a reader three times to each.
      format: CATALOGUE_FORMAT,
    }),
    contentType: "text/x-opml; charset=utf-8",
    lastModified: parseIsoDate(head.builtAt),
    maxAge: svc.config.cacheMaxAgeSeconds,
  };
}
