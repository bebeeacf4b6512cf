import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError, guardStore } from "../../../src/app/circuit-breaker";
import { StoreError } from "../../../src/store/store";
import { MemoryStore } from "../index/memory-store";

function breaker() {
  const clock = { now: 0 };
  return { clock, breaker: new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000, now: () => clock.now }) };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures, and a success in between starts the count again", () => {
    const { breaker: b } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe("closed");
    expect(b.degraded).toBe(true);
    b.failed();
    expect(b.state).toBe("open");
    expect(b.allow()).toBe(false);
  });

  it("lets exactly one probe through after the cool-down; its success closes, its failure re-opens", () => {
    const { clock, breaker: b } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    clock.now += 9_999;
    expect(b.allow()).toBe(false);
    clock.now += 1;
    expect(b.state).toBe("half-open");
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.failed();
    expect(b.state).toBe("open");
    clock.now += 10_000;
    expect(b.allow()).toBe(true);
    b.succeeded();
    expect(b.state).toBe("closed");
    expect(b.degraded).toBe(false);
    expect(b.allow()).toBe(true);
  });
});

describe("guardStore", () => {
  it("fails fast with a StoreError while open, without calling the store, and counts only store failures", async () => {
    const { breaker: b } = breaker();
    const memory = new MemoryStore();
    memory.seed("a", "x");
    const store = guardStore(memory, b);
    memory.failWhen = () => true;
    for (let i = 0; i < 3; i++) await expect(store.get("a")).rejects.toBeInstanceOf(StoreError);
    expect(memory.count("get")).toBe(3);
    memory.failWhen = null;
    const refused = await store.get("a").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).cause).toBeInstanceOf(CircuitOpenError);
    expect(memory.count("get")).toBe(3);
  });

  it("counts a missing object as a success", async () => {
    const { breaker: b } = breaker();
    const store = guardStore(new MemoryStore(), b);
    b.failed();
    expect(await store.get("nothing")).toBeNull();
    expect(b.degraded).toBe(false);
  });
});
