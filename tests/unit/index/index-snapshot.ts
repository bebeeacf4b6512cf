/**
 * What an index says, independent of how its objects happen to be cut, for
 * comparing an index kept by changes with a fresh full build of the same
 * bucket: what readers see at a given time (head, topics, archive months,
 * articles) plus every collection's complete membership in order (window,
 * buffered sort keys and tail), every id's owner and claimants and every
 * manifest entry.
 *
 * Archive pages and the split of a collection between window, buffer and
 * tail depend on the order changes arrived in (pages are stable, not
 * recomputed), so months are compared as the concatenation of their pages,
 * newest first, and collections as one sequence.
 */

import type { Article } from "../../../src/article/model";
import { isVisible } from "../../../src/article/parse";
import { type Decoder, decodeArticleRecord, decodeHead, decodeTopic, isArticle, nodeDecoder } from "../../../src/index/codec";
import { sortKey } from "../../../src/index/order";
import { createIndexReader } from "../../../src/index/reader";
import { indexKeys, type ManifestEntry, type StoredWindow, TOPIC_KINDS, type TopicKind } from "../../../src/index/schema";
import { type NodeSource, TreeReader } from "../../../src/index/tree";
import { manifestSpec, monthSpec, tailSpec } from "../../../src/index/writer";
import { MemoryStore } from "./memory-store";

/** A source of nodes straight from a memory store, without recording calls. */
function direct(store: MemoryStore): NodeSource {
  return {
    async get<T>(key: string, decode: Decoder<T>): Promise<T | null> {
      const entry = store.objects.get(key);
      if (entry === undefined) return null;
      const decoded = decode(entry.body);
      return decoded.ok ? decoded.value : null;
    },
  };
}

function itemView(article: Article): Record<string, unknown> {
  return { ...article };
}

/** Every member of a collection, in order: window items, buffered keys, tail. */
async function membership(window: StoredWindow, tail: TreeReader<1>): Promise<string[]> {
  const rest = await tail.range(null, null);
  return [...window.items.map(sortKey), ...window.more, ...rest.map(([key]) => key)];
}

/** The logical content of the index below `prefix`, as seen at `now`. */
export async function indexSnapshot(store: MemoryStore, prefix: string, now: Date): Promise<Record<string, unknown>> {
  const keys = indexKeys(prefix);
  const source = direct(store);
  const reader = createIndexReader(store, { articlePrefix: prefix, ttlSeconds: 0, now: () => now.getTime() });
  const calls = store.calls.length;
  const head = await reader.head();
  const snapshot: Record<string, unknown> = {};
  if (head === null) return { head: null };
  const visible = (items: readonly Article[]) =>
    items
      .filter((item) => isVisible(item, now))
      .slice(0, 100)
      .map(itemView);
  snapshot.head = { items: visible(head.items), catalog: head.catalog, months: head.months.map(({ month, count }) => ({ month, count })) };

  const stored = await source.get(keys.head, decodeHead);
  if (stored === null) throw new Error("no head object");
  snapshot.complete = stored.complete;
  snapshot.main = await membership(stored, new TreeReader(source, tailSpec(keys, null)));

  const topics: Record<string, unknown> = {};
  for (const kind of TOPIC_KINDS) {
    for (const entry of stored.catalog[kind]) {
      const topic = await source.get(keys.topic(kind, entry.slug), decodeTopic);
      if (topic === null) throw new Error(`catalog names ${kind}/${entry.slug} but it has no object`);
      const members = await membership(topic, new TreeReader(source, tailSpec(keys, { kind: kind as TopicKind, slug: entry.slug })));
      if (members.length !== entry.total) throw new Error(`${kind}/${entry.slug}: catalog total ${entry.total}, ${members.length} members`);
      const page = await reader.topic(kind, entry.slug);
      topics[`${kind}/${entry.slug}`] = { name: entry.name, updated: entry.updated, items: visible(page?.items ?? []), members };
    }
  }
  snapshot.topics = topics;

  // Months straight from their trees (the reader leaves out months without a visible article).
  const pageDecoder = nodeDecoder(isArticle);
  const months: Record<string, unknown> = {};
  for (const month of stored.months) {
    const tree = new TreeReader(source, monthSpec(keys, month.month));
    const root = await tree.root();
    if (root === null) throw new Error(`${month.month} has no archive tree`);
    const items: Record<string, unknown>[] = [];
    const pages: string[] = [];
    const visit = async (id: string, height: number): Promise<void> => {
      const node = await source.get(keys.archiveNode(month.month, id), pageDecoder);
      if (node === null) throw new Error(`archive node ${month.month}/${id} is missing`);
      if (node.type === "branch") {
        if (node.height !== height) throw new Error(`archive node ${month.month}/${id} has height ${node.height}, expected ${height}`);
        for (const child of node.children) await visit(child.id, height - 1);
        return;
      }
      if (height !== 0) throw new Error(`archive leaf ${month.month}/${id} at height ${height}`);
      if (node.entries.length === 0 || node.entries.length > 100) throw new Error(`archive page ${month.month}/${id} holds ${node.entries.length} items`);
      pages.push(id);
      items.push(...node.entries.map(([, article]) => itemView(article)));
    };
    for (const child of root.children) await visit(child.id, root.height - 1);
    if (pages[0] !== month.newestPage || pages.at(-1) !== month.oldestPage)
      throw new Error(`${month.month}: pages ${pages.join(",")}, the head says ${month.newestPage}..${month.oldestPage}`);
    const keysInOrder = items.map((item) => sortKey(item as unknown as Article));
    if (keysInOrder.some((key, i) => i > 0 && key <= (keysInOrder[i - 1] as string))) throw new Error(`${month.month}: items out of order`);
    if (items.length !== month.total) throw new Error(`${month.month}: total ${month.total}, ${items.length} items`);
    months[month.month] = items;
  }
  snapshot.months = months;

  const records: Record<string, unknown> = {};
  for (const [key, entry] of store.objects) {
    if (!key.startsWith(`${keys.base}articles/`)) continue;
    const decoded = decodeArticleRecord(entry.body);
    if (!decoded.ok) throw new Error(`${key}: ${decoded.reason}`);
    records[decoded.value.article?.id ?? key] = { article: decoded.value.article, claimants: decoded.value.claimants };
  }
  snapshot.records = records;

  const manifest = await new TreeReader(source, manifestSpec(keys)).range(null, null);
  snapshot.manifest = Object.fromEntries(
    manifest.map(([key, entry]: [string, ManifestEntry]) => [key, { etag: entry.etag, id: entry.id, skipped: entry.skipped, pending: entry.pending }]),
  );
  // Reading for the snapshot is not what the test measures.
  store.calls.length = calls;
  return snapshot;
}

/** A store holding the article objects of `store` (not its index), as they are. */
export function articlesOnly(store: MemoryStore, prefix: string): MemoryStore {
  const copy = new MemoryStore();
  const folder = indexKeys(prefix).folder;
  for (const [key, entry] of store.objects) {
    if (key.startsWith(folder)) continue;
    copy.seed(key, entry.body.slice(), { lastModified: entry.lastModified, metadata: entry.metadata });
  }
  return copy;
}
