/**
 * Repair keys at the application layer: an index object a request found
 * damaged is handed to the next index update of its store, whichever it is
 * (a run, or a change event's update), and only to that one.
 */
import { describe, expect, it } from "vitest";
import { Application } from "../../../src/app/application";
import { silentLogger } from "../../../src/app/log";
import { loadConfig } from "../../../src/config";
import type { applyChanges, IndexUpdateOptions } from "../../../src/index/changes";
import { MemoryStore } from "../index/memory-store";

const NOW = new Date("2026-06-01T12:00:00Z");
const ENV = { S3_BUCKET: "articles", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret", S3_PREFIX: "news/", SITE_URL: "https://news.example.com" };

describe("repair keys", () => {
  it("go to the next index update of the store, once", async () => {
    const seen: (readonly string[] | undefined)[] = [];
    const update: typeof applyChanges = async (_store, keys, options: IndexUpdateOptions) => {
      seen.push(options.repair);
      return { applied: [...keys], remaining: [], changedScopes: [], reads: 0, writes: 0 };
    };
    const memory = new MemoryStore();
    const app = new Application({ clock: () => NOW, edgeCache: null, openStore: () => memory, applyChanges: update, log: silentLogger });
    const svc = app.services(ENV, "https://news.example.com/articles/x");
    app.indexObjectMaybeMissing(svc, "news/_index/articles/x.json");
    const settings = loadConfig(ENV, "https://news.example.com/");
    await app.applyChanges(settings, memory, ["news/a.txt"]);
    await app.applyChanges(settings, memory, ["news/b.txt"]);
    expect(seen).toEqual([["news/_index/articles/x.json"], undefined]);
  });
});
