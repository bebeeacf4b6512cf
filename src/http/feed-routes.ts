/**
 * The feed documents: the main feeds, topic feeds (tag, author, language,
 * source host) and monthly archives (RFC 5005), each in RSS 2.0, Atom 1.0 and
 * JSON Feed 1.1. One handler serves every scope and format: the feed to feed
 * readers, and to a browser navigating there an HTML page of the same feed
 * (`negotiation.ts` tells them apart).
 */
import type { Context, Hono } from "hono";
import type { Article } from "../article/model";
import { isVisible } from "../article/parse";
import { itemGuid } from "../feed/guid";
import { FEED_FORMATS, FEED_FORMAT_INFO, type FeedFormat } from "../feed/formats";
import { renderFeed, type FeedDescriptor, type FeedItem, type FeedLink } from "../feed/render";
import { isMonth } from "../index/schema";
import { TOPIC_KINDS, TOPIC_KIND_INFO } from "../index/topic-kinds";
import { canonicalTopicSlug, isTopicSlug } from "../index/topics";
import { feedVersions, renderFeedPage } from "../pages/feed-page";
import { HttpError } from "./errors";
import { feedVariant } from "./negotiation";
import { notFound, serve, type Representation } from "./representation";
import { services, type AppEnv, type Services } from "./services";
import { OPML_PATH, articlePath, feedPath, type FeedScope } from "../urls";

/** `?limit=` bounds: enough for a reader's first sync, small enough to render fast. */
const MAX_LIMIT = 100;

/** How long clients may keep the redirect from an alias of a topic (`www.`) to its canonical URL. */
const REDIRECT_MAX_AGE = 86_400;

/** Registers every feed route on `app`. */
export function registerFeedRoutes(app: Hono<AppEnv>): void {
  for (const format of FEED_FORMATS) {
    const { file } = FEED_FORMAT_INFO[format];
    app.get(`/${file}`, (c) => feedResponse(c, { kind: "main" }, format));
    for (const topic of TOPIC_KINDS) {
      app.get(`/${TOPIC_KIND_INFO[topic].segment}/:slug/${file}`, (c) => {
        const requested = c.req.param("slug").toLowerCase();
        const slug = canonicalTopicSlug(topic, requested);
        // Not a slug the index can hold: a 404 without a store read, which does not repeat the input.
        if (!isTopicSlug(slug)) notFound(TOPIC_KIND_INFO[topic].label);
        // Another spelling of the same topic (a source host with `www.`): one URL per topic, so one cache entry and one subscription.
        if (slug !== requested) return canonicalRedirect(c, feedPath({ kind: "topic", topic, slug }, format));
        return feedResponse(c, { kind: "topic", topic, slug }, format);
      });
    }
    app.get(`/archive/:month/${file}`, (c) => {
      const month = c.req.param("month");
      if (!isMonth(month)) throw new HttpError(400, "Archive month must look like 2024-06.");
      return feedResponse(c, { kind: "archive", month }, format);
    });
  }
}

/** Parses `?limit=`: absent means the configured default; anything but 1..100 is a client error. */
export function parseLimit(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return Number(raw);
}

/** A permanent redirect to `path` on this site, with the request's query string. */
function canonicalRedirect(c: Context<AppEnv>, path: string): Response {
  const { search } = new URL(c.req.url);
  return new Response(null, { status: 301, headers: { Location: path + search, "Cache-Control": `public, max-age=${REDIRECT_MAX_AGE}` } });
}

async function feedResponse(c: Context<AppEnv>, scope: FeedScope, format: FeedFormat): Promise<Response> {
  const limit = parseLimit(c.req.query("limit"));
  const variant = feedVariant(c.req.header("Accept"));
  return serve(
    c,
    async () => {
      const svc = services(c);
      const built = await buildScopeFeed(svc, scope, format, limit);
      return variant === "page" ? feedPage(svc, built) : feedDocument(built);
    },
    // The feed is what the URL names (the `reader` variant); the page for browsers is cached apart.
    { significantParams: ["limit"], varyOnAccept: true, variant: variant === "page" ? "browser" : "reader" },
  );
}

/** The articles a scope shows, and what it needs to link its neighbours. */
interface ScopeView {
  title: string;
  articles: readonly Article[];
  /** Months with archives, newest first. */
  months: readonly string[];
  builtAt: string;
}

async function loadScope(svc: Services, scope: FeedScope): Promise<ScopeView> {
  const head = await svc.app.indexHead(svc);
  const siteTitle = svc.config.feed.title;
  const months = head.months.map((entry) => entry.month);
  switch (scope.kind) {
    case "main":
      return { title: siteTitle, articles: head.items, months, builtAt: head.builtAt };
    case "topic": {
      const page = await svc.index.topic(scope.topic, scope.slug);
      if (!page) notFound(`${TOPIC_KIND_INFO[scope.topic].label} "${scope.slug}"`);
      return { title: `${siteTitle}: ${TOPIC_KIND_INFO[scope.topic].label} ${page.name}`, articles: page.items, months, builtAt: head.builtAt };
    }
    case "archive": {
      const page = await svc.index.month(scope.month);
      if (!page) notFound(`Archive ${scope.month}`);
      return { title: `${siteTitle}: Archive ${scope.month}`, articles: page.items, months, builtAt: head.builtAt };
    }
  }
}

/** One scope's feed in one format, before it is written as a feed document or a page. */
interface ScopeFeed {
  scope: FeedScope;
  format: FeedFormat;
  descriptor: FeedDescriptor;
  items: FeedItem[];
  neighbours: ArchiveNeighbours;
  /** Newest update among the items (the build time for an empty feed). */
  updated: string;
  maxAge: Representation["maxAge"];
}

async function buildScopeFeed(svc: Services, scope: FeedScope, format: FeedFormat, limit: number | null): Promise<ScopeFeed> {
  const view = await loadScope(svc, scope);
  const { feed } = svc.config;
  const now = svc.app.clock();
  const visible = view.articles.filter((article) => isVisible(article, now));
  // A topic or month whose articles are all embargoed does not exist yet: its name must not leak.
  if (scope.kind !== "main" && visible.length === 0) {
    notFound(scope.kind === "topic" ? `${TOPIC_KIND_INFO[scope.topic].label} "${scope.slug}"` : `Archive ${scope.month}`);
  }
  // An archive document is complete by default (RFC 5005 §4); live feeds show the newest `limit`.
  const shown = visible.slice(0, limit ?? (scope.kind === "archive" ? visible.length : feed.limit));
  const updated = newestUpdate(shown) ?? view.builtAt;
  const closedArchive = scope.kind === "archive" && isMonthOver(scope.month, now);
  const neighbours = archiveNeighbours(scope, view.months);

  const selfUrl = feed.siteUrl + feedPath(scope, format) + (limit === null ? "" : `?limit=${limit}`);
  // No XSLT stylesheet is named any more: browsers get the HTML page instead (`/feed.xsl` stays for old copies).
  const descriptor: FeedDescriptor = {
    id: feed.siteUrl + feedPath(scope, format),
    title: view.title,
    description: feed.description,
    author: feed.author,
    language: scope.kind === "topic" && scope.topic === "languages" ? scope.slug : feed.language,
    siteUrl: feed.siteUrl,
    selfUrl,
    links: feedLinks(feed.siteUrl, scope, format, neighbours),
    updated,
    ...(scope.kind === "archive" ? { archive: closedArchive } : {}),
  };
  const items: FeedItem[] = shown.map((article) => ({
    article,
    guid: itemGuid(feed.guidAuthority, article.id),
    link: article.sourceUrl ?? feed.siteUrl + articlePath(article.id),
  }));
  return { scope, format, descriptor, items, neighbours, updated, maxAge: closedArchive ? "immutable" : svc.config.cacheMaxAgeSeconds };
}

/** The feed document itself, for feed readers. */
function feedDocument(built: ScopeFeed): Representation {
  return {
    body: renderFeed(built.format, built.descriptor, built.items),
    contentType: FEED_FORMAT_INFO[built.format].contentType,
    lastModified: new Date(built.updated),
    maxAge: built.maxAge,
  };
}

/** The same feed as an HTML page, for a person's browser. */
function feedPage(svc: Services, built: ScopeFeed): Representation {
  const { siteUrl, title } = svc.config.feed;
  const archivePage = (month: string): { month: string; url: string } => ({ month, url: feedPath({ kind: "archive", month }, built.format) });
  return {
    body: renderFeedPage({
      feed: built.descriptor,
      items: built.items,
      format: built.format,
      feedUrl: built.descriptor.id,
      versions: feedVersions((format) => siteUrl + feedPath(built.scope, format)),
      siteTitle: title,
      homeUrl: `${siteUrl}/`,
      opmlUrl: siteUrl + OPML_PATH,
      articleUrl: (article) => articlePath(article.id),
      older: built.neighbours.older === undefined ? undefined : archivePage(built.neighbours.older),
      newer: built.neighbours.newer === undefined ? undefined : archivePage(built.neighbours.newer),
    }),
    contentType: "text/html; charset=utf-8",
    lastModified: new Date(built.updated),
    maxAge: built.maxAge,
  };
}

/** The archive months just older and newer than a scope's items (RFC 5005 §4). */
interface ArchiveNeighbours {
  older?: string | undefined;
  newer?: string | undefined;
}

/**
 * The main feed's older neighbour is the newest month; a month's neighbours are
 * the months around it (an unlisted month still finds the next older one).
 * Topic feeds have no archives.
 */
function archiveNeighbours(scope: FeedScope, months: readonly string[]): ArchiveNeighbours {
  if (scope.kind === "main") return { older: months[0] };
  if (scope.kind !== "archive") return {};
  const position = months.indexOf(scope.month);
  return {
    older: position >= 0 ? months[position + 1] : months.find((month) => month < scope.month),
    newer: position > 0 ? months[position - 1] : undefined,
  };
}

/** rel=alternate for the other formats, and the RFC 5005 archive links of the scope. */
function feedLinks(siteUrl: string, scope: FeedScope, format: FeedFormat, neighbours: ArchiveNeighbours): FeedLink[] {
  const links: FeedLink[] = FEED_FORMATS.filter((other) => other !== format).map((other) => ({
    rel: "alternate",
    href: siteUrl + feedPath(scope, other),
    type: FEED_FORMAT_INFO[other].mediaType,
  }));
  const archive = (month: string): string => siteUrl + feedPath({ kind: "archive", month }, format);
  if (scope.kind === "archive") {
    links.push({ rel: "current", href: siteUrl + feedPath({ kind: "main" }, format) });
    if (neighbours.newer) links.push({ rel: "next-archive", href: archive(neighbours.newer) });
  }
  if (neighbours.older) {
    links.push({ rel: "prev-archive", href: archive(neighbours.older) });
    // JSON Feed has no archive links; its next_url pages to older items (JSON Feed 1.1 "next_url").
    if (format === "json") links.push({ rel: "next", href: archive(neighbours.older) });
  }
  return links;
}

function newestUpdate(articles: readonly Article[]): string | null {
  let newest: string | null = null;
  for (const article of articles) if (newest === null || article.updated > newest) newest = article.updated;
  return newest;
}

/** A month's archive is closed once the month is over in UTC. */
function isMonthOver(month: string, now: Date): boolean {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return now.getTime() >= Date.UTC(year, monthNumber, 1);
}
