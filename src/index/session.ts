/**
 * Store access of one index run, within a budget of subrequests.
 *
 * A Worker invocation may make only so many subrequests (50 on the free
 * plan), and every GET, PUT, DELETE and listing page is one. A
 * {@link Session} counts them, refuses the one that would pass the budget
 * (with {@link BudgetExhausted}), and reads each object at most once: index
 * objects are kept decoded for the rest of the run.
 *
 * Changes are staged in a {@link Tx}: an overlay of new object values that a
 * run builds key by key and writes only at the end, in {@link Session.commit}.
 * Its pending writes count against the budget before they are made, so a run
 * stops taking keys while it can still write what it did; and because the
 * overlay is a map of immutable values, undoing the last key is restoring a
 * copy of the map.
 */
import { mapLimit } from "../store/concurrency";
import type { ArticleStore, ListPage, ListPageOptions, PutOptions, StoredObject } from "../store/store";
import type { Decoder } from "./codec";
import { UnreadableIndexError } from "./errors";

/** Thrown when one more request would pass the run's budget. */
export class BudgetExhausted extends Error {
  constructor() {
    super("subrequest budget exhausted");
    this.name = "BudgetExhausted";
  }
}

/** Options of a {@link Session}. */
export interface SessionOptions {
  /** Subrequests the run may make; `Infinity` for the command line. */
  budget: number;
  log: (message: string) => void;
  /** Requests in flight at once when the run reads or writes several objects (default 8). */
  concurrency?: number;
  /** Decoded index objects kept at most (the command line's full build evicts the oldest; default 20,000). */
  maxKnown?: number;
  /** Objects derived from another and written with it (the head's summary). */
  companions?: readonly Companion[];
}

/**
 * An object derived from the one at `of` and written at `key` just before
 * each write of it that changes it: never older than what it is derived from
 * (if the first write fails, neither is written; if the second fails, the
 * next run writes both again, since the stored original still differs).
 */
export interface Companion {
  of: string;
  key: string;
  derive(value: unknown): unknown;
}

/** What the session knows of one stored object. */
interface Known {
  value: unknown;
  /** The stored text; null when there is no object. A write of the same text is skipped. */
  text: string | null;
}

const JSON_OBJECT: PutOptions = { contentType: "application/json; charset=utf-8" };
const UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/** A write the commit could not make, when the caller asked to isolate such failures. */
export interface FailedWrite {
  key: string;
  error: unknown;
}

/** Store access of one run. */
export class Session {
  readonly budget: number;
  /** Requests made so far: reads (gets and listing pages) and writes (puts and deletes). */
  reads = 0;
  writes = 0;
  /** Keys of index objects this run wrote or deleted (after skipping unchanged ones). */
  readonly changed: string[] = [];
  /** Writes the open transaction would make: reserved in the budget. */
  reserved = 0;
  /** Requests kept back for the end of the run (saving its cursor): never spent on reads or transactions. */
  holdBack = 0;
  /**
   * Keys below this prefix are known to be absent unless this run wrote them:
   * set when the run starts a brand-new index, so that it reads none of them.
   */
  freshPrefix: string | null = null;

  private readonly known = new Map<string, Known>();
  private readonly written = new Set<string>();
  private readonly raws = new Map<string, Promise<StoredObject | null>>();
  private readonly log: (message: string) => void;
  private readonly concurrency: number;
  private readonly maxKnown: number;
  private readonly companions: ReadonlyMap<string, Companion>;

  constructor(
    private readonly store: ArticleStore,
    options: SessionOptions,
  ) {
    this.budget = options.budget;
    this.log = options.log;
    this.concurrency = options.concurrency ?? 8;
    this.maxKnown = options.maxKnown ?? 20_000;
    this.companions = new Map((options.companions ?? []).map((companion) => [companion.of, companion]));
  }

  /** True when writing `key` writes a companion too (one request more). */
  hasCompanion(key: string): boolean {
    return this.companions.has(key);
  }

  /** Requests made so far. */
  get requests(): number {
    return this.reads + this.writes;
  }

  /** Requests the run may still make, pending writes of the open transaction deducted. */
  get available(): number {
    return this.budget - this.requests - this.reserved - this.holdBack;
  }

  private spend(kind: "reads" | "writes", reservedAlready = false): void {
    if (!reservedAlready && this.available < 1) throw new BudgetExhausted();
    this[kind] += 1;
  }

  /** One page of a listing (one request). */
  async listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    this.spend("reads");
    return this.store.listPage(prefix, options);
  }

  /**
   * From now on, treats the objects below `prefix` as absent unless this run
   * writes them (a rebuild in place), forgetting what it read of them except
   * the keys in `keep`.
   */
  startFresh(prefix: string, keep: readonly string[] = []): void {
    this.freshPrefix = prefix;
    for (const key of [...this.known.keys()]) if (key.startsWith(prefix) && !keep.includes(key)) this.known.delete(key);
  }

  /** Takes `value` as the current content of `key` without reading it; the store is assumed not to hold it, so it will be written. */
  assume(key: string, value: unknown): void {
    this.remember(key, { value, text: null });
  }

  /** True when this run wrote or deleted `key`. */
  wrote(key: string): boolean {
    return this.written.has(key);
  }

  /** True when `key` is known to be absent without asking the store. */
  private knownAbsent(key: string): boolean {
    return this.freshPrefix !== null && key.startsWith(this.freshPrefix) && !this.written.has(key);
  }

  /**
   * An index object, decoded; null when there is none. Read once per run;
   * later calls answer from memory.
   * @throws {UnreadableIndexError} when it cannot be decoded, unless
   *   `tolerant` (then it reads as none; the caller decides what that means).
   */
  async read<T>(key: string, decode: Decoder<T>, tolerant = false): Promise<T | null> {
    const value = await this.readKnown(key, decode);
    if (value !== null || tolerant) return value as T | null;
    const text = this.known.get(key)?.text;
    if (typeof text === "string") {
      const decoded = decode(text);
      throw new UnreadableIndexError(key, decoded.ok ? "not what this key holds" : decoded.reason);
    }
    return null;
  }

  private async readKnown<T>(key: string, decode: Decoder<T>): Promise<T | null> {
    const known = this.known.get(key);
    if (known !== undefined) return known.value as T | null;
    if (this.knownAbsent(key)) return null;
    this.spend("reads");
    const object = await this.store.get(key);
    let entry: Known;
    if (object === null) {
      entry = { value: null, text: null };
    } else {
      const text = UTF8.decode(object.body);
      const decoded = decode(text);
      if (!decoded.ok) this.log(`index: cannot read ${key}: ${decoded.reason}`);
      entry = { value: decoded.ok ? decoded.value : null, text };
    }
    this.remember(key, entry);
    return entry.value as T | null;
  }

  private remember(key: string, entry: Known): void {
    this.known.delete(key);
    this.known.set(key, entry);
    while (this.known.size > this.maxKnown) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
  }

  /** A raw article object (read once per batch; see {@link forgetRaw}). */
  raw(key: string): Promise<StoredObject | null> {
    let pending = this.raws.get(key);
    if (pending === undefined) {
      this.spend("reads");
      pending = this.store.get(key);
      this.raws.set(key, pending);
      // A failed read is not remembered: the caller decides whether to retry.
      pending.catch(() => this.raws.delete(key));
    }
    return pending;
  }

  /** Reads several raw article objects at once, as far as the budget allows. */
  async prefetchRaw(keys: readonly string[]): Promise<void> {
    const wanted = keys.filter((key) => !this.raws.has(key)).slice(0, Math.max(0, this.available));
    await mapLimit(wanted, this.concurrency, async (key) => {
      await this.raw(key);
    });
  }

  /** Forgets raw article objects read so far (a long run keeps no article bodies it is done with). */
  forgetRaw(): void {
    this.raws.clear();
  }

  /**
   * Writes `value` (null: deletes) unless the store already holds exactly
   * that. Returns true when a request was made.
   */
  private async write(key: string, value: unknown): Promise<boolean> {
    const known = this.known.get(key);
    if (value === null) {
      if ((known !== undefined && known.text === null) || this.knownAbsent(key)) return false;
      this.spend("writes", true);
      await this.store.delete(key);
      this.remember(key, { value: null, text: null });
    } else {
      const text = JSON.stringify(value);
      if (known !== undefined && known.text === text) return false;
      const companion = this.companions.get(key);
      if (companion !== undefined) await this.write(companion.key, companion.derive(value));
      this.spend("writes", true);
      await this.store.put(key, text, JSON_OBJECT);
      this.remember(key, { value, text });
    }
    this.written.add(key);
    this.changed.push(key);
    return true;
  }

  /**
   * Writes a transaction's objects (null values: deletions) in the order
   * `phaseOf` gives (lowest first; objects of one phase at once). A failed
   * write rejects, except in the phase `isolatedPhase`: there every write is
   * attempted, and when some fail the commit stops after that phase and
   * returns them, so the caller can redo its work without what they belong to.
   */
  async commit(
    writes: ReadonlyMap<string, unknown>,
    phaseOf: (key: string, value: unknown) => number,
    isolatedPhase: number | null = null,
  ): Promise<FailedWrite[]> {
    const phases = new Map<number, string[]>();
    for (const [key, value] of writes) {
      const phase = phaseOf(key, value);
      const list = phases.get(phase);
      if (list) list.push(key);
      else phases.set(phase, [key]);
    }
    for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
      const keys = phases.get(phase) ?? [];
      if (phase === isolatedPhase) {
        const failed: FailedWrite[] = [];
        await mapLimit(keys, this.concurrency, async (key) => {
          try {
            await this.write(key, writes.get(key));
          } catch (error) {
            failed.push({ key, error });
          }
        });
        if (failed.length > 0) return failed;
      } else {
        await mapLimit(keys, this.concurrency, async (key) => {
          await this.write(key, writes.get(key));
        });
      }
    }
    return [];
  }

  /** The text stored under `key` as this run last saw it (null: none; undefined: not seen). */
  storedText(key: string): string | null | undefined {
    return this.known.get(key)?.text;
  }

  /** True when this run saw an object under `key` in the store (read it or wrote it). */
  holds(key: string): boolean {
    const known = this.known.get(key);
    return known !== undefined && known.text !== null;
  }

  /** Deletes keys in batches of up to 1,000 (one request each); only for objects no reader needs any more. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    this.spend("writes");
    await this.store.deleteMany(keys);
    for (const key of keys) this.remember(key, { value: null, text: null });
  }
}

/**
 * The changes of one batch of keys, not yet written: reads go through it
 * (seeing its own writes), writes stay in it until the session commits it.
 * Values are never modified in place (callers build new objects), so a
 * snapshot is a shallow copy of the overlay.
 */
export class Tx {
  private overlay = new Map<string, unknown>();
  /** Writes reserved beyond the overlay (announcements written before it, see `changes.ts`). */
  private extra = 0;
  /** Staged keys whose write writes a companion too. */
  private companions = 0;

  constructor(readonly session: Session) {}

  /** The object as this transaction sees it. */
  async get<T>(key: string, decode: Decoder<T>): Promise<T | null> {
    if (this.overlay.has(key)) return this.overlay.get(key) as T | null;
    return this.session.read(key, decode);
  }

  /** True when this transaction wrote or deleted `key`. */
  touched(key: string): boolean {
    return this.overlay.has(key);
  }

  put(key: string, value: unknown): void {
    this.stage(key, value);
  }

  delete(key: string): void {
    this.stage(key, null);
  }

  private stage(key: string, value: unknown): void {
    if (!this.overlay.has(key) && this.session.hasCompanion(key)) this.companions += 1;
    this.overlay.set(key, value);
    this.reserve();
  }

  /** Reserves `count` more writes made outside the overlay. */
  reserveExtra(count: number): void {
    this.extra += count;
    this.reserve();
  }

  private reserve(): void {
    this.session.reserved = this.cost;
  }

  /** Writes this transaction would make at most (unchanged objects are skipped when committing). */
  get cost(): number {
    return this.overlay.size + this.companions + this.extra;
  }

  /** The staged writes (null values are deletions). */
  get writes(): ReadonlyMap<string, unknown> {
    return this.overlay;
  }

  snapshot(): TxSnapshot {
    return { overlay: new Map(this.overlay), extra: this.extra, companions: this.companions };
  }

  restore(snapshot: TxSnapshot): void {
    this.overlay = new Map(snapshot.overlay);
    this.extra = snapshot.extra;
    this.companions = snapshot.companions;
    this.reserve();
  }

  /** Ends the transaction: its reservation is released. */
  close(): void {
    this.session.reserved = 0;
  }
}

/** A copy of a transaction's state, to undo what came after it. */
export interface TxSnapshot {
  overlay: Map<string, unknown>;
  extra: number;
  companions: number;
}
