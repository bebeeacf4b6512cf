/**
 * A B+tree stored in the bucket, one object per node: the manifest (object
 * key -> entry), the tails of the collections (sort keys) and the month
 * archives (sort key -> article; the leaves are the archive pages).
 *
 * Why a tree: a sorted set that grows with the archive must still be read
 * and changed an object of bounded size at a time. The root is always a
 * branch (`root.json`), so a lookup reads the root and one leaf until the
 * root itself fills up (hundreds of thousands of entries), and then one
 * node more per level.
 *
 * How it changes: {@link StoredTree.update} applies a batch of puts and
 * deletions leaf by leaf; a leaf over capacity splits, an empty one goes,
 * and the change climbs to the root, which splits into a new level when it
 * overflows. New articles arrive at the newest end of a month (the first
 * leaf), so a first leaf that overflows there keeps its full, older part
 * under its id and hands the newest entries to a new leaf; a new tree is
 * cut the same way (full leaves from the oldest end). Entries appended at
 * the end of the last leaf (a first build in key order) fill leaves to
 * capacity. Other splits halve.
 *
 * Why it survives a run that dies half-way: nodes are written children
 * before parents (by {@link BranchNode.height}) and new nodes before old
 * ones, and no entry that a tree held before an update is ever moved into a
 * node its parent does not know yet. A leaf keeps its id only when it keeps
 * all its surviving entries (only new entries go to new leaves; trees with
 * `copyOnSplit` never keep it); any other split writes every part under a
 * new id and deletes the old leaf after the parent points at the parts. A
 * run that stops anywhere leaves either the old tree, or the new tree
 * without some of the new entries, which the next run of the same change
 * puts in again.
 *
 * Nodes are never modified in place: an update builds new node objects and
 * stages them in the transaction.
 */
import { compareKeys } from "../store/store";
import type { Decoder } from "./codec";
import { type BranchNode, type ChildRef, INDEX_VERSION, type LeafNode, type TreeNode } from "./schema";
import type { Tx } from "./session";

/** Id of every tree's root node. */
export const ROOT_ID = "root";

/** How one tree is stored. */
export interface TreeSpec<V> {
  /** Object key of node `id`. */
  nodeKey(id: string): string;
  /** Most entries in a leaf. */
  leafCapacity: number;
  /** Most children of a branch. */
  branchCapacity: number;
  /** Keep entry counts in branches (the root then knows the tree's size). */
  counted: boolean;
  /**
   * Give every part of a split leaf a new id, even the one that keeps all
   * its old entries: the old leaf stays as it was until its parent points at
   * the parts. The manifest needs this: a run announces its changes in the
   * leaves as they were, and a split must not drop an announcement before
   * the change it announces is reachable.
   */
  copyOnSplit?: boolean;
  /**
   * The first node id a new tree hands out (default 1). A month's tree
   * rebuilt in place starts above every id it may have had before: its
   * leaves are archive pages, and a full page is cached as immutable, so a
   * page id must never name other articles later.
   */
  firstId?: number;
  decode: Decoder<TreeNode<V>>;
}

/** Where nodes are read from: a transaction, or a reader's cache. */
export interface NodeSource {
  get<T>(key: string, decode: Decoder<T>): Promise<T | null>;
}

/** What an update changed. */
export interface TreeUpdate {
  inserted: number;
  removed: number;
  /** Ids of the leaves written (new content or new leaves). */
  leaves: string[];
  /** Ids of the leaves deleted (emptied, or replaced by a split). */
  removedLeaves: string[];
}

const emptyRoot = (firstId = 1): BranchNode => ({ version: INDEX_VERSION, type: "branch", height: 1, children: [], nextId: firstId });

/** Index of the child whose range holds `key`: the last whose `from` is not above it (the first for smaller keys). */
function childIndex(children: readonly ChildRef[], key: string): number {
  let low = 1;
  let high = children.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (compareKeys((children[middle] as ChildRef).from, key) <= 0) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** Index of `key` in sorted entries, or -(insertion point + 1). */
function entryIndex<V>(entries: readonly [string, V][], key: string): number {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = compareKeys((entries[middle] as [string, V])[0], key);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -(low + 1);
}

/** Splits `items` into `Math.ceil(length / capacity)` runs of near-equal length. */
function evenChunks<T>(items: readonly T[], capacity: number): T[][] {
  const count = Math.ceil(items.length / capacity);
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + Math.ceil((items.length - start) / (count - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}

/** Runs of `capacity` from the start, the remainder last. */
function chunksFromStart<T>(items: readonly T[], capacity: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += capacity) chunks.push(items.slice(start, start + capacity));
  return chunks;
}

/** Runs of `capacity` from the end, the remainder first. */
function chunksFromEnd<T>(items: readonly T[], capacity: number): T[][] {
  const chunks: T[][] = [];
  for (let end = items.length; end > 0; end -= capacity) chunks.unshift(items.slice(Math.max(0, end - capacity), end));
  return chunks;
}

function sameChildren(a: readonly ChildRef[], b: readonly ChildRef[]): boolean {
  return a.length === b.length && a.every((child, i) => child.id === b[i]?.id && child.from === b[i]?.from && child.count === b[i]?.count);
}

/** The first child's range is open below: lookups of smaller keys go there. */
function withFirstOpen(children: ChildRef[]): ChildRef[] {
  const first = children[0];
  if (first === undefined || first.from === "") return children;
  return [{ ...first, from: "" }, ...children.slice(1)];
}

/** Where a node lies in the tree, for the split policy. */
interface Edges {
  leftmost: boolean;
  rightmost: boolean;
}

/** One step of a path from the root: a branch and the index of the child taken. */
interface Step {
  node: BranchNode;
  index: number;
}

/** Reading a stored tree. */
export class TreeReader<V> {
  constructor(
    protected readonly source: NodeSource,
    protected readonly spec: TreeSpec<V>,
  ) {}

  /** A node, or null when it is missing or unreadable. */
  protected node(id: string): Promise<TreeNode<V> | null> {
    return this.source.get(this.spec.nodeKey(id), this.spec.decode);
  }

  /** The root, or null for an empty (or unreadable) tree. */
  async root(): Promise<BranchNode | null> {
    const root = await this.node(ROOT_ID);
    return root !== null && root.type === "branch" ? root : null;
  }

  /** The path to the leaf whose range holds `key`, and that leaf; null for an empty tree. */
  private async descend(key: string): Promise<{ path: Step[]; id: string; leaf: LeafNode<V> } | null> {
    const path: Step[] = [];
    let node: TreeNode<V> | null = await this.root();
    let id = ROOT_ID;
    while (node !== null && node.type === "branch") {
      const index = childIndex(node.children, key);
      const child = node.children[index];
      if (child === undefined) return null;
      path.push({ node, index });
      id = child.id;
      node = await this.node(id);
    }
    return node === null || path.length === 0 ? null : { path, id, leaf: node };
  }

  /** The leaf whose range holds `key` and its id, or null for an empty tree. */
  async leafFor(key: string): Promise<{ id: string; leaf: LeafNode<V> } | null> {
    const found = await this.descend(key);
    return found === null ? null : { id: found.id, leaf: found.leaf };
  }

  /** The value under `key`, if any. */
  async lookup(key: string): Promise<V | undefined> {
    const found = await this.descend(key);
    if (found === null) return undefined;
    const index = entryIndex(found.leaf.entries, key);
    return index >= 0 ? (found.leaf.entries[index] as [string, V])[1] : undefined;
  }

  /**
   * The ids of the leaves before and after leaf `id`, found from `key` (one
   * of its entries) through the branches; null when `id` is not where `key`
   * leads.
   */
  async neighbours(id: string, key: string): Promise<{ prev: string | null; next: string | null } | null> {
    const found = await this.descend(key);
    if (found === null || found.id !== id) return null;
    return { prev: await this.beside(found.path, -1), next: await this.beside(found.path, 1) };
  }

  /** The leaf next to the end of `path` in direction `step`: up to the first branch with a sibling, down its near edge. */
  private async beside(path: readonly Step[], step: -1 | 1): Promise<string | null> {
    for (let level = path.length - 1; level >= 0; level--) {
      const { node, index } = path[level] as Step;
      const sibling = node.children[index + step];
      if (sibling === undefined) continue;
      let childId = sibling.id;
      for (let depth = level + 1; depth < path.length; depth++) {
        const below = await this.node(childId);
        if (below === null || below.type !== "branch") return null;
        const edge = step === 1 ? below.children[0] : below.children.at(-1);
        if (edge === undefined) return null;
        childId = edge.id;
      }
      return childId;
    }
    return null;
  }

  /** Entries of a counted tree. */
  async total(): Promise<number> {
    const root = await this.root();
    return root === null ? 0 : root.children.reduce((sum, child) => sum + child.count, 0);
  }

  /** The first `count` entries in key order. */
  async first(count: number): Promise<[string, V][]> {
    const out: [string, V][] = [];
    const visit = async (children: readonly ChildRef[]): Promise<void> => {
      for (const child of children) {
        if (out.length >= count) return;
        const node = await this.node(child.id);
        if (node === null) continue;
        if (node.type === "branch") {
          await visit(node.children);
          continue;
        }
        for (const entry of node.entries) {
          if (out.length >= count) return;
          out.push(entry);
        }
      }
    };
    const root = await this.root();
    if (root !== null) await visit(root.children);
    return out;
  }

  /** Entries with `after < key <= upTo` (null bounds are open), in key order. */
  async range(after: string | null, upTo: string | null): Promise<[string, V][]> {
    const out: [string, V][] = [];
    const inRange = (key: string): boolean => (after === null || compareKeys(key, after) > 0) && (upTo === null || compareKeys(key, upTo) <= 0);
    const visit = async (children: readonly ChildRef[]): Promise<void> => {
      for (let i = 0; i < children.length; i++) {
        const next = children[i + 1];
        // A child holds keys from its `from` up to the next child's `from`.
        if (after !== null && next !== undefined && compareKeys(next.from, after) <= 0) continue;
        if (upTo !== null && i > 0 && compareKeys((children[i] as ChildRef).from, upTo) > 0) break;
        const node = await this.node((children[i] as ChildRef).id);
        if (node === null) continue;
        if (node.type === "branch") await visit(node.children);
        else for (const entry of node.entries) if (inRange(entry[0])) out.push(entry);
      }
    };
    const root = await this.root();
    if (root !== null) await visit(root.children);
    return out;
  }

  /** Ids of the first and the last leaf, or null for an empty tree. */
  async edgeLeaves(): Promise<{ first: string; last: string } | null> {
    const root = await this.root();
    if (root === null || root.children.length === 0) return null;
    const edge = async (pick: (list: readonly ChildRef[]) => ChildRef | undefined): Promise<string | null> => {
      let child = pick(root.children);
      for (let height = root.height; height > 1; height--) {
        if (child === undefined) return null;
        const node = await this.node(child.id);
        if (node === null || node.type !== "branch") return null;
        child = pick(node.children);
      }
      return child?.id ?? null;
    };
    const first = await edge((list) => list[0]);
    const last = await edge((list) => list.at(-1));
    return first === null || last === null ? null : { first, last };
  }
}

/** State of one update: the root being rebuilt and what changed. */
interface UpdateState {
  root: BranchNode;
  result: TreeUpdate;
}

/** Reading and changing a stored tree within a transaction. */
export class StoredTree<V> extends TreeReader<V> {
  constructor(
    private readonly tx: Tx,
    spec: TreeSpec<V>,
  ) {
    super(tx, spec);
  }

  /**
   * Applies `changes` (key -> new value, or null to delete). Deleting an
   * absent key or putting an equal value changes nothing.
   */
  async update(changes: ReadonlyMap<string, V | null>): Promise<TreeUpdate> {
    const result: TreeUpdate = { inserted: 0, removed: 0, leaves: [], removedLeaves: [] };
    if (changes.size === 0) return result;
    const sorted = [...changes].sort((a, b) => compareKeys(a[0], b[0]));
    const stored = await this.root();
    const state: UpdateState = { root: stored ?? emptyRoot(this.spec.firstId), result };

    let children: ChildRef[];
    let height = state.root.height;
    if (state.root.children.length === 0) {
      const puts = sorted.filter(([, value]) => value !== null);
      if (puts.length === 0) return result;
      height = 1;
      children = await this.applyLeaf(null, null, puts, { leftmost: true, rightmost: true }, "", state);
    } else {
      children = await this.applyChildren(state.root.children, height, sorted, { leftmost: true, rightmost: true }, state);
    }
    // A root over capacity becomes a new level: its children move into new branches.
    while (children.length > this.spec.branchCapacity) {
      const chunks = evenChunks(children, this.spec.branchCapacity);
      const below = height;
      children = chunks.map((chunk, i) => {
        const id = this.allocate(state);
        this.tx.put(this.spec.nodeKey(id), {
          version: INDEX_VERSION,
          type: "branch",
          height: below,
          children: withFirstOpen(chunk),
          nextId: 0,
        } satisfies BranchNode);
        return { from: i === 0 ? "" : (chunk[0] as ChildRef).from, id, count: this.sum(chunk) };
      });
      height++;
    }
    if (children.length === 0) {
      if (stored !== null) this.tx.delete(this.spec.nodeKey(ROOT_ID));
    } else if (stored === null || !sameChildren(stored.children, children) || stored.nextId !== state.root.nextId || stored.height !== height) {
      this.tx.put(this.spec.nodeKey(ROOT_ID), { ...state.root, height, children });
    }
    return result;
  }

  /** A fresh node id (the root keeps the counter). */
  private allocate(state: UpdateState): string {
    const id = String(state.root.nextId);
    state.root = { ...state.root, nextId: state.root.nextId + 1 };
    return id;
  }

  private sum(children: readonly ChildRef[]): number {
    return this.spec.counted ? children.reduce((total, child) => total + child.count, 0) : 0;
  }

  /** Applies sorted changes below `children` (of a branch of `height`); returns the new list of children. */
  private async applyChildren(
    children: readonly ChildRef[],
    height: number,
    changes: [string, V | null][],
    edges: Edges,
    state: UpdateState,
  ): Promise<ChildRef[]> {
    // Which changes fall in which child.
    const groups = new Map<number, [string, V | null][]>();
    for (const change of changes) {
      const index = childIndex(children, change[0]);
      const group = groups.get(index);
      if (group) group.push(change);
      else groups.set(index, [change]);
    }
    const out: ChildRef[] = [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as ChildRef;
      const group = groups.get(i);
      if (group === undefined) {
        out.push(child);
        continue;
      }
      const childEdges = { leftmost: edges.leftmost && i === 0, rightmost: edges.rightmost && i === children.length - 1 };
      const node = await this.node(child.id);
      if (height > 1 && node !== null && node.type === "branch") {
        out.push(...(await this.applyBranch(child.id, node, group, childEdges, child.from, state)));
      } else {
        // A missing leaf is rebuilt from the changes alone (what it held is lost either way).
        out.push(...(await this.applyLeaf(child.id, node !== null && node.type === "leaf" ? node : null, group, childEdges, child.from, state)));
      }
    }
    return withFirstOpen(out);
  }

  private async applyBranch(id: string, node: BranchNode, changes: [string, V | null][], edges: Edges, from: string, state: UpdateState): Promise<ChildRef[]> {
    const children = await this.applyChildren(node.children, node.height, changes, edges, state);
    const key = this.spec.nodeKey(id);
    if (children.length === 0) {
      this.tx.delete(key);
      return [];
    }
    if (children.length <= this.spec.branchCapacity) {
      if (!sameChildren(node.children, children)) this.tx.put(key, { ...node, children: withFirstOpen(children) });
      return [{ from, id, count: this.sum(children) }];
    }
    // Children move between branches: every part gets a new id (see the module comment).
    this.tx.delete(key);
    return evenChunks(children, this.spec.branchCapacity).map((chunk, i) => {
      const chunkId = this.allocate(state);
      this.tx.put(this.spec.nodeKey(chunkId), {
        version: INDEX_VERSION,
        type: "branch",
        height: node.height,
        children: withFirstOpen(chunk),
        nextId: 0,
      } satisfies BranchNode);
      return { from: i === 0 ? from : (chunk[0] as ChildRef).from, id: chunkId, count: this.sum(chunk) };
    });
  }

  /** Applies sorted changes to one leaf (`id` null: a leaf to create); returns what replaces it in its parent. */
  private async applyLeaf(
    id: string | null,
    leaf: LeafNode<V> | null,
    changes: [string, V | null][],
    edges: Edges,
    from: string,
    state: UpdateState,
  ): Promise<ChildRef[]> {
    const old = leaf?.entries ?? [];
    const merged: [string, V][] = [];
    /** Entries of the old leaf that stay (possibly with a new value). */
    const surviving = new Set<string>();
    let changed = false;
    let frontOnly = true;
    let backOnly = true;
    let o = 0;
    for (const [key, value] of changes) {
      while (o < old.length && compareKeys((old[o] as [string, V])[0], key) < 0) {
        surviving.add((old[o] as [string, V])[0]);
        merged.push(old[o++] as [string, V]);
      }
      const exists = o < old.length && (old[o] as [string, V])[0] === key;
      if (value === null) {
        if (exists) {
          o++;
          changed = true;
          state.result.removed++;
        }
        continue;
      }
      if (exists) {
        const current = (old[o++] as [string, V])[1];
        if (JSON.stringify(current) !== JSON.stringify(value)) changed = true;
        surviving.add(key);
        merged.push([key, value]);
        continue;
      }
      merged.push([key, value]);
      changed = true;
      state.result.inserted++;
      if (o > 0) frontOnly = false;
      if (o < old.length) backOnly = false;
    }
    while (o < old.length) {
      surviving.add((old[o] as [string, V])[0]);
      merged.push(old[o++] as [string, V]);
    }

    const count = (entries: readonly unknown[]): number => (this.spec.counted ? entries.length : 0);
    if (!changed && id !== null && leaf !== null) return [{ from, id, count: count(merged) }];
    if (merged.length === 0) {
      if (id !== null && leaf !== null) {
        this.tx.delete(this.spec.nodeKey(id));
        state.result.removedLeaves.push(id);
      }
      return [];
    }

    const capacity = this.spec.leafCapacity;
    let chunks: [string, V][][];
    let keeper: number;
    if (merged.length <= capacity) {
      chunks = [merged];
      keeper = 0;
    } else if (old.length === 0 || (frontOnly && edges.leftmost)) {
      // New entries at the newest end (or a new tree): the older leaves come out full.
      chunks = chunksFromEnd(merged, capacity);
      keeper = chunks.length - 1;
    } else if (backOnly && edges.rightmost) {
      chunks = chunksFromStart(merged, capacity);
      keeper = 0;
    } else {
      chunks = evenChunks(merged, capacity);
      keeper = 0;
    }
    // The leaf keeps its id only if it keeps every entry it had (see the module comment).
    const keeps =
      id !== null && (chunks.length === 1 || !this.spec.copyOnSplit) && [...surviving].every((key) => entryIndex(chunks[keeper] as [string, V][], key) >= 0);
    if (id !== null && leaf !== null && !keeps) {
      this.tx.delete(this.spec.nodeKey(id));
      state.result.removedLeaves.push(id);
    }
    const ids = chunks.map((_, i) => (keeps && i === keeper ? (id as string) : this.allocate(state)));
    chunks.forEach((chunk, i) => {
      const node: LeafNode<V> = { version: INDEX_VERSION, type: "leaf", entries: chunk };
      this.tx.put(this.spec.nodeKey(ids[i] as string), node);
      state.result.leaves.push(ids[i] as string);
    });
    return chunks.map((chunk, i) => ({
      from: i === 0 ? from : (chunk[0] as [string, V])[0],
      id: ids[i] as string,
      count: count(chunk),
    }));
  }
}
