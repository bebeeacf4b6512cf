/**
 * WebSub end to end in workerd: the feeds name the hubs and themselves (in
 * the document and the Link header), and an index change pings the hubs of
 * WEBSUB_HUBS (the hub stub of the global setup) with exactly the feeds whose
 * content changed. A failing or hanging hub never fails the update.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { type Env, loadStoreSettings, s3Settings } from "../../src/config";
import { sha256Hex } from "../../src/partners/token";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import type { RecordedPing } from "../support/fixtures";
import { call, newWorker, runScheduled, type TestWorker } from "../support/worker";

const TOKEN = "websub-admin-token";
const SITE = "https://websub.example.com";

function hubUrl(behaviour: string, label: string): string {
  return `${inject("hubEndpoint")}/${behaviour}/${label}`;
}

async function recorded(label: string): Promise<RecordedPing[]> {
  return (await fetch(hubUrl("_recorded", label))).json();
}

function pingedUrls(ping: RecordedPing | undefined): string[] {
  const form = new URLSearchParams(ping?.body ?? "");
  expect(form.get("hub.mode")).toBe("publish");
  return form.getAll("hub.url").sort();
}

/** An environment over a folder of its own in the websub bucket. */
function websubEnv(hubs: string[], overrides: Partial<Env> = {}): Env {
  return testEnv("websub", {
    S3_PREFIX: `websub-${crypto.randomUUID()}/`,
    SITE_URL: SITE,
    ADMIN_TOKEN: TOKEN,
    INDEX_TTL: "0",
    WEBSUB_HUBS: hubs.join(","),
    ...overrides,
  });
}

function storeOf(env: Env) {
  const settings = loadStoreSettings(env);
  return { s3: createS3Store(s3Settings(settings)), prefix: settings.prefix };
}

const reindex = (env: Env, worker: TestWorker) => call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env, worker);

const HAFEN =
  "---\ntitle: Der Hafen wächst\ndate: 2026-11-20T08:00:00Z\nlang: de\ntags: [Hafen]\nauthor: Maria Meier\nsource: https://www.zeitung.example/hafen\n---\nDer Hafen wächst wieder.\n";
const BAHN =
  "---\ntitle: Die Bahn streikt\ndate: 2026-11-21T08:00:00Z\nlang: de\ntags: [Verkehr]\nauthor: Jan Roth\nsource: https://bahn.example/streik\n---\nDie Bahn streikt.\n";

const formats = (path: string) => ["rss.xml", "atom.xml", "feed.json"].map((file) => `${SITE}${path}${file}`);

describe("feeds advertise the hubs and themselves", () => {
  const hubs = [hubUrl("ok", "advertised-1"), hubUrl("ok", "advertised-2")];
  const env = testEnv("samples", { SITE_URL: "https://hubs.example.com", WEBSUB_HUBS: hubs.join(" , ") });

  it.each(["/rss.xml", "/atom.xml", "/tags/energie/rss.xml", "/tags/energie/atom.xml"])("%s: rel=hub and rel=self links, and the Link header", async (path) => {
    const response = await call(path, {}, env);
    expect(response.status).toBe(200);
    const self = `https://hubs.example.com${path}`;
    expect(response.headers.get("Link")).toBe(`<${hubs[0]}>; rel="hub", <${hubs[1]}>; rel="hub", <${self}>; rel="self"`);
    const text = await response.text();
    const element = path.endsWith("rss.xml") ? "atom:link" : "link";
    for (const hub of hubs) expect(text).toContain(`<${element} rel="hub" href="${hub}"/>`);
    expect(text).toContain(`<${element} rel="self" href="${self}"`);
  });

  it("JSON Feed: hubs of type WebSub", async () => {
    const response = await call("/feed.json", {}, env);
    const feed = (await response.json()) as { hubs?: unknown; feed_url: string };
    expect(feed.hubs).toEqual(hubs.map((url) => ({ type: "WebSub", url })));
    expect(feed.feed_url).toBe("https://hubs.example.com/feed.json");
    expect(response.headers.get("Link")).toContain('<https://hubs.example.com/feed.json>; rel="self"');
  });

  it.each(["/archive/2025-12/atom.xml", "/rss.xml?limit=3", "/feed.json?limit=3"])("%s names no hub: nothing pings that URL", async (path) => {
    const response = await call(path, {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Link")).toBeNull();
    const text = await response.text();
    expect(text).not.toContain('rel="hub"');
    expect(text).not.toContain('"hubs"');
  });

  it("no hub without WEBSUB_HUBS", async () => {
    const response = await call("/atom.xml", {}, testEnv("samples", { SITE_URL: "https://nohubs.example.com" }));
    expect(response.headers.get("Link")).toBeNull();
    expect(await response.text()).not.toContain('rel="hub"');
  });
});

describe("an index change pings the hubs", () => {
  it("with exactly the feeds whose content changed, once per hub, and nothing when nothing changed", async () => {
    const env = websubEnv([hubUrl("ok", "change-a"), hubUrl("ok", "change-b")]);
    const worker = newWorker();
    const { s3, prefix } = storeOf(env);
    await s3.put(`${prefix}hafen.md`, HAFEN);

    expect((await reindex(env, worker)).status).toBe(200);
    const everything = [
      ...formats("/"),
      ...formats("/tags/hafen/"),
      ...formats("/authors/maria-meier/"),
      ...formats("/lang/de/"),
      ...formats("/sources/zeitung.example/"),
    ].sort();
    for (const label of ["change-a", "change-b"]) {
      const pings = await recorded(label);
      expect(pings).toHaveLength(1);
      expect(pingedUrls(pings[0])).toEqual(everything);
    }

    // Nothing changed: no ping.
    expect((await reindex(env, worker)).status).toBe(200);
    expect(await recorded("change-a")).toHaveLength(1);

    // A second article: the main feed, its own topics and the shared language.
    await s3.put(`${prefix}bahn.md`, BAHN);
    await runScheduled(env, worker);
    const second = await recorded("change-a");
    expect(second).toHaveLength(2);
    expect(pingedUrls(second[1])).toEqual(
      [...formats("/"), ...formats("/tags/verkehr/"), ...formats("/authors/jan-roth/"), ...formats("/lang/de/"), ...formats("/sources/bahn.example/")].sort(),
    );
  });

  it("POST /admin/changes (the change path) pings the feeds the change touched", async () => {
    const env = websubEnv([hubUrl("ok", "change-path")]);
    const worker = newWorker();
    const { s3, prefix } = storeOf(env);
    await s3.put(`${prefix}hafen.md`, HAFEN);
    expect((await reindex(env, worker)).status).toBe(200);
    await s3.put(`${prefix}bahn.md`, BAHN);
    const response = await call(
      "/admin/changes",
      {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ keys: [`${prefix}bahn.md`] }),
      },
      env,
      worker,
    );
    expect(response.status).toBeLessThan(300);
    const pings = await recorded("change-path");
    expect(pings).toHaveLength(2);
    expect(pingedUrls(pings[1])).toEqual(
      [...formats("/"), ...formats("/tags/verkehr/"), ...formats("/authors/jan-roth/"), ...formats("/lang/de/"), ...formats("/sources/bahn.example/")].sort(),
    );
  });

  it("a failing and a hanging hub never fail or block the update; the working hub still gets its ping", async () => {
    const env = websubEnv([hubUrl("fail", "bad-a"), hubUrl("hang", "bad-b"), hubUrl("ok", "bad-c")]);
    const worker = newWorker(undefined, { websub: { timeoutMs: 1_000, backoffMs: 10 } });
    const { s3, prefix } = storeOf(env);
    await s3.put(`${prefix}hafen.md`, HAFEN);

    const ctx = createExecutionContext();
    const request = new Request(`${SITE}/admin/reindex`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } });
    const response = await worker.fetch(request, env, ctx);
    expect(response.status).toBe(200);
    // The update is done and visible before the pings have finished.
    expect((await call("/rss.xml", {}, env, worker)).status).toBe(200);
    await waitOnExecutionContext(ctx);

    expect(await recorded("bad-c")).toHaveLength(1);
    // Retried within the budget of five subrequests: the working hub took one.
    const failed = (await recorded("bad-a")).length + (await recorded("bad-b")).length;
    expect(failed).toBe(4);
    expect(await (await call("/rss.xml", {}, env, worker)).text()).toContain("Der Hafen wächst");
  });

  it("a partner's feeds name no hub (the token must not reach one)", async () => {
    const env = websubEnv([hubUrl("ok", "partner")]);
    const worker = newWorker();
    const { s3, prefix } = storeOf(env);
    await s3.put(`${prefix}hafen.md`, HAFEN);
    const token = "nK7wq3X0aZ1c9Vb2LmTtUe8RyPq4Hs6JdFgKo0WiQxE";
    await s3.put(
      `${prefix}_partners.yaml`,
      `partners:\n  - id: kurier\n    name: Kurier\n    token_sha256: ${await sha256Hex(token)}\n    content: full\n    delay_minutes: 0\n`,
    );
    const viaPath = await call(`/p/${token}/atom.xml`, {}, env, worker);
    expect(viaPath.status).toBe(200);
    expect(viaPath.headers.get("Link")).toBeNull();
    expect(await viaPath.text()).not.toContain('rel="hub"');
    const viaHeader = await call("/feed.json", { headers: { Authorization: `Bearer ${token}` } }, env, worker);
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.text()).not.toContain('"hubs"');
  });
});
