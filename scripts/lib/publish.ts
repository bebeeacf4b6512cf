/**
 * The publish step, as a function the command line and the tests share:
 * lint a local folder of articles, upload the files whose bytes differ from
 * the bucket's copy, and bring the index up to date.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArticle, type ParseResult } from "../../src/article/parse";
import { isArticleKey, rebuildIndex, type RebuildReport } from "../../src/index/build";
import { indexKeys } from "../../src/index/schema";
import { meterStore, type StoreMeter } from "../../src/store/metered";
import type { ArticleStore } from "../../src/store/store";
import { mapLimit } from "../../src/store/concurrency";
import { etagMatches, md5Hex } from "./content-hash";
import { lintFiles, type LintInput, type LintReport } from "./lint";
import { articleMetadata, listFiles } from "./upload";
import { publishPartners, readLocalPartners, type PartnersFileReport } from "./partners-file";
import { PARTNERS_FILE } from "../../src/partners/definition";

/** Options of {@link publish}. */
export interface PublishOptions {
  /** Local folder of raw articles (README.md files are documentation, not articles). */
  folder: string;
  store: ArticleStore;
  /** Normalised key prefix (`news/` or empty), as `loadConfig` returns it. */
  prefix: string;
  /** Language of articles that neither declare nor reveal one. */
  defaultLanguage: string;
  /** Lint and compare only: no upload, no index rebuild. */
  dryRun?: boolean;
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

/** What a publish run did (or, in a dry run, would do). */
export interface PublishReport {
  dryRun: boolean;
  /** Files in the folder. */
  files: number;
  /** Keys written (in a dry run: that would be written), in key order. */
  uploaded: string[];
  /** Files whose bytes the bucket already holds. */
  unchanged: number;
  lint: LintReport;
  /** The rebuild's report; null in a dry run. */
  index: RebuildReport | null;
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

  const etags = new Map((await listing).map((info) => [info.key, info.etag]));
  const changed = locals.filter((local) => !etagMatches(etags.get(local.key) ?? "", local.md5));
  const report: PublishReport = {
    dryRun: options.dryRun ?? false,
    files: files.length,
    uploaded: changed.map((local) => local.key),
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
    progress("upload", ++uploaded, changed.length);
  });
  stepEnd("upload");
  await publishPartnersFile();

  report.index = await rebuildIndex(store, {
    articlePrefix: options.prefix,
    defaultLanguage: options.defaultLanguage,
    onProgress: (done, total) => progress("index", done, total),
  });
  stepEnd("index");
  return finish(report, started);
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
