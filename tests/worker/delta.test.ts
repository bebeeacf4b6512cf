/**
 * RFC 3229 with the `feed` instance manipulation, in workerd: a client that
 * names a version it holds gets `226 IM Used` with only the entries added or
 * updated since, in RSS, Atom and JSON Feed; a current tag a 304, an unknown
 * or expired one the whole document; and no shared cache keeps a 226.
 */
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { type Env, loadStoreSettings, s3Settings } from "../../src/config";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { call, newWorker, TEST_NOW, type TestWorker } from "../support/worker";

const TOKEN = "delta-admin-token";

function article(title: string, date: string, updated?: string): string {
  return `---\ntitle: ${title}\ndate: ${date}\n${updated ? `updated: ${updated}\n` : ""}lang: de\ntags: [Hafen]\n---\nText von ${title}.\n`;
}

/** A folder of its own in the websub bucket, with a site of its own (its own edge-cache keys). */
function deltaEnv(): Env {
  const id = crypto.randomUUID();
  return testEnv("websub", { S3_PREFIX: `delta-${id}/`, SITE_URL: `https://${id}.delta.example.com`, ADMIN_TOKEN: TOKEN, INDEX_TTL: "0" });
}

async function setUp(files: Record<string, string>) {
  const env = deltaEnv();
  const settings = loadStoreSettings(env);
  const s3 = createS3Store(s3Settings(settings));
  for (const [name, body] of Object.entries(files)) await s3.put(`${settings.prefix}${name}`, body);
  const worker = newWorker();
  const reindex = async () =>
    expect((await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env, worker)).status).toBe(200);
  const put = (name: string, body: string) => s3.put(`${settings.prefix}${name}`, body);
  return { env, worker, reindex, put };
}

function deltaRequest(etag: string): RequestInit {
  return { headers: { "A-IM": "feed", "If-None-Match": etag } };
}

async function etagOf(path: string, env: Env, worker: TestWorker): Promise<string> {
  const response = await call(path, {}, env, worker);
  expect(response.status).toBe(200);
  return response.headers.get("ETag") ?? "";
}

async function titles(path: string, response: Response): Promise<string[]> {
  const text = await response.text();
  if (path.endsWith("rss.xml")) return (parseRssFeed(text).items ?? []).map((item) => item.title ?? "");
  if (path.endsWith("atom.xml"))
    return (parseAtomFeed(text).entries ?? []).map((entry) => String((entry.title as { value?: string } | undefined)?.value ?? entry.title ?? ""));
  return (JSON.parse(text) as { items: { title: string }[] }).items.map((item) => item.title);
}

describe("A-IM: feed (RFC 3229)", () => {
  it.each(["/rss.xml", "/atom.xml", "/feed.json"])(
    "%s: 226 with the added and the updated entries only, then 304, and the whole feed for an unknown tag",
    async (path) => {
      const { env, worker, reindex, put } = await setUp({ "a.md": article("Alpha", "2026-11-01T08:00:00Z"), "b.md": article("Beta", "2026-11-02T08:00:00Z") });
      const first = await etagOf(path, env, worker);

      await put("c.md", article("Gamma", "2026-11-03T08:00:00Z"));
      // Backdated: older than every entry the client has, and still new to it.
      await put("d.md", article("Delta", "2026-10-01T08:00:00Z"));
      await reindex();
      const added = await call(path, deltaRequest(first), env, worker);
      expect(added.status).toBe(226);
      expect(added.headers.get("IM")).toBe("feed");
      expect(added.headers.get("Cache-Control")).toBe("private, no-cache");
      expect(added.headers.get("Vary")?.split(/,\s*/)).toEqual(expect.arrayContaining(["Accept", "A-IM", "If-None-Match"]));
      const second = added.headers.get("ETag") ?? "";
      expect((await titles(path, added)).sort()).toEqual(["Delta", "Gamma"]);
      // The 226 names the whole current document's tag: the client's next base.
      expect(await etagOf(path, env, worker)).toBe(second);

      await put("a.md", article("Alpha", "2026-11-01T08:00:00Z", "2026-11-20T08:00:00Z"));
      await reindex();
      const updated = await call(path, deltaRequest(second), env, worker);
      expect(updated.status).toBe(226);
      expect(await titles(path, updated)).toEqual(["Alpha"]);
      // From the first version: everything added or updated since.
      const sinceFirst = await call(path, deltaRequest(`W/${first}`), env, worker);
      expect((await titles(path, sinceFirst)).sort()).toEqual(["Alpha", "Delta", "Gamma"]);

      const current = updated.headers.get("ETag") ?? "";
      const notModified = await call(path, deltaRequest(current), env, worker);
      expect(notModified.status).toBe(304);

      const unknown = await call(path, deltaRequest('"no-such-version"'), env, worker);
      expect(unknown.status).toBe(200);
      expect(unknown.headers.get("IM")).toBeNull();
      expect(await titles(path, unknown)).toHaveLength(4);

      // Without A-IM, an old tag is an ordinary miss: the whole document.
      const plain = await call(path, { headers: { "If-None-Match": first } }, env, worker);
      expect(plain.status).toBe(200);
      expect(await titles(path, plain)).toHaveLength(4);
    },
  );

  it("a shared cache never keeps the 226: the next plain request gets the whole document", async () => {
    const { env, worker, reindex, put } = await setUp({ "a.md": article("Alpha", "2026-11-01T08:00:00Z") });
    const first = await etagOf("/atom.xml", env, worker);
    await put("b.md", article("Beta", "2026-11-02T08:00:00Z"));
    await reindex();
    expect((await call("/atom.xml", deltaRequest(first), env, worker)).status).toBe(226);
    const plain = await call("/atom.xml", {}, env, worker);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("Cache-Control")).toMatch(/^public, /);
    expect(await titles("/atom.xml", plain)).toEqual(["Beta", "Alpha"]);
  });

  it("another isolate knows the version through the edge cache", async () => {
    const { env, worker, reindex, put } = await setUp({ "a.md": article("Alpha", "2026-11-01T08:00:00Z") });
    const first = await etagOf("/feed.json", env, worker);
    await put("b.md", article("Beta", "2026-11-02T08:00:00Z"));
    await reindex();
    const other = newWorker();
    const response = await call("/feed.json", deltaRequest(first), env, other);
    expect(response.status).toBe(226);
    expect(await titles("/feed.json", response)).toEqual(["Beta"]);
  });

  it("an expired version record gets the whole document", async () => {
    let now = TEST_NOW.getTime();
    const env = deltaEnv();
    const settings = loadStoreSettings(env);
    const s3 = createS3Store(s3Settings(settings));
    await s3.put(`${settings.prefix}a.md`, article("Alpha", "2026-11-01T08:00:00Z"));
    // No edge cache: the isolate's own record is all there is, and it expires by the application's clock.
    const worker = newWorker(() => new Date(now), { edgeCache: null });
    const first = await etagOf("/rss.xml", env, worker);
    await s3.put(`${settings.prefix}b.md`, article("Beta", "2026-11-02T08:00:00Z"));
    expect((await call("/admin/reindex", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } }, env, worker)).status).toBe(200);
    expect((await call("/rss.xml", deltaRequest(first), env, worker)).status).toBe(226);
    now += 8 * 86_400_000;
    const expired = await call("/rss.xml", deltaRequest(first), env, worker);
    expect(expired.status).toBe(200);
    expect(await titles("/rss.xml", expired)).toEqual(["Beta", "Alpha"]);
  });

  it("the HTML page for a browser is never a delta", async () => {
    const { env, worker } = await setUp({ "a.md": article("Alpha", "2026-11-01T08:00:00Z") });
    const first = await etagOf("/rss.xml", env, worker);
    const page = await call("/rss.xml", { headers: { Accept: "text/html", "A-IM": "feed", "If-None-Match": first } }, env, worker);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
  });
});
