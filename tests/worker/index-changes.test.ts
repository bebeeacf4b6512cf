/**
 * The change path inside workerd against the local S3 server: a new, an
 * edited and a deleted article applied with `applyChanges` reach the feeds,
 * and the cron trigger repairs a change no event announced, each invocation
 * within the free plan's 50 subrequests as the S3 server counts them.
 */
import { parseAtomFeed } from "feedsmith";
import { describe, expect, inject, it } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { applyChanges } from "../../src/index/changes";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { TEST_BUCKETS } from "../support/fixtures";
import { call, runScheduled, wireRequests } from "../support/worker";

const SITE = "https://changes.example.com";
const BUCKET = TEST_BUCKETS.changes;
const env = testEnv("changes", { SITE_URL: SITE, INDEX_TTL: "0", S3_ENDPOINT: inject("s3CountingEndpoint") });
const store = () => createS3Store(s3Settings(loadConfig(env, SITE)));
const options = { articlePrefix: "", defaultLanguage: "en" };
/** A Worker invocation on the free plan may make 50 subrequests. */
const WORKER_LIMIT = 50;
const guid = (id: string) => `tag:changes.example.com,2024:${id}`;
let nextLimit = 10;
/** Entry ids of the Atom feed, under a URL of its own so no cached copy answers. */
const entries = async () =>
  (parseAtomFeed(await (await call(`/atom.xml?limit=${nextLimit++}`, {}, env)).text()).entries ?? []).map((e) => [
    e.id,
    typeof e.title === "string" ? e.title : e.title?.value,
  ]);
const article = (title: string, date: string) => `---\ntitle: ${title}\ndate: ${date}\ntags: [Hafen]\n---\n${title}: ein kurzer Text über den Hafen.\n`;

/** Runs `task` and returns the requests the S3 server saw meanwhile. */
async function atTheWire(task: () => Promise<unknown>): Promise<number> {
  const before = await wireRequests(BUCKET);
  await task();
  return (await wireRequests(BUCKET)) - before;
}

describe("the change path in workerd", () => {
  it("applies a new, an edited and a deleted article, each within the budget, and the feeds follow", async () => {
    await store().put("eins.txt", article("Erste Meldung", "2026-01-02T08:00:00Z"));
    await store().put("zwei.txt", article("Zweite Meldung", "2026-01-03T08:00:00Z"));
    let report = await applyChanges(store(), ["eins.txt", "zwei.txt"], options);
    expect(report).toMatchObject({ applied: ["eins.txt", "zwei.txt"], remaining: [], failed: [] });
    expect(await entries()).toEqual([
      [guid("zwei"), "Zweite Meldung"],
      [guid("eins"), "Erste Meldung"],
    ]);

    await store().put("zwei.txt", article("Zweite Meldung, korrigiert", "2026-01-03T08:00:00Z"));
    const edit = await atTheWire(async () => {
      report = await applyChanges(store(), ["zwei.txt"], options);
    });
    expect(edit).toBe(report.reads + report.writes);
    expect(edit).toBeLessThanOrEqual(WORKER_LIMIT);
    expect(report.changedScopes).toEqual(expect.arrayContaining([{ kind: "main" }, { kind: "topic", topic: "tags", slug: "hafen" }]));
    expect((await entries())[0]).toEqual([guid("zwei"), "Zweite Meldung, korrigiert"]);

    await store().delete("eins.txt");
    const deletion = await atTheWire(() => applyChanges(store(), ["eins.txt"], options));
    expect(deletion).toBeLessThanOrEqual(WORKER_LIMIT);
    expect(await entries()).toEqual([[guid("zwei"), "Zweite Meldung, korrigiert"]]);
    // Gone, and remembered as gone (RFC 6721 tombstone in the Atom feed, 410 for its page).
    expect((await call("/articles/eins", {}, env)).status).toBe(410);
    expect(await (await call("/atom.xml", {}, env)).text()).toContain(`<at:deleted-entry ref="${guid("eins")}"`);
  });

  it("repairs on the cron trigger what no event announced, within 50 subrequests at the wire", async () => {
    await store().put("drei.txt", article("Dritte Meldung", "2026-01-04T08:00:00Z"));
    const requests = await atTheWire(() => runScheduled(env));
    expect(requests).toBeLessThanOrEqual(WORKER_LIMIT);
    expect((await entries()).map(([id]) => id)).toContain(guid("drei"));
  });
});
