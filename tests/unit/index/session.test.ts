import { describe, expect, it } from "vitest";
import { BudgetExhausted, type Companion, Session, Tx } from "../../../src/index/session";
import { MemoryStore } from "./memory-store";

const original = "objects/original.json";
const derived = "objects/derived.json";
const companion: Companion = { of: original, key: derived, derive: (value) => ({ of: value }) };

function session(store: MemoryStore, budget = 10): Session {
  return new Session(store, { budget, log: () => {}, companions: [companion] });
}

describe("Session companions", () => {
  it("writes the companion just before its original, and only when the original changes", async () => {
    const store = new MemoryStore();
    const run = session(store);
    await run.commit(new Map([[original, { n: 1 }]]), () => 0);
    expect(store.keysOf("put")).toEqual([derived, original]);
    expect(store.json(derived)).toEqual({ of: { n: 1 } });

    // The same value again: neither is written.
    await run.commit(new Map([[original, { n: 1 }]]), () => 0);
    expect(store.keysOf("put")).toEqual([derived, original]);
    expect(run.writes).toBe(2);
  });

  it("writes neither when the companion's write fails, so the next run writes both again", async () => {
    const store = new MemoryStore();
    store.failWhen = (op, key) => op === "put" && key === derived;
    await expect(session(store).commit(new Map([[original, { n: 1 }]]), () => 0)).rejects.toThrow();
    expect(store.objects.has(original)).toBe(false);

    store.failWhen = null;
    await session(store).commit(new Map([[original, { n: 1 }]]), () => 0);
    expect(store.json(derived)).toEqual({ of: { n: 1 } });
  });

  it("reserves the companion's write in the budget of the transaction that stages its original", async () => {
    const run = session(new MemoryStore(), 3);
    const tx = new Tx(run);
    tx.put("objects/other.json", { n: 1 });
    expect(tx.cost).toBe(1);
    tx.put(original, { n: 1 });
    tx.put(original, { n: 2 });
    expect(tx.cost).toBe(3);
    expect(run.available).toBe(0);
    const before = tx.snapshot();
    tx.delete("objects/third.json");
    tx.restore(before);
    expect(tx.cost).toBe(3);
    // Nothing is left for a read.
    await expect(run.listPage("objects/")).rejects.toBeInstanceOf(BudgetExhausted);
  });
});
