import { describe, expect, it } from "vitest";
import { BoundedCache, Memo } from "../../../src/app/bounded-cache";

const MB = 1024 * 1024;

describe("BoundedCache", () => {
  it("answers a value while it is fresh, then forgets it", () => {
    const cache = new BoundedCache<string>({ maxEntries: 10, maxWeight: MB });
    cache.set("a", "<rss/>", 6, 61_000);
    expect(cache.get("a", 30_000)).toBe("<rss/>");
    expect(cache.get("a", 61_000)).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, weight: 0 });
  });

  it("stays within its weight budget, dropping the oldest entries first", () => {
    const cache = new BoundedCache<number>({ maxEntries: 100, maxWeight: 16 * MB, maxEntryWeight: 2 * MB });
    for (let i = 0; i < 9; i++) cache.set(`doc${i}`, i, 1.9 * MB, 60_000);
    expect(cache.get("doc0", 0)).toBeUndefined();
    expect(cache.get("doc8", 0)).toBe(8);
    expect(cache.size.weight).toBeLessThanOrEqual(16 * MB);
  });

  it("evicts the least recently used entry first, so a stream of one-off entries cannot push out a hot one", () => {
    const cache = new BoundedCache<number>({ maxEntries: 3, maxWeight: MB });
    cache.set("hot", 0, 1, 60_000);
    for (let i = 1; i <= 10; i++) {
      expect(cache.get("hot", 0)).toBe(0);
      cache.set(`once${i}`, i, 1, 60_000);
    }
    expect(cache.get("hot", 0)).toBe(0);
    expect(cache.get("once8", 0)).toBeUndefined();
    expect(cache.get("once10", 0)).toBe(10);
  });

  it("stays within its entry budget", () => {
    const cache = new BoundedCache<number>({ maxEntries: 3, maxWeight: MB });
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 1, 60_000);
    expect(cache.size.entries).toBe(3);
    expect(cache.get("k1", 0)).toBeUndefined();
    expect(cache.get("k4", 0)).toBe(4);
  });

  it("does not keep an entry too heavy to share the budget", () => {
    const cache = new BoundedCache<string>({ maxEntries: 10, maxWeight: 16 * MB, maxEntryWeight: 2 * MB });
    expect(cache.set("huge", "x", 3 * MB, 60_000)).toBe(false);
    expect(cache.get("huge", 0)).toBeUndefined();
  });

  it("re-weighs an entry once its size is known, and evicts it when it turns out too heavy", () => {
    const cache = new BoundedCache<object>({ maxEntries: 10, maxWeight: 10 * MB, maxEntryWeight: 4 * MB });
    const pending = {};
    cache.set("head", pending, 0, 60_000);
    cache.update("head", pending, { weight: 3 * MB });
    expect(cache.size.weight).toBe(3 * MB);
    cache.update("head", pending, { weight: 5 * MB });
    expect(cache.get("head", 0)).toBeUndefined();
    expect(cache.size.weight).toBe(0);
  });

  it("updates and deletes only the value it was given, not a newer one under the same key", () => {
    const cache = new BoundedCache<object>({ maxEntries: 10, maxWeight: MB });
    const older = {};
    const newer = {};
    cache.set("k", older, 1, 60_000);
    cache.set("k", newer, 1, 60_000);
    cache.update("k", older, { expires: 0 });
    cache.delete("k", older);
    expect(cache.get("k", 1)).toBe(newer);
  });

  it("clears the entries under a prefix only", () => {
    const cache = new BoundedCache<number>({ maxEntries: 10, maxWeight: MB });
    cache.set("a|1", 1, 1, 60_000);
    cache.set("a|2", 2, 1, 60_000);
    cache.set("b|1", 3, 1, 60_000);
    cache.clear("a|");
    expect(cache.size.entries).toBe(1);
    expect(cache.get("b|1", 0)).toBe(3);
  });
});

describe("Memo", () => {
  it("computes a result once per input, and empties itself when full", () => {
    const memo = new Memo<number>(2);
    let computed = 0;
    const length = (input: string) =>
      memo.get(input, () => {
        computed++;
        return input.length;
      });
    expect([length("a"), length("bb"), length("a"), length("bb")]).toEqual([1, 2, 1, 2]);
    expect(computed).toBe(2);
    // A third input empties the table: the first two are computed again.
    expect([length("ccc"), length("a")]).toEqual([3, 1]);
    expect(computed).toBe(4);
  });
});
