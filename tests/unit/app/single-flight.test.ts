import { describe, expect, it } from "vitest";
import { SingleFlight } from "../../../src/app/single-flight";

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe("SingleFlight", () => {
  it("runs one piece of work per key for concurrent callers", async () => {
    const flights = new SingleFlight();
    const work = deferred<string>();
    let started = 0;
    const run = () =>
      flights.run("feed", () => {
        started++;
        return work.promise;
      });
    const first = run();
    const second = run();
    const third = run();
    expect(started).toBe(1);
    expect([first.leader, second.leader, third.leader]).toEqual([true, false, false]);
    work.resolve("<rss/>");
    expect(await Promise.all([first.promise, second.promise, third.promise])).toEqual(["<rss/>", "<rss/>", "<rss/>"]);
  });

  it("keeps keys apart", () => {
    const flights = new SingleFlight();
    const a = flights.run("a", () => deferred<number>().promise);
    const b = flights.run("b", () => deferred<number>().promise);
    expect([a.leader, b.leader]).toEqual([true, true]);
    expect(flights.size).toBe(2);
  });

  it("forgets settled work, so that a failure is not handed to later callers", async () => {
    const flights = new SingleFlight();
    const failing = deferred<string>();
    const first = flights.run("feed", () => failing.promise);
    const joined = flights.run("feed", () => Promise.resolve("never started"));
    failing.reject(new Error("store down"));
    await expect(first.promise).rejects.toThrow("store down");
    await expect(joined.promise).rejects.toThrow("store down");
    expect(flights.size).toBe(0);
    const again = flights.run("feed", () => Promise.resolve("<rss/>"));
    expect(again.leader).toBe(true);
    expect(await again.promise).toBe("<rss/>");
  });
});
