/**
 * The feed documents: the main feeds, topic feeds (tag, author, language,
 * source host) and archive pages (RFC 5005: at most 100 articles each, a
 * month's newest page also under the month's own URL), each in RSS 2.0,
 * Atom 1.0 and JSON Feed 1.1; JSON Feed documents continue through
 * `next_url`. One handler serves every scope and format: the feed to feed
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
import { formatCursor, idOfSortKey, parseCursor, timeOfSortKey } from "../index/order";
import { type ArchivePage, type ArchiveRef, type IndexSummary, indexKeys, isMonth, type Tombstone } from "../index/schema";
import { TOPIC_KIND_INFO, TOPIC_KINDS } from "../index/topic-kinds";
import { articleTopics, canonicalTopicSlug, isTopicSlug } from "../index/topics";
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

/** Archive page ids as the index hands them out. */
const PAGE_PATTERN = /^[1-9][0-9]{0,8}$/;

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
    app.get(`/archive/:month/page/:page/${file}`, (c) => {
      const month = c.req.param("month");
      const page = c.req.param("page");
      if (!isMonth(month)) throw new HttpError(400, "Archive month must look like 2024-06.");
      if (!PAGE_PATTERN.test(page)) notFound();
      return feedResponse(c, { kind: "archive", month, page }, format);
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
 * Parses `?before=` of the JSON main feed (where the previous page ended,
 * see `formatCursor`); absent means the first page.
 */
export function parseBefore(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const cursor = parseCursor(raw);
  if (cursor === null) throw new HttpError(400, "before must look like 2024-06-19T08:00:00.000Z/<article id>.");
  return cursor;
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
  // Only the JSON main feed pages by cursor; RSS and Atom page through RFC 5005 archives.
  const before = scope.kind === "main" && format === "json" ? parseBefore(c.req.query("before")) : null;
  const variant = feedVariant(c.req.header("Accept"));
  return serve(
    c,
    async () => {
      const svc = services(c);
      const terms = termsOf(c, svc);
      const built = await buildScopeFeed(svc, terms, scope, format, limit, before);
      return variant === "page" ? feedPage(svc, terms, built) : feedDocument(built);
    },
    // The feed is what the URL names (the `reader` variant); the page for browsers is cached apart.
    // `before` makes a document of its own only where it is read (other routes must not split their cache by it).
    {
      significantParams: before === null ? ["limit"] : ["limit", "before"],
      varyOnAccept: true,
      variant: variant === "page" ? "browser" : "reader",
      deltas: variant !== "page",
    },
  );
}

/** The articles a scope shows, and what it needs to link its neighbours. */
interface ScopeView {
  title: string;
  articles: readonly Article[];
  /** Months with archives, newest first, with the id of each one's newest page. */
  months: readonly { month: string; newestPage: string }[];
  /** Visible articles of the whole index (the sum over the months). */
  total: number;
  builtAt: string;
  /** The archive page shown (archive scopes; a JSON page after `before`, with its older neighbour). */
  page?: ArchivePage;
  /** Articles withdrawn from this scope within TOMBSTONE_DAYS (RFC 6721), newest first. */
  tombstones: readonly Tombstone[];
}

async function loadScope(svc: Services, terms: FeedTerms, scope: FeedScope, before: string | null): Promise<ScopeView> {
  // Only the main feed's first page shows the head's articles; the rest need its summary (a much smaller read).
  const whole = scope.kind === "main" && before === null && terms.topics === null ? await svc.app.indexHead(svc) : null;
  const head: IndexSummary = whole ?? (await svc.app.indexSummary(svc));
  const siteTitle = svc.config.feed.title;
  const months = head.months;
  const total = months.reduce((sum, entry) => sum + entry.count, 0);
  const tombstones = scopeTombstones(head.tombstones ?? [], scope, terms, svc.app.nowMs() - svc.config.tombstoneDays * 86_400_000);
  const common = { months, total, builtAt: head.builtAt, tombstones };
  switch (scope.kind) {
    case "main":
      if (before !== null) {
        const older = await svc.index.olderThan(before);
        if (!older) notFound();
        // Under a topic allowlist, only the allowed topics' articles (as on the first page).
        const items =
          terms.topics === null
            ? older.items
            : older.items.filter((article) => articleTopics(article).some((topic) => topicAllowed(terms, topic.kind, topic.slug)));
        return {
          ...common,
          title: siteTitle,
          articles: items,
          // A later page is a page of the archive: it announces no tombstones.
          tombstones: [],
          page: { month: "", page: "", items, full: false, newer: null, older: older.older },
        };
      }
      return { ...common, title: siteTitle, articles: whole !== null ? whole.items : await allowedTopicsItems(svc, terms) };
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
      return { ...common, title: `${siteTitle}: ${TOPIC_KIND_INFO[scope.topic].label} ${page.name}`, articles: page.items };
    }
    case "archive": {
      const page = await svc.index.archive(scope.month, scope.page);
      if (!page) {
        // The month's newest page, listed in the head: it exists and is missing from the bucket.
        const listed = months.find((entry) => entry.month === scope.month);
        if (listed !== undefined && listed.newestPage !== "" && (scope.page === undefined || scope.page === listed.newestPage)) {
          throw svc.app.indexDamaged(svc, indexKeys(svc.config.prefix).archiveNode(scope.month, listed.newestPage), "missing although the head lists it");
        }
        notFound();
      }
      return { ...common, title: `${siteTitle}: Archive ${scope.month}`, articles: page.items, page };
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

async function buildScopeFeed(
  svc: Services,
  terms: FeedTerms,
  scope: FeedScope,
  format: FeedFormat,
  limit: number | null,
  before: string | null,
): Promise<ScopeFeed> {
  const view = await loadScope(svc, terms, scope, before);
  const { feed } = svc.config;
  const now = svc.app.clock();
  // A topic or month whose articles are all embargoed does not exist yet: its name must not leak.
  // Whether it exists is the public's view; a partner's terms may then leave it empty.
  if (scope.kind !== "main" && !view.articles.some((article) => isVisible(article, now))) notFound();
  const visible = view.articles.filter((article) => releasedUnderTerms(article, now, terms));
  // An archive page is complete by default (RFC 5005 §4), and so is a later JSON page; live feeds show the newest `limit`.
  const complete = scope.kind === "archive" || before !== null;
  const shown = visible.slice(0, limit ?? (complete ? visible.length : feed.limit));
  // A withdrawal changes the document as much as an edit: Last-Modified moves with it (If-Modified-Since clients).
  const newestTombstone = view.tombstones.reduce<string | null>((newest, t) => (newest === null || t.when > newest ? t.when : newest), null);
  const newestItem = newestUpdate(shown);
  const updated =
    (newestItem !== null && newestTombstone !== null ? (newestItem > newestTombstone ? newestItem : newestTombstone) : (newestItem ?? newestTombstone)) ??
    view.builtAt;
  // A full archive page with a newer one after it changes no more (unless an article in it does).
  const settled = scope.kind === "archive" && view.page !== undefined && view.page.full && view.page.newer !== null;
  const archived = scope.kind === "archive" && (settled || isMonthOver(scope.month, now));
  const neighbours = archiveNeighbours(scope, view);

  const query = new URLSearchParams();
  if (before !== null) query.set("before", formatCursor({ published: timeOfSortKey(before), id: idOfSortKey(before) }));
  if (limit !== null) query.set("limit", String(limit));
  const selfUrl = terms.linkBase + feedPath(scope, format) + (query.size > 0 ? `?${query}` : "");
  const links = feedLinks(terms.linkBase, scope, format, neighbours);
  if (format === "json") {
    const next = jsonNextPage(terms.linkBase, scope, view, visible, shown, limit, before);
    if (next !== null) links.push({ rel: "next", href: next });
  }
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
    links,
    updated,
    ...(scope.kind === "archive" ? { archive: archived } : {}),
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
  return { scope, format, descriptor, items, neighbours, updated, maxAge: settled ? "immutable" : svc.config.cacheMaxAgeSeconds };
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
  const archivePage = (ref: ArchiveRef): { month: string; url: string } => ({ month: ref.month, url: within + archivePath(ref, built.format) });
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

/** The archive pages just older and newer than a scope's items (RFC 5005 §4). */
interface ArchiveNeighbours {
  older?: ArchiveRef | undefined;
  newer?: ArchiveRef | undefined;
}

/**
 * The main feed's older neighbour is the newest month's newest page; an
 * archive page's neighbours are the pages the index links it to (across
 * months). Topic feeds have no archives.
 */
function archiveNeighbours(scope: FeedScope, view: ScopeView): ArchiveNeighbours {
  if (scope.kind === "main") {
    const newest = view.months[0];
    return view.page === undefined && newest !== undefined ? { older: { month: newest.month, page: newest.newestPage } } : {};
  }
  if (scope.kind !== "archive" || view.page === undefined) return {};
  return { older: view.page.older ?? undefined, newer: view.page.newer ?? undefined };
}

/** The path of an archive page; pages of the older layout (no page ids) are whole months. */
function archivePath(ref: ArchiveRef, format: FeedFormat): string {
  return feedPath(ref.page === "" ? { kind: "archive", month: ref.month } : { kind: "archive", month: ref.month, page: ref.page }, format);
}

/** rel=alternate for the other formats, and the RFC 5005 archive links of the scope, below `linkBase`. */
function feedLinks(linkBase: string, scope: FeedScope, format: FeedFormat, neighbours: ArchiveNeighbours): FeedLink[] {
  const links: FeedLink[] = FEED_FORMATS.filter((other) => other !== format).map((other) => ({
    rel: "alternate",
    href: linkBase + feedPath(scope, other),
    type: FEED_FORMAT_INFO[other].mediaType,
  }));
  if (scope.kind === "archive") {
    links.push({ rel: "current", href: linkBase + feedPath({ kind: "main" }, format) });
    if (neighbours.newer) links.push({ rel: "next-archive", href: linkBase + archivePath(neighbours.newer, format) });
  }
  if (neighbours.older) links.push({ rel: "prev-archive", href: linkBase + archivePath(neighbours.older, format) });
  return links;
}

/**
 * JSON Feed 1.1 `next_url`: the page that continues exactly where this one
 * ends, never repeating one of its items. From the main feed, the articles
 * older than its last one (`?before=`); from an archive page, the next older
 * page; a page cut short by `limit` continues after its last item.
 */
function jsonNextPage(
  linkBase: string,
  scope: FeedScope,
  view: ScopeView,
  visible: readonly Article[],
  shown: readonly Article[],
  limit: number | null,
  before: string | null,
): string | null {
  const last = shown.at(-1);
  const main = linkBase + feedPath({ kind: "main" }, "json");
  const after = (article: Article): string => {
    const query = new URLSearchParams({ before: formatCursor(article) });
    if (limit !== null && before !== null) query.set("limit", String(limit));
    return `${main}?${query}`;
  };
  if (scope.kind === "main" && before === null) {
    if (last === undefined || view.total <= shown.length) return null;
    // An index of the older layout (while an upgrade is under way) pages by whole months.
    const newest = view.months[0];
    if (newest !== undefined && newest.newestPage === "") return linkBase + archivePath({ month: newest.month, page: "" }, "json");
    // More visible articles than the page shows: continue after its last one.
    return after(last);
  }
  if (scope.kind === "topic") return null;
  if (last !== undefined && shown.length < visible.length) return after(last);
  const older = view.page?.older;
  return older ? linkBase + archivePath(older, "json") : null;
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
