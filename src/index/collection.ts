/**
 * An ordered collection of articles (the main feed, or one topic) kept as a
 * window: the newest articles in full, then the sort keys of the next ones,
 * then a tail tree with the rest.
 *
 * A feed needs the newest articles in full, so the window holds every
 * future-dated member (an embargo lifts without a write) and the newest
 * {@link PAGE_SIZE} visible ones. Deleting one of those refills the window
 * from the next sort key: one read of that article's record, whatever the
 * size of the collection. The sort keys in `more` are a buffer that makes
 * refills and pushes cheap: the tail tree is touched only when the buffer
 * runs dry or overflows (about once per hundred changes), or for a member
 * older than the whole buffer.
 */
import type { Article } from "../article/model";
import { compareSortKeys, idOfSortKey, isFuture, sortKey } from "./order";
import { PAGE_SIZE, type StoredWindow } from "./schema";
import type { StoredTree } from "./tree";

/** The sizes of windows; tests make them small to exercise refills and tails with few articles. */
export interface WindowLimits {
  /** Visible articles a window holds in full ({@link PAGE_SIZE}). */
  window: number;
  /** Most sort keys `more` holds; beyond it the oldest go to the tail. */
  moreMax: number;
  /** What `more` keeps when it spills to the tail, and how many keys a refill pulls from it. */
  moreKeep: number;
}

/** The production sizes. */
export const WINDOW_LIMITS: WindowLimits = { window: PAGE_SIZE, moreMax: 300, moreKeep: 150 };

/** Membership changes of one collection, by sort key. */
export interface WindowChanges {
  removes: Set<string>;
  adds: Map<string, Article>;
  /**
   * Keys among `adds` that were removed first: a new version of a member
   * under the same key. Beyond the window it changes nothing (the tail holds
   * keys only), so the tail is not even read.
   */
  replaced?: Set<string>;
  /** Keys removed without certainty that they were members (a run that died half-way): never counted as replaced. */
  unsure?: Set<string>;
}

/** What a window needs besides its own state. */
export interface WindowContext {
  now: Date;
  limits: WindowLimits;
  /** The collection's tail tree (sort key -> 1, counted). */
  tail: StoredTree<1>;
  /** The full article of a member, from its record; null when the record does not hold it. */
  loadArticle(id: string): Promise<Article | null>;
  log: (message: string) => void;
}

/** An empty window. */
export function emptyWindow(): StoredWindow {
  return { items: [], more: [], tail: 0 };
}

/** Members of a window. */
export function windowTotal(window: StoredWindow): number {
  return window.items.length + window.more.length + window.tail;
}

/** Index of `key` in sorted `keys`, or -(insertion point + 1). */
function search(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = compareSortKeys(keys[middle] as string, key);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -(low + 1);
}

/**
 * The window after `changes`. Members are placed by one boundary, the last
 * sort key the window holds: newer ones go into the window (full articles
 * up to the first key of `more`, keys after), older ones into the tail. Then
 * the window is trimmed or refilled to its size and the buffer kept within
 * bounds.
 */
export async function applyToWindow(window: StoredWindow, changes: WindowChanges, ctx: WindowContext): Promise<StoredWindow> {
  const items = [...window.items];
  const itemKeys = items.map(sortKey);
  const more = [...window.more];
  let tail = window.tail;
  const boundary = more.at(-1) ?? itemKeys.at(-1) ?? null;
  const beyond = (key: string): boolean => tail > 0 && boundary !== null && compareSortKeys(key, boundary) > 0;
  const tailChanges = new Map<string, 1 | null>();

  for (const key of changes.removes) {
    if (changes.adds.has(key)) continue;
    const inItems = search(itemKeys, key);
    if (inItems >= 0) {
      items.splice(inItems, 1);
      itemKeys.splice(inItems, 1);
      continue;
    }
    const inMore = search(more, key);
    if (inMore >= 0) more.splice(inMore, 1);
    else if (beyond(key)) tailChanges.set(key, null);
  }
  for (const [key, article] of changes.adds) {
    if (beyond(key)) {
      if (!changes.replaced?.has(key)) tailChanges.set(key, 1);
      continue;
    }
    const firstMore = more[0];
    if (firstMore === undefined || compareSortKeys(key, firstMore) < 0) {
      const at = search(itemKeys, key);
      if (at >= 0) {
        items[at] = article;
      } else {
        items.splice(-at - 1, 0, article);
        itemKeys.splice(-at - 1, 0, key);
      }
    } else {
      const at = search(more, key);
      if (at < 0) more.splice(-at - 1, 0, key);
    }
  }
  if (tailChanges.size > 0) {
    await ctx.tail.update(tailChanges);
    tail = await ctx.tail.total();
  }

  const { window: size, moreMax, moreKeep } = ctx.limits;
  // Every future member and `size` visible ones in full: trim the rest into `more`...
  let visible = 0;
  let keep = items.length;
  for (let i = 0; i < items.length; i++) {
    if (isFuture((items[i] as Article).published, ctx.now)) continue;
    if (++visible > size) {
      keep = i;
      visible = size;
      break;
    }
  }
  if (keep < items.length) {
    more.unshift(...itemKeys.slice(keep));
    items.length = keep;
    itemKeys.length = keep;
  }
  // ...or refill from `more` (and `more` from the tail) while it lacks some.
  while (visible < size) {
    if (more.length === 0 && tail > 0) {
      const pulled = (await ctx.tail.first(moreKeep)).map(([key]) => key);
      if (pulled.length === 0) break;
      await ctx.tail.update(new Map(pulled.map((key) => [key, null])));
      tail = await ctx.tail.total();
      more.push(...pulled);
    }
    const next = more.shift();
    if (next === undefined) break;
    const article = await ctx.loadArticle(idOfSortKey(next));
    if (article === null || sortKey(article) !== next) {
      // The record holds another version (a change of it is under way): that change places it.
      ctx.log(`index: dropping stale entry ${JSON.stringify(idOfSortKey(next))} from a window`);
      continue;
    }
    items.push(article);
    itemKeys.push(next);
    if (!isFuture(article.published, ctx.now)) visible++;
  }
  // Keep the buffer within bounds: its oldest keys go to the tail.
  if (more.length > moreMax) {
    const spilled = more.splice(moreKeep);
    await ctx.tail.update(new Map(spilled.map((key) => [key, 1 as const])));
    tail = await ctx.tail.total();
  }
  return { items, more, tail };
}
