/**
 * Withdrawn articles in workerd: an article deleted from the bucket leaves
 * RSS and JSON Feed, Atom announces it with an RFC 6721 tombstone for
 * TOMBSTONE_DAYS (main feed and the topic feeds it was in), its page answers
 * 410 Gone, and the change reaches hubs and deltas like any other.
 */
import { describe, expect, inject, it } from "vitest";
import { type Env, loadStoreSettings, s3Settings } from "../../src/config";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import type { RecordedPing } from "../support/fixtures";
import { call, newWorker, TEST_NOW } from "../support/worker";

const TOKEN = "withdrawal-admin-token";
const NS = 'xmlns:at="http://purl.org/atompub/tombstones/1.0"';

function article(title: string, date: string, tags: string): string {
  return `---\ntitle: ${title}\ndate: ${date}\nlang: de\ntags: [${tags}]\n---\nText von ${title}.\n`;
}

async function setUp(label: string, overrides: Partial<Env> = {}) {
  const id = crypto.randomUUID();
  const site = `https://${id}.withdrawn.example.com`;
  const env = testEnv("websub", {
    S3_PREFIX: `withdrawn-${id}/`,
    SITE_URL: site,
    ADMIN_TOKEN: TOKEN,
    INDEX_TTL: "0",
    WEBSUB_HUBS: `${inject("hubEndpoint")}/ok/${label}`,
    ...overrides,
  });
  const settings = loadStoreSettings(env);
  const s3 = createS3Store(s3Settings(settings));
  let now = TEST_NOW.getTime();
  const worker = newWorker(() => new Date(now));
  const key = (name: string) => `${settings.prefix}${name}`;
  await s3.put(key("alpha.md"), article("Alpha", "2026-11-01T08:00:00Z", "Hafen, Stadt"));
  await s3.put(key("beta.md"), article("Beta", "2026-11-02T08:00:00Z", "Verkehr"));
  await s3.put(key("gamma.md"), article("Gamma", "2026-11-03T08:00:00Z", "Hafen"));
  const reindex = async () =>
    expect((await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env, worker)).status).toBe(200);
  await reindex();
  const get = (path: string, init: RequestInit = {}) => call(path, init, env, worker);
  const guid = (id: string) => `tag:${new URL(site).hostname},2024:${id}`;
  return { env, s3, key, reindex, get, guid, site, advance: (ms: number) => (now += ms) };
}

describe("an article deleted from the bucket", () => {
  it("leaves RSS and JSON Feed, and Atom carries its tombstone in the main feed and its topics' feeds", async () => {
    const t = await setUp("withdraw-a");
    const before = (await t.get("/atom.xml")).headers.get("ETag") ?? "";
    await t.s3.delete(t.key("alpha.md"));
    await t.reindex();

    const rss = await (await t.get("/rss.xml")).text();
    expect(rss).not.toContain("Alpha");
    expect(rss).not.toContain("tombstones");
    const json = (await (await t.get("/feed.json")).json()) as { items: { title: string }[] };
    expect(json.items.map((item) => item.title)).toEqual(["Gamma", "Beta"]);

    const tombstone = `<at:deleted-entry ref="${t.guid("alpha")}" when="${TEST_NOW.toISOString()}"/>`;
    for (const path of ["/atom.xml", "/tags/hafen/atom.xml"]) {
      const atom = await (await t.get(path)).text();
      expect(atom).toContain(NS);
      expect(atom).toContain(tombstone);
      expect(atom).not.toContain('<title type="text">Alpha');
    }
    // A topic it was not in, and an archive, carry none (and do not declare the namespace).
    for (const path of ["/tags/verkehr/atom.xml", "/archive/2026-11/atom.xml"]) {
      const atom = await (await t.get(path)).text();
      expect(atom).not.toContain("deleted-entry");
      expect(atom).not.toContain(NS);
    }

    // Its page: 410 Gone with a short notice.
    const page = await t.get("/articles/alpha");
    expect(page.status).toBe(410);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("This article has been withdrawn");
    expect((await t.get("/articles/alpha")).status).toBe(410);
    expect((await t.get("/articles/never-existed")).status).toBe(404);

    // A delta since the version before the deletion carries the tombstone and nothing else.
    const delta = await t.get("/atom.xml", { headers: { "A-IM": "feed", "If-None-Match": before } });
    expect(delta.status).toBe(226);
    const body = await delta.text();
    expect(body).toContain(tombstone);
    expect(body).not.toContain("<entry");

    // The hubs heard of the main feed and of the topics it was in.
    const pings = (await (await fetch(`${inject("hubEndpoint")}/_recorded/withdraw-a`)).json()) as RecordedPing[];
    const urls = new URLSearchParams(pings.at(-1)?.body ?? "").getAll("hub.url");
    expect(urls).toEqual(expect.arrayContaining([`${t.site}/atom.xml`, `${t.site}/tags/hafen/atom.xml`]));
    expect(urls).not.toContain(`${t.site}/tags/verkehr/atom.xml`);
  });

  it("is announced for TOMBSTONE_DAYS only, and not at all once it is back", async () => {
    const t = await setUp("withdraw-b", { TOMBSTONE_DAYS: "2" });
    await t.s3.delete(t.key("alpha.md"));
    await t.reindex();
    expect(await (await t.get("/atom.xml")).text()).toContain("deleted-entry");

    t.advance(3 * 86_400_000);
    // Past its days by the clock: gone from a freshly rendered feed (`?limit`: not the edge copy of /atom.xml,
    // which lives its max-age) and from the page, before any index update.
    expect(await (await t.get("/atom.xml?limit=20")).text()).not.toContain("deleted-entry");
    expect((await t.get("/articles/alpha")).status).toBe(404);
    await t.reindex();
    expect(await (await t.get("/atom.xml")).text()).not.toContain(NS);

    const again = await setUp("withdraw-c");
    await again.s3.delete(again.key("gamma.md"));
    await again.reindex();
    expect(await (await again.get("/atom.xml")).text()).toContain("deleted-entry");
    await again.s3.put(again.key("gamma.md"), article("Gamma", "2026-11-03T08:00:00Z", "Hafen"));
    await again.reindex();
    expect(await (await again.get("/atom.xml")).text()).not.toContain("deleted-entry");
    expect((await again.get("/articles/gamma")).status).toBe(200);
  });
});

describe("front matter", () => {
  it("withdrawn: true with a reason: the item leaves RSS and JSON Feed, Atom carries the reason, the page shows it with 410", async () => {
    const t = await setUp("withdraw-front-matter");
    const before = (await t.get("/feed.json")).headers.get("ETag") ?? "";
    await t.s3.put(
      t.key("alpha.md"),
      '---\ntitle: Alpha\ndate: 2026-11-01T08:00:00Z\nlang: de\ntags: [Hafen, Stadt]\nwithdrawn: true\nwithdrawn_reason: "Gerichtliche Verfügung & Widerruf"\n---\nText von Alpha.\n',
    );
    await t.reindex();
    expect(await (await t.get("/rss.xml")).text()).not.toContain("Alpha");
    const json = (await (await t.get("/feed.json")).json()) as { items: { title: string }[] };
    expect(json.items.map((item) => item.title)).toEqual(["Gamma", "Beta"]);
    const atom = await (await t.get("/tags/hafen/atom.xml")).text();
    expect(atom).toContain(
      `<at:deleted-entry ref="${t.guid("alpha")}" when="${TEST_NOW.toISOString()}"><at:comment>Gerichtliche Verfügung &#x26; Widerruf</at:comment></at:deleted-entry>`,
    );
    const page = await t.get("/articles/alpha");
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("Gerichtliche Verfügung &amp; Widerruf");
    expect(html).not.toContain("Text von Alpha");
    // JSON Feed has no tombstone: its delta since before is empty (nothing added or updated).
    const delta = await t.get("/feed.json", { headers: { "A-IM": "feed", "If-None-Match": before } });
    expect(delta.status).toBe(226);
    expect(((await delta.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("a correction keeps the GUID, moves updated, opens the content with the dated note, and is in the delta", async () => {
    const t = await setUp("correction");
    const before = (await t.get("/atom.xml")).headers.get("ETag") ?? "";
    await t.s3.put(
      t.key("beta.md"),
      "---\ntitle: Beta\ndate: 2026-11-02T08:00:00Z\nlang: de\ntags: [Verkehr]\ncorrection: Der Streik beginnt am Montag, nicht am Sonntag.\ncorrection_date: 2026-11-25T09:00:00Z\n---\nText von Beta.\n",
    );
    await t.reindex();
    const json = (await (await t.get("/feed.json")).json()) as { items: { id: string; title: string; date_modified: string; content_html: string }[] };
    const beta = json.items.find((item) => item.title === "Beta");
    expect(beta?.id).toBe(t.guid("beta"));
    expect(beta?.date_modified).toBe("2026-11-25T09:00:00.000Z");
    expect(beta?.content_html).toMatch(
      /^<p class="correction"><strong>Korrektur \(2026-11-25\):<\/strong> Der Streik beginnt am Montag, nicht am Sonntag\.<\/p>/,
    );
    const delta = await t.get("/atom.xml", { headers: { "A-IM": "feed", "If-None-Match": before } });
    expect(delta.status).toBe(226);
    const body = await delta.text();
    expect(body.match(/<entry/g)).toHaveLength(1);
    expect(body).toContain(`<id>${t.guid("beta")}</id>`);
  });
});
