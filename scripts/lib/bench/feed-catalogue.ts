/**
 * The feed URLs of a bucket, found the way a client finds them: topic feeds
 * from the catalogue (`/opml.xml`), archive pages by following the RFC 5005
 * `prev-archive` links from `/rss.xml` (each page links the next older one,
 * across months), archive months from the pages' paths. Paths are kept
 * without their format file (`/authors/anna-berg`), so each can be asked for
 * in all three formats.
 */
import { getOk } from "./http-get";

/** The three formats of every feed. */
export const FEED_FILES = ["rss.xml", "atom.xml", "feed.json"] as const;

/** A page of the archive as the RSS walk saw it. */
export interface ArchivePage {
  /** e.g. `/archive/2024-12/page/3` (or `/archive/2024-12` for a month of the older, unpaged layout). */
  path: string;
  /** Items of its RSS document. */
  items: number;
}

/** Topic feed paths listed in the catalogue, e.g. `/authors/anna-berg`, `/lang/en`. */
export async function topicPaths(baseUrl: string): Promise<string[]> {
  const opml = (await getOk(`${baseUrl}/opml.xml`)).body;
  const topics = [...opml.matchAll(/xmlUrl="https?:\/\/[^/"]+(\/(?:tags|authors|lang|sources)\/[^"]+)\/rss\.xml"/g)].map((match) => match[1] ?? "");
  if (topics.length === 0) throw new Error("the catalogue (/opml.xml) lists no topic feeds");
  return topics;
}

/**
 * Walks the archive from `/rss.xml` through `prev-archive` links, newest page
 * first, for at most `maxPages` pages; `onPage` sees each page as it is read.
 * Every page's RSS document is requested once on the way.
 */
export async function walkArchive(baseUrl: string, maxPages: number, onPage?: (page: ArchivePage) => void): Promise<ArchivePage[]> {
  const pages: ArchivePage[] = [];
  const seen = new Set<string>();
  let next = prevArchive((await getOk(`${baseUrl}/rss.xml`)).body);
  while (next !== null && pages.length < maxPages && !seen.has(next)) {
    seen.add(next);
    const body = (await getOk(`${baseUrl}${next}/rss.xml`)).body;
    const page = { path: next, items: (body.match(/<item>/g) ?? []).length };
    pages.push(page);
    onPage?.(page);
    next = prevArchive(body);
  }
  return pages;
}

/** The months of `pages`, e.g. `2024-12`, in the pages' order, each once. */
export function archiveMonths(pages: readonly ArchivePage[]): string[] {
  return [...new Set(pages.map((page) => /^\/archive\/(\d{4}-\d{2})/.exec(page.path)?.[1]).filter((month): month is string => month !== undefined))];
}

/** The path (without the format file) of an RSS document's `prev-archive` link, or null. */
function prevArchive(rss: string): string | null {
  return /<atom:link rel="prev-archive" href="https?:\/\/[^/"]+(\/[^"]+)\/rss\.xml"/.exec(rss)?.[1] ?? null;
}
