/**
 * The publish step, as a function the command line and the tests share:
 * lint a local folder of articles, upload the files whose bytes differ from
 * the bucket's copy (and with `delete`, remove articles the folder no longer
 * has), and bring the index up to date for exactly those keys.
 *
 * How the index is brought up to date:
 * - no index yet (or `rebuild`): a full build from here, since a first build
 *   reads every object, more than one Worker invocation may;
 * - with a Worker to tell (SITE_URL and ADMIN_TOKEN): the keys go to its
 *   `POST /admin/changes`, so that it also purges its caches and readers see
 *   the change at once; if that fails, the keys are applied from here;
 * - otherwise: the keys are applied from here, directly against the bucket,
 *   with no subrequest budget (the Worker's caches then expire on their own,
 *   within INDEX_TTL and CACHE_MAX_AGE).
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type ParseResult, parseArticle } from "../../src/article/parse";
import { isArticleKey, type RebuildReport, rebuildIndex } from "../../src/index/build";
import { applyChanges } from "../../src/index/changes";
import { indexKeys } from "../../src/index/schema";
import { PARTNERS_FILE } from "../../src/partners/definition";
import { mapLimit } from "../../src/store/concurrency";
import { meterStore, type StoreMeter } from "../../src/store/metered";
import type { ArticleStore } from "../../src/store/store";
import { etagMatches, md5Hex } from "./content-hash";
import { type LintInput, type LintReport, lintFiles } from "./lint";
import { type PartnersFileReport, publishPartners, readLocalPartners } from "./partners-file";
import { sendChanges, type WorkerTarget } from "./send-changes";
import { articleMetadata, listFiles } from "./upload";

/** Options of {@link publish}. */
export interface PublishOptions {
  /** Local folder of raw articles (README.md files are documentation, not articles). */
  folder: string;
  store: ArticleStore;
  /** Normalised key prefix (`news/` or empty), as `loadConfig` returns it. */
  prefix: string;
  /** Language of articles that neither declare nor reveal one. */
  defaultLanguage: string;
  /** Lint and compare only: no upload, no index update. */
  dryRun?: boolean;
  /** Also delete the articles under the prefix that have no file in the folder (like `rsync --delete`). */
  delete?: boolean;
  /** Rebuild the whole index instead of applying the changed keys. */
  rebuild?: boolean;
  /** The Worker to send the changed keys to (SITE_URL and ADMIN_TOKEN); without one they are applied from here. */
  worker?: WorkerTarget;
  /** Store requests in flight while uploading (default 8). */
  concurrency?: number;
  /** The time that decides embargoes in the lint (default now). */
  now?: Date;
  /** Called as a step advances: reading local files, uploading, indexing. */
  onProgress?: (step: PublishStep, done: number, total: number) => void;
  /** Called when a step is over (to end a progress bar). */
  onStepEnd?: (step: PublishStep) => void;
}

/** The steps that report progress. */
export type PublishStep = "read" | "upload" | "index";

/** How the index was brought up to date. */
export type IndexUpdate =
  /** A full build: the bucket had no index yet, or `rebuild` asked for one. */
  | { kind: "rebuild"; reason: "first index" | "asked"; report: RebuildReport }
  /** Exactly the uploaded and deleted keys were applied. */
  | {
      kind: "changes";
      keys: string[];
      /** Keys the Worker applied through `POST /admin/changes` (it purged its caches for them). */
      byWorker: string[];
      /** Keys applied from here, against the bucket. */
      locally: string[];
      /** Why keys meant for the Worker were applied from here instead; null when none were. */
      fallback: string | null;
      /** Index store requests, the Worker's and this process's. */
      reads: number;
      writes: number;
    }
  /** Nothing was uploaded or deleted, and the index exists. */
  | { kind: "none" };

/** What a publish run did (or, in a dry run, would do). */
export interface PublishReport {
  dryRun: boolean;
  /** Files in the folder. */
  files: number;
  /** Keys written (in a dry run: that would be written), in key order. */
  uploaded: string[];
  /** Keys deleted with `delete` (in a dry run: that would be deleted), in key order. */
  deleted: string[];
  /** Files whose bytes the bucket already holds. */
  unchanged: number;
  lint: LintReport;
  /** What was done to the index; null in a dry run. */
  index: IndexUpdate | null;
  /** What became of the folder's `_partners.yaml`; null when it has none. */
  partners: PartnersFileReport | null;
  /** Every store request of the run: listing, uploads and the rebuild. */
  store: StoreMeter;
  durationMs: number;
}

interface LocalFile {
  file: string;
  key: string;
  path: string;
  md5: string;
}

/** Media type of uploaded articles: the index reads them as UTF-8 text. */
const ARTICLE_CONTENT_TYPE = "text/plain; charset=utf-8";

/**
 * Publishes `options.folder`. Rejects with the store's `StoreError` when the
 * bucket cannot be listed or written; files the index will skip are reported
 * in `lint`, never a failure.
 */
export async function publish(options: PublishOptions): Promise<PublishReport> {
  const started = performance.now();
  const store = meterStore(options.store);
  const concurrency = options.concurrency ?? 8;
  const progress = options.onProgress ?? (() => {});
  const stepEnd = options.onStepEnd ?? (() => {});

  const files = await listFiles(options.folder);
  const partnersFile = await readLocalPartners(options.folder);
  // Listing the bucket does not depend on the local files: start it now, check it after reading.
  // The index folder holds about as many objects as there are articles and none of them is ours.
  const listing = store.list(options.prefix, { skipPrefix: indexKeys(options.prefix).folder });
  listing.catch(() => {}); // handled when awaited below; avoids an unhandled rejection meanwhile

  const locals: LocalFile[] = [];
  const lintInputs: LintInput[] = [];
  let read = 0;
  await mapLimit(files, concurrency, async (file, index) => {
    const key = options.prefix + file;
    const path = join(options.folder, file);
    const bytes = await readFile(path);
    locals[index] = { file, key, path, md5: md5Hex(bytes) };
    lintInputs[index] = { file, key, result: isArticleKey(key, options.prefix) ? await parseLocal(key, path, bytes, options.defaultLanguage) : null };
    progress("read", ++read, files.length);
  });
  stepEnd("read");
  const lint = lintFiles(lintInputs, options.now ?? new Date());

  const listed = await listing;
  const etags = new Map(listed.map((info) => [info.key, info.etag]));
  const changed = locals.filter((local) => !etagMatches(etags.get(local.key) ?? "", local.md5));
  const localKeys = new Set(locals.map((local) => local.key));
  const gone = options.delete ? listed.map((info) => info.key).filter((key) => isArticleKey(key, options.prefix) && !localKeys.has(key)) : [];
  const report: PublishReport = {
    dryRun: options.dryRun ?? false,
    files: files.length,
    uploaded: changed.map((local) => local.key),
    deleted: gone,
    unchanged: locals.length - changed.length,
    lint,
    index: null,
    partners: null,
    store: store.meter,
    durationMs: 0,
  };
  // The partner file goes up only when valid (the Worker would ignore an invalid one, and keep the last valid).
  const publishPartnersFile = async (): Promise<void> => {
    if (!partnersFile) return;
    const unchanged = etagMatches(etags.get(options.prefix + PARTNERS_FILE) ?? "", md5Hex(new TextEncoder().encode(partnersFile.text)));
    report.partners = await publishPartners(store, options.prefix, partnersFile, { unchanged, dryRun: report.dryRun });
  };
  if (report.dryRun) {
    await publishPartnersFile();
    return finish(report, started);
  }

  let uploaded = 0;
  await mapLimit(changed, concurrency, async (local) => {
    // Read again rather than keep every file in memory: a folder may be large.
    const bytes = await readFile(local.path);
    await store.put(local.key, bytes, { contentType: ARTICLE_CONTENT_TYPE, metadata: await articleMetadata(local.path) });
    progress("upload", ++uploaded, changed.length + gone.length);
  });
  await mapLimit(gone, concurrency, async (key) => {
    await store.delete(key);
    progress("upload", ++uploaded, changed.length + gone.length);
  });
  stepEnd("upload");
  await publishPartnersFile();

  report.index = await updateIndex(store, [...report.uploaded, ...gone], options, progress);
  stepEnd("index");
  return finish(report, started);
}

async function updateIndex(
  store: ArticleStore,
  keys: string[],
  options: PublishOptions,
  progress: (step: PublishStep, done: number, total: number) => void,
): Promise<IndexUpdate> {
  const rebuildReason = options.rebuild ? "asked" : (await indexExists(store, options.prefix)) ? null : "first index";
  if (rebuildReason !== null) {
    const report = await rebuildIndex(store, {
      articlePrefix: options.prefix,
      defaultLanguage: options.defaultLanguage,
      onProgress: (done, total) => progress("index", done, total),
      // Asked for: every index object is written anew from the articles (this repairs any damage).
      ...(options.rebuild ? { inPlace: true } : {}),
    });
    return { kind: "rebuild", reason: rebuildReason, report };
  }
  if (keys.length === 0) return { kind: "none" };

  const update: Extract<IndexUpdate, { kind: "changes" }> = { kind: "changes", keys, byWorker: [], locally: [], fallback: null, reads: 0, writes: 0 };
  let local = keys;
  if (options.worker) {
    const sent = await sendChanges(options.worker, keys);
    update.byWorker = sent.done;
    update.reads += sent.reads;
    update.writes += sent.writes;
    update.fallback = sent.error;
    local = sent.pending;
  }
  if (local.length > 0) {
    // From here there is no subrequest limit: every key in one call.
    const report = await applyChanges(store, local, {
      articlePrefix: options.prefix,
      defaultLanguage: options.defaultLanguage,
      budget: Number.POSITIVE_INFINITY,
    });
    update.locally = report.applied;
    update.reads += report.reads;
    update.writes += report.writes;
  }
  return update;
}

/** True when the bucket has an index head under `prefix` (one listing request, no body read). */
async function indexExists(store: ArticleStore, prefix: string): Promise<boolean> {
  const head = indexKeys(prefix).head;
  return (await store.list(head)).some((info) => info.key === head);
}

/** Parses a file the way the index will parse its object (same key, metadata and last-modified time). */
async function parseLocal(key: string, path: string, bytes: Uint8Array, defaultLanguage: string): Promise<ParseResult> {
  const [metadata, info] = await Promise.all([articleMetadata(path), stat(path)]);
  return parseArticle({ key, body: bytes, lastModified: info.mtime, metadata }, { defaultLanguage });
}

function finish(report: PublishReport, started: number): PublishReport {
  report.store = { ...report.store };
  report.durationMs = performance.now() - started;
  return report;
}
