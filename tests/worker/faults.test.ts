/**
 * Store faults through the fault-injecting proxy: down, slow, hang,
 * connection reset, HTTP 500 and truncated bodies. For every fault, URLs
 * with a last good copy (of the document or of the index objects it needs)
 * answer 200 from it and others 503 with Retry-After:
 * never a 500, never a stack trace, an SDK message, the endpoint or a
 * secret. While the store hangs, the 503 goes out within 2 s and, once the
 * store is known to be failing, stale copies without waiting for it (see
 * {@link NO_WAIT_MS}). After the fault,
 * the next index run succeeds and every URL answers fresh again.
 */
import { describe, expect, it } from "vitest";
import { BREAKER_POLICY } from "../../src/app/application";
import { type FaultMode, NO_WAIT_MS } from "../support/faults";
import { SCENARIO_TOKEN, type Scenario, scenario } from "../support/scenario";
import { runScheduled, timedCall } from "../support/worker";

/** Requested before the fault: each has a last good copy. */
const WARM = ["/rss.xml", "/atom.xml", "/feed.json", "/", "/opml.xml", "/tags/hafen/rss.xml", "/archive/2025-06/atom.xml", "/articles/meldung-002"];
/** Never requested before the fault, but every index object they need was read: rendered from the last good objects. */
const KNOWN = ["/rss.xml?limit=3", "/tags/hafen/feed.json"];
/** Never requested before the fault, and they need an index object never read. */
const COLD = ["/tags/bahn/atom.xml", "/archive/2025-05/feed.json", "/authors/erika-muster/feed.json"];
const UNCACHED = [...KNOWN, ...COLD];

const LEAKS = [SCENARIO_TOKEN, "127.0.0.1", "at async", "    at ", "InternalError", "Network connection lost", "TimeoutError", "S3RVER", "AbortError"];

async function assertNoLeak(response: Response, path: string): Promise<void> {
  const text = await response.clone().text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  for (const leak of LEAKS) expect(text + headers, `${path} leaks ${leak}`).not.toContain(leak);
}

/** A scenario behind the proxy whose WARM URLs have last good copies and no fresh ones. */
async function warmed(name: string): Promise<Scenario> {
  const world = await scenario(name, { viaProxy: true });
  for (const path of WARM) {
    const { response, settled } = await timedCall(path, {}, world.env, world.worker);
    expect(response.status, path).toBe(200);
    await settled; // the copies are written in the background
  }
  await world.expire(WARM);
  world.clock.advance(61_000); // memory copies (INDEX_TTL=60) are gone too
  return world;
}

/** Requests every URL once; returns the responses with their timings, after background work settled. */
async function requestAll(world: Scenario) {
  const results: { path: string; status: number; ms: number; cache: string; retryAfter: string | null }[] = [];
  const settled: Promise<void>[] = [];
  for (const path of [...WARM, ...UNCACHED]) {
    const { response, ms, settled: done } = await timedCall(path, {}, world.env, world.worker);
    settled.push(done);
    await assertNoLeak(response, path);
    const cache = /cache;desc="(\w+)"/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? "";
    results.push({ path, status: response.status, ms, cache, retryAfter: response.headers.get("Retry-After") });
    await response.arrayBuffer();
  }
  await Promise.all(settled);
  return results;
}

function expectStaleOr503(results: Awaited<ReturnType<typeof requestAll>>): void {
  for (const result of results) {
    if (!COLD.includes(result.path)) {
      expect(result, result.path).toMatchObject({ status: 200, cache: "stale" });
    } else {
      expect(result.status, result.path).toBe(503);
      expect(Number(result.retryAfter), result.path).toBeGreaterThan(0);
    }
  }
}

async function recovers(world: Scenario): Promise<void> {
  await world.channel?.set("pass");
  world.clock.advance(BREAKER_POLICY.coolDownMs);
  // The next run (cron) succeeds ...
  await runScheduled(world.env, world.worker);
  // ... and after the half-open probe every URL is fresh again.
  for (const path of [...WARM, ...UNCACHED]) {
    const { response, settled } = await timedCall(path, {}, world.env, world.worker);
    expect(response.status, path).toBe(200);
    await response.arrayBuffer();
    await settled;
  }
}

function expectCleanLog(world: Scenario): void {
  for (const line of world.lines) {
    // The admin token and the store's keys (S3RVER/S3RVER here) are secrets.
    expect(line.raw).not.toContain(SCENARIO_TOKEN);
    expect(line.raw).not.toContain("S3RVER");
    // Store faults are expected failures: never logged as errors, never with a stack.
    if (line.message === "request") {
      expect(line.level, line.raw).not.toBe("error");
      expect(line.stack, line.raw).toBeUndefined();
    }
  }
}

describe("store faults", () => {
  it.each<FaultMode>(["down", "reset", "http500", "truncated"])("%s: the last good copy or 503, never a 500 or a leak; the next run works", async (mode) => {
    const world = await warmed(`fault-${mode}`);
    await world.channel?.set(mode);
    const results = await requestAll(world);
    expectStaleOr503(results);
    // After the breaker opened, no request waits for the store.
    for (const result of results.slice(BREAKER_POLICY.failureThreshold)) expect(result.ms, result.path).toBeLessThan(NO_WAIT_MS);
    // A run during the fault fails (and is logged once); it never half-writes the index.
    await expect(runScheduled(world.env, world.worker)).rejects.toThrow();
    expect(world.lines.filter((line) => line.message === "index run failed")).toHaveLength(1);
    await recovers(world);
    expectCleanLog(world);
  });

  it("hang: the 503 within 2 s, stale copies without waiting once the store is known to fail", async () => {
    const world = await warmed("fault-hang");
    await world.channel?.set("hang");
    const results = await requestAll(world);
    expectStaleOr503(results);
    for (const result of results) expect(result.ms, result.path).toBeLessThan(2_000);
    // Only the first request had to find out: every later one with a last good copy of its document is answered at once.
    for (const result of results.slice(1).filter((result) => WARM.includes(result.path))) expect(result.ms, result.path).toBeLessThan(NO_WAIT_MS);
    await recovers(world);
    expectCleanLog(world);
  });

  it("slow (300 ms per call): fresh documents, no errors", async () => {
    const world = await warmed("fault-slow");
    await world.channel?.set("slow", { delayMs: 300 });
    const results = await requestAll(world);
    for (const result of results) {
      expect(result.status, result.path).toBe(200);
      expect(result.cache, result.path).toBe("miss");
      expect(result.ms, result.path).toBeLessThan(2_000);
    }
    await recovers(world);
    expectCleanLog(world);
  });
});
