/**
 * Fills a bucket with `count` synthetic articles for the service benchmark.
 * Dates are spread evenly over four years, so the index has some fifty month
 * archives whatever the count, and all of them lie in the past (visible).
 */

import { mapLimit } from "../../../src/store/concurrency";
import type { ArticleStore } from "../../../src/store/store";
import { makeArticle, prng } from "../synthetic-articles";

/** The span the articles' publication dates cover. */
const FIRST_DATE = Date.UTC(2021, 0, 1);
const LAST_DATE = Date.UTC(2024, 11, 31);

/** Seed of the generator: same articles every run, and the same as the parser benchmark's. */
const SEED = 0x5eed;

/**
 * Uploads articles 0..count-1 with a `date` metadata value (as the publish
 * command stores file dates); `onProgress` gets the number uploaded so far.
 */
export async function seedBucket(
  store: ArticleStore,
  count: number,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ bytes: number }> {
  const rand = prng(SEED);
  // Generate in order first: the PRNG's sequence, not the upload order, decides the content.
  const articles = Array.from({ length: count }, (_, i) => makeArticle(i, rand));
  const step = count > 1 ? (LAST_DATE - FIRST_DATE) / (count - 1) : 0;
  let bytes = 0;
  let done = 0;
  await mapLimit(articles, options.concurrency ?? 16, async (article, i) => {
    const body = typeof article.body === "string" ? new TextEncoder().encode(article.body) : article.body;
    bytes += body.byteLength;
    const date = new Date(FIRST_DATE + Math.round(i * step)).toISOString();
    await store.put(article.key, body, { contentType: "text/plain; charset=utf-8", metadata: { date } });
    options.onProgress?.(++done, count);
  });
  return { bytes };
}
