/**
 * The full build: one reconciliation pass over the whole listing without a
 * budget, for the command line (`npm run publish`, `npm start`) and for
 * `POST /admin/reindex`. It uses the same change path as events and the
 * cron trigger (`changes.ts`), in larger transactions and with concurrent
 * reads: a first build reads every article once, a later one only what
 * differs from the manifest.
 */
import type { ArticleStore } from "../store/store";
import type { FeedScope } from "../urls";
import { fullPass } from "./changes";
import type { IndexLimits } from "./writer";

export { isArticleKey } from "./article-keys";
export { DEFAULT_TOMBSTONE_DAYS, MAX_ARTICLE_BYTES } from "./writer";

/** Options of {@link rebuildIndex}. */
export interface RebuildOptions {
  /** Key prefix of the articles (`news/`); the index lives in `<articlePrefix>_index/`. */
  articlePrefix: string;
  /** Language of articles that neither declare nor reveal one (passed to the parser). */
  defaultLanguage: string;
  /** The build time: decides which articles are visible yet (default: the current time). */
  now?: Date;
  /** Called after each listing page, with the article objects done so far and the number listed so far. */
  onProgress?: (done: number, total: number) => void;
  /** Receives warnings (skipped objects, unreadable index objects) and a summary line. */
  log?: (message: string) => void;
  /** Sizes of windows, pages and tree nodes (tests make them small). */
  limits?: Partial<IndexLimits>;
  /** Days an article that left is remembered as a tombstone (TOMBSTONE_DAYS; default 30). */
  tombstoneDays?: number;
  /**
   * Index object keys a reader found unreadable (garbage, truncated, another
   * version) or missing. Each is checked; when one really is damaged, the
   * index is rebuilt in place from the articles (every object written anew,
   * leftovers deleted): its objects hold each other's state (a window, the
   * tree that continues it, the catalog), so one object cannot be rewritten
   * alone. Keys that read fine now, or that nothing refers to, are ignored.
   */
  repair?: readonly string[];
  /**
   * Rebuild every index object from the articles whatever the index holds
   * (`npm run publish -- --rebuild`): reads every article again; archive
   * pages get new ids.
   */
  inPlace?: boolean;
}

/** What a rebuild did, for the command line and the admin endpoint. */
export interface RebuildReport {
  /** Article objects in the listing (index folder and other extensions excluded). */
  listed: number;
  /** Article objects read and parsed into an article in this run. */
  parsed: number;
  /** Article objects whose ETag matched the manifest: not read. */
  unchanged: number;
  /** Article objects the index knew that are gone now. */
  deleted: number;
  /** Objects left out of the index and why: unreadable ones (also those skipped by earlier runs) and duplicate ids met in this run. */
  skipped: { key: string; reason: string }[];
  /** Parser warnings of the objects parsed in this run. */
  warnings: { key: string; warnings: string[] }[];
  /** Objects given up in this run (the store refused their record), tried again by the next pass. */
  failed: { key: string; reason: string }[];
  /** Feeds whose content changed in this run (main, each topic, each archive page and its month), for cache purges and WebSub pings. */
  changedScopes: FeedScope[];
  /** Keys of `repair` found damaged (the index was then rebuilt in place). */
  repaired: number;
  /** Store requests that read: listing pages and gets. */
  reads: number;
  /** Store requests that change the bucket: puts and deletes. */
  writes: number;
  durationMs: number;
}

/**
 * Brings the index of `options.articlePrefix` up to date with the articles
 * in the store: one pass over the whole listing, reading only what differs
 * from the manifest.
 *
 * Bad article objects (empty, binary, invalid UTF-8, duplicate ids) are left
 * out with their reason in the report and a `log` line; they never fail the
 * run. A `StoreError` from the store propagates: the caller decides whether
 * to retry, and the next run completes what this one started.
 */
export async function rebuildIndex(store: ArticleStore, options: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const pass = await fullPass(store, {
    articlePrefix: options.articlePrefix,
    defaultLanguage: options.defaultLanguage,
    ...(options.now ? { now: options.now } : {}),
    log,
    ...(options.limits ? { limits: options.limits } : {}),
    standingSkips: true,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.tombstoneDays === undefined ? {} : { tombstoneDays: options.tombstoneDays }),
    ...(options.repair && options.repair.length > 0 ? { repair: options.repair } : {}),
    ...(options.inPlace ? { inPlace: true } : {}),
  });
  const report: RebuildReport = {
    listed: pass.listed,
    parsed: pass.parsed,
    unchanged: pass.unchanged,
    deleted: pass.deleted,
    skipped: pass.skipped,
    warnings: pass.warnings,
    failed: pass.failed,
    changedScopes: pass.changedScopes,
    repaired: pass.repaired,
    reads: pass.reads,
    writes: pass.writes,
    durationMs: Date.now() - started,
  };
  log(
    `index: ${report.listed} listed, ${report.parsed} parsed, ${report.unchanged} unchanged, ` +
      `${report.deleted} deleted, ${report.skipped.length} skipped, ${report.failed.length} failed, ${report.repaired} damaged objects repaired; ` +
      `${report.reads} reads, ${report.writes} writes in ${report.durationMs} ms`,
  );
  return report;
}
