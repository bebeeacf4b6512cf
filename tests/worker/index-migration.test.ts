/**
 * A bucket indexed by the version 1 layout upgrades itself through the cron
 * trigger, inside workerd against the local S3 server: the feeds keep
 * serving the old index while the new one is built a bounded number of
 * requests per run, then switch to it; the old objects go on the next run.
 */
import { parseRssFeed } from "feedsmith";
import { describe, expect, inject, it } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { indexKeys } from "../../src/index/schema";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { TEST_BUCKETS } from "../support/fixtures";
import { call, runScheduled, wireRequests } from "../support/worker";

const SITE = "https://legacy.example.com";
const env = testEnv("legacy", { SITE_URL: SITE, INDEX_TTL: "0", S3_ENDPOINT: inject("s3CountingEndpoint") });
const keys = indexKeys("news/");
const store = () => createS3Store(s3Settings(loadConfig(env, SITE)));
let nextLimit = 50;
/** The newest 40 items, under a URL of its own so no cached copy answers. */
const feed = async () => {
  const parsed = parseRssFeed(await (await call(`/rss.xml?limit=${nextLimit++}`, {}, env)).text());
  return { ...parsed, items: (parsed.items ?? []).slice(0, 40) };
};
const olderKeys = async () => (await store().list(keys.folder)).map((info) => info.key).filter((key) => !key.startsWith(keys.base));

describe("upgrade of a version 1 index by the cron trigger", () => {
  it("keeps serving the old index until the new one is complete, each run within 50 subrequests", async () => {
    const before = await feed();
    const ids = (before.items ?? []).map((item) => item.guid?.value);
    expect(ids.length).toBeGreaterThan(5);
    // Version 1 archives are whole months, linked by month.
    expect(before.atom?.links?.find((link) => link.rel === "prev-archive")?.href).toBe(`${SITE}/archive/2024-06/rss.xml`);
    const legacy = (await olderKeys()).length;
    expect(legacy).toBeGreaterThan(40);

    const runs: number[] = [];
    for (let run = 0; run < 30; run++) {
      const requests = await wireRequests(TEST_BUCKETS.legacy);
      await runScheduled(env);
      runs.push((await wireRequests(TEST_BUCKETS.legacy)) - requests);
      const head = await store().get(keys.head);
      if (head !== null && (JSON.parse(new TextDecoder().decode(head.body)) as { complete: boolean }).complete) break;
      expect((await feed()).atom?.links?.find((link) => link.rel === "prev-archive")?.href).toBe(`${SITE}/archive/2024-06/rss.xml`);
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(Math.max(...runs)).toBeLessThanOrEqual(50);

    const after = await feed();
    expect((after.items ?? []).map((item) => item.guid?.value)).toEqual(ids);
    expect(after.atom?.links?.find((link) => link.rel === "prev-archive")?.href).toMatch(new RegExp(`^${SITE}/archive/2024-06/page/\\d+/rss.xml$`));
    expect(await olderKeys()).toHaveLength(legacy);

    await runScheduled(env);
    expect(await olderKeys()).toEqual([]);
    expect((await feed()).items?.map((item) => item.guid?.value)).toEqual(ids);
  });
});
