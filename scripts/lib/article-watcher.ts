/**
 * Watches a folder of articles for the local service: a file added, edited
 * or removed is uploaded to (or deleted from) the store, and its key handed
 * to `onChanges`, which tells the Worker (`POST /admin/changes`, the change
 * path a production bucket's events take).
 *
 * Events are collected for a short quiet period, so that an editor's save
 * (often several writes, or a temporary file and a rename) becomes one
 * upload, and a folder copied in becomes one batch of keys. A batch runs
 * after the one before it has finished; what changes meanwhile is the next.
 */
import { readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { isArticleKey } from "../../src/index/build";
import { mapLimit } from "../../src/store/concurrency";
import type { ArticleStore } from "../../src/store/store";
import { articleMetadata } from "./upload";

/** Options of {@link watchArticles}. */
export interface ArticleWatcherOptions {
  /** The folder (watched recursively). */
  dir: string;
  store: ArticleStore;
  /** Key prefix of the articles in the store. */
  prefix: string;
  /** Called with the keys of each batch once the store holds their new state. */
  onChanges: (keys: string[]) => Promise<void>;
  /** Called when a batch fails; the batch's keys are tried again with the next event. */
  onError?: (error: unknown) => void;
  /** Quiet time before a batch starts, in milliseconds (default 100). */
  debounceMs?: number;
  /** Longest a batch waits while events keep coming, in milliseconds (default 500). */
  maxWaitMs?: number;
}

/** A running watcher. */
export interface ArticleWatcher {
  /** Resolves once the initial scan is done: later changes are reported. */
  ready: Promise<void>;
  /** Resolves when no batch is pending or running (for tests and benchmarks). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts watching `options.dir`. Files that are not articles (README, images, dot-files) are never uploaded. */
export function watchArticles(options: ArticleWatcherOptions): ArticleWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const keyOf = (path: string): string | null => {
    const key = options.prefix + relative(options.dir, path).split(sep).join("/");
    return isArticleKey(key, options.prefix) ? key : null;
  };

  const flush = (): void => {
    timer = undefined;
    if (pending.size === 0 || closed) return;
    const keys = [...pending].sort();
    pending.clear();
    running = running.then(async () => {
      try {
        await mapLimit(keys, 8, (key) => syncKey(options, key));
        await options.onChanges(keys);
      } catch (error) {
        for (const key of keys) pending.add(key);
        options.onError?.(error);
      }
    });
  };

  const schedule = (path: string): void => {
    const key = keyOf(path);
    if (key === null || closed) return;
    if (pending.size === 0) firstPendingAt = Date.now();
    pending.add(key);
    clearTimeout(timer);
    const waited = Date.now() - firstPendingAt;
    timer = setTimeout(flush, Math.max(0, Math.min(debounceMs, maxWaitMs - waited)));
  };

  const watcher: FSWatcher = watch(options.dir, {
    ignoreInitial: true,
    // Never descend into dot-folders (.git, editor state): nothing there is news.
    ignored: (path) =>
      relative(options.dir, path)
        .split(sep)
        .some((part) => part.startsWith(".")),
  });
  for (const event of ["add", "change", "unlink"] as const) watcher.on(event, schedule);
  watcher.on("error", (error) => options.onError?.(error));

  return {
    ready: new Promise((resolve) => watcher.once("ready", () => resolve())),
    async idle() {
      while (timer !== undefined || pending.size > 0) {
        await new Promise((done) => setTimeout(done, debounceMs));
        await running;
      }
      await running;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

/** Makes the store's object under `key` what the folder holds now: uploaded, or deleted when the file is gone. */
async function syncKey(options: ArticleWatcherOptions, key: string): Promise<void> {
  const path = join(options.dir, ...key.slice(options.prefix.length).split("/"));
  const exists = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    await options.store.delete(key);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    // Removed between the check and the read: the next event says so.
    return;
  }
  await options.store.put(key, bytes, { contentType: "text/plain; charset=utf-8", metadata: await articleMetadata(path) });
}
