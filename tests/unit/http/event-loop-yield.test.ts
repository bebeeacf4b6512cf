import { afterEach, describe, expect, it, vi } from "vitest";
import { EVENT_LOOP_YIELD_MS, yieldToEventLoop } from "../../../src/http/event-loop-yield";

describe("yieldToEventLoop", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits for a timer, not only for the microtask queue", async () => {
    vi.useFakeTimers();
    let done = false;
    const pause = yieldToEventLoop().then(() => {
      done = true;
    });
    // Every queued microtask runs; a pause that did not need a timer would be over.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(done).toBe(false);
    vi.advanceTimersByTime(EVENT_LOOP_YIELD_MS);
    await pause;
    expect(done).toBe(true);
  });
});
