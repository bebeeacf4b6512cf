/**
 * Copies a folder of raw articles into a store: the local service and the
 * tests use it to fill a fresh local bucket.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { isArticleKey } from "../../src/index/build";
import { mapLimit } from "../../src/store/concurrency";
import type { ArticleStore } from "../../src/store/store";

/**
 * Every article file below `dir` (recursively), as paths relative to it with
 * `/` separators, sorted. What counts as an article is what the index reads
 * from a bucket ({@link isArticleKey}): no README, no dot-files, no images.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .filter((path) => isArticleKey(path, ""))
    .sort();
}

/**
 * The object metadata an article file is stored with. `date` is the file's
 * modification time: the date a publisher's folder carries for articles that
 * have none inside (article format rule 10), where the upload time would give
 * a whole folder one and the same date.
 */
export async function articleMetadata(path: string): Promise<Record<string, string>> {
  return { date: (await stat(path)).mtime.toISOString() };
}

/**
 * Uploads every file below `dir` to `prefix + relative path` (eight at a time);
 * returns the keys written, sorted. Each object is stored with the metadata
 * `metadataOf` gives for its file path ({@link articleMetadata} unless told).
 */
export async function uploadFolder(
  store: ArticleStore,
  dir: string,
  prefix: string,
  metadataOf: (path: string) => Promise<Record<string, string>> = articleMetadata,
): Promise<string[]> {
  const files = await listFiles(dir);
  await mapLimit(files, 8, async (file) => {
    const path = join(dir, file);
    await store.put(prefix + file, await readFile(path), { contentType: "text/plain; charset=utf-8", metadata: await metadataOf(path) });
  });
  return files.map((file) => prefix + file);
}
