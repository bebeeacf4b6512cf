/**
 * The change path of the index: what event sources call (queue consumers,
 * webhooks, the command line, the local watcher) and what the cron trigger
 * runs to repair what events missed.
 *
 * - {@link applyChanges}: "these keys may have changed". Each key's object
 *   is read now (gone means deleted), so duplicated, lost and reordered
 *   events converge on the bucket's state.
 * - {@link reconcile}: walks the listing a few pages per run from a cursor
 *   kept in the bucket, compares each page with the manifest's entries for
 *   the same key range (new, changed ETag, gone) and applies what differs.
 *
 * Both stay within a budget of subrequests (each GET, PUT, DELETE and
 * listing page counts): they stop taking keys while they can still write
 * what they did, and hand back the keys they did not reach. Work happens in
 * transactions (`session.ts`) committed in an order that keeps readers
 * consistent: announcements, article records, archive pages and tails,
 * topic windows, the head, deletions, the manifest.
 *
 * One object the store refuses never blocks the others: when an article's
 * record cannot be written, the batch is redone without that article, which
 * is reported as failed with the store's reason and tried again by the next
 * reconciliation pass.
 */
import { type ArticleStore, compareKeys, type ListPage } from "../store/store";
import { type FeedScope, feedPath } from "../urls";
import { isArticleKey } from "./article-keys";
import {
  type Decoder,
  decodeArticleRecord,
  decodeHead,
  decodeState,
  decodeSummary,
  decodeTopic,
  isArticle,
  isManifestEntry,
  isTailValue,
  nodeDecoder,
} from "./codec";
import { UnreadableIndexError } from "./errors";
import {
  INDEX_VERSION,
  type IndexKeys,
  indexKeys,
  type ManifestEntry,
  type ReconcileState,
  type StoredHead,
  summaryOf,
  TOPIC_KINDS,
  type TreeNode,
} from "./schema";
import { BudgetExhausted, Session, Tx } from "./session";
import { TreeReader } from "./tree";
import { emptyHead, INDEX_LIMITS, type IndexLimits, IndexWriter, MAX_ARTICLE_BYTES, manifestSpec, type WriterOutcome } from "./writer";

/** Options of {@link applyChanges} and {@link reconcile}. */
export interface IndexUpdateOptions {
  /** Key prefix of the articles (`news/`); the index lives in `<articlePrefix>_index/`. */
  articlePrefix: string;
  /** Language of articles that neither declare nor reveal one (parser input). */
  defaultLanguage: string;
  /** The time that decides which articles are visible yet (default: now). */
  now?: Date;
  /** subrequests this invocation may still spend (default 45) */
  budget?: number;
  log?: (message: string) => void;
  /** Days an article that left is remembered as a tombstone (TOMBSTONE_DAYS; default 30). */
  tombstoneDays?: number;
}

/** Options the engine takes besides the public ones. */
export interface EngineOptions extends IndexUpdateOptions {
  /** Sizes of windows, pages and tree nodes (tests make them small; default {@link INDEX_LIMITS}). */
  limits?: Partial<IndexLimits>;
}

/** What {@link applyChanges} did. */
export interface ChangeReport {
  /** keys fully applied */
  applied: string[];
  /** keys not reached within the budget: the caller retries them in a later invocation */
  remaining: string[];
  /** feeds whose content changed (main, each topic touched, each archive page), for cache purges and WebSub pings */
  changedScopes: FeedScope[];
  reads: number;
  writes: number;
  // The index fills in the fields below (they are optional so that wrappers of applyChanges need not).
  /** Keys given up in this call, with the reason (the store refused their record, or one key needs more than a whole budget); the next reconciliation pass tries them again. */
  failed?: { key: string; reason: string }[];
  /** Objects left out of the index by this call and why (unreadable, duplicate id...). */
  skipped?: { key: string; reason: string }[];
  /** Parser warnings of the objects read. */
  warnings?: { key: string; warnings: string[] }[];
  /** Keys whose object was read and parsed into an article. */
  parsed?: number;
  /** Keys whose object matched the manifest (nothing to do). */
  unchanged?: number;
  /** Keys whose object is gone. */
  deleted?: number;
}

/** What {@link reconcile} did. */
export interface ReconcileReport extends ChangeReport {
  /** true when the walk reached the end of the listing in this run */
  completedPass: boolean;
  /** Article keys listed in this run. */
  listed?: number;
}

/** A report with every field filled in, as the index makes them. */
type FullReport<T extends ChangeReport> = Required<T>;

/** Subrequests of a Worker invocation on the free plan (50), less a margin for the store client's retries. */
export const DEFAULT_BUDGET = 45;

/**
 * Requests a run may spend before its first key (a reconciliation reads its
 * state, the head, a listing page and the manifest, and keeps one back for
 * its cursor). A key that does not fit into the rest is given up.
 */
const RUN_OVERHEAD = 8;

/** Keys per transaction when the budget is unbounded (bounds the memory of a first build). */
const UNBOUNDED_BATCH = 1_000;

/** One run: its session, options and what it did so far. */
interface Run {
  session: Session;
  keys: IndexKeys;
  limits: IndexLimits;
  prefix: string;
  defaultLanguage: string;
  now: Date;
  log: (message: string) => void;
  applied: string[];
  failed: { key: string; reason: string }[];
  /** Keys whose record the store refused in this run: left out of every later batch of the run. */
  refused: Set<string>;
  outcome: WriterOutcome;
  scopes: Map<string, FeedScope>;
  tombstoneDays: number | undefined;
  /** Sizes and ETags of the article objects listed in this run (an object too large is not read). */
  sizes: Map<string, { size: number; etag: string }>;
  /** Set while rebuilding in place: the first page id of a month's archive tree. */
  firstPageId: number | undefined;
}

function startRun(store: ArticleStore, options: EngineOptions): Run {
  const log = options.log ?? (() => {});
  const budget = options.budget ?? DEFAULT_BUDGET;
  const keys = indexKeys(options.articlePrefix);
  return {
    session: new Session(store, { budget, log, companions: [{ of: keys.head, key: keys.summary, derive: (head) => summaryOf(head as StoredHead) }] }),
    keys,
    limits: { ...INDEX_LIMITS, ...options.limits },
    prefix: options.articlePrefix,
    defaultLanguage: options.defaultLanguage,
    now: options.now ?? new Date(),
    log,
    applied: [],
    failed: [],
    refused: new Set(),
    outcome: { parsed: 0, unchanged: 0, deleted: 0, skipped: [], warnings: [] },
    scopes: new Map(),
    tombstoneDays: options.tombstoneDays,
    sizes: new Map(),
    firstPageId: undefined,
  };
}

function report(run: Run, remaining: string[]): FullReport<ChangeReport> {
  return {
    applied: run.applied,
    remaining,
    changedScopes: [...run.scopes.values()],
    reads: run.session.reads,
    writes: run.session.writes,
    failed: run.failed,
    skipped: run.outcome.skipped,
    warnings: run.outcome.warnings,
    parsed: run.outcome.parsed,
    unchanged: run.outcome.unchanged,
    deleted: run.outcome.deleted,
  };
}

/**
 * Brings the index up to date with the current state of `keys` (each may
 * have been created, changed or deleted), within `options.budget`
 * subrequests. Keys that are not articles (the index folder, READMEs, other
 * extensions) are applied trivially: there is nothing to do for them.
 * A `StoreError` (the store is down) propagates; what was committed before
 * stays, and a later call with the same keys completes it.
 */
export async function applyChanges(store: ArticleStore, keys: readonly string[], options: IndexUpdateOptions | EngineOptions): Promise<ChangeReport> {
  const run = startRun(store, options);
  const wanted: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (isArticleKey(key, run.prefix)) wanted.push(key);
    else run.applied.push(key);
  }
  const remaining = await applyKeys(run, wanted);
  return report(run, remaining);
}

/**
 * Where object `key` goes in the commit order (see the module comment):
 * what readers reach through another object is written before it, and
 * deleted after it; tree nodes go children first (by height), and new nodes
 * before the ones they were split from (so an old node is never left
 * without entries that only a node nobody points at holds); the manifest
 * comes last, so that a run that dies half-way is redone by the next change
 * of the same keys.
 */
function phaseOf(keys: IndexKeys, session: Session): (key: string, value: unknown) => number {
  return (key, value) => {
    const manifest = key.startsWith(`${keys.base}manifest/`);
    if (value === null) return manifest ? 99 : 60;
    const height = typeof value === "object" && "height" in value && typeof value.height === "number" ? Math.min(value.height, 9) : 0;
    const node = 2 * height + (session.holds(key) ? 1 : 0);
    if (key.startsWith(`${keys.base}articles/`)) return PHASE_RECORDS;
    if (key.startsWith(`${keys.base}archive/`) || key.startsWith(`${keys.base}tails/`)) return 20 + node;
    if (key.startsWith(`${keys.base}topics/`)) return 40;
    if (key === keys.head) return 50;
    if (manifest) return 70 + node;
    return 100;
  };
}
const PHASE_RECORDS = 1;

/**
 * Applies `keys` in transactions that fit the budget; returns the keys it
 * did not reach. Each transaction takes keys until the next one would not
 * fit (its reads and the writes it stages count), undoes that one and commits.
 */
async function applyKeys(run: Run, keys: readonly string[], force = false): Promise<string[]> {
  const session = run.session;
  let queue = [...keys];
  while (queue.length > 0) {
    const tx = new Tx(session);
    const bounded = session.budget !== Infinity;
    const writer = new IndexWriter(tx, {
      keys: run.keys,
      defaultLanguage: run.defaultLanguage,
      now: run.now,
      log: run.log,
      limits: run.limits,
      deferMembers: !bounded,
      skip: run.refused,
      sizes: run.sizes,
      ...(run.tombstoneDays === undefined ? {} : { tombstoneDays: run.tombstoneDays }),
      ...(run.firstPageId === undefined ? {} : { firstPageId: run.firstPageId }),
    });
    const availableAtStart = session.available;
    const accepted: string[] = [];
    let exhausted = false;
    for (const key of queue) {
      if (!bounded && accepted.length >= UNBOUNDED_BATCH) break;
      // Without a budget no key is ever undone: no snapshot to take.
      const snapshot = bounded ? writer.snapshot() : null;
      try {
        await writer.applyKey(key, force);
      } catch (error) {
        if (!(error instanceof BudgetExhausted) || snapshot === null) {
          tx.close();
          throw error;
        }
        writer.restore(snapshot);
        exhausted = true;
        break;
      }
      if (snapshot !== null && session.available < 0) {
        writer.restore(snapshot);
        exhausted = true;
        break;
      }
      accepted.push(key);
    }
    if (accepted.length === 0) {
      tx.close();
      const key = queue[0] as string;
      // A key that does not fit into (almost) a whole budget never will: give it up rather than hold the queue.
      if (exhausted && availableAtStart >= session.budget - RUN_OVERHEAD) {
        const reason = `needs more than ${availableAtStart} subrequests`;
        run.log(`index: gave up ${key}: ${reason}`);
        run.failed.push({ key, reason });
        queue = queue.slice(1);
        continue;
      }
      break;
    }
    const failed = await commit(run, writer);
    tx.close();
    if (failed.length > 0) {
      // Redo the batch without the articles whose record the store refused (a claimant taking over included).
      for (const key of failed) run.refused.add(key);
      queue = queue.filter((key) => !run.refused.has(key));
      continue;
    }
    run.applied.push(...accepted);
    mergeOutcome(run.outcome, writer.outcome);
    queue = queue.slice(accepted.length);
    session.forgetRaw();
    if (exhausted) break;
  }
  return queue;
}

function mergeOutcome(into: WriterOutcome, from: WriterOutcome): void {
  into.parsed += from.parsed;
  into.unchanged += from.unchanged;
  into.deleted += from.deleted;
  into.skipped.push(...from.skipped);
  into.warnings.push(...from.warnings);
}

/**
 * Writes a writer's transaction. Returns the object keys whose record the
 * store refused (nothing after the records is written then); otherwise
 * records the feeds that changed.
 */
async function commit(run: Run, writer: IndexWriter): Promise<string[]> {
  const session = run.session;
  await writer.finish();
  await writer.settleHead();
  const announcements = await writer.announcements();
  // The head a new index starts with goes before its manifest.
  await session.commit(announcements, (key) => (key === run.keys.head ? 0 : 1));
  const changedBefore = session.changed.length;
  const failed = await session.commit(writer.tx.writes, phaseOf(run.keys, session), PHASE_RECORDS);
  if (failed.length > 0) {
    const keys: string[] = [];
    for (const { key, error } of failed) {
      const owner = writer.ownerOfRecord(key) ?? key;
      const reason = `the store refused ${key} (${error instanceof Error ? error.message : String(error)})`;
      run.log(`index: left out ${owner}: ${reason}`);
      run.failed.push({ key: owner, reason });
      keys.push(owner);
    }
    return keys;
  }
  for (const key of session.changed.slice(changedBefore)) {
    const scope = writer.scopes.get(key);
    if (scope === undefined) continue;
    run.scopes.set(feedPath(scope, "rss"), scope);
    // A page of a month is also what the month's own URL may show.
    if (scope.kind === "archive" && scope.page !== undefined)
      run.scopes.set(feedPath({ kind: "archive", month: scope.month }, "rss"), { kind: "archive", month: scope.month });
  }
  return [];
}

// ---------------------------------------------------------------------------
// Reconciliation

/** Requests one listing page needs at least to be worth starting: the page, the manifest root and a leaf. */
const MIN_PAGE_COST = 3;

function initialState(): ReconcileState {
  return { version: INDEX_VERSION, cursor: null, passes: 0, reparse: false, legacyRemoved: false };
}

/**
 * Walks the listing from the saved cursor as far as the budget allows and
 * applies what differs from the manifest: new keys, changed ETags, keys
 * gone. When the walk reaches the end of the listing, the pass is complete:
 * the head is marked complete (readers switch from an older index to this
 * one) and the next run starts a new pass. Older index folders are removed
 * once a pass has completed.
 */
export async function reconcile(store: ArticleStore, options: IndexUpdateOptions | EngineOptions): Promise<ReconcileReport> {
  return reconcileRun(startRun(store, options), { fromStart: false });
}

/** Options of one reconciliation. */
interface PassOptions {
  /** Start a new pass at the beginning of the listing, whatever the saved cursor says. */
  fromStart: boolean;
  /** Report objects skipped by earlier runs too (their reason is in the manifest). */
  standingSkips?: boolean;
  /** Called after each listing page with the article keys listed and applied so far. */
  onProgress?: (done: number, listed: number) => void;
  /** Index objects found damaged: when one really is, the pass rebuilds the index in place (unbounded runs only). */
  repair?: readonly string[];
  /** The keys of `repair` are known to be damaged (the run itself failed on them): no need to check. */
  trusted?: boolean;
  /** Rebuild the index in place whatever it holds (unbounded runs only). */
  inPlace?: boolean;
}

/** Options of {@link fullPass}. */
export interface FullPassOptions extends Omit<EngineOptions, "budget"> {
  standingSkips?: boolean;
  onProgress?: (done: number, listed: number) => void;
  /** Index objects found damaged (see `RebuildOptions.repair`). */
  repair?: readonly string[];
  /** Rebuild every index object from the articles, whatever the index holds now. */
  inPlace?: boolean;
}

/** What a full pass did. */
export interface FullPassReport extends FullReport<ReconcileReport> {
  /** Index objects of `repair` found damaged: the pass rebuilt the index in place. */
  repaired: number;
  /** Article records of `repair` that are missing although the manifest names their id (the pass then rebuilds in place). */
  missingRecords: string[];
}

/** One pass over the whole listing without a budget: the command line's full build (see `build.ts`). */
export async function fullPass(store: ArticleStore, options: FullPassOptions): Promise<FullPassReport> {
  const { standingSkips, onProgress, repair, inPlace, ...update } = options;
  const pass: PassOptions = {
    fromStart: true,
    ...(inPlace ? { inPlace } : {}),
    ...(standingSkips === undefined ? {} : { standingSkips }),
    ...(onProgress ? { onProgress } : {}),
  };
  let first: FullPassReport;
  try {
    first = await reconcileRun(startRun(store, { ...update, budget: Infinity }), { ...pass, ...(repair ? { repair } : {}) });
  } catch (error) {
    // The pass met a damaged object nobody had reported: it repairs it like one reported, by rebuilding in place.
    if (!(error instanceof UnreadableIndexError)) throw error;
    update.log?.(`index: ${error.message}: rebuilding the index in place`);
    return reconcileRun(startRun(store, { ...update, budget: Infinity }), { ...pass, repair: [error.key], trusted: true });
  }
  if (first.missingRecords.length === 0) return first;
  // Records found missing although objects hold their ids: a second pass rebuilds in place.
  update.log?.(`index: ${first.missingRecords.length} article record(s) missing: rebuilding the index in place`);
  const second = await reconcileRun(startRun(store, { ...update, budget: Infinity }), { ...pass, repair: first.missingRecords, trusted: true });
  return { ...second, reads: first.reads + second.reads, writes: first.writes + second.writes };
}

async function reconcileRun(run: Run, pass: PassOptions): Promise<FullPassReport> {
  const { session, keys } = run;
  const folder = keys.folder;
  // The state is written at the end, whatever happens before.
  session.holdBack = 1;
  // A state that cannot be read is no damage: the run starts a new pass and writes it anew.
  const stored = await session.read(keys.state, decodeState, true);
  let state = stored ?? initialState();
  if (pass.fromStart) state = { ...state, cursor: null };
  const head = await session.read(keys.head, decodeHead, true);
  const manifest = new TreeReader({ get: (key, decode) => session.read(key, decode) }, manifestSpec(keys, run.limits));
  let repaired = 0;
  let summaryRepaired = 0;
  /** Missing article records of `repair`: damage only if the manifest says an object holds their id (checked during the pass). */
  const missingRecords = new Set<string>();
  const confirmedRecords: string[] = [];
  if (pass.repair !== undefined && pass.repair.length > 0 && session.budget === Infinity) {
    const found = pass.trusted ? { damaged: [...new Set(pass.repair)], records: [] } : await damagedObjects(run, pass.repair, head);
    // A damaged summary is rewritten from the head: it holds nothing else.
    const damaged = found.damaged.filter((key) => key !== keys.summary);
    if (damaged.length < found.damaged.length && head !== null) {
      await session.commit(new Map([[keys.summary, summaryOf(head)]]), () => 0);
      run.log(`index: damaged index object ${keys.summary} rewritten from the head`);
      summaryRepaired = 1;
    }
    for (const key of found.records) missingRecords.add(key);
    repaired = damaged.length;
    if (damaged.length > 0) {
      run.log(
        `index: ${damaged.length} damaged index object(s) (${damaged.slice(0, 3).join(", ")}${damaged.length > 3 ? ", ..." : ""}): rebuilding the index in place`,
      );
    }
  }
  if (session.budget === Infinity && (pass.inPlace || repaired > 0)) {
    const rebuilds = (state.rebuilds ?? 0) + 1;
    startInPlace(run, head, rebuilds);
    state = { ...state, cursor: null, rebuilds };
  }
  if (run.firstPageId === undefined) {
    // Not rebuilding in place: the head must be readable (this throws when it is not).
    await session.read(keys.head, decodeHead);
    const root = await manifest.root();
    // The first change of an index writes the head with the manifest: a manifest without a head lost it.
    if (head === null && root !== null) throw new UnreadableIndexError(keys.head, "missing although the index has a manifest");
    // A brand-new index: none of its objects exists yet, so none needs reading.
    if (head === null && state.cursor === null && root === null) session.freshPrefix = keys.base;
  }
  if (head !== null && head.defaultLanguage !== run.defaultLanguage && !state.reparse) {
    run.log(`index: the default language changed to ${run.defaultLanguage}: this pass reads every article again`);
    state = { ...state, cursor: null, reparse: true };
  }

  let cursor = state.cursor;
  let completedPass = false;
  let listed = 0;
  let remaining: string[] = [];
  for (;;) {
    if (session.available < MIN_PAGE_COST) break;
    let page: ListPage;
    let entries: { upTo: string | null; list: [string, ManifestEntry][] };
    try {
      page = await session.listPage(run.prefix, cursor === null ? {} : { startAfter: cursor });
      const last = page.objects.at(-1)?.key;
      const upTo = !page.truncated || last === undefined ? null : last.startsWith(folder) ? `${folder}\u{10FFFF}` : last;
      entries = { upTo, list: await manifest.range(cursor, upTo) };
    } catch (error) {
      if (error instanceof BudgetExhausted) break;
      throw error;
    }
    const articles = page.objects.filter((info) => isArticleKey(info.key, run.prefix));
    listed += articles.length;
    for (const info of articles) run.sizes.set(info.key, { size: info.size, etag: info.etag });
    const known = new Map(entries.list);
    if (missingRecords.size > 0) {
      for (const [, entry] of entries.list) {
        const record = entry.id === undefined ? undefined : keys.article(entry.id);
        if (record !== undefined && missingRecords.delete(record)) confirmedRecords.push(record);
      }
    }
    const changed: string[] = [];
    for (const info of articles) {
      const entry = known.get(info.key);
      if (state.reparse || entry === undefined || entry.etag !== info.etag || entry.pending !== undefined) {
        changed.push(info.key);
      } else {
        run.outcome.unchanged++;
        if (pass.standingSkips && entry.skipped !== undefined) run.outcome.skipped.push({ key: info.key, reason: entry.skipped });
      }
      known.delete(info.key);
    }
    // What the manifest knows in this range but the listing no longer has: deleted.
    changed.push(...known.keys());
    changed.sort(compareKeys);
    // Objects whose size alone rules them out are not read at all.
    if (session.budget === Infinity)
      await session.prefetchRaw(changed.slice(0, UNBOUNDED_BATCH).filter((key) => (run.sizes.get(key)?.size ?? 0) <= MAX_ARTICLE_BYTES));
    // A re-parse must not be cut short by ETags that match.
    const left = await applyKeys(run, changed, state.reparse);
    pass.onProgress?.(listed - left.length, listed);
    if (left.length > 0) {
      remaining = left;
      // Continue next time right before the first key not applied.
      const first = left[0] as string;
      const before = page.objects
        .map((info) => info.key)
        .filter((key) => compareKeys(key, first) < 0)
        .at(-1);
      if (before !== undefined && (cursor === null || compareKeys(before, cursor) > 0)) cursor = before;
      break;
    }
    if (entries.upTo === null) {
      completedPass = true;
      cursor = null;
      break;
    }
    cursor = entries.upTo;
  }

  if (completedPass) {
    state = { ...state, cursor: null, passes: state.passes + 1, reparse: false };
    await markComplete(run);
    if (run.firstPageId !== undefined) {
      // Rebuilt in place: what the run did not write is left over from the damaged index.
      await removeLeftovers(run);
      // A missing record the rebuild wrote belonged to an article: it was damage too.
      for (const key of missingRecords) if (session.wrote(key)) repaired++;
      missingRecords.clear();
    }
  } else {
    state = { ...state, cursor };
  }
  // Older versions go once readers had a whole run's time to switch to this one.
  if ((stored?.passes ?? 0) > 0 && !state.legacyRemoved) state = { ...state, legacyRemoved: await removeOlderIndexes(run) };
  session.holdBack = 0;
  if (stored === null || JSON.stringify(stored) !== JSON.stringify(state)) await session.commit(new Map([[keys.state, state]]), () => 0);
  return { ...report(run, remaining), completedPass, listed, repaired: repaired + summaryRepaired, missingRecords: confirmedRecords };
}

// ---------------------------------------------------------------------------
// Repair

/**
 * The keys of `candidates` (index objects a reader found unreadable or
 * missing) that really are damaged now: present but unreadable, or missing
 * although the index refers to them. A reader's report may be stale (a run
 * rewrote the object since) or wrong (an article page of an id that never
 * was names a record that never was); those are not damage. Whether a
 * missing article record is, only the manifest tells (does an object hold
 * its id?): those are returned apart, for the pass to check as it walks the
 * manifest.
 */
async function damagedObjects(run: Run, candidates: readonly string[], head: StoredHead | null): Promise<{ damaged: string[]; records: string[] }> {
  const { session, keys } = run;
  const damaged: string[] = [];
  const records: string[] = [];
  for (const key of new Set(candidates)) {
    // The state is rewritten by every run; keys outside this version's folder are no object of this index.
    if (!key.startsWith(keys.base) || key === keys.state) continue;
    const decode = decoderOf(keys, key);
    if (decode === null) continue;
    if ((await session.read(key, decode, true)) !== null) continue;
    const present = session.storedText(key);
    if (typeof present === "string") damaged.push(key);
    else if (key.startsWith(`${keys.base}articles/`)) records.push(key);
    else if (await referenced(run, key, head)) damaged.push(key);
  }
  return { damaged, records };
}

/** The decoder of the index object at `key`, by its place in the layout; null for a key the layout has no object at. */
function decoderOf(keys: IndexKeys, key: string): Decoder<unknown> | null {
  const path = key.slice(keys.base.length);
  if (key === keys.head) return decodeHead;
  if (key === keys.summary) return decodeSummary;
  if (path.startsWith("topics/")) return decodeTopic;
  if (path.startsWith("articles/")) return decodeArticleRecord;
  if (path.startsWith("manifest/")) return nodeDecoder(isManifestEntry);
  if (path.startsWith("tails/")) return nodeDecoder(isTailValue);
  if (path.startsWith("archive/")) return nodeDecoder(isArticle);
  return null;
}

/** True when the index refers to the (missing) object at `key`. */
async function referenced(run: Run, key: string, head: StoredHead | null): Promise<boolean> {
  const { keys } = run;
  const path = key.slice(keys.base.length);
  // A missing head is damage once the index has begun (its state or manifest exists); before, the bucket is new.
  if (key === keys.head)
    return (
      (await run.session.read(keys.state, decodeState, true)) !== null ||
      (await run.session.read(keys.manifestNode("root"), nodeDecoder(isManifestEntry), true)) !== null
    );
  // The head's summary belongs with the head.
  if (key === keys.summary) return head !== null;
  if (path.startsWith("topics/")) return head !== null && TOPIC_KINDS.some((kind) => head.catalog[kind].some((entry) => keys.topic(kind, entry.slug) === key));
  if (path.startsWith("archive/")) {
    const month = path.split("/")[1] ?? "";
    if (head === null || !head.months.some((entry) => entry.month === month)) return false;
  }
  // A tree node: referred to when it is the root, or a branch above it names it.
  const folder = key.slice(0, key.lastIndexOf("/") + 1);
  const id = key.slice(folder.length, -".json".length);
  if (id === "root") return path.startsWith("archive/");
  return treeNames(run, folder, id);
}

/** True when the tree whose nodes are in `folder` has a node `id` (walks its branches). */
async function treeNames(run: Run, folder: string, id: string): Promise<boolean> {
  const branches = nodeDecoder((_value: unknown): _value is unknown => true) as Decoder<TreeNode<unknown>>;
  let level: string[] = ["root"];
  for (let depth = 0; depth < 8 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const nodeId of level) {
      const node = await run.session.read(`${folder}${nodeId}.json`, branches, true);
      if (node === null || node.type !== "branch") continue;
      for (const child of node.children) {
        if (child.id === id) return true;
        if (node.height > 1) next.push(child.id);
      }
    }
    level = next;
  }
  return false;
}

/**
 * Starts rebuilding the index in place: from here on the run reads none of
 * its objects (every one is written anew from the articles), the head starts
 * empty but for the tombstones of the damaged one, and new archive pages get
 * ids no page had before.
 */
function startInPlace(run: Run, head: StoredHead | null, rebuilds: number): void {
  const { session, keys } = run;
  session.startFresh(keys.base, [keys.state]);
  session.assume(keys.head, { ...emptyHead(run.defaultLanguage, run.now.toISOString()), tombstones: head?.tombstones ?? [] });
  // Above every id an earlier tree of a month handed out (one per page and branch: far fewer than a million).
  run.firstPageId = rebuilds * PAGE_ID_STRIDE + 1;
}

/** Node ids each rebuild in place sets apart for a month's archive tree. */
const PAGE_ID_STRIDE = 1_000_000;

/** Deletes the objects of this version's folder that a rebuild in place did not write (but the state). */
async function removeLeftovers(run: Run): Promise<void> {
  const { session, keys } = run;
  let startAfter: string | undefined;
  let removed = 0;
  for (;;) {
    const page: ListPage = await session.listPage(keys.base, startAfter === undefined ? {} : { startAfter });
    const stale = page.objects.map((info) => info.key).filter((key) => key !== keys.state && !session.wrote(key));
    if (stale.length > 0) await session.deleteMany(stale);
    removed += stale.length;
    const last = page.objects.at(-1)?.key;
    if (!page.truncated || last === undefined) break;
    startAfter = last;
  }
  if (removed > 0) run.log(`index: removed ${removed} objects left over from the damaged index`);
}

/** Marks the head complete (and records the parser input it was built with). */
async function markComplete(run: Run): Promise<void> {
  const { session, keys } = run;
  const head: StoredHead = (await session.read(keys.head, decodeHead)) ?? emptyHead(run.defaultLanguage, run.now.toISOString());
  if (head.complete && head.defaultLanguage === run.defaultLanguage) return;
  session.holdBack = 0;
  try {
    await session.commit(new Map([[keys.head, { ...head, complete: true, defaultLanguage: run.defaultLanguage }]]), () => 0);
  } finally {
    session.holdBack = 1;
  }
  run.scopes.set(feedPath({ kind: "main" }, "rss"), { kind: "main" });
}

/**
 * Deletes the objects of older index versions (everything in the index
 * folder outside this version's), a page of keys per request, as far as the
 * budget allows. Returns true when none is left.
 */
async function removeOlderIndexes(run: Run): Promise<boolean> {
  const { session, keys } = run;
  let startAfter: string | undefined;
  for (;;) {
    if (session.available < 2) return false;
    const page = await session.listPage(keys.folder, startAfter === undefined ? {} : { startAfter });
    const older = page.objects.map((info) => info.key).filter((key) => !key.startsWith(keys.base));
    if (older.length > 0) {
      await session.deleteMany(older);
      run.log(`index: removed ${older.length} objects of an older index version`);
    }
    const last = page.objects.at(-1)?.key;
    if (!page.truncated || last === undefined) return true;
    startAfter = last.startsWith(keys.base) ? `${keys.base}\u{10FFFF}` : last;
  }
}
