/**
 * The isolate's heap after every feed of the bucket has been served once:
 * the main feeds, every topic feed, every archive month and every archive
 * page, each in its three formats, from a Worker with the production
 * defaults. The heap is sampled through the sweep (its peak) and read after
 * a forced full garbage collection at the end (what the isolate keeps: the
 * index windows, documents and caches it holds on to).
 */
import { mapLimit } from "../../../src/store/concurrency";
import { archiveMonths, FEED_FILES, topicPaths, walkArchive } from "./feed-catalogue";
import { timedGet } from "./http-get";
import type { IsolateHeap } from "./isolate-heap";
import { residentBytes } from "./process-stats";

/** The heap is sampled this often during the sweep. */
const SAMPLE_MS = 500;

/** What the sweep served and what the heap held. */
export interface HeapSweep {
  /** Feed documents requested. */
  feeds: number;
  topics: number;
  months: number;
  pages: number;
  /** Responses with a status other than 200, or requests that failed. */
  errors: number;
  seconds: number;
  /** Highest heap sample during the sweep (bytes), or null when none could be read. */
  peakBytes: number | null;
  /** Heap in use after a full collection at the end (bytes), or null. */
  afterGcBytes: number | null;
  /** The workerd process's resident memory at the end (bytes): the runtime and Miniflare's services too. */
  residentBytes: number | null;
  /** True when the archive walk stopped at `maxPages` before its oldest page. */
  truncated: boolean;
}

/**
 * Requests every feed of the Worker at `url` once (the RSS archive walked
 * page by page, the rest `concurrency` at a time) and reads the heap.
 */
export async function sweepEveryFeed(
  worker: { url: string; pid: number | null },
  heap: IsolateHeap,
  options: { maxPages: number; concurrency: number; onProgress?: (done: number) => void },
): Promise<HeapSweep> {
  const started = performance.now();
  let peak: number | null = null;
  const sample = async () => {
    const used = await heap.usedBytes();
    if (used !== null) peak = Math.max(peak ?? 0, used);
  };
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(sample);
  }, SAMPLE_MS);

  let feeds = 0;
  let errors = 0;
  const request = async (path: string) => {
    const ok = await timedGet(worker.url + path).then(
      (response) => response.status === 200,
      () => false,
    );
    feeds++;
    if (!ok) errors++;
    if (feeds % 100 === 0) options.onProgress?.(feeds);
  };
  try {
    const topics = await topicPaths(worker.url);
    // The walk requests /rss.xml and every page's RSS document itself.
    const pages = await walkArchive(worker.url, options.maxPages, () => {
      feeds++;
      if (feeds % 100 === 0) options.onProgress?.(feeds);
    });
    feeds++;
    const months = archiveMonths(pages);
    const rest = [
      "/atom.xml",
      "/feed.json",
      ...pages.flatMap((page) => [`${page.path}/atom.xml`, `${page.path}/feed.json`]),
      ...months.flatMap((month) => FEED_FILES.map((file) => `/archive/${month}/${file}`)),
      ...topics.flatMap((topic) => FEED_FILES.map((file) => `${topic}/${file}`)),
    ];
    await mapLimit(rest, options.concurrency, request);
    clearInterval(sampler);
    await sampling;
    await sample();
    return {
      feeds,
      topics: topics.length,
      months: months.length,
      pages: pages.length,
      errors,
      seconds: (performance.now() - started) / 1000,
      peakBytes: peak,
      // A memory answer: the request that lets the collection run allocates next to nothing.
      afterGcBytes: await heap.usedBytesAfterGc(async () => {
        await timedGet(`${worker.url}/rss.xml`);
      }),
      residentBytes: worker.pid === null ? null : await residentBytes(worker.pid),
      truncated: pages.length >= options.maxPages,
    };
  } finally {
    clearInterval(sampler);
  }
}
