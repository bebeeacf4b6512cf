/**
 * Incremental rebuild of the index objects in the bucket (layout in `schema.ts`).
 *
 * One run:
 * 1. list the articles and read the old manifest (2 reads);
 * 2. read and parse only the objects that are new or whose ETag changed
 *    (bounded concurrency); deleted objects simply drop out;
 * 3. plan every index object from the metadata alone (the manifest keeps all
 *    of it but the content), each with a fingerprint of what it would hold:
 *    its members' keys and ETags, names and counts;
 * 4. write only the objects whose fingerprint differs from the one the old
 *    manifest recorded, taking unchanged members' content from the old page
 *    object (one read for up to a hundred articles) rather than from one
 *    object per article; delete the objects no longer planned;
 * 5. write the manifest last, so that a run that dies half-way is simply
 *    redone by the next one (it finds the same ETag differences again).
 *
 * Why fingerprints rather than comparing page contents: deciding that a page
 * is unchanged then costs no read at all, which is what makes an unchanged
 * rebuild cost exactly list + manifest.
 *
 * Writes go in an order that keeps readers consistent while a run is under
 * way: article objects, then topic and month pages, then the head that links
 * to them; deletions only after the head stopped referring to them.
 */
import type { Article } from "../article/model";
import { isVisible, parseArticle } from "../article/parse";
import { mapLimit } from "../store/concurrency";
import { type MeteredStore, meterStore } from "../store/metered";
import type { ArticleStore, StoredObject } from "../store/store";
import { parseIsoDate } from "../text/dates";
import type { FeedScope } from "../urls";
import { decodeArticlePage, decodeItems, decodeManifest, isManifestEntry } from "./codec";
import { hashHex } from "./hash";
import {
  type ArticleMeta,
  type ArticlePage,
  type CatalogEntry,
  INDEX_VERSION,
  type IndexHead,
  type IndexKeys,
  indexKeys,
  type Manifest,
  type ManifestEntry,
  type MonthCount,
  type MonthPage,
  PAGE_SIZE,
  TOPIC_KINDS,
  type Tombstone,
  type TopicKind,
  type TopicPage,
} from "./schema";
import { articleTopics } from "./topics";

/** Options of {@link rebuildIndex}. */
export interface RebuildOptions {
  /** Key prefix of the articles (`news/`); the index lives in `<articlePrefix>_index/`. */
  articlePrefix: string;
  /** Language of articles that neither declare nor reveal one (passed to the parser). */
  defaultLanguage: string;
  /** The build time: decides which articles are visible yet (default: the current time). */
  now?: Date;
  /** Called after each article object read, with the number read so far and the number to read. */
  onProgress?: (done: number, total: number) => void;
  /** Receives warnings (skipped objects, unreadable index objects) and a summary line. */
  log?: (message: string) => void;
  /** Days an article that left is remembered as a tombstone (TOMBSTONE_DAYS; default 30). */
  tombstoneDays?: number;
  /**
   * Index object keys to write even though their planned content did not
   * change: objects a reader found unreadable (garbage, truncated, another
   * version) or missing. Fingerprints only say what a run meant to write,
   * not what the bucket holds now; this is how a damaged object is repaired.
   * Keys that are not planned any more are ignored.
   */
  repair?: readonly string[];
}

/** What a rebuild did, for the command line and the scheduled handler's log. */
export interface RebuildReport {
  /** Article objects in the listing (index folder and other extensions excluded). */
  listed: number;
  /** Article objects read and parsed into an article in this run. */
  parsed: number;
  /** Article objects whose ETag matched the manifest: not read. */
  unchanged: number;
  /** Article objects the last rebuild knew that are gone now. */
  deleted: number;
  /** Every object currently left out of the index and why (including ones skipped by earlier runs). */
  skipped: { key: string; reason: string }[];
  /** Parser warnings of the objects parsed in this run. */
  warnings: { key: string; warnings: string[] }[];
  /**
   * Feeds whose content changed in this run: main when the head was written,
   * each topic and archive month whose page was written (for cache purges
   * and WebSub pings).
   */
  changedScopes: FeedScope[];
  /** Index objects rewritten only because they were named in `repair`. */
  repaired: number;
  /** Store requests that read: listings and gets. */
  reads: number;
  /** Store requests that change the bucket: puts and deletes. */
  writes: number;
  durationMs: number;
}

/**
 * Largest article object, in bytes (article format rule 11). News articles
 * are a few kilobytes; an object of megabytes is an export or a mistake, and
 * every index object holding it (the head holds a hundred articles in full)
 * would grow with it, and so would every request that reads one.
 */
export const MAX_ARTICLE_BYTES = 512 * 1024;

function tooLarge(bytes: number): string {
  return `too large: ${bytes} bytes (at most ${MAX_ARTICLE_BYTES})`;
}

/** How many store requests a rebuild keeps in flight at once. */
const CONCURRENCY = 8;

/** Extensions of article objects; a key without an extension is an article too. */
const ARTICLE_EXTENSIONS = new Set(["txt", "md", "markdown"]);

/**
 * True when `key` holds an article: below the prefix, outside the index
 * folder, not a folder marker, dot-file or README, extension `.txt`, `.md`,
 * `.markdown` (any case) or none.
 */
export function isArticleKey(key: string, articlePrefix: string): boolean {
  if (!key.startsWith(articlePrefix) || key.startsWith(indexKeys(articlePrefix).folder)) return false;
  if (key.endsWith("/")) return false;
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (name === "" || name.startsWith(".")) return false;
  // A folder's README describes the folder; it is not news (an article folder often has one).
  if (/^readme(\.[a-z]+)?$/i.test(name)) return false;
  const dot = name.lastIndexOf(".");
  return dot === -1 || ARTICLE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Bring the index of `options.articlePrefix` up to date with the articles in
 * the store, reading only what changed.
 *
 * Bad article objects (empty, binary, invalid UTF-8, duplicate ids) are left
 * out with their reason in the report and a `log` line; they never fail the
 * run. A `StoreError` from the store propagates: the caller decides whether to
 * retry, and because the manifest is written last, a failed run leaves an
 * index the next run repairs.
 */
export async function rebuildIndex(store: ArticleStore, options: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const keys = indexKeys(options.articlePrefix);
  const io = meterStore(store);

  // 1. The listing and the old manifest are independent: fetch them together.
  const [listing, manifestObject] = await Promise.all([io.list(options.articlePrefix, { skipPrefix: keys.folder }), io.get(keys.manifest)]);
  const old = readManifest(manifestObject, options.defaultLanguage, log);
  const listed = listing.filter((info) => isArticleKey(info.key, options.articlePrefix));

  // 2. Read what is new or changed.
  const entries = new Map<string, ManifestEntry>();
  const fresh = new Map<string, Article>();
  /** Keys whose manifest entry was carried over: their content in old pages is current. */
  const reused = new Set<string>();
  const readKeys = new Set<string>();
  const warnings: RebuildReport["warnings"] = [];
  const toRead = listed.filter((info) => {
    const previous = old?.entries[info.key];
    if (previous !== undefined && isManifestEntry(previous) && previous.etag === info.etag) return false;
    return true;
  });
  const results = new Map<string, ManifestEntry | null>();
  let done = 0;
  await mapLimit(toRead, CONCURRENCY, async (info) => {
    readKeys.add(info.key);
    if (info.size > MAX_ARTICLE_BYTES) {
      // Not even read: its size alone says it is no article (article format rule 11).
      const reason = tooLarge(info.size);
      results.set(info.key, { etag: info.etag, skipped: reason });
      log(`index: skipped ${info.key}: ${reason}`);
      options.onProgress?.(++done, toRead.length);
      return;
    }
    const object = await io.get(info.key);
    if (object !== null && object.body.byteLength > MAX_ARTICLE_BYTES) {
      const reason = tooLarge(object.body.byteLength);
      results.set(info.key, { etag: object.etag, skipped: reason });
      log(`index: skipped ${info.key}: ${reason}`);
    } else if (object === null) {
      // Deleted between the listing and the read: it is simply not there.
      results.set(info.key, null);
    } else {
      const result = parse(object, options.defaultLanguage);
      if (result.ok) {
        fresh.set(info.key, result.article);
        results.set(info.key, { etag: object.etag, article: planningMeta(result.article) });
        if (result.warnings.length > 0) warnings.push({ key: info.key, warnings: result.warnings });
      } else {
        results.set(info.key, { etag: object.etag, skipped: result.reason });
        log(`index: skipped ${info.key}: ${result.reason}`);
      }
    }
    options.onProgress?.(++done, toRead.length);
  });
  // Rebuild the entries in listing (key) order, so the manifest is deterministic.
  for (const info of listed) {
    if (results.has(info.key)) {
      const entry = results.get(info.key);
      if (entry) entries.set(info.key, entry);
    } else {
      const previous = old?.entries[info.key];
      if (previous !== undefined) {
        entries.set(info.key, previous);
        reused.add(info.key);
      }
    }
  }
  const listedKeys = new Set(listed.map((info) => info.key));
  const deleted = old === null ? 0 : Object.keys(old.entries).filter((key) => !listedKeys.has(key)).length;

  // 3. Plan every index object from metadata.
  const skipped: RebuildReport["skipped"] = [];
  const members = selectMembers(entries, readKeys, skipped, log);
  const tombstones = nextTombstones(old, members, entries, now, options.tombstoneDays ?? DEFAULT_TOMBSTONE_DAYS);
  const plans = planPages(members, keys, now, tombstones);

  // 4. Write what changed.
  const resolver = new ContentResolver(io, keys, old, fresh, reused, options.defaultLanguage, log);
  const repair = new Set(options.repair ?? []);
  let repaired = 0;
  const changed = plans.filter((plan) => {
    if (old === null || old.pages[plan.key] !== plan.fingerprint) return true;
    if (!repair.has(plan.key)) return false;
    repaired++;
    return true;
  });
  const builtAt = now.toISOString();
  const writePlan = async (plan: PagePlan): Promise<void> => {
    const articles = await resolver.contents(plan);
    if (articles.length < plan.members.length) {
      // A member vanished mid-run. Record a fingerprint no plan ever has, so
      // the next run writes this object again whatever it then finds.
      plan.fingerprint = `incomplete:${plan.fingerprint}`;
      if (plan.phase === 0) {
        // No article to write; what is there belongs to another key (an id
        // taken over from a deleted duplicate): do not keep serving it.
        if (old?.pages[plan.key] !== undefined) await io.delete(plan.key);
        return;
      }
    }
    await io.put(plan.key, JSON.stringify(plan.render(articles, builtAt)), JSON_OBJECT);
  };
  const headPlan = changed.find((plan) => plan.key === keys.head);
  // Read the old head first: it holds the newest articles, which most topic pages share.
  if (headPlan) await resolver.prefetch(headPlan);
  await mapLimit(
    changed.filter((plan) => plan.phase === 0),
    CONCURRENCY,
    writePlan,
  );
  await mapLimit(
    changed.filter((plan) => plan.phase === 1),
    CONCURRENCY,
    writePlan,
  );
  if (headPlan) await writePlan(headPlan);

  const planned = new Set(plans.map((plan) => plan.key));
  let obsolete: string[];
  if (old !== null) {
    obsolete = Object.keys(old.pages).filter((key) => !planned.has(key));
  } else {
    // Without a usable manifest we do not know what an earlier run left behind:
    // look at the folder once, so that a version change leaves no orphans.
    const existing = await io.list(keys.folder);
    obsolete = existing.map((info) => info.key).filter((key) => key !== keys.manifest && !planned.has(key));
  }

  // 5. The manifest, only when anything at all differs from the old one.
  const tombstonesChanged = JSON.stringify(old?.tombstones ?? []) !== JSON.stringify(tombstones);
  const dirty = old === null || readKeys.size > 0 || deleted > 0 || changed.length > 0 || obsolete.length > 0 || tombstonesChanged;
  if (dirty) {
    const manifest: Manifest = {
      version: INDEX_VERSION,
      builtAt,
      defaultLanguage: options.defaultLanguage,
      entries: Object.fromEntries(entries),
      pages: Object.fromEntries(plans.map((plan) => [plan.key, plan.fingerprint])),
      tombstones,
    };
    await io.put(keys.manifest, JSON.stringify(manifest), JSON_OBJECT);
  }
  await mapLimit(obsolete, CONCURRENCY, (key) => io.delete(key));

  const report: RebuildReport = {
    listed: listed.length,
    parsed: fresh.size,
    unchanged: reused.size,
    deleted,
    skipped,
    warnings,
    changedScopes: changed.flatMap((plan) => (plan.scope ? [plan.scope] : [])),
    repaired,
    reads: io.meter.reads,
    writes: io.meter.writes,
    durationMs: Date.now() - started,
  };
  log(
    `index: ${report.listed} listed, ${report.parsed} parsed, ${report.unchanged} unchanged, ` +
      `${report.deleted} deleted, ${report.skipped.length} skipped; ` +
      `${changed.length} objects written (${repaired} repaired), ${obsolete.length} removed; ` +
      `${report.reads} reads, ${report.writes} writes in ${report.durationMs} ms`,
  );
  return report;
}

// ---------------------------------------------------------------------------
// Store access

/** How index objects are stored. */
const JSON_OBJECT = { contentType: "application/json; charset=utf-8" };

function parse(object: StoredObject, defaultLanguage: string) {
  return parseArticle({ key: object.key, body: object.body, lastModified: object.lastModified, metadata: object.metadata }, { defaultLanguage });
}

function planningMeta(article: Article): ArticleMeta {
  const { id, published, updated, draft, withdrawn, tags, authors, language, sourceHost } = article;
  return { id, published, updated, draft, withdrawn, tags, authors, language, sourceHost };
}

/**
 * The manifest only keeps planning fields, which is all `isVisible` reads: the
 * same rule as the readers', so the rebuild and they can never disagree.
 */
function visibleAt(_key: string, meta: ArticleMeta, now: Date): boolean {
  return isVisible(meta, now);
}

/** The old manifest, or null when there is none or it cannot be trusted (then everything is rebuilt). */
function readManifest(object: StoredObject | null, defaultLanguage: string, log: (message: string) => void): Manifest | null {
  if (object === null) return null;
  const decoded = decodeManifest(object.body);
  if (!decoded.ok) {
    log(`index: ignoring ${object.key}: ${decoded.reason}; rebuilding everything`);
    return null;
  }
  if (decoded.value.defaultLanguage !== defaultLanguage) {
    // The default language is parser input: every article may come out differently.
    log(`index: default language changed to ${defaultLanguage}; rebuilding everything`);
    return null;
  }
  return decoded.value;
}

// ---------------------------------------------------------------------------
// Planning

/** An article that takes part in the index. */
interface Member {
  key: string;
  etag: string;
  meta: ArticleMeta;
  visible: boolean;
}

/** One index object to hold, with enough to decide whether to write it and to render it. */
interface PagePlan {
  key: string;
  /** Recorded in the manifest; marked incomplete when a member could not be fetched. */
  fingerprint: string;
  /** Members in page order; their full articles are fetched only if the page is written. */
  members: Member[];
  /** 0: article objects, 1: topic and month pages, 2: the head (written last). */
  phase: 0 | 1 | 2;
  /** The feed this object is the content of (none for article objects). */
  scope?: FeedScope;
  render(items: Article[], builtAt: string): IndexHead | TopicPage | MonthPage | ArticlePage;
}

/**
 * The articles that take part: parsed, not drafts, one per id. Skipped objects
 * and the losers of an id collision go to `skipped`.
 *
 * When two objects claim one id (front matter `id`), the first key in key
 * order wins: the listing order is stable, so the choice does not flap
 * between runs, and the article page of that id stays one article.
 */
function selectMembers(
  entries: Map<string, ManifestEntry>,
  readKeys: Set<string>,
  skipped: RebuildReport["skipped"],
  log: (message: string) => void,
): Member[] {
  const members: Member[] = [];
  const owner = new Map<string, string>();
  for (const [key, entry] of entries) {
    if ("skipped" in entry) {
      skipped.push({ key, reason: entry.skipped });
      continue;
    }
    // A withdrawn article leaves the index like a deleted one (its tombstone is made by `nextTombstones`).
    if (entry.article.draft || entry.article.withdrawn) continue;
    const first = owner.get(entry.article.id);
    if (first !== undefined) {
      const reason = `duplicate id "${entry.article.id}" (already used by ${first})`;
      skipped.push({ key, reason });
      // Log when either side changed in this run, not on every scheduled run.
      if (readKeys.has(key) || readKeys.has(first)) log(`index: skipped ${key}: ${reason}`);
      continue;
    }
    owner.set(entry.article.id, key);
    members.push({ key, etag: entry.etag, meta: entry.article, visible: false });
  }
  return members;
}

/** Published descending, id ascending for ties: the one order of every page. */
function newestFirst(a: Member, b: Member): number {
  if (a.meta.published !== b.meta.published) return a.meta.published < b.meta.published ? 1 : -1;
  return a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0;
}

/**
 * The members a head or topic page holds: every future-dated article (so an
 * embargo lifts without a rebuild) and the newest {@link PAGE_SIZE} visible
 * ones. `sorted` is newest first, so the future ones come first.
 */
function pageWindow(sorted: Member[]): Member[] {
  const out: Member[] = [];
  let visible = 0;
  for (const member of sorted) {
    if (!member.visible) out.push(member);
    else if (visible < PAGE_SIZE) {
      out.push(member);
      visible++;
    }
  }
  return out;
}

function memberList(members: Member[]): string {
  return members.map((member) => `${member.key}@${member.etag}`).join("\n");
}

/** UTC calendar month of an ISO date (`2024-06-19T08:00:00.000Z` -> `2024-06`). */
function monthOf(iso: string): string {
  if (/^\d{4}-\d{2}-/.test(iso)) return iso.slice(0, 7);
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "0000-00" : date.toISOString().slice(0, 7);
}

interface TopicGroup {
  kind: TopicKind;
  slug: string;
  name: string;
  named: boolean;
  members: Member[];
  count: number;
  updated: string;
}

/** TOMBSTONE_DAYS by default. */
export const DEFAULT_TOMBSTONE_DAYS = 30;

/** At most this many tombstones are kept (newest first), whatever TOMBSTONE_DAYS says: the head stays small. */
const MAX_TOMBSTONES = 200;

/**
 * The tombstones after this run: those of the old manifest still younger
 * than `days` whose article has not come back, plus one for every article
 * that was visible in the last run's index and is no member now (its object
 * deleted, or withdrawn, or made unusable). Newest first, at most
 * {@link MAX_TOMBSTONES}. Without an old manifest nobody is known to have left.
 */
function nextTombstones(old: Manifest | null, members: readonly Member[], entries: ReadonlyMap<string, ManifestEntry>, now: Date, days: number): Tombstone[] {
  if (old === null) return [];
  const present = new Set(members.map((member) => member.meta.id));
  // The publisher's reasons of the articles withdrawn by front matter (`withdrawn_reason`).
  const reasons = new Map<string, string | null>();
  for (const entry of entries.values()) if ("article" in entry && entry.article.withdrawn) reasons.set(entry.article.id, entry.article.withdrawn.reason);
  const cutoff = now.getTime() - days * 86_400_000;
  const kept = (old.tombstones ?? []).filter((tombstone) => !present.has(tombstone.id) && (parseIsoDate(tombstone.when)?.getTime() ?? 0) > cutoff);
  const known = new Set(kept.map((tombstone) => tombstone.id));
  const left: Tombstone[] = [];
  for (const [key, entry] of Object.entries(old.entries)) {
    if (!isManifestEntry(entry) || "skipped" in entry || entry.article.draft) continue;
    const { id } = entry.article;
    if (present.has(id) || known.has(id) || !visibleAt(key, entry.article, now)) continue;
    known.add(id);
    left.push({ id, when: now.toISOString(), reason: reasons.get(id) ?? null, topics: articleTopics(entry.article).map(({ kind, slug }) => ({ kind, slug })) });
  }
  if (days <= 0) return [];
  left.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...left, ...kept].slice(0, MAX_TOMBSTONES);
}

/** Every index object the members call for, with fingerprints. */
function planPages(members: Member[], keys: IndexKeys, now: Date, tombstones: readonly Tombstone[]): PagePlan[] {
  for (const member of members) member.visible = visibleAt(member.key, member.meta, now);
  members.sort(newestFirst);

  const plans: PagePlan[] = [];
  const topics = new Map<string, TopicGroup>();
  const months = new Map<string, { members: Member[]; count: number }>();

  for (const member of members) {
    plans.push({
      key: keys.article(member.meta.id),
      fingerprint: articleFingerprint(member.key, member.etag),
      members: [member],
      phase: 0,
      render: (items) => ({ version: INDEX_VERSION, article: items[0] as Article }),
    });
    for (const ref of articleTopics(member.meta)) {
      const id = `${ref.kind}/${ref.slug}`;
      let group = topics.get(id);
      if (!group) {
        group = { ...ref, named: false, members: [], count: 0, updated: "" };
        topics.set(id, group);
      }
      // Name a topic as its newest visible article spells it (a future one only if none is visible).
      if (!group.named && member.visible) {
        group.name = ref.name;
        group.named = true;
      }
      group.members.push(member);
      if (member.visible) {
        group.count++;
        if (member.meta.updated > group.updated) group.updated = member.meta.updated;
      }
    }
    const month = monthOf(member.meta.published);
    let bucket = months.get(month);
    if (!bucket) {
      bucket = { members: [], count: 0 };
      months.set(month, bucket);
    }
    bucket.members.push(member);
    if (member.visible) bucket.count++;
  }

  const catalog = Object.fromEntries(TOPIC_KINDS.map((kind) => [kind, [] as CatalogEntry[]])) as Record<TopicKind, CatalogEntry[]>;
  for (const group of topics.values()) {
    const pageMembers = pageWindow(group.members);
    const { kind, slug, name } = group;
    plans.push({
      key: keys.topic(kind, slug),
      fingerprint: hashHex(`topic\n${kind}\n${slug}\n${name}\n${memberList(pageMembers)}`),
      members: pageMembers,
      phase: 1,
      scope: { kind: "topic", topic: kind, slug },
      render: (items) => ({ version: INDEX_VERSION, kind, slug, name, items }),
    });
    if (group.count > 0) catalog[kind].push({ slug, name, count: group.count, updated: group.updated });
  }
  for (const kind of TOPIC_KINDS) {
    catalog[kind].sort((a, b) => b.count - a.count || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  const monthCounts: MonthCount[] = [];
  for (const [month, bucket] of [...months].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))) {
    plans.push({
      key: keys.month(month),
      fingerprint: hashHex(`month\n${month}\n${memberList(bucket.members)}`),
      members: bucket.members,
      phase: 1,
      scope: { kind: "archive", month },
      render: (items) => ({ version: INDEX_VERSION, month, items }),
    });
    if (bucket.count > 0) monthCounts.push({ month, count: bucket.count });
  }

  const headMembers = pageWindow(members);
  plans.push({
    key: keys.head,
    // builtAt is deliberately not part of it: a rebuild that changes nothing writes nothing.
    fingerprint: hashHex(`head\n${memberList(headMembers)}\n${JSON.stringify(catalog)}\n${JSON.stringify(monthCounts)}\n${JSON.stringify(tombstones)}`),
    members: headMembers,
    phase: 2,
    scope: { kind: "main" },
    render: (items, builtAt) => ({ version: INDEX_VERSION, builtAt, items, catalog, months: monthCounts, tombstones: [...tombstones] }),
  });
  return plans;
}

function articleFingerprint(key: string, etag: string): string {
  return hashHex(`article\n${key}@${etag}`);
}

// ---------------------------------------------------------------------------
// Content of the pages to write

/**
 * Finds the full article (content included) of each member of a page to
 * write, as cheaply as possible:
 * 1. parsed in this run: in memory;
 * 2. a member whose ETag did not change: from the old version of a page being
 *    rewritten (one read yields up to all its members) -- its copy there is
 *    current, because a page is rewritten whenever one of its members changes;
 * 3. otherwise its own article object, when the old manifest says it holds
 *    this key at this ETag;
 * 4. otherwise the raw object again.
 */
class ContentResolver {
  private readonly pool = new Map<string, Article>();
  private readonly pending = new Map<string, Promise<Article | null>>();
  private readonly pagesRead = new Set<string>();

  constructor(
    private readonly io: MeteredStore,
    private readonly keys: IndexKeys,
    private readonly old: Manifest | null,
    private readonly fresh: Map<string, Article>,
    private readonly reused: Set<string>,
    private readonly defaultLanguage: string,
    private readonly log: (message: string) => void,
  ) {}

  /** Read the old version of the plan's object into the pool if some member needs it. */
  async prefetch(plan: PagePlan): Promise<void> {
    if (this.old === null || this.old.pages[plan.key] === undefined || this.pagesRead.has(plan.key)) return;
    if (plan.phase === 0) return; // An article object is resolved on its own (step 3).
    if (plan.members.every((member) => this.fresh.has(member.key) || this.pool.has(member.key))) return;
    this.pagesRead.add(plan.key);
    const object = await this.io.get(plan.key);
    if (object === null) return;
    const decoded = decodeItems(object.body);
    if (!decoded.ok) {
      this.log(`index: cannot reuse ${plan.key}: ${decoded.reason}`);
      return;
    }
    for (const item of decoded.value) {
      if (this.reused.has(item.key) && !this.pool.has(item.key)) this.pool.set(item.key, item);
    }
  }

  /** The full articles of the plan's members, in order (without any that vanished during the run). */
  async contents(plan: PagePlan): Promise<Article[]> {
    await this.prefetch(plan);
    const articles = await Promise.all(plan.members.map((member) => this.article(member)));
    return articles.filter((article): article is Article => article !== null);
  }

  private article(member: Member): Promise<Article | null> {
    const known = this.fresh.get(member.key) ?? this.pool.get(member.key);
    if (known !== undefined && known.id === member.meta.id) return Promise.resolve(known);
    let pending = this.pending.get(member.key);
    if (!pending) {
      pending = this.load(member);
      this.pending.set(member.key, pending);
    }
    return pending;
  }

  private async load(member: Member): Promise<Article | null> {
    const objectKey = this.keys.article(member.meta.id);
    if (this.old?.pages[objectKey] === articleFingerprint(member.key, member.etag)) {
      const object = await this.io.get(objectKey);
      if (object !== null) {
        const decoded = decodeArticlePage(object.body);
        if (decoded.ok && decoded.value.article.key === member.key) return decoded.value.article;
        if (!decoded.ok) this.log(`index: cannot reuse ${objectKey}: ${decoded.reason}`);
      }
    }
    const raw = await this.io.get(member.key);
    if (raw !== null) {
      const result = parse(raw, this.defaultLanguage);
      if (result.ok) return result.article;
    }
    // Changed or removed since the listing: leave it out of this run's pages.
    // The next run sees the new ETag (or the deletion), which changes the
    // fingerprint of every page it belongs to, and writes them again.
    this.log(`index: ${member.key} changed during the rebuild; left out until the next run`);
    return null;
  }
}
