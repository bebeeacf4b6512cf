/**
 * The two kinds of cache an isolate keeps. {@link BoundedCache}: entries
 * with an expiry time, bounded both by count and by an estimate of the
 * memory they hold. {@link Memo}: results of a pure function by input.
 *
 * A Worker isolate has 128 MB in all. Bounding by stored bytes alone is not
 * enough: a parsed JSON object takes several times its serialized size, so
 * callers pass the weight of what they keep (see {@link parsedWeight}).
 * Eviction is least recently used first: a hit moves its entry to the end
 * of the Map's iteration order. Inserted-first eviction would drop the hot
 * documents (the main feeds, inserted once and read thousands of times)
 * first whenever a stream of one-off URLs (random `?limit=`, crawlers) fills
 * the cache; measured under load, warm requests then fell through to the
 * edge cache.
 */

/** Limits of one {@link BoundedCache}. */
export interface CacheBounds {
  /** Most entries kept at once. */
  maxEntries: number;
  /** Most total weight (estimated bytes of memory) kept at once. */
  maxWeight: number;
  /** An entry heavier than this is never kept (one huge document must not evict everything else). */
  maxEntryWeight?: number;
}

interface Entry<V> {
  value: V;
  weight: number;
  expires: number;
}

/** Expiring values bounded by count and estimated memory. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private totalWeight = 0;

  constructor(private readonly bounds: CacheBounds) {}

  /** The value under `key` while it has not expired at `now` (milliseconds). */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now) {
      this.delete(key);
      return undefined;
    }
    // Most recently used last: eviction starts at the other end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` under `key` until `expires` (milliseconds); returns false when it is too heavy to keep. */
  set(key: string, value: V, weight: number, expires: number): boolean {
    this.delete(key);
    if (weight > (this.bounds.maxEntryWeight ?? this.bounds.maxWeight)) return false;
    this.entries.set(key, { value, weight, expires });
    this.totalWeight += weight;
    this.evict();
    return this.entries.has(key);
  }

  /** Changes the weight or expiry of a kept entry (e.g. once a pending read has settled). */
  update(key: string, value: V, change: { weight?: number; expires?: number }): void {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.value !== value) return;
    if (change.expires !== undefined) entry.expires = change.expires;
    if (change.weight !== undefined) {
      this.totalWeight += change.weight - entry.weight;
      entry.weight = change.weight;
      if (entry.weight > (this.bounds.maxEntryWeight ?? this.bounds.maxWeight)) this.delete(key);
      this.evict();
    }
  }

  /** When the entry under `key` expires (milliseconds), or undefined when there is none. */
  expiry(key: string): number | undefined {
    return this.entries.get(key)?.expires;
  }

  /**
   * Puts `value` in place of `expected` under `key`, but only while the entry
   * still holds `expected`: a late result never overwrites what was cleared
   * or replaced after it started. Returns whether it was put.
   */
  replace(key: string, expected: V, value: V, weight: number, expires: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.value !== expected) return false;
    return this.set(key, value, weight, expires);
  }

  /** Forgets `key`, but only while it still holds `value` when one is given. */
  delete(key: string, value?: V): void {
    const entry = this.entries.get(key);
    if (entry === undefined || (value !== undefined && entry.value !== value)) return;
    this.totalWeight -= entry.weight;
    this.entries.delete(key);
  }

  /** Forgets every entry whose key starts with `prefix` (all when empty). */
  clear(prefix = ""): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  /** The keys held now, expired or not (for diagnostics and tests). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Number of entries and their total weight, for tests and the benchmark. */
  get size(): { entries: number; weight: number } {
    return { entries: this.entries.size, weight: this.totalWeight };
  }

  private evict(): void {
    while (this.entries.size > this.bounds.maxEntries || this.totalWeight > this.bounds.maxWeight) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }
}

/**
 * Estimated memory of a JSON document once parsed, from its serialized size.
 * V8 keeps strings of one-byte text at about their length, but every object,
 * array and property adds headers and pointers. Measured in workerd (the
 * isolate's heap after a forced collection), the 21 topic windows of a
 * 10,000-article bucket, 7.5 MB of JSON, took 11.7 MB parsed: about 1.5 times.
 * Objects of many small records carry relatively more headers, hence twice.
 * An estimate well above the truth is costly too: the cache then holds too few
 * of the windows a busy isolate serves, and requests wait on store reads.
 */
export function parsedWeight(jsonBytes: number): number {
  return jsonBytes * 2;
}

/**
 * Results of a pure function by their input (a string), at most `maxEntries`
 * of them. A result never goes stale, so a full table is simply emptied: a
 * hit costs one Map lookup and no bookkeeping, which matters on the paths
 * that answer in microseconds.
 */
export class Memo<V> {
  private readonly results = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  /** The result for `input`, computed by `compute` the first time. */
  get(input: string, compute: () => V): V {
    let result = this.results.get(input);
    if (result === undefined) {
      result = compute();
      if (this.results.size >= this.maxEntries) this.results.clear();
      this.results.set(input, result);
    }
    return result;
  }
}
