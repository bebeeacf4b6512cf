/**
 * Repair keys at the application layer. The sharded index repairs a damaged
 * object by rebuilding in place, which a change event's budget cannot hold:
 * an object a request found damaged waits for the next run (a request's own,
 * cron or admin), which then is a rebuild; an article record a request found
 * missing (an article that never was looks the same) is checked only by an
 * explicit run, so that anyone asking for ids that do not exist cannot make
 * every run a rebuild. Each key goes to one run.
 */
import { describe, expect, it } from "vitest";
import { Application } from "../../../src/app/application";
import { silentLogger } from "../../../src/app/log";
import { loadConfig } from "../../../src/config";
import { UnreadableIndexError } from "../../../src/index/reader";
import { indexKeys } from "../../../src/index/schema";
import { articleText, MemoryStore } from "../index/memory-store";

const NOW = new Date("2026-06-01T12:00:00Z");
const ENV = { S3_BUCKET: "articles", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret", S3_PREFIX: "news/", SITE_URL: "https://news.example.com" };

describe("repair keys", () => {
  it("of a missing article record go to the next explicit run only, once", async () => {
    const memory = new MemoryStore();
    memory.seed("news/a.txt", articleText({ title: "Hafen", date: "2026-05-01T08:00:00Z" }));
    memory.seed("news/b.txt", articleText({ title: "Bahn", date: "2026-05-02T08:00:00Z" }));
    const app = new Application({ clock: () => NOW, edgeCache: null, openStore: () => memory, log: silentLogger });
    const settings = loadConfig(ENV, "https://news.example.com/");
    await app.rebuild(settings, memory);
    const record = indexKeys("news/").article("a");
    await memory.delete(record);

    const svc = app.services(ENV, "https://news.example.com/articles/a");
    app.indexObjectMaybeMissing(svc, record);
    expect(app.hasDamage(settings)).toBe(false);
    memory.seed("news/c.txt", articleText({ title: "Brücke", date: "2026-05-03T08:00:00Z" }));
    expect(await app.applyChanges(settings, memory, ["news/c.txt"])).toMatchObject({ applied: ["news/c.txt"] });
    expect(await app.rebuild(settings, memory)).toMatchObject({ repaired: 0 });
    expect(memory.objects.has(record)).toBe(false);

    expect(await app.rebuild(settings, memory, undefined, undefined, undefined, { explicit: true })).toMatchObject({ repaired: 1 });
    expect(memory.objects.has(record)).toBe(true);
    await memory.delete(record);
    expect(await app.rebuild(settings, memory, undefined, undefined, undefined, { explicit: true })).toMatchObject({ repaired: 0 });
  });

  it("of an unreadable object make the next run a rebuild in place, not a change event", async () => {
    const memory = new MemoryStore();
    memory.seed("news/a.txt", articleText({ title: "Hafen", date: "2026-05-01T08:00:00Z", tags: ["Hamburg"] }));
    const app = new Application({ clock: () => NOW, edgeCache: null, openStore: () => memory, log: silentLogger });
    const settings = loadConfig(ENV, "https://news.example.com/");
    await app.rebuild(settings, memory);
    const topic = indexKeys("news/").topic("tags", "hamburg");
    memory.seed(topic, "{ garbage");

    const svc = app.services(ENV, "https://news.example.com/tags/hamburg/rss.xml");
    app.indexDamaged(svc, topic, "unreadable");
    expect(app.hasDamage(settings)).toBe(true);
    // The request started a run in the background: it repairs the object.
    await app.rebuild(settings, memory);
    expect(app.hasDamage(settings)).toBe(false);
    expect(new TextDecoder().decode(memory.objects.get(topic)?.body)).toContain('"slug":"hamburg"');
  });

  it("of an object a change event met damaged make the next run a rebuild; the event can be retried then", async () => {
    const memory = new MemoryStore();
    memory.seed("news/a.txt", articleText({ title: "Hafen", date: "2026-05-01T08:00:00Z" }));
    const app = new Application({ clock: () => NOW, edgeCache: null, openStore: () => memory, log: silentLogger });
    const settings = loadConfig(ENV, "https://news.example.com/");
    await app.rebuild(settings, memory);
    const head = indexKeys("news/").head;
    memory.seed(head, "{ garbage");
    memory.seed("news/b.txt", articleText({ title: "Bahn", date: "2026-05-02T08:00:00Z" }));

    await expect(app.applyChanges(settings, memory, ["news/b.txt"])).rejects.toBeInstanceOf(UnreadableIndexError);
    expect(app.hasDamage(settings)).toBe(true);
    expect(await app.rebuild(settings, memory)).toMatchObject({ repaired: 1 });
    expect(await app.applyChanges(settings, memory, ["news/b.txt"])).toMatchObject({ applied: ["news/b.txt"], remaining: [] });
    expect(new TextDecoder().decode(memory.objects.get(head)?.body)).toContain("Bahn");
  });
});
