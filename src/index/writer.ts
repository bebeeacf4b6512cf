/**
 * Applies the current state of article objects to the index, one key at a
 * time, inside a transaction ({@link Tx}).
 *
 * A key is a hint that its object may have changed. The writer reads the
 * object now (gone means deleted), compares it with the manifest entry of
 * the key, and moves the article between the objects it belongs to: its id's
 * record, the main window, the window of each topic, and its month's archive
 * tree. What the index held of the old version comes from the id's record,
 * which keeps exactly the version that was indexed; so applying a key twice,
 * late or out of order changes nothing more than applying it once now.
 *
 * Ids: an article's id (front matter `id`, else its file name) may be
 * claimed by several keys. The first key in S3 key order owns it, the others
 * wait in the record's `claimants`; when the owner goes, the next claimant is
 * read and takes over within the same change.
 *
 * Interrupted runs: the commit first writes, for every key it changes, an
 * announcement into the key's manifest entry (`pending`: the versions whose
 * memberships the change adds or removes), then the objects, then the final
 * manifest entry. A run that dies in between leaves the announcement; the
 * next change of the key removes those versions before anything else, so no
 * stale copy of an article stays in a window or an archive page.
 */
import type { Article } from "../article/model";
import { isVisible, parseArticle } from "../article/parse";
import type { StoredObject } from "../store/store";
import { compareKeys } from "../store/store";
import { parseIsoDate } from "../text/dates";
import type { FeedScope } from "../urls";
import { decodeArticleRecord, decodeHead, decodeTopic, isArticle, isManifestEntry, isTailValue, nodeDecoder } from "./codec";
import { applyToWindow, emptyWindow, WINDOW_LIMITS, type WindowChanges, type WindowLimits, windowTotal } from "./collection";
import { UnreadableIndexError } from "./errors";
import { isFuture, monthOf, sortKey } from "./order";
import {
  type ArticleMeta,
  type ArticleRecord,
  INDEX_VERSION,
  type IndexKeys,
  type LeafNode,
  MAX_TOMBSTONES,
  type ManifestEntry,
  PAGE_SIZE,
  type StoredCatalogEntry,
  type StoredHead,
  type StoredMonth,
  type StoredTopic,
  type StoredWindow,
  TOPIC_KINDS,
  type Tombstone,
  type TopicKind,
  type TreeNode,
} from "./schema";
import type { Session, Tx } from "./session";
import { articleTopics } from "./topics";
import { ROOT_ID, StoredTree, TreeReader, type TreeSpec } from "./tree";

/** Id of the first leaf of a new tree (the root hands out ids from 1). */
const FIRST_LEAF = "1";

/**
 * The sizes of every object the writer keeps. Tests make them small, so that
 * a few dozen articles exercise refills, tails, page splits and trees of
 * several levels.
 */
export interface IndexLimits extends WindowLimits {
  /** Most entries of a manifest leaf (about 100 bytes each). */
  manifestLeaf: number;
  /** Most sort keys in a tail leaf (about 60 bytes each). */
  tailLeaf: number;
  /** Most articles of an archive page. */
  page: number;
  /** Most children of any branch. */
  branch: number;
}

/** The production sizes. */
export const INDEX_LIMITS: IndexLimits = { ...WINDOW_LIMITS, manifestLeaf: 400, tailLeaf: 500, page: PAGE_SIZE, branch: 1_000 };

/** The manifest tree: object key -> entry. */
export function manifestSpec(keys: IndexKeys, limits: IndexLimits = INDEX_LIMITS): TreeSpec<ManifestEntry> {
  return {
    nodeKey: keys.manifestNode,
    leafCapacity: limits.manifestLeaf,
    branchCapacity: limits.branch,
    counted: false,
    copyOnSplit: true,
    decode: nodeDecoder(isManifestEntry),
  };
}

/** The tail tree of the main collection (`null`) or of one topic. */
export function tailSpec(keys: IndexKeys, topic: { kind: TopicKind; slug: string } | null, limits: IndexLimits = INDEX_LIMITS): TreeSpec<1> {
  return {
    nodeKey: (id) => keys.tailNode(topic, id),
    leafCapacity: limits.tailLeaf,
    branchCapacity: limits.branch,
    counted: true,
    decode: nodeDecoder(isTailValue),
  };
}

/** The archive tree of one month: its leaves are the archive pages. */
export function monthSpec(keys: IndexKeys, month: string, limits: IndexLimits = INDEX_LIMITS, firstId?: number): TreeSpec<Article> {
  return {
    nodeKey: (id) => keys.archiveNode(month, id),
    leafCapacity: limits.page,
    branchCapacity: limits.branch,
    counted: true,
    decode: nodeDecoder(isArticle),
    ...(firstId === undefined ? {} : { firstId }),
  };
}

/** A head with nothing in it. */
export function emptyHead(defaultLanguage: string, builtAt: string): StoredHead {
  return {
    version: INDEX_VERSION,
    builtAt,
    complete: false,
    defaultLanguage,
    ...emptyWindow(),
    catalog: Object.fromEntries(TOPIC_KINDS.map((kind) => [kind, []])) as unknown as Record<TopicKind, StoredCatalogEntry[]>,
    months: [],
  };
}

/** The planning fields of an article. */
export function articleMeta(article: ArticleMeta): ArticleMeta {
  const { id, published, updated, draft, withdrawn, tags, authors, language, sourceHost } = article;
  return { id, published, updated, draft, withdrawn: withdrawn ?? null, tags, authors, language, sourceHost };
}

/** TOMBSTONE_DAYS by default. */
export const DEFAULT_TOMBSTONE_DAYS = 30;

/**
 * Largest article object, in bytes (article format rule 11). News articles
 * are a few kilobytes; an object of megabytes is an export or a mistake, and
 * every index object holding it (a window holds a hundred articles in full)
 * would grow with it, and so would every request that reads one.
 */
export const MAX_ARTICLE_BYTES = 512 * 1024;

/** The skip reason of an object over {@link MAX_ARTICLE_BYTES}. */
export function tooLarge(bytes: number): string {
  return `too large: ${bytes} bytes (at most ${MAX_ARTICLE_BYTES})`;
}

/** What a writer did, for the reports. */
export interface WriterOutcome {
  /** Keys whose object was read and parsed into an article. */
  parsed: number;
  /** Keys whose object matched the manifest: nothing to do. */
  unchanged: number;
  /** Keys whose object is gone. */
  deleted: number;
  skipped: { key: string; reason: string }[];
  warnings: { key: string; warnings: string[] }[];
}

/** Options of an {@link IndexWriter}. */
export interface WriterOptions {
  keys: IndexKeys;
  defaultLanguage: string;
  now: Date;
  log: (message: string) => void;
  limits?: IndexLimits;
  /**
   * Apply the membership changes of all keys at once in {@link IndexWriter.finish}
   * instead of after each key: far less work for a large batch, but the
   * batch's cost is only known at the end (for runs without a budget).
   */
  deferMembers?: boolean;
  /** Keys left out of this run (the store refused their record): not applied, not even as a claimant taking over. */
  skip?: ReadonlySet<string>;
  /** Days an article that left is remembered as a tombstone (default {@link DEFAULT_TOMBSTONE_DAYS}). */
  tombstoneDays?: number;
  /** Object sizes from the listing: an object over {@link MAX_ARTICLE_BYTES} is skipped without being read. */
  sizes?: ReadonlyMap<string, { size: number; etag: string }>;
  /** The first page id of a month's new archive tree (see `TreeSpec.firstId`; set when rebuilding in place). */
  firstPageId?: number;
}

/** Membership changes of the key being applied, per collection. */
interface PendingMembers {
  main: WindowChanges;
  topics: Map<string, { kind: TopicKind; slug: string; changes: WindowChanges }>;
  months: Map<string, WindowChanges>;
  /** Ids that left (a tombstone) or came back (null: their tombstone goes). */
  tombstones: Map<string, Tombstone | null>;
}

function noMembers(): PendingMembers {
  return { main: emptyChanges(), topics: new Map(), months: new Map(), tombstones: new Map() };
}

/** Everything a writer changes besides the transaction, so that a snapshot can undo it. */
interface WriterState {
  /** Stored manifest leaf id -> key -> the entry announcing the change. */
  intents: Map<string, Map<string, ManifestEntry>>;
  /** True when the manifest had no leaf yet: the announcement creates the first one. */
  newManifest: boolean;
  /** Object key -> the feed it stores, for the objects this batch changes. */
  scopes: Map<string, FeedScope>;
  /** Article record key -> the object key whose change writes it. */
  recordOwners: Map<string, string>;
  outcome: WriterOutcome;
}

/** A snapshot of a writer, to undo the key that did not fit. */
export interface WriterSnapshot {
  tx: ReturnType<Tx["snapshot"]>;
  state: WriterState;
}

function emptyChanges(): WindowChanges {
  return { removes: new Set(), adds: new Map() };
}

function copyState(state: WriterState): WriterState {
  return {
    intents: new Map([...state.intents].map(([leaf, entries]) => [leaf, new Map(entries)])),
    newManifest: state.newManifest,
    scopes: new Map(state.scopes),
    recordOwners: new Map(state.recordOwners),
    outcome: {
      ...state.outcome,
      skipped: [...state.outcome.skipped],
      warnings: [...state.outcome.warnings],
    },
  };
}

/** Applies keys to the index within one transaction. */
export class IndexWriter {
  private readonly keys: IndexKeys;
  private readonly limits: IndexLimits;
  private readonly manifest: StoredTree<ManifestEntry>;
  /** The manifest as stored before this batch (announcements go into its leaves). */
  private readonly storedManifest: TreeReader<ManifestEntry>;
  private members: PendingMembers = noMembers();
  /** Withdrawal reasons of the versions read in this batch, by id: the reason of the tombstone when the id leaves. */
  private readonly withdrawals = new Map<string, string | null>();
  /** Manifest entries changed by keys applied since the last flush. */
  private manifestChanges = new Map<string, ManifestEntry | null>();
  private state: WriterState = {
    intents: new Map(),
    newManifest: false,
    scopes: new Map(),
    recordOwners: new Map(),
    outcome: { parsed: 0, unchanged: 0, deleted: 0, skipped: [], warnings: [] },
  };

  constructor(
    readonly tx: Tx,
    private readonly options: WriterOptions,
  ) {
    this.keys = options.keys;
    this.limits = options.limits ?? INDEX_LIMITS;
    this.manifest = new StoredTree(tx, manifestSpec(this.keys, this.limits));
    const session: Session = tx.session;
    this.storedManifest = new TreeReader({ get: (key, decode) => session.read(key, decode) }, manifestSpec(this.keys, this.limits));
  }

  get outcome(): WriterOutcome {
    return this.state.outcome;
  }

  /** Feeds stored in objects this batch changes, by object key. */
  get scopes(): ReadonlyMap<string, FeedScope> {
    return this.state.scopes;
  }

  /** The object key whose change writes the article record `recordKey`. */
  ownerOfRecord(recordKey: string): string | undefined {
    return this.state.recordOwners.get(recordKey);
  }

  snapshot(): WriterSnapshot {
    return { tx: this.tx.snapshot(), state: copyState(this.state) };
  }

  restore(snapshot: WriterSnapshot): void {
    this.tx.restore(snapshot.tx);
    this.state = copyState(snapshot.state);
    this.members = noMembers();
    this.manifestChanges = new Map();
  }

  /**
   * Brings the index up to date with the object under `key` as it is now.
   * `force` applies it even when its ETag matches the manifest (a claimant
   * taking over an id).
   */
  async applyKey(key: string, force = false): Promise<void> {
    if (this.options.skip?.has(key)) return this.markForRetry(key);
    const session = this.tx.session;
    // An entry this batch already changed but has not yet written into the tree is the current one.
    const staged = this.manifestChanges.has(key);
    const listed = this.options.sizes?.get(key);
    // Its size alone says it is no article (article format rule 11): not even read.
    const oversized = listed !== undefined && listed.size > MAX_ARTICLE_BYTES;
    const [fetched, entry] = await Promise.all([
      oversized ? Promise.resolve(null) : session.raw(key),
      staged ? Promise.resolve(this.manifestChanges.get(key) ?? undefined) : this.manifest.lookup(key),
    ]);
    const raw: { etag: string; tooLarge?: number; object?: StoredObject } | null = oversized
      ? { etag: listed.etag, tooLarge: listed.size }
      : fetched === null
        ? null
        : fetched.body.byteLength > MAX_ARTICLE_BYTES
          ? { etag: fetched.etag, tooLarge: fetched.body.byteLength }
          : { etag: fetched.etag, object: fetched };
    const outcome = this.state.outcome;
    if (!force && entry?.pending === undefined) {
      if ((raw === null && entry === undefined) || (raw !== null && entry !== undefined && entry.etag === raw.etag)) {
        outcome.unchanged++;
        return;
      }
    }
    await this.ensureHead();

    let article: Article | null = null;
    let skipReason: string | undefined;
    if (raw === null) {
      outcome.deleted++;
    } else if (raw.object === undefined) {
      skipReason = tooLarge(raw.tooLarge ?? 0);
      outcome.skipped.push({ key, reason: skipReason });
      this.options.log(`index: skipped ${key}: ${skipReason}`);
    } else {
      const result = this.parse(raw.object);
      if (result.ok) {
        outcome.parsed++;
        if (result.warnings.length > 0) outcome.warnings.push({ key, warnings: result.warnings });
        // A withdrawn article leaves the index like a deleted one, with its reason on the tombstone.
        if (result.article.withdrawn !== null) this.withdrawals.set(result.article.id, result.article.withdrawn.reason);
        else if (!result.article.draft) article = result.article;
      } else {
        skipReason = result.reason;
        outcome.skipped.push({ key, reason: result.reason });
        this.options.log(`index: skipped ${key}: ${result.reason}`);
      }
    }

    /** Versions whose memberships this change removes or adds. */
    const touched: ArticleMeta[] = [];
    const pending = entry?.pending ?? [];
    const outerUnsure = this.unsure;
    this.unsure = pending.length > 0;
    // A run that died half-way may have indexed these, or not yet removed them (see the module comment).
    for (const meta of pending) {
      this.removeMember(meta);
      touched.push(meta);
      // The version its id's record holds for another owner stays: it shares the sort key in that case.
      const record = await this.record(meta.id);
      if (record !== null && record.article !== null && record.article.key !== key) this.addMember(record.article);
    }
    // Ids it held, or may have started to hold, and holds no more.
    const held = new Set([entry?.id, ...pending.map((meta) => meta.id)]);
    for (const id of held) if (id !== undefined && id !== article?.id) await this.release(id, key, touched);
    if (article !== null) await this.claim(article, key, touched);
    this.unsure = outerUnsure;
    if (!this.options.deferMembers) await this.flushMembers();

    let next: ManifestEntry | null = null;
    if (raw !== null) {
      next = { etag: raw.etag };
      if (skipReason !== undefined) next.skipped = skipReason;
      else if (article !== null) next.id = article.id;
    }
    if (touched.length > 0) await this.announce(key, touched);
    this.manifestChanges.set(key, next);
    if (!this.options.deferMembers) await this.flushManifest();
  }

  /**
   * Makes sure the index has a head: the first change of an index writes one
   * (with the manifest it starts), so a manifest without a head lost it.
   * @throws {UnreadableIndexError} when the head is unreadable or lost.
   */
  private async ensureHead(): Promise<void> {
    if ((await this.tx.get(this.keys.head, decodeHead)) !== null) return;
    if ((await this.storedManifest.root()) !== null) throw new UnreadableIndexError(this.keys.head, "missing although the index has a manifest");
    this.tx.put(this.keys.head, emptyHead(this.options.defaultLanguage, this.options.now.toISOString()));
  }

  /**
   * A key left out of this run: its manifest entry forgets its ETag, so that
   * the next reconciliation pass reads it again whatever the listing says.
   */
  private async markForRetry(key: string): Promise<void> {
    const entry = this.manifestChanges.has(key) ? this.manifestChanges.get(key) : await this.manifest.lookup(key);
    if (entry === undefined || entry === null || entry.etag === "") return;
    this.manifestChanges.set(key, { ...entry, etag: "" });
    if (!this.options.deferMembers) await this.flushManifest();
  }

  /** Writes the pending manifest entries into the tree. */
  private async flushManifest(): Promise<void> {
    if (this.manifestChanges.size === 0) return;
    const changes = this.manifestChanges;
    this.manifestChanges = new Map();
    await this.manifest.update(changes);
    // A completion must be written even when an entry ends as it was (a forced re-read): it clears the announcement.
    for (const entries of this.state.intents.values()) {
      for (const key of entries.keys()) {
        if (!changes.has(key)) continue;
        const current = await this.manifest.leafFor(key);
        if (current !== null && !this.tx.touched(this.keys.manifestNode(current.id))) this.tx.put(this.keys.manifestNode(current.id), current.leaf);
      }
    }
  }

  /** Applies what the keys so far changed to the windows, archives and head (see `deferMembers`). */
  async finish(): Promise<void> {
    await this.flushMembers();
    await this.flushManifest();
  }

  /** Parses a raw object with this index's parser input. */
  private parse(raw: StoredObject) {
    return parseArticle(
      { key: raw.key, body: raw.body, lastModified: raw.lastModified, metadata: raw.metadata },
      { defaultLanguage: this.options.defaultLanguage },
    );
  }

  // -------------------------------------------------------------------------
  // Ids

  private record(id: string): Promise<ArticleRecord | null> {
    return this.tx.get(this.keys.article(id), decodeArticleRecord);
  }

  private putRecord(id: string, record: Omit<ArticleRecord, "version">, writer: string): void {
    const key = this.keys.article(id);
    this.tx.put(key, { version: INDEX_VERSION, ...record });
    this.state.recordOwners.set(key, writer);
  }

  /** `key`'s article now holds id `article.id`: it owns it, takes it over, or waits as a claimant. */
  private async claim(article: Article, key: string, touched: ArticleMeta[]): Promise<void> {
    const id = article.id;
    const record = await this.record(id);
    const own = (claimants: string[]): void => {
      this.putRecord(id, { article, claimants }, key);
      this.addMember(article);
      touched.push(articleMeta(article));
      // Back (or never gone): no tombstone any more.
      this.members.tombstones.set(id, null);
    };
    if (record === null) return own([]);
    const others = record.claimants.filter((claimant) => claimant !== key);
    if (record.article === null) {
      // Vacant while its claimants are asked in turn (see settle): the first in key order wins.
      const first = others[0];
      if (first === undefined || compareKeys(key, first) < 0) return own(others);
      this.putRecord(id, { article: null, claimants: sortedKeys([...others, key]) }, key);
      touched.push(articleMeta(article));
      return;
    }
    const owner = record.article.key;
    if (owner === key || compareKeys(key, owner) < 0) {
      const old = articleMeta(record.article);
      this.removeMember(old);
      touched.push(old);
      if (owner !== key) {
        this.duplicate(owner, id, key);
        return own(sortedKeys([...others, owner]));
      }
      return own(others);
    }
    if (!record.claimants.includes(key)) this.putRecord(id, { ...record, claimants: sortedKeys([...others, key]) }, key);
    // Announced like an indexed version, so that a run that dies after the record names it a claimant
    // lets the next change of the key leave the id again (its manifest entry may not say it holds it yet).
    touched.push(articleMeta(article));
    this.duplicate(key, id, owner);
  }

  private duplicate(key: string, id: string, owner: string): void {
    const reason = `duplicate id "${id}" (already used by ${owner})`;
    this.state.outcome.skipped.push({ key, reason });
    this.options.log(`index: skipped ${key}: ${reason}`);
  }

  /** `key` no longer holds `id`: leave it, handing it to the next claimant when `key` owned it. */
  private async release(id: string, key: string, touched: ArticleMeta[]): Promise<void> {
    const record = await this.record(id);
    if (record === null) return;
    if (record.article !== null && record.article.key === key) {
      const old = articleMeta(record.article);
      this.removeMember(old);
      touched.push(old);
      await this.settle(id, { article: null, claimants: record.claimants }, key, record.article);
    } else if (record.claimants.includes(key)) {
      await this.settle(id, { article: record.article, claimants: record.claimants.filter((claimant) => claimant !== key) }, key);
    }
  }

  /**
   * Stores a record; a vacant one goes to its first claimant (read now), or
   * away when none is left. `leaving` is the article that vacated it: when
   * nobody takes the id over and it was visible, it leaves a tombstone.
   */
  private async settle(id: string, record: Omit<ArticleRecord, "version">, writer: string, leaving: Article | null = null): Promise<void> {
    let current = record;
    for (;;) {
      if (current.article !== null) return this.putRecord(id, current, writer);
      if (current.claimants.length === 0) {
        this.tx.delete(this.keys.article(id));
        if (leaving !== null && isVisible(leaving, this.options.now)) {
          this.members.tombstones.set(id, {
            id,
            when: this.options.now.toISOString(),
            reason: this.withdrawals.get(id) ?? null,
            topics: articleTopics(leaving).map(({ kind, slug }) => ({ kind, slug })),
          });
        }
        return;
      }
      this.putRecord(id, current, writer);
      const next = current.claimants[0] as string;
      await this.flushMembers();
      // Applying the claimant makes it claim the id (it owns it then) or release it (it leaves the claimants).
      await this.applyKey(next, true);
      const after = await this.record(id);
      if (after === null || after.article !== null) return;
      // Still vacant: the claimant neither took nor left it (its object is unknown); ask the next one.
      current = { article: null, claimants: after.claimants.filter((claimant) => claimant !== next) };
    }
  }

  // -------------------------------------------------------------------------
  // Memberships

  private topicChanges(kind: TopicKind, slug: string): WindowChanges {
    const id = `${kind}/${slug}`;
    let topic = this.members.topics.get(id);
    if (!topic) {
      topic = { kind, slug, changes: emptyChanges() };
      this.members.topics.set(id, topic);
    }
    return topic.changes;
  }

  private monthChanges(month: string): WindowChanges {
    let changes = this.members.months.get(month);
    if (!changes) {
      changes = emptyChanges();
      this.members.months.set(month, changes);
    }
    return changes;
  }

  /** Every collection a version belongs to: main, its topics, its month. */
  private collectionsOf(meta: ArticleMeta): WindowChanges[] {
    return [this.members.main, ...articleTopics(meta).map((ref) => this.topicChanges(ref.kind, ref.slug)), this.monthChanges(monthOf(meta.published))];
  }

  /**
   * The last of removing and adding a sort key wins: a version removed after
   * it was added is gone. A removal is sure when the version was certainly a
   * member (not so while a change of the key announced earlier is pending).
   */
  private removeMember(meta: ArticleMeta): void {
    const key = sortKey(meta);
    for (const changes of this.collectionsOf(meta)) {
      changes.adds.delete(key);
      changes.replaced?.delete(key);
      changes.removes.add(key);
      if (this.unsure) {
        changes.unsure ??= new Set();
        changes.unsure.add(key);
      }
    }
  }

  private addMember(article: Article): void {
    const key = sortKey(article);
    for (const changes of this.collectionsOf(article)) {
      if (changes.removes.delete(key) && !changes.unsure?.has(key)) {
        changes.replaced ??= new Set();
        changes.replaced.add(key);
      }
      changes.adds.set(key, article);
    }
  }

  /** True while the key being applied has a pending announcement: what its record says may not be indexed yet. */
  private unsure = false;

  /** Applies the pending membership changes to the windows, archives and head. */
  private async flushMembers(): Promise<void> {
    const members = this.members;
    this.members = noMembers();
    const pendingMain = members.main.removes.size > 0 || members.main.adds.size > 0;
    if (!pendingMain && members.topics.size === 0 && members.months.size === 0 && members.tombstones.size === 0) return;

    const keys = this.keys;
    const now = this.options.now;
    let head = (await this.tx.get(keys.head, decodeHead)) ?? emptyHead(this.options.defaultLanguage, now.toISOString());
    const loadArticle = async (id: string): Promise<Article | null> => (await this.record(id))?.article ?? null;
    const log = this.options.log;

    for (const { kind, slug, changes } of members.topics.values()) {
      const objectKey = keys.topic(kind, slug);
      const stored = await this.tx.get(objectKey, decodeTopic);
      if (stored === null && head.catalog[kind].some((entry) => entry.slug === slug))
        throw new UnreadableIndexError(objectKey, "missing although the catalog lists it");
      const tail = new StoredTree(this.tx, tailSpec(keys, { kind, slug }, this.limits));
      const window = await applyToWindow(stored ?? emptyWindow(), changes, { now, limits: this.limits, tail, loadArticle, log });
      this.state.scopes.set(objectKey, { kind: "topic", topic: kind, slug });
      const entries = head.catalog[kind].filter((entry) => entry.slug !== slug);
      if (windowTotal(window) === 0) {
        if (stored !== null) this.tx.delete(objectKey);
      } else {
        const { name, updated } = describeTopic(kind, slug, window, now, stored?.name ?? slug);
        const topic: StoredTopic = { version: INDEX_VERSION, kind, slug, name, updated, ...window };
        this.tx.put(objectKey, topic);
        entries.push({ slug, name, total: windowTotal(window), updated });
        entries.sort((a, b) => compareKeys(a.slug, b.slug));
      }
      head = { ...head, catalog: { ...head.catalog, [kind]: entries } };
    }

    for (const [month, changes] of members.months) {
      const tree = new StoredTree(this.tx, monthSpec(keys, month, this.limits, this.options.firstPageId));
      if (head.months.some((entry) => entry.month === month) && (await tree.root()) === null) {
        throw new UnreadableIndexError(keys.archiveNode(month, ROOT_ID), "missing although the head lists the month");
      }
      const map = new Map<string, Article | null>();
      for (const key of changes.removes) map.set(key, null);
      for (const [key, article] of changes.adds) map.set(key, article);
      const update = await tree.update(map);
      for (const page of update.leaves) this.state.scopes.set(keys.archiveNode(month, page), { kind: "archive", month, page });
      const total = await tree.total();
      const edges = total > 0 ? await tree.edgeLeaves() : null;
      const months = head.months.filter((entry) => entry.month !== month);
      if (edges !== null) {
        const entry: StoredMonth = { month, total, newestPage: edges.first, oldestPage: edges.last };
        months.push(entry);
        months.sort((a, b) => compareKeys(b.month, a.month));
      }
      head = { ...head, months };
    }

    if (pendingMain) {
      const tail = new StoredTree(this.tx, tailSpec(keys, null, this.limits));
      const window: StoredWindow = await applyToWindow(head, members.main, { now, limits: this.limits, tail, loadArticle, log });
      head = { ...head, ...window };
    }
    if (members.tombstones.size > 0 || (head.tombstones?.length ?? 0) > 0)
      head = { ...head, tombstones: this.nextTombstones(head.tombstones ?? [], members.tombstones) };
    this.tx.put(keys.head, { ...head, builtAt: now.toISOString() });
    this.state.scopes.set(keys.head, { kind: "main" });
  }

  /**
   * The tombstones after this batch: the new ones first (by id), then the
   * earlier ones whose id did not come back, younger than TOMBSTONE_DAYS; at
   * most {@link MAX_TOMBSTONES}.
   */
  private nextTombstones(stored: readonly Tombstone[], changes: ReadonlyMap<string, Tombstone | null>): Tombstone[] {
    const days = this.options.tombstoneDays ?? DEFAULT_TOMBSTONE_DAYS;
    if (days <= 0) return [];
    const cutoff = this.options.now.getTime() - days * 86_400_000;
    const fresh = [...changes.values()].filter((tombstone): tombstone is Tombstone => tombstone !== null).sort((a, b) => compareKeys(a.id, b.id));
    const kept = stored.filter((tombstone) => !changes.has(tombstone.id) && (parseIsoDate(tombstone.when)?.getTime() ?? 0) > cutoff);
    return [...fresh, ...kept].slice(0, MAX_TOMBSTONES);
  }

  // -------------------------------------------------------------------------
  // Announcements

  /** Records in the stored manifest leaf of `key` that its change touches `touched` (see the module comment). */
  private async announce(key: string, touched: ArticleMeta[]): Promise<void> {
    // A brand-new manifest has no leaf yet: the announcement creates the first one (the one the change creates too).
    const found = await this.storedManifest.leafFor(key);
    const leafId = found?.id ?? FIRST_LEAF;
    let entries = this.state.intents.get(leafId);
    if (!entries) {
      entries = new Map();
      this.state.intents.set(leafId, entries);
      // A new manifest: its root and first leaf, and the head that must exist with them (see `announcements`).
      this.tx.reserveExtra(found === null ? (this.tx.session.hasCompanion(this.keys.head) ? 4 : 3) : 1);
      if (found === null) this.state.newManifest = true;
    }
    // Everything announced for the key in this batch so far (a key may be applied twice: a claimant taking
    // over), on top of its entry as stored before the batch: a run that dies must be able to undo all of it.
    const base = entries.get(key) ?? (await this.storedManifest.lookup(key)) ?? { etag: "" };
    const pending = new Map<string, ArticleMeta>();
    for (const meta of [...(base.pending ?? []), ...touched]) pending.set(JSON.stringify(articleMeta(meta)), articleMeta(meta));
    entries.set(key, { ...base, pending: [...pending.values()] });
  }

  /**
   * The announcement writes: stored manifest leaves with the pending entries
   * of this batch. The first batch of an index writes an empty head before
   * the manifest it starts: an index whose manifest exists always has a head,
   * so a manifest without one tells a lost head.
   */
  async announcements(): Promise<Map<string, TreeNode<ManifestEntry> | StoredHead>> {
    const out = new Map<string, TreeNode<ManifestEntry> | StoredHead>();
    const session = this.tx.session;
    if (this.state.newManifest && (await session.read(this.keys.head, decodeHead)) === null) {
      out.set(this.keys.head, emptyHead(this.options.defaultLanguage, this.options.now.toISOString()));
    }
    const decode = manifestSpec(this.keys, this.limits).decode;
    for (const [leafId, changes] of this.state.intents) {
      const nodeKey = this.keys.manifestNode(leafId);
      let leaf: LeafNode<ManifestEntry>;
      if (this.state.newManifest) {
        // The first leaf of a new manifest, under a new root: the same ids the change itself gives them.
        leaf = { version: INDEX_VERSION, type: "leaf", entries: [] };
        out.set(this.keys.manifestNode(ROOT_ID), {
          version: INDEX_VERSION,
          type: "branch",
          height: 1,
          children: [{ from: "", id: leafId, count: 0 }],
          nextId: Number(leafId) + 1,
        });
      } else {
        // Read when the change looked the key up: known, no request.
        const stored = await session.read(nodeKey, decode);
        if (stored === null || stored.type !== "leaf") continue;
        leaf = stored;
      }
      const entries = new Map(leaf.entries);
      for (const [key, entry] of changes) entries.set(key, entry);
      out.set(nodeKey, { ...leaf, entries: [...entries].sort((a, b) => compareKeys(a[0], b[0])) });
    }
    return out;
  }

  /**
   * Before committing: a head whose content did not change keeps its
   * `builtAt`, so that it is not written again for nothing.
   */
  async settleHead(): Promise<void> {
    if (!this.tx.touched(this.keys.head)) return;
    const staged = (await this.tx.get(this.keys.head, decodeHead)) as StoredHead | null;
    const stored = await this.tx.session.read(this.keys.head, decodeHead);
    if (staged === null || stored === null) return;
    // One serialisation: the staged head with the stored time, against the stored text.
    if (JSON.stringify({ ...staged, builtAt: stored.builtAt }) === this.tx.session.storedText(this.keys.head)) this.tx.put(this.keys.head, stored);
  }
}

/** Keys in S3 order, each once. */
function sortedKeys(keys: string[]): string[] {
  return [...new Set(keys)].sort(compareKeys);
}

/**
 * A topic's name as its newest visible article spells it (a future one only
 * if none is visible), and the newest update among its visible articles in
 * the window.
 */
function describeTopic(kind: TopicKind, slug: string, window: StoredWindow, now: Date, fallback: string): { name: string; updated: string } {
  let name: string | null = null;
  let futureName: string | null = null;
  let updated = "";
  for (const item of window.items) {
    const spelled = articleTopics(item).find((ref) => ref.kind === kind && ref.slug === slug)?.name ?? null;
    if (isFuture(item.published, now)) {
      futureName ??= spelled;
      continue;
    }
    name ??= spelled;
    if (item.updated > updated) updated = item.updated;
  }
  return { name: name ?? futureName ?? fallback, updated };
}
