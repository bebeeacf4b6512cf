/**
 * Bringing the index up to date from change events ("key K may have
 * changed") and by reconciliation against the listing.
 *
 * PROVISIONAL: this implementation runs the incremental {@link rebuildIndex}
 * for every call, so it applies every key at once, ignores the subrequest
 * budget and reports the feeds whose index objects the rebuild wrote. The sharded
 * index replaces it behind the same interface, which is what the change
 * sources (queue, webhook, publish, the local watcher) are written against.
 */
import type { ArticleStore } from "../store/store";
import type { FeedScope } from "../urls";
import { rebuildIndex } from "./build";

/** Options of {@link applyChanges} and {@link reconcile}. */
export interface IndexUpdateOptions {
  /** Key prefix of the articles (`news/`); the index lives in `<articlePrefix>_index/`. */
  articlePrefix: string;
  /** Language of articles that neither declare nor reveal one (passed to the parser). */
  defaultLanguage: string;
  /** The update time: decides which articles are visible yet (default: the current time). */
  now?: Date;
  /** subrequests this invocation may still spend (default 45) */
  budget?: number;
  /** Receives warnings (skipped objects) and a summary line. */
  log?: (message: string) => void;
  /** Days an article that left is remembered as a tombstone (TOMBSTONE_DAYS; default 30). */
  tombstoneDays?: number;
  /**
   * Index object keys to write even if nothing planned for them changed:
   * objects a reader found unreadable or missing (see `RebuildOptions.repair`).
   */
  repair?: readonly string[];
}

/** What an update did. */
export interface ChangeReport {
  /** Keys whose current state the index now reflects. */
  applied: string[];
  /** keys not reached within the budget: retry later */
  remaining: string[];
  /** feeds whose content changed */
  changedScopes: FeedScope[];
  /** Store requests that read. */
  reads: number;
  /** Store requests that changed the bucket. */
  writes: number;
}

/**
 * Brings the index up to date for `keys`, each of which may have been
 * written, rewritten or deleted: the key's current state in the store is the
 * truth, so duplicated, lost and reordered events converge.
 */
export async function applyChanges(store: ArticleStore, keys: readonly string[], options: IndexUpdateOptions): Promise<ChangeReport> {
  const report = await rebuildIndex(store, {
    articlePrefix: options.articlePrefix,
    defaultLanguage: options.defaultLanguage,
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.tombstoneDays !== undefined ? { tombstoneDays: options.tombstoneDays } : {}),
    ...(options.repair ? { repair: options.repair } : {}),
  });
  return { applied: [...new Set(keys)], remaining: [], changedScopes: report.changedScopes, reads: report.reads, writes: report.writes };
}

/** What a reconciliation run did. */
export interface ReconcileReport extends ChangeReport {
  /** True when this run finished a pass over the whole listing. */
  completedPass: boolean;
}

/** Repairs whatever events missed, by comparing the index with the listing. */
export async function reconcile(store: ArticleStore, options: IndexUpdateOptions): Promise<ReconcileReport> {
  const report = await applyChanges(store, [], options);
  return { ...report, completedPass: true };
}
