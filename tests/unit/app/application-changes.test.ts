/**
 * Application.applyChanges: one index update per store at a time (after a
 * rebuild under way, never interleaved with another update), keys that name
 * no article never reach the index, and what changed is forgotten in memory
 * and purged from the edge cache, every variant, within a bound.
 */
import { describe, expect, it } from "vitest";
import { Application, MAX_EDGE_PURGES } from "../../../src/app/application";
import { purgeKeys } from "../../../src/app/cache-keys";
import { loadStoreSettings } from "../../../src/config";
import type { applyChanges, ChangeReport } from "../../../src/index/changes";
import type { ArticleStore } from "../../../src/store/store";
import type { FeedScope } from "../../../src/urls";
import { MemoryStore } from "../index/memory-store";

const NOW = new Date("2026-06-01T12:00:00Z");
const settings = loadStoreSettings({ S3_BUCKET: "articles", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret", S3_PREFIX: "news/" });
const SITE = "https://news.example.com";

const report = (keys: readonly string[], changedScopes: FeedScope[] = [{ kind: "main" }]): ChangeReport => ({
  applied: [...keys],
  remaining: [],
  changedScopes,
  reads: 1,
  writes: 1,
});

/** A Cache that records what is deleted. */
function recordingCache(): { cache: Cache; deleted: string[] } {
  const deleted: string[] = [];
  const cache = {
    delete: async (request: Request) => {
      deleted.push(request.url);
      return true;
    },
  } as unknown as Cache;
  return { cache, deleted };
}

/** `store` with every method held until `open()` is called. */
function gated(store: ArticleStore): { store: ArticleStore; open: () => void } {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await gate;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, open };
}

describe("Application.applyChanges", () => {
  it("runs one update per store at a time, in the order asked", async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const update: typeof applyChanges = async (_store, keys) => {
      events.push(`start ${keys.join()}`);
      if (keys[0] === "news/a.txt") await slow;
      events.push(`end ${keys.join()}`);
      return report(keys);
    };
    const app = new Application({ clock: () => NOW, edgeCache: null, applyChanges: update });
    const store = new MemoryStore();
    const first = app.applyChanges(settings, store, ["news/a.txt"]);
    const second = app.applyChanges(settings, store, ["news/b.txt"]);
    await new Promise((done) => setTimeout(done, 20));
    expect(events).toEqual(["start news/a.txt"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["start news/a.txt", "end news/a.txt", "start news/b.txt", "end news/b.txt"]);
  });

  it("waits for a rebuild under way, which may have listed the bucket before the change", async () => {
    const memory = new MemoryStore();
    const { store, open } = gated(memory);
    let callsWhenApplied = -1;
    const app = new Application({
      clock: () => NOW,
      edgeCache: null,
      applyChanges: async (_store, keys) => {
        callsWhenApplied = memory.calls.length;
        return report(keys);
      },
    });
    const rebuilding = app.rebuild(settings, store);
    const applying = app.applyChanges(settings, memory, ["news/a.txt"]);
    await new Promise((done) => setTimeout(done, 20));
    expect(callsWhenApplied).toBe(-1);
    open();
    await Promise.all([rebuilding, applying]);
    expect(memory.calls.length).toBeGreaterThan(0);
    expect(callsWhenApplied).toBe(memory.calls.length);
  });

  it("goes on after a failed update", async () => {
    let calls = 0;
    const app = new Application({
      clock: () => NOW,
      edgeCache: null,
      applyChanges: async (_store, keys) => {
        calls += 1;
        if (calls === 1) throw new Error("store down");
        return report(keys);
      },
    });
    const store = new MemoryStore();
    await expect(app.applyChanges(settings, store, ["news/a.txt"])).rejects.toThrow("store down");
    await expect(app.applyChanges(settings, store, ["news/a.txt"])).resolves.toMatchObject({ applied: ["news/a.txt"] });
  });

  it("hands only article keys to the index, once each, and reports the others as ignored", async () => {
    const seen: string[][] = [];
    const app = new Application({
      clock: () => NOW,
      edgeCache: null,
      applyChanges: async (_store, keys, options) => {
        seen.push([...keys, options.articlePrefix]);
        return report(keys);
      },
    });
    const result = await app.applyChanges(settings, new MemoryStore(), ["news/a.txt", "news/_index/head.json", "other/b.txt", "news/logo.png", "news/a.txt"]);
    expect(seen).toEqual([["news/a.txt", "news/"]]);
    expect(result.ignored).toEqual(["news/_index/head.json", "other/b.txt", "news/logo.png"]);

    const nothing = await app.applyChanges(settings, new MemoryStore(), ["news/README.md"]);
    expect(nothing).toMatchObject({ applied: [], remaining: [], ignored: ["news/README.md"] });
    expect(seen).toHaveLength(1);
  });

  it("forgets rendered documents and purges every variant of the home page, OPML and the changed feeds", async () => {
    const { cache, deleted } = recordingCache();
    const scopes: FeedScope[] = [{ kind: "main" }, { kind: "topic", topic: "tags", slug: "energie" }];
    const app = new Application({ clock: () => NOW, edgeCache: cache, applyChanges: async (_store, keys) => report(keys, scopes) });
    app.documents.set("some document", { body: new Uint8Array(), headers: [] }, 1, NOW.getTime() + 60_000);
    expect(app.documents.get("some document", NOW.getTime())).toBeDefined();
    await app.applyChanges(settings, new MemoryStore(), ["news/a.txt"], SITE);
    expect(app.documents.get("some document", NOW.getTime())).toBeUndefined();
    const expected = [
      "/",
      "/opml.xml",
      "/rss.xml",
      "/atom.xml",
      "/feed.json",
      "/tags/energie/rss.xml",
      "/tags/energie/atom.xml",
      "/tags/energie/feed.json",
    ].flatMap((path) => purgeKeys(SITE + path));
    expect(deleted.sort()).toEqual(expected.sort());
  });

  it("purges at most MAX_EDGE_PURGES keys, the main documents first", async () => {
    const { cache, deleted } = recordingCache();
    const scopes: FeedScope[] = Array.from({ length: 20 }, (_, i) => ({ kind: "topic", topic: "tags", slug: `tag-${i}` }));
    const app = new Application({ clock: () => NOW, edgeCache: cache, applyChanges: async (_store, keys) => report(keys, scopes) });
    await app.applyChanges(settings, new MemoryStore(), ["news/a.txt"], SITE);
    expect(deleted).toHaveLength(MAX_EDGE_PURGES);
    for (const path of ["/", "/rss.xml"]) for (const key of purgeKeys(SITE + path)) expect(deleted).toContain(key);
  });

  it("purges nothing when nothing changed, and nothing at the edge without a site URL", async () => {
    const { cache, deleted } = recordingCache();
    const unchanged = new Application({ clock: () => NOW, edgeCache: cache, applyChanges: async (_store, keys) => report(keys, []) });
    await unchanged.applyChanges(settings, new MemoryStore(), ["news/a.txt"], SITE);
    const noSite = new Application({ clock: () => NOW, edgeCache: cache, applyChanges: async (_store, keys) => report(keys) });
    await noSite.applyChanges(settings, new MemoryStore(), ["news/a.txt"]);
    expect(deleted).toEqual([]);
  });
});
