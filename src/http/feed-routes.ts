/**
 * The feed documents: the main feeds, topic feeds (tag, author, language,
 * source host) and monthly archives (RFC 5005), each in RSS 2.0, Atom 1.0 and
 * JSON Feed 1.1. One handler serves every scope and format: the feed to feed
 * readers, and to a browser navigating there an HTML page of the same feed
 * (`negotiation.ts` tells them apart). The public and partners alike: only
 * the terms differ (`partners/terms.ts`).
 */
import type { Context, Hono } from "hono";
import { isPublishedScope } from "../app/websub";
import type { Article } from "../article/model";
import { isVisible } from "../article/parse";
import { feedDeltaSource } from "../feed/delta";
import { FEED_FORMAT_INFO, FEED_FORMATS, type FeedFormat } from "../feed/formats";
import { itemGuid } from "../feed/guid";
import { type FeedDescriptor, type FeedItem, type FeedLink, renderFeed } from "../feed/render";
import { indexKeys, isMonth, type Tombstone } from "../index/schema";
import { TOPIC_KIND_INFO, TOPIC_KINDS } from "../index/topic-kinds";
import { canonicalTopicSlug, isTopicSlug } from "../index/topics";
import { feedVersions, renderFeedPage } from "../pages/feed-page";
import { type FeedTerms, itemUnderTerms, releasedUnderTerms, topicAllowed } from "../partners/terms";
import { parseIsoDate } from "../text/dates";
import { articlePath, type FeedScope, feedPath, OPML_PATH } from "../urls";
import { HttpError } from "./errors";
import { feedVariant } from "./negotiation";
import { termsOf } from "./partner-access";
import { notFound, type Representation, serve } from "./representation";
import { type AppEnv, type Services, services } from "./services";

/** `?limit=` bounds: enough for a reader's first sync, small enough to render fast. */
const MAX_LIMIT = 100;

/** How long clients may keep the redirect from an alias of a topic (`www.`) to its canonical URL. */
const REDIRECT_MAX_AGE = 86_400;

/** Registers every feed route on `app` (public paths; `app.ts` mounts them below the partner prefix too). */
export function registerFeedRoutes(app: Hono<AppEnv>): void {
  for (const format of FEED_FORMATS) {
    const { file } = FEED_FORMAT_INFO[format];
    app.get(`/${file}`, (c) => feedResponse(c, { kind: "main" }, format));
    for (const topic of TOPIC_KINDS) {
      app.get(`/${TOPIC_KIND_INFO[topic].segment}/:slug/${file}`, (c) => {
        const requested = c.req.param("slug").toLowerCase();
        const slug = canonicalTopicSlug(topic, requested);
        // Not a slug the index can hold: a 404 without a store read, which does not repeat the input.
        if (!isTopicSlug(slug)) notFound();
        // Another spelling of the same topic (a source host with `www.`): one URL per topic, so one cache entry and one subscription.
        if (slug !== requested) return canonicalRedirect(c, feedPath({ kind: "topic", topic, slug }, format));
        // A topic outside a partner's allowlist is answered like a topic that does not exist.
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

/**
 * A permanent redirect to `path` on this site, with the request's query
 * string; below a partner's path prefix it stays there (and is private, as
 * everything a partner gets).
 */
function canonicalRedirect(c: Context<AppEnv>, path: string): Response {
  const { search } = new URL(c.req.url);
  const access = c.get("access");
  const prefix = access?.kind === "partner" ? access.linkPrefix : "";
  const audience = access?.kind === "partner" ? "private" : "public";
  return new Response(null, { status: 301, headers: { Location: prefix + path + search, "Cache-Control": `${audience}, max-age=${REDIRECT_MAX_AGE}` } });
}

async function feedResponse(c: Context<AppEnv>, scope: FeedScope, format: FeedFormat): Promise<Response> {
  const limit = parseLimit(c.req.query("limit"));
  const variant = feedVariant(c.req.header("Accept"));
  return serve(
    c,
    async () => {
      const svc = services(c);
      const terms = termsOf(c, svc);
      const built = await buildScopeFeed(svc, terms, scope, format, limit);
      return variant === "page" ? feedPage(svc, terms, built) : feedDocument(built);
    },
    // The feed is what the URL names (the `reader` variant); the page for browsers is cached apart.
    { significantParams: ["limit"], varyOnAccept: true, variant: variant === "page" ? "browser" : "reader", deltas: variant !== "page" },
  );
}

/** The articles a scope shows, and what it needs to link its neighbours. */
interface ScopeView {
  title: string;
  articles: readonly Article[];
  /** Months with archives, newest first. */
  months: readonly string[];
  builtAt: string;
  /** Articles withdrawn from this scope within TOMBSTONE_DAYS (RFC 6721), newest first. */
  tombstones: readonly Tombstone[];
}

async function loadScope(svc: Services, terms: FeedTerms, scope: FeedScope): Promise<ScopeView> {
  const head = await svc.app.indexHead(svc);
  const siteTitle = svc.config.feed.title;
  const months = head.months.map((entry) => entry.month);
  const tombstones = scopeTombstones(head.tombstones ?? [], scope, terms, svc.app.nowMs() - svc.config.tombstoneDays * 86_400_000);
  switch (scope.kind) {
    case "main":
      return {
        title: siteTitle,
        articles: terms.topics === null ? head.items : await allowedTopicsItems(svc, terms),
        months,
        builtAt: head.builtAt,
        tombstones,
      };
    case "topic": {
      // A topic outside a partner's allowlist is answered like a topic that does not exist.
      if (!topicAllowed(terms, scope.topic, scope.slug)) notFound();
      const page = await svc.index.topic(scope.topic, scope.slug);
      if (!page) {
        // Listed in the head's catalogue: the topic exists and its page is missing from the bucket.
        if (head.catalog[scope.topic].some((entry) => entry.slug === scope.slug)) {
          throw svc.app.indexDamaged(svc, indexKeys(svc.config.prefix).topic(scope.topic, scope.slug), "missing although the head lists it");
        }
        notFound();
      }
      return { title: `${siteTitle}: ${TOPIC_KIND_INFO[scope.topic].label} ${page.name}`, articles: page.items, months, builtAt: head.builtAt, tombstones };
    }
    case "archive": {
      const page = await svc.index.month(scope.month);
      if (!page) {
        if (months.includes(scope.month)) {
          throw svc.app.indexDamaged(svc, indexKeys(svc.config.prefix).month(scope.month), "missing although the head lists it");
        }
        notFound();
      }
      return { title: `${siteTitle}: Archive ${scope.month}`, articles: page.items, months, builtAt: head.builtAt, tombstones };
    }
  }
}

/**
 * The tombstones a scope's feeds announce: the main feed every one (under a
 * topic allowlist those of allowed topics), a topic feed those of articles
 * that carried the topic, an archive none (it is a record of what was
 * published, RFC 5005). Older than TOMBSTONE_DAYS by the clock: none, even
 * before the next index update prunes them.
 */
function scopeTombstones(all: readonly Tombstone[], scope: FeedScope, terms: FeedTerms, cutoffMs: number): Tombstone[] {
  return all.filter((tombstone) => {
    if ((parseIsoDate(tombstone.when)?.getTime() ?? 0) <= cutoffMs) return false;
    switch (scope.kind) {
      case "main":
        return terms.topics === null || tombstone.topics.some((topic) => topicAllowed(terms, topic.kind, topic.slug));
      case "topic":
        return tombstone.topics.some((topic) => topic.kind === scope.topic && topic.slug === scope.slug);
      case "archive":
        return false;
    }
    return false;
  });
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

/**
 * The main feed under a topic allowlist: the allowed topics' pages merged
 * (one read each, shared with their own feeds), so the feed shows the newest
 * articles in any allowed topic, as far back as each topic page reaches.
 */
async function allowedTopicsItems(svc: Services, terms: FeedTerms): Promise<Article[]> {
  const pages = await Promise.all((terms.topics ?? []).map((rule) => svc.index.topic(rule.kind, rule.slug)));
  const byId = new Map<string, Article>();
  for (const page of pages) for (const article of page?.items ?? []) if (!byId.has(article.id)) byId.set(article.id, article);
  // The index's own order: published descending, id ascending for ties.
  return [...byId.values()].sort((a, b) => (a.published === b.published ? (a.id < b.id ? -1 : 1) : a.published < b.published ? 1 : -1));
}

async function buildScopeFeed(svc: Services, terms: FeedTerms, scope: FeedScope, format: FeedFormat, limit: number | null): Promise<ScopeFeed> {
  const view = await loadScope(svc, terms, scope);
  const { feed } = svc.config;
  const now = svc.app.clock();
  // A topic or month whose articles are all embargoed does not exist yet: its name must not leak.
  // Whether it exists is the public's view; a partner's terms may then leave it empty.
  if (scope.kind !== "main" && !view.articles.some((article) => isVisible(article, now))) notFound();
  const visible = view.articles.filter((article) => releasedUnderTerms(article, now, terms));
  // An archive document is complete by default (RFC 5005 §4); live feeds show the newest `limit`.
  const shown = visible.slice(0, limit ?? (scope.kind === "archive" ? visible.length : feed.limit));
  // A withdrawal changes the document as much as an edit: Last-Modified moves with it (If-Modified-Since clients).
  const newestTombstone = view.tombstones.reduce<string | null>((newest, t) => (newest === null || t.when > newest ? t.when : newest), null);
  const newestItem = newestUpdate(shown);
  const updated =
    (newestItem !== null && newestTombstone !== null ? (newestItem > newestTombstone ? newestItem : newestTombstone) : (newestItem ?? newestTombstone)) ??
    view.builtAt;
  const closedArchive = scope.kind === "archive" && isMonthOver(scope.month, now);
  const neighbours = archiveNeighbours(scope, view.months);

  const selfUrl = terms.linkBase + feedPath(scope, format) + (limit === null ? "" : `?limit=${limit}`);
  const hubs = advertisedHubs(svc.config.websubHubs, scope, terms, limit);
  // No XSLT stylesheet is named any more: browsers get the HTML page instead (`/feed.xsl` stays for old copies).
  const descriptor: FeedDescriptor = {
    // A partner's feed is a feed of its own, whichever way its token comes and however often it is rotated.
    id: terms.partner ? itemGuid(feed.guidAuthority, `partners/${terms.partner.id}${feedPath(scope, format)}`) : feed.siteUrl + feedPath(scope, format),
    title: view.title,
    description: feed.description,
    author: feed.author,
    language: scope.kind === "topic" && scope.topic === "languages" ? scope.slug : feed.language,
    siteUrl: feed.siteUrl,
    selfUrl,
    links: feedLinks(terms.linkBase, scope, format, neighbours),
    updated,
    ...(scope.kind === "archive" ? { archive: closedArchive } : {}),
    ...(hubs.length > 0 ? { hubs } : {}),
    ...(view.tombstones.length > 0
      ? { tombstones: view.tombstones.map((t) => ({ ref: itemGuid(feed.guidAuthority, t.id), when: t.when, comment: t.reason })) }
      : {}),
  };
  const items: FeedItem[] = shown.map((article) => ({
    article: itemUnderTerms(article, terms),
    guid: itemGuid(feed.guidAuthority, article.id),
    link: article.sourceUrl ?? terms.linkBase + articlePath(article.id),
  }));
  return { scope, format, descriptor, items, neighbours, updated, maxAge: closedArchive ? "immutable" : svc.config.cacheMaxAgeSeconds };
}

/**
 * The hubs a document names (W3C WebSub §4): only where a publish ping will
 * reach its subscribers, i.e. at exactly the URLs `app/websub.ts` pings. So
 * none for a `?limit=` variant (its self URL is never pinged) and none for a
 * partner: its self URL holds the token, which must never reach a hub.
 */
function advertisedHubs(hubs: readonly string[], scope: FeedScope, terms: FeedTerms, limit: number | null): readonly string[] {
  return terms.partner === null && limit === null && isPublishedScope(scope) ? hubs : [];
}

/** The feed document itself, for feed readers. */
function feedDocument(built: ScopeFeed): Representation {
  const hubs = built.descriptor.hubs ?? [];
  return {
    body: renderFeed(built.format, built.descriptor, built.items),
    delta: feedDeltaSource(built.format, built.descriptor, built.items),
    contentType: FEED_FORMAT_INFO[built.format].contentType,
    lastModified: parseIsoDate(built.updated),
    maxAge: built.maxAge,
    // W3C WebSub §4: the HTTP Link header (RFC 8288) is the discovery that works for every format.
    ...(hubs.length > 0 ? { links: [...hubs.map((href) => ({ href, rel: "hub" })), { href: built.descriptor.selfUrl, rel: "self" }] } : {}),
  };
}

/**
 * The same feed as an HTML page, for a person's browser. A partner's page
 * links its feeds, archives and article pages below its own prefix, like its
 * feed documents; the home page and the catalogue are the public ones.
 */
function feedPage(svc: Services, terms: FeedTerms, built: ScopeFeed): Representation {
  const { siteUrl, title } = svc.config.feed;
  // The public page links within the site by path; a partner's keeps its prefix (an absolute base).
  const within = terms.partner ? terms.linkBase : "";
  const archivePage = (month: string): { month: string; url: string } => ({ month, url: within + feedPath({ kind: "archive", month }, built.format) });
  return {
    body: renderFeedPage({
      feed: built.descriptor,
      items: built.items,
      format: built.format,
      feedUrl: terms.linkBase + feedPath(built.scope, built.format),
      versions: feedVersions((format) => terms.linkBase + feedPath(built.scope, format)),
      siteTitle: title,
      homeUrl: `${siteUrl}/`,
      opmlUrl: siteUrl + OPML_PATH,
      articleUrl: (article) => within + articlePath(article.id),
      older: built.neighbours.older === undefined ? undefined : archivePage(built.neighbours.older),
      newer: built.neighbours.newer === undefined ? undefined : archivePage(built.neighbours.newer),
    }),
    contentType: "text/html; charset=utf-8",
    lastModified: parseIsoDate(built.updated),
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

/** rel=alternate for the other formats, and the RFC 5005 archive links of the scope, below `linkBase`. */
function feedLinks(linkBase: string, scope: FeedScope, format: FeedFormat, neighbours: ArchiveNeighbours): FeedLink[] {
  const links: FeedLink[] = FEED_FORMATS.filter((other) => other !== format).map((other) => ({
    rel: "alternate",
    href: linkBase + feedPath(scope, other),
    type: FEED_FORMAT_INFO[other].mediaType,
  }));
  const archive = (month: string): string => linkBase + feedPath({ kind: "archive", month }, format);
  if (scope.kind === "archive") {
    links.push({ rel: "current", href: linkBase + feedPath({ kind: "main" }, format) });
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
