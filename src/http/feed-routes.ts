/**
 * The feed documents: the main feeds, topic feeds (tag, author, language,
 * source host) and monthly archives (RFC 5005), each in RSS 2.0, Atom 1.0 and
 * JSON Feed 1.1. One handler serves every scope and format.
 */
import type { Context, Hono } from "hono";
import type { Article } from "../article/model";
import { isVisible } from "../article/parse";
import { itemGuid } from "../feed/guid";
import { FEED_FORMATS, FEED_FORMAT_INFO, type FeedFormat } from "../feed/formats";
import { renderFeed, type FeedDescriptor, type FeedItem, type FeedLink } from "../feed/render";
import { isMonth } from "../index/schema";
import { TOPIC_KINDS, TOPIC_KIND_INFO } from "../index/topic-kinds";
import { HttpError } from "./errors";
import { notFound, serve, type Representation } from "./representation";
import { services, type AppEnv, type Services } from "./services";
import { STYLESHEET_PATH, articlePath, feedPath, type FeedScope } from "../urls";

/** `?limit=` bounds: enough for a reader's first sync, small enough to render fast. */
const MAX_LIMIT = 100;

/** Topic slugs as the index writes them; anything else cannot exist and is a 404 without a store read. */
const SLUG_PATTERN = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/** Registers every feed route on `app`. */
export function registerFeedRoutes(app: Hono<AppEnv>): void {
  for (const format of FEED_FORMATS) {
    const { file } = FEED_FORMAT_INFO[format];
    app.get(`/${file}`, (c) => feedResponse(c, { kind: "main" }, format));
    for (const topic of TOPIC_KINDS) {
      app.get(`/${TOPIC_KIND_INFO[topic].segment}/:slug/${file}`, (c) => {
        const slug = c.req.param("slug").toLowerCase();
        if (!SLUG_PATTERN.test(slug)) notFound(`${TOPIC_KIND_INFO[topic].label} "${slug}"`);
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

async function feedResponse(c: Context<AppEnv>, scope: FeedScope, format: FeedFormat): Promise<Response> {
  const limit = parseLimit(c.req.query("limit"));
  return serve(c, () => renderScope(services(c), scope, format, limit), { significantParams: ["limit"] });
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

async function renderScope(svc: Services, scope: FeedScope, format: FeedFormat, limit: number | null): Promise<Representation> {
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

  const selfUrl = feed.siteUrl + feedPath(scope, format) + (limit === null ? "" : `?limit=${limit}`);
  const descriptor: FeedDescriptor = {
    id: feed.siteUrl + feedPath(scope, format),
    title: view.title,
    description: feed.description,
    author: feed.author,
    language: scope.kind === "topic" && scope.topic === "languages" ? scope.slug : feed.language,
    siteUrl: feed.siteUrl,
    selfUrl,
    links: feedLinks(feed.siteUrl, scope, format, view.months),
    updated,
    ...(format === "json" ? {} : { stylesheetUrl: feed.siteUrl + STYLESHEET_PATH }),
    ...(scope.kind === "archive" ? { archive: closedArchive } : {}),
  };
  const items: FeedItem[] = shown.map((article) => ({
    article,
    guid: itemGuid(feed.guidAuthority, article.id),
    link: article.sourceUrl ?? feed.siteUrl + articlePath(article.id),
  }));
  return {
    body: renderFeed(format, descriptor, items),
    contentType: FEED_FORMAT_INFO[format].contentType,
    // RSS and Atom name an XSLT stylesheet; browsers only apply it to documents served as XML.
    ...(format === "json" ? {} : { browserContentType: "application/xml; charset=utf-8" }),
    lastModified: new Date(updated),
    maxAge: closedArchive ? "immutable" : svc.config.cacheMaxAgeSeconds,
  };
}

/** rel=alternate for the other formats, and the RFC 5005 archive links of the scope. */
function feedLinks(siteUrl: string, scope: FeedScope, format: FeedFormat, months: readonly string[]): FeedLink[] {
  const links: FeedLink[] = FEED_FORMATS.filter((other) => other !== format).map((other) => ({
    rel: "alternate",
    href: siteUrl + feedPath(scope, other),
    type: FEED_FORMAT_INFO[other].mediaType,
  }));
  const archive = (month: string): string => siteUrl + feedPath({ kind: "archive", month }, format);
  let older: string | undefined;
  if (scope.kind === "main") {
    older = months[0];
  } else if (scope.kind === "archive") {
    const position = months.indexOf(scope.month);
    older = position >= 0 ? months[position + 1] : months.find((month) => month < scope.month);
    const newer = position > 0 ? months[position - 1] : undefined;
    links.push({ rel: "current", href: siteUrl + feedPath({ kind: "main" }, format) });
    if (newer) links.push({ rel: "next-archive", href: archive(newer) });
  }
  if (older) {
    links.push({ rel: "prev-archive", href: archive(older) });
    // JSON Feed has no archive links; its next_url pages to older items (JSON Feed 1.1 "next_url").
    if (format === "json") links.push({ rel: "next", href: archive(older) });
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
