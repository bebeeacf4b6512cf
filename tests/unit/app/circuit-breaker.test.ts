import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError, guardStore } from "../../../src/app/circuit-breaker";
import { type ArticleStore, StoreError } from "../../../src/store/store";
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

describe("congestion is not an outage", () => {
  it("does not count a failure during which another call succeeded", () => {
    const { breaker: b } = breaker();
    const calls = Array.from({ length: 5 }, () => b.begin());
    b.succeeded(); // one of the five was answered...
    for (const started of calls) b.failed(started); // ...the other four timed out behind it
    expect(b.state).toBe("closed");
    // Failures with no answer in between still open it.
    for (let i = 0; i < 3; i++) b.failed(b.begin());
    expect(b.state).toBe("open");
  });

  it("counts the failed probe of a half-open circuit whatever happened before", () => {
    const { clock, breaker: b } = breaker();
    const early = b.begin();
    b.succeeded();
    for (let i = 0; i < 3; i++) b.failed(b.begin());
    clock.now += 10_000;
    expect(b.allow()).toBe(true);
    b.failed(early);
    expect(b.state).toBe("open");
  });
});

describe("guardStore under congestion", () => {
  /** A store whose reads of "slow" fail (as a timeout would) only after a read of "fast" was answered. */
  function congestedStore(failures: number) {
    const memory = new MemoryStore();
    memory.seed("slow", "x");
    memory.seed("fast", "y");
    let answered: () => void = () => {};
    const fastAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let left = failures;
    const store: ArticleStore = {
      list: (prefix, options) => memory.list(prefix, options),
      listPage: (prefix, options) => memory.listPage(prefix, options),
      put: (key, body, options) => memory.put(key, body, options),
      delete: (key) => memory.delete(key),
      deleteMany: (keys) => memory.deleteMany(keys),
      async get(key) {
        if (key === "fast") {
          const object = await memory.get(key);
          answered();
          return object;
        }
        if (left-- > 0) {
          await fastAnswered;
          throw new StoreError("get", key, { cause: new Error("timed out") });
        }
        return memory.get(key);
      },
    };
    return { memory, store };
  }

  it("tries once more a call that failed while another call succeeded", async () => {
    const { breaker: b } = breaker();
    const { memory, store } = congestedStore(1);
    const guarded = guardStore(store, b);
    const [slow, fast] = await Promise.all([guarded.get("slow"), guarded.get("fast")]);
    expect(new TextDecoder().decode(slow?.body)).toBe("x");
    expect(new TextDecoder().decode(fast?.body)).toBe("y");
    expect(memory.count("get")).toBe(2); // "fast", then "slow" on its second try
    expect(b.state).toBe("closed");
    expect(b.degraded).toBe(false);
  });

  it("tries it once more only: a call that keeps failing reaches the caller", async () => {
    const { breaker: b } = breaker();
    const { store } = congestedStore(2);
    const guarded = guardStore(store, b);
    const [slow] = await Promise.all([guarded.get("slow").catch((error: unknown) => error), guarded.get("fast")]);
    expect(slow).toBeInstanceOf(StoreError);
  });

  it("retries nothing while the store fails for every call", async () => {
    const { breaker: b } = breaker();
    const memory = new MemoryStore();
    memory.seed("a", "x");
    const store = guardStore(memory, b);
    memory.failWhen = () => true;
    await expect(store.get("a")).rejects.toBeInstanceOf(StoreError);
    expect(memory.count("get")).toBe(1);
  });
});
