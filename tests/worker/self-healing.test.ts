/**
 * A self-healing index: head, summary, topic, month and article objects that are
 * garbage, truncated, of a foreign version or deleted. Requests answer 200
 * (repaired on the spot, or the last good copy) or 503 with Retry-After,
 * never a 500; the next run (a request's own, cron or admin) rewrites the
 * object although its planned content did not change; and anonymous
 * requests start at most one run per isolate per INDEX_TTL.
 */
import { describe, expect, it } from "vitest";
import { decodeArticleRecord, decodeHead, decodeSummary, decodeTopic, isArticle, nodeDecoder } from "../../src/index/codec";
import { INDEX_VERSION } from "../../src/index/schema";
import { articleName, SCENARIO_TOKEN, type Scenario, scenario } from "../support/scenario";
import { call, capturingLog, movableClock, newWorker, runScheduled, timedCall } from "../support/worker";

type Corruption = "garbage" | "truncated JSON" | "foreign version" | "deleted";
const CORRUPTIONS: Corruption[] = ["garbage", "truncated JSON", "foreign version", "deleted"];

async function corrupt(world: Scenario, key: string, how: Corruption): Promise<void> {
  const object = await world.store.get(key);
  if (!object) throw new Error(`no ${key} to corrupt`);
  const text = new TextDecoder().decode(object.body);
  switch (how) {
    case "garbage":
      return world.store.put(key, Uint8Array.from([0xff, 0x00, 0x1b, 0x7b, 0xc3, 0x28, 0x5d, 0x5d, 0x3e]));
    case "truncated JSON":
      return world.store.put(key, text.slice(0, Math.floor(text.length / 2)));
    case "foreign version":
      return world.store.put(key, JSON.stringify({ ...(JSON.parse(text) as object), version: INDEX_VERSION + 1 }));
    case "deleted":
      return world.store.delete(key);
  }
}

/** Requests `path`, waits for the background work, and returns status, cache state and Retry-After. */
async function get(world: Scenario, path: string) {
  const { response, settled } = await timedCall(path, {}, world.env, world.worker);
  const body = await response.text();
  await settled;
  expect(body, path).not.toMatch(/at async| {4}at |Error:/);
  return {
    status: response.status,
    cache: /cache;desc="(\w+)"/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? "",
    retryAfter: response.headers.get("Retry-After"),
  };
}

/** The key of a month's newest archive page, as the head names it now (a rebuild in place gives pages new ids). */
async function newestPageKey(world: Scenario, month: string): Promise<string> {
  const object = await world.store.get(world.keys.head);
  const decoded = object === null ? null : decodeHead(object.body);
  const page = decoded?.ok ? decoded.value.months.find((entry) => entry.month === month)?.newestPage : undefined;
  if (page === undefined) throw new Error(`no archive page of ${month}`);
  return world.keys.archiveNode(month, page);
}

async function isReadable(world: Scenario, key: string, decode: (body: Uint8Array) => { ok: boolean }): Promise<boolean> {
  const object = await world.store.get(key);
  return object !== null && decode(object.body).ok;
}

/** Runs (`runs`) reported by the isolate's log so far. */
function runs(world: Scenario): number {
  return world.lines.filter((line) => line.message === "index run finished" || line.message === "index run failed").length;
}

// Each case has a bucket folder, an isolate and a clock of its own: they run side by side.
describe.concurrent("a damaged head", () => {
  it.each(CORRUPTIONS)("%s: repaired by the first request's run; meanwhile the last good copy or 503; the next run repairs it again", async (how) => {
    // INDEX_TTL=0: nothing in memory but the last good copies, and requests start at most one run per ten seconds.
    const world = await scenario(`head-${how.replace(/ /g, "-")}`, { indexTtl: 0 });
    for (const path of ["/rss.xml", "/atom.xml"]) expect((await get(world, path)).status).toBe(200);
    await world.expire(["/rss.xml", "/atom.xml"]);

    await corrupt(world, world.keys.head, how);
    // An unreadable head is answered from its last good copy while a run repairs it in the background;
    // a missing one is rebuilt by the request itself. Either way the run rewrites the head,
    // although its planned content did not change.
    expect(await get(world, "/rss.xml")).toMatchObject({ status: 200, cache: how === "deleted" ? "miss" : "stale" });
    expect(await isReadable(world, world.keys.head, decodeHead)).toBe(true);
    expect(runs(world)).toBe(1);

    // Damaged again at once: no second anonymous run yet.
    await corrupt(world, world.keys.head, how);
    expect(await get(world, "/atom.xml")).toMatchObject({ status: 200, cache: "stale" });
    for (const path of ["/rss.xml?limit=4", "/", "/opml.xml"]) {
      // The last good head still renders them; without any head (deleted), 503.
      const expected = how === "deleted" ? { status: 503, retryAfter: "30" } : { status: 200, cache: "stale" };
      expect(await get(world, path), path).toMatchObject(expected);
    }
    // A topic feed reads the head's summary, which is whole.
    const topic = await get(world, "/tags/hafen/rss.xml");
    expect(topic.status).toBe(200);
    expect(topic.cache).not.toBe("stale");
    expect(runs(world)).toBe(1);

    // The next run (cron) rewrites it.
    await runScheduled(world.env, world.worker);
    expect(await isReadable(world, world.keys.head, decodeHead)).toBe(true);
    expect(world.lines.find((line) => line.message === "index run finished" && line.trigger === "cron")).toMatchObject({ repaired: 1 });
    for (const path of ["/rss.xml?limit=4", "/", "/opml.xml"]) expect(await get(world, path), path).toMatchObject({ status: 200, cache: "miss" });
  });
});

describe.concurrent("a damaged summary of the head", () => {
  it.each(CORRUPTIONS)("%s: topic and archive feeds read the head meanwhile; a run rewrites it from the head", async (how) => {
    const world = await scenario(`summary-${how.replace(/ /g, "-")}`, { indexTtl: 0 });
    expect((await get(world, "/tags/hafen/rss.xml")).status).toBe(200);
    await world.expire(["/tags/hafen/rss.xml"]);

    await corrupt(world, world.keys.summary, how);
    for (const path of ["/tags/hafen/rss.xml", "/archive/2025-05/atom.xml"]) expect(await get(world, path), path).toMatchObject({ status: 200, cache: "miss" });
    // The first request started a run in the background, which wrote it again from the head (not a rebuild).
    expect(await isReadable(world, world.keys.summary, decodeSummary)).toBe(true);
    expect(runs(world)).toBe(1);
    expect(world.lines.some((line) => String(line.message).includes("rebuilding the index in place"))).toBe(false);

    // Damaged again at once: read from the head again, no second anonymous run; the admin run repairs it.
    await corrupt(world, world.keys.summary, how);
    expect(await get(world, "/tags/hafen/feed.json?limit=2")).toMatchObject({ status: 200, cache: "miss" });
    expect(runs(world)).toBe(1);
    const report = (await (await world.reindex()).json()) as { repaired: number };
    expect(report.repaired).toBe(1);
    expect(await isReadable(world, world.keys.summary, decodeSummary)).toBe(true);
  });
});

describe.concurrent("a damaged topic or month page", () => {
  const PAGES = [
    {
      name: "topic",
      warm: "/tags/hafen/rss.xml",
      cold: "/tags/hafen/feed.json",
      key: async (w: Scenario) => w.keys.topic("tags", "hafen"),
      decode: decodeTopic,
    },
    {
      name: "month",
      warm: "/archive/2025-05/rss.xml",
      cold: "/archive/2025-05/atom.xml",
      key: (w: Scenario) => newestPageKey(w, "2025-05"),
      decode: nodeDecoder(isArticle),
    },
  ];

  for (const page of PAGES) {
    it.each(CORRUPTIONS)(`${page.name} page, %s: the last good copy or 503 (never a 404 or 500), repaired in the background`, async (how) => {
      const world = await scenario(`${page.name}-${how.replace(/ /g, "-")}`, { indexTtl: 0 });
      expect((await get(world, page.warm)).status).toBe(200);
      await world.expire([page.warm]);

      await corrupt(world, await page.key(world), how);
      expect(await get(world, page.warm)).toMatchObject({ status: 200, cache: "stale" });
      // The request started a run in the background, which rewrote the page.
      expect(await isReadable(world, await page.key(world), page.decode)).toBe(true);
      expect(runs(world)).toBe(1);
      expect(await get(world, page.cold)).toMatchObject({ status: 200, cache: "miss" });

      // Damaged again at once: the last good copy of the page (or 503 without one) and no second run; the admin run repairs it.
      await corrupt(world, await page.key(world), how);
      const expected = how === "deleted" ? { status: 503, retryAfter: "30" } : { status: 200, cache: "stale" };
      expect(await get(world, `${page.cold}?limit=2`)).toMatchObject(expected);
      expect(runs(world)).toBe(1);
      const report = (await (await world.reindex()).json()) as { repaired: number };
      expect(report.repaired).toBe(1);
      expect(await isReadable(world, await page.key(world), page.decode)).toBe(true);
      expect((await get(world, `${page.cold}?limit=2`)).status).toBe(200);
    });
  }
});

describe("a damaged article object", () => {
  // 105 articles: the oldest ones are not in the head (it holds the newest 100), so their page reads the article object.
  // One bucket folder for the four cases (each repairs what it damaged), a fresh isolate for each.
  let shared: Promise<Scenario> | undefined;
  // The four oldest of them (May 1 and 2; days repeat every 56 articles, see articleText).
  const OLDEST = [0, 56, 2, 58].map(articleName);

  it.each(CORRUPTIONS.map((how, i) => [how, OLDEST[i] ?? ""] as const))("%s: never a 500; the run rewrites it", async (how, id) => {
    shared ??= scenario("article", { count: 105 });
    const base = await shared;
    const clock = movableClock();
    const { log, lines } = capturingLog();
    const worker = newWorker(clock.now, { log });
    const reindex = () => call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${SCENARIO_TOKEN}` } }, base.env, worker);
    const world: Scenario = { ...base, clock, lines, worker, reindex };
    const path = `/articles/${id}`;
    expect((await get(world, path)).status).toBe(200);
    await world.expire([path]);
    world.clock.advance(61_000);

    await corrupt(world, world.keys.article(id), how);
    const result = await get(world, path);
    if (how === "deleted") {
      // A missing article object cannot be told from an article that never was: 404, but remembered for the next run.
      expect(result.status).toBe(404);
      await world.reindex();
    } else {
      expect(result).toMatchObject({ status: 200, cache: "stale" });
    }
    expect(await isReadable(world, world.keys.article(id), decodeArticleRecord)).toBe(true);
    world.clock.advance(11_000);
    expect(await get(world, `${path}?again`)).toMatchObject({ status: 200 });
  });
});

describe("request-started runs", () => {
  it("start at most one per isolate per INDEX_TTL, even while every run fails", async () => {
    const world = await scenario("run-limit", { viaProxy: true });
    await world.store.delete(world.keys.head);
    // Runs can read but not write: the head stays missing.
    await world.channel?.set("http500", { methods: ["PUT"] });
    world.clock.advance(61_000);
    for (let i = 0; i < 6; i++) expect((await get(world, `/rss.xml?limit=${i + 1}`)).status).toBe(503);
    expect(runs(world)).toBe(1);
    world.clock.advance(59_000);
    expect((await get(world, "/feed.json")).status).toBe(503);
    expect(runs(world)).toBe(1);
    world.clock.advance(2_000);
    expect((await get(world, "/feed.json")).status).toBe(503);
    expect(runs(world)).toBe(2);

    await world.channel?.set("pass");
    world.clock.advance(60_000);
    expect((await get(world, "/feed.json")).status).toBe(200);
    expect(runs(world)).toBe(3);
  });
});
