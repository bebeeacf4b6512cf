/**
 * A store outage: the last good copy is served when there is one
 * (stale-if-error), otherwise 503 with Retry-After; no response ever shows a
 * stack trace, an SDK message, the endpoint or a credential.
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/config";
import { testEnv } from "../support/env";
import { call, newWorker } from "../support/worker";

const SECRET = "do-not-leak-7f3a9c";
const site = "https://outage.example.com";
/** INDEX_TTL=0: every request that misses the edge cache goes to the store. */
const healthy = testEnv("samples", { SITE_URL: site, INDEX_TTL: "0" });
/** Nothing listens on port 9 of loopback: the store is down. */
const unreachable: Env = { ...healthy, S3_ENDPOINT: "http://127.0.0.1:9", S3_SECRET_ACCESS_KEY: SECRET };
/** The server is up but refuses the credentials: the store is failing. */
const refusing: Env = { ...healthy, S3_ACCESS_KEY_ID: "NOT-A-KEY", S3_SECRET_ACCESS_KEY: SECRET };

async function assertNothingLeaks(response: Response): Promise<void> {
  const text = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  for (const leak of [SECRET, "127.0.0.1", "at async", "    at ", "InvalidAccessKeyId", "NOT-A-KEY", "ECONNREFUSED", "S3RVER"]) {
    expect(text + headers).not.toContain(leak);
  }
}

describe("store outage", () => {
  it("serves the last good copy when the store is unreachable", async () => {
    const good = await call("/rss.xml", {}, healthy);
    expect(good.status).toBe(200);
    const body = await good.text();
    // Only the outage copy remains: the fresh cache entry has expired in this scenario.
    await caches.default.delete(new Request(`${site}/rss.xml`));

    const stale = await call("/rss.xml", {}, unreachable);
    expect(stale.status).toBe(200);
    expect(await stale.clone().text()).toBe(body);
    expect(stale.headers.get("Server-Timing")).toContain('cache;desc="stale"');
    await assertNothingLeaks(stale);
  });

  it.each([
    ["unreachable", unreachable],
    ["refusing requests", refusing],
  ])("answers 503 with Retry-After when the store is %s and no copy exists", async (_, env) => {
    // A new isolate: no last good copy of the index in memory either.
    const response = await call("/atom.xml?limit=9", {}, env, newWorker());
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await response.clone().text()).trim().split("\n")).toHaveLength(1);
    await assertNothingLeaks(response);
  });

  it("never shows a configured secret in any response", async () => {
    const paths = ["/", "/rss.xml", "/atom.xml", "/feed.json", "/opml.xml", "/nothing", "/rss.xml?limit=0", "/articles/000_6851536369dabcad"];
    for (const env of [unreachable, refusing, { ...healthy, SITE_URL: "https://secret-check.example.com", ADMIN_TOKEN: SECRET }]) {
      for (const path of paths) await assertNothingLeaks(await call(path, {}, env));
      await assertNothingLeaks(await call("/admin/reindex", { method: "POST", headers: { Authorization: "Bearer wrong" } }, env));
    }
  });

  it("answers 500 with a short message when the configuration is incomplete", async () => {
    const response = await call("/rss.xml?limit=11", {}, { ...healthy, S3_BUCKET: "" });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("The feed service is not configured correctly.\n");
  });
});
