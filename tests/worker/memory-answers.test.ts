/**
 * Warm documents at the speed of static bytes: the memory fast path answers a
 * public GET or HEAD from isolate memory before routing, with the very
 * response the normal path gives (headers and body; only the request id is
 * its own), 304s included; an edge-cache hit refills isolate memory;
 * concurrent misses of one URL share one render; a purge reaches the fast
 * path's answers. The normal path is the Hono app over the same application
 * without the fast path in front.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { silentLogger } from "../../src/app/log";
import type { Env } from "../../src/config";
import { articleText, type Scenario, scenario } from "../support/scenario";
import { call, type LogLine, movableClock, newWorker, storeReads, type TestWorker } from "../support/worker";

/** What Chromium sends when it navigates to a URL (gets a feed's HTML page). */
const BROWSER = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8" };

/** Documents of every kind the fast path serves: the three formats, a feed's HTML page, a topic feed, the home page. */
const DOCUMENTS: [string, Record<string, string>][] = [
  ["/rss.xml", {}],
  ["/atom.xml", {}],
  ["/feed.json", {}],
  ["/atom.xml", BROWSER],
  ["/tags/hafen/rss.xml", {}],
  ["/tags/bahn/feed.json?limit=2&utm_source=reader", {}],
  ["/", {}],
];

/** Requests `path` from `worker` without its fast path: the Hono app over the same application (same memory). */
async function normalPath(worker: TestWorker, env: Env, url: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApp(worker.application).fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The fast path's answer to `url`, or null where the request must go the normal way. */
function fastPath(worker: TestWorker, env: Env, url: string, init: RequestInit = {}): Response | null {
  return worker.memory.answer(new Request(url, init), env);
}

/** A response as the client sees it, but its request id. */
async function seen(response: Response): Promise<{ status: number; headers: [string, string][]; body: string }> {
  const headers = [...response.headers].filter(([name]) => name !== "x-request-id");
  return { status: response.status, headers, body: await response.text() };
}

function cacheState(response: Response): string {
  return /cache;desc="(\w+)"/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? "";
}

/** One scenario for the tests that only read (its documents stay as they are). */
let shared: Promise<Scenario> | undefined;
const readOnlyWorld = () => {
  shared ??= scenario("memory-answers");
  return shared;
};

describe("the memory fast path", () => {
  it.each(DOCUMENTS)("answers %s %j exactly as the normal path does, GET and HEAD", async (path, headers) => {
    const world = await readOnlyWorld();
    const url = world.site + path;
    // Nothing in memory yet: the normal way, which renders, keeps and shows the fast path its answer.
    expect(fastPath(world.worker, world.env, url, { headers })).toBeNull();
    expect((await call(path, { headers }, world.env, world.worker)).status).toBe(200);

    for (const method of ["GET", "HEAD"]) {
      const fast = fastPath(world.worker, world.env, url, { method, headers });
      expect(fast, method).not.toBeNull();
      const normal = await normalPath(world.worker, world.env, url, { method, headers });
      expect(cacheState(normal)).toBe("memory");
      const fastId = fast?.headers.get("X-Request-Id");
      expect(fastId).toMatch(/^[0-9a-f-]{36}$/);
      expect(fastId).not.toBe(normal.headers.get("X-Request-Id"));
      expect(await seen(fast as Response), `${method} ${path}`).toEqual(await seen(normal));
    }
    // Through the Worker's own handler: answered by the fast path.
    const before = world.worker.memory.count;
    const again = await call(path, { headers }, world.env, world.worker);
    expect(world.worker.memory.count).toBe(before + 1);
    expect(await seen(again)).toEqual(await seen(await normalPath(world.worker, world.env, url, { headers })));
  });

  it("answers If-None-Match and If-Modified-Since with the normal path's 304, and a changed copy with the document", async () => {
    const world = await readOnlyWorld();
    const url = `${world.site}/rss.xml?limit=5`;
    const first = await call("/rss.xml?limit=5", {}, world.env, world.worker);
    const etag = first.headers.get("ETag") ?? "";
    const lastModified = first.headers.get("Last-Modified") ?? "";
    const validators: Record<string, string>[] = [{ "If-None-Match": etag }, { "If-None-Match": `W/${etag}` }, { "If-Modified-Since": lastModified }];
    for (const validator of validators) {
      // The first 304 of a document goes the normal way (and is kept); every later one is answered before routing.
      expect((await call("/rss.xml?limit=5", { headers: validator }, world.env, world.worker)).status).toBe(304);
      const fast = fastPath(world.worker, world.env, url, { headers: validator });
      expect(fast?.status, JSON.stringify(validator)).toBe(304);
      const normal = await normalPath(world.worker, world.env, url, { headers: validator });
      expect(await seen(fast as Response)).toEqual(await seen(normal));
      expect(fast?.headers.get("ETag")).toBe(etag);
      expect(fast?.headers.get("Vary")).toBe("Accept, Authorization");
    }
    const changed = fastPath(world.worker, world.env, url, { headers: { "If-None-Match": '"an-older-version"' } });
    expect(changed?.status).toBe(200);
    expect(await (changed as Response).text()).toBe(await first.text());
  });

  it("writes the request's one log line, as the normal path writes it", async () => {
    const world = await readOnlyWorld();
    await call("/feed.json?limit=4", {}, world.env, world.worker);
    const normal = await normalPath(world.worker, world.env, `${world.site}/feed.json?limit=4`);
    const fast = await call("/feed.json?limit=4", {}, world.env, world.worker);
    const line = (response: Response) => world.lines.find((entry) => entry.message === "request" && entry.requestId === response.headers.get("X-Request-Id"));
    const fastLine = line(fast);
    const normalLine = line(normal);
    expect(fastLine).toMatchObject({ level: "info", route: "/feed.json", method: "GET", status: 200, cache: "memory", storeReads: 0, storeMs: 0 });
    expect(typeof fastLine?.durationMs).toBe("number");
    // The same fields in the same order; only the request's own values differ.
    const perRequest = ["requestId", "durationMs", "raw"];
    const common = (entry: LogLine | undefined) => Object.entries(entry ?? {}).filter(([name]) => !perRequest.includes(name));
    expect(common(fastLine)).toEqual(common(normalLine));
    expect(Object.keys(fastLine ?? {})).toEqual(Object.keys(normalLine ?? {}));
  });

  it("leaves partner requests, deltas, other methods and unknown URLs to the normal path", async () => {
    const world = await readOnlyWorld();
    await call("/atom.xml?limit=6", {}, world.env, world.worker);
    const url = `${world.site}/atom.xml?limit=6`;
    expect(fastPath(world.worker, world.env, url)).not.toBeNull();
    expect(fastPath(world.worker, world.env, url, { headers: { Authorization: "Bearer some-partner-token" } })).toBeNull();
    expect(fastPath(world.worker, world.env, url, { headers: { "A-IM": "feed", "If-None-Match": '"older"' } })).toBeNull();
    expect(fastPath(world.worker, world.env, url, { method: "OPTIONS", headers: { Origin: "https://widget.example.org" } })).toBeNull();
    expect(fastPath(world.worker, world.env, url, { method: "POST" })).toBeNull();
    expect(fastPath(world.worker, world.env, `${world.site}/p/some-token/atom.xml?limit=6`)).toBeNull();
    // The page variant of the same URL is another document, not yet in memory.
    expect(fastPath(world.worker, world.env, url, { headers: BROWSER })).toBeNull();
  });
});

describe("an edge-cache hit", () => {
  it("refills isolate memory for the edge copy's remaining lifetime", async () => {
    const world = await readOnlyWorld();
    const path = "/tags/hafen/atom.xml?limit=3";
    const rendered = await call(path, {}, world.env, world.worker);
    expect(cacheState(rendered)).toBe("miss");

    // Another isolate, which shares only the edge cache.
    const clock = movableClock();
    const other = newWorker(clock.now, { log: silentLogger });
    const hit = await call(path, {}, world.env, other);
    expect(cacheState(hit)).toBe("hit");
    const next = await call(path, {}, world.env, other);
    expect(cacheState(next)).toBe("memory");
    expect(storeReads(next)).toBe(0);
    expect(await next.text()).toBe(await rendered.text());
    // The normal path's memory answer has shown the fast path the way: the next one comes before routing.
    const before = other.memory.count;
    expect(cacheState(await call(path, {}, world.env, other))).toBe("memory");
    expect(other.memory.count).toBe(before + 1);

    // Past the copy's max-age (300 s) memory holds it no more.
    clock.advance(301_000);
    expect(cacheState(await call(path, {}, world.env, other))).not.toBe("memory");
  });

  it("refills it with INDEX_TTL=0 too: memory then caches the edge copy, not the render", async () => {
    const world = await readOnlyWorld();
    const env = { ...world.env, INDEX_TTL: "0" };
    const path = "/tags/bahn/rss.xml?limit=2";
    const worker = newWorker(undefined, { log: silentLogger });
    expect(cacheState(await call(path, {}, env, worker))).toBe("miss");
    expect(cacheState(await call(path, {}, env, worker))).toBe("hit");
    expect(cacheState(await call(path, {}, env, worker))).toBe("memory");
  });
});

describe("concurrent misses of one URL", () => {
  /**
   * A worker whose edge-cache lookups all wait until `expected` of them are
   * under way: those requests then reach the render at the same moment.
   */
  function gatedWorker(expected: number): TestWorker {
    const edge = caches.default;
    let waiting = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gated: Cache = {
      async match(request: RequestInfo | URL, options?: CacheQueryOptions) {
        const found = await edge.match(request, options);
        // Every waiting request goes on in the same turn, once the last one has looked.
        waiting++;
        if (waiting >= expected) open();
        await gate;
        return found;
      },
      put: (request: RequestInfo | URL, response: Response) => edge.put(request, response),
      delete: (request: RequestInfo | URL, options?: CacheQueryOptions) => edge.delete(request, options),
    };
    return newWorker(undefined, { edgeCache: gated, log: silentLogger });
  }

  it("share one render; each request gets its own response", async () => {
    const world = await readOnlyWorld();
    const worker = gatedWorker(6);
    const responses = await Promise.all(Array.from({ length: 6 }, () => call("/tags/hafen/feed.json?limit=4", {}, world.env, worker)));
    const states = responses.map(cacheState).sort();
    expect(states).toEqual(["miss", "shared", "shared", "shared", "shared", "shared"]);
    // One render, one set of store reads: the request that rendered reports them, the others none.
    expect(responses.filter((response) => /render;dur=/.test(response.headers.get("Server-Timing") ?? ""))).toHaveLength(1);
    const reads = responses.map(storeReads);
    expect(reads.filter((count) => count > 0)).toHaveLength(1);
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(new Set(responses.map((response) => response.headers.get("ETag"))).size).toBe(1);
    expect(new Set(responses.map((response) => response.headers.get("X-Request-Id"))).size).toBe(6);
  });

  it("share a failure without keeping it: the next request renders afresh", async () => {
    const world = await readOnlyWorld();
    const worker = gatedWorker(4);
    // Nothing listens on port 9 of loopback: the store is down (a breaker of its own: another endpoint).
    const down = { ...world.env, S3_ENDPOINT: "http://127.0.0.1:9" };
    const failed = await Promise.all(Array.from({ length: 4 }, () => call("/tags/bahn/atom.xml?limit=4", {}, down, worker)));
    expect(failed.map((response) => response.status)).toEqual([503, 503, 503, 503]);
    expect(worker.application.renders.size).toBe(0);
    const recovered = await call("/tags/bahn/atom.xml?limit=4", {}, world.env, worker);
    expect(recovered.status).toBe(200);
    expect(cacheState(recovered)).toBe("miss");
  });
});

describe("a purge", () => {
  it("drops the fast path's answers of every variant: the next request renders the new index", async () => {
    const world = await scenario("memory-purge");
    for (const headers of [{}, BROWSER]) {
      await call("/rss.xml", { headers }, world.env, world.worker);
      expect(fastPath(world.worker, world.env, `${world.site}/rss.xml`, { headers })).not.toBeNull();
    }
    await world.store.put(`${world.prefix}meldung-neu.txt`, articleText(99).replace("Meldung 99 aus dem Hafen", "Neue Meldung vom Leuchtturm"));
    expect((await world.reindex()).status).toBe(200);
    for (const headers of [{}, BROWSER]) {
      expect(fastPath(world.worker, world.env, `${world.site}/rss.xml`, { headers })).toBeNull();
      const response = await call("/rss.xml", { headers }, world.env, world.worker);
      expect(cacheState(response)).toBe("miss");
      expect(await response.text()).toContain("Neue Meldung vom Leuchtturm");
    }
  });
});
