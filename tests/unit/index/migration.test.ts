/**
 * A bucket indexed by the version 1 layout (one manifest object, one object
 * per month: `tests/fixtures/legacy-index-v1`) upgrades itself: readers keep
 * serving the old index until the new one has walked the whole listing, the
 * new one then equals a fresh build, and the old objects go on the run after.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rebuildIndex } from "../../../src/index/build";
import { reconcile } from "../../../src/index/changes";
import { createIndexReader } from "../../../src/index/reader";
import { INDEX_VERSION, indexKeys } from "../../../src/index/schema";
import { articlesOnly, indexSnapshot } from "./index-snapshot";
import { MemoryStore } from "./memory-store";

const FIXTURE = fileURLToPath(new URL("../../fixtures/legacy-index-v1/", import.meta.url));
const PREFIX = "news/";
const keys = indexKeys(PREFIX);
const NOW = new Date("2024-07-01T12:00:00Z");
/** When the fixture's objects were written (articles without a date take it). */
const WRITTEN = new Date("2024-07-01T00:00:00Z");

/** The fixture bucket in a memory store. */
function legacyBucket(): MemoryStore {
  const store = new MemoryStore();
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else if (name !== "README.md" || prefix !== "") store.seed(`${prefix}${name}`, readFileSync(path), { lastModified: WRITTEN });
    }
  };
  walk(FIXTURE, "");
  return store;
}

const legacyKeys = (store: MemoryStore) => [...store.objects.keys()].filter((key) => key.startsWith(keys.folder) && !key.startsWith(keys.base));

describe("upgrade from the version 1 layout", () => {
  it("serves the old index while the new one is built run by run, then switches and removes the old objects", async () => {
    const store = legacyBucket();
    const legacyCount = legacyKeys(store).length;
    expect(legacyCount).toBeGreaterThan(40);
    const reader = () => createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now: () => NOW.getTime() });
    const before = await reader().head();
    expect(before?.version).toBe(1);
    expect(before?.months.map((m) => [m.month, m.newestPage])).toEqual([
      ["2024-06", ""],
      ["2024-05", ""],
      ["2024-04", ""],
    ]);
    const legacyArchive = await reader().archive("2024-05");
    expect(legacyArchive?.items.length).toBeGreaterThan(0);

    const runs: number[] = [];
    for (;;) {
      const calls = store.calls.length;
      const report = await reconcile(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW, log: () => {} });
      runs.push(store.calls.length - calls);
      if (report.completedPass) break;
      // Until the pass completes, readers see the old index, whole.
      expect((await reader().head())?.version).toBe(1);
      expect(runs.length).toBeLessThan(100);
    }
    expect(Math.max(...runs)).toBeLessThanOrEqual(45);
    expect(runs.length).toBeGreaterThan(1);
    const after = await reader().head();
    expect(after?.version).toBe(INDEX_VERSION);
    expect(after?.items.map((a) => a.id)).toEqual(before?.items.map((a) => a.id));
    expect(after?.catalog).toEqual(before?.catalog);
    expect(after?.months.map((m) => [m.month, m.count])).toEqual(before?.months.map((m) => [m.month, m.count]));
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(await freshSnapshot(store));
    // The old objects stay for the run that switched readers, and go on the next.
    expect(legacyKeys(store)).toHaveLength(legacyCount);
    const next = await reconcile(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW, log: () => {} });
    expect(legacyKeys(store)).toEqual([]);
    expect(next.writes).toBeLessThanOrEqual(2); // one batch delete and the cursor
  });

  it("upgrades in one run of the full build (the command line)", async () => {
    const store = legacyBucket();
    const report = await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    expect(report.listed).toBe(28);
    expect(report.skipped.map((s) => s.key).sort()).toEqual([`${PREFIX}dup-b.txt`, `${PREFIX}empty.txt`]);
    const head = await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0 }).head();
    expect(head?.version).toBe(INDEX_VERSION);
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(await freshSnapshot(store));
  });
});

async function freshSnapshot(store: MemoryStore): Promise<Record<string, unknown>> {
  const fresh = articlesOnly(store, PREFIX);
  await rebuildIndex(fresh, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
  return indexSnapshot(fresh, PREFIX, NOW);
}
