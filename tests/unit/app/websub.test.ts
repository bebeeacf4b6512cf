import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishedFeedUrls, publishToHubs } from "../../../src/app/websub";
import { type HubStub, type RecordedPing, startHubStub } from "../../support/hub-stub";

let hub: HubStub;
beforeAll(async () => {
  hub = await startHubStub();
});
afterAll(() => hub.close());

async function recorded(label: string): Promise<RecordedPing[]> {
  return (await fetch(`${hub.endpoint}/_recorded/${label}`)).json() as Promise<RecordedPing[]>;
}

const SITE = "https://news.example.com";
/** Long enough for a loopback answer on a loaded machine; only the hanging hub waits it out. */
const quick = { timeoutMs: 2_000, backoffMs: 5, log: () => {} };

describe("publishedFeedUrls", () => {
  it("names the main and topic feeds in every format, main first, and never an archive", () => {
    expect(
      publishedFeedUrls(SITE, [
        { kind: "topic", topic: "tags", slug: "hafen" },
        { kind: "archive", month: "2026-11" },
        { kind: "main" },
        { kind: "topic", topic: "tags", slug: "hafen" },
      ]),
    ).toEqual([
      `${SITE}/rss.xml`,
      `${SITE}/atom.xml`,
      `${SITE}/feed.json`,
      `${SITE}/tags/hafen/rss.xml`,
      `${SITE}/tags/hafen/atom.xml`,
      `${SITE}/tags/hafen/feed.json`,
    ]);
    expect(publishedFeedUrls(SITE, [{ kind: "archive", month: "2026-11" }])).toEqual([]);
  });
});

describe("publishToHubs", () => {
  const urls = [`${SITE}/rss.xml`, `${SITE}/tags/hafen/atom.xml`];

  it("posts one form with hub.mode=publish and every hub.url to each hub", async () => {
    const report = await publishToHubs({ ...quick, hubs: [`${hub.endpoint}/ok/a`, `${hub.endpoint}/ok/b`], urls });
    expect(report).toMatchObject({ subrequests: 2, dropped: [] });
    for (const label of ["a", "b"]) {
      const [ping, ...more] = await recorded(label);
      expect(more).toEqual([]);
      expect(ping?.contentType).toBe("application/x-www-form-urlencoded");
      const form = new URLSearchParams(ping?.body);
      expect(form.get("hub.mode")).toBe("publish");
      expect(form.getAll("hub.url")).toEqual(urls);
    }
  });

  it("retries a failing hub with backoff, and a flaky one succeeds on the retry", async () => {
    const report = await publishToHubs({ ...quick, hubs: [`${hub.endpoint}/fail/c`, `${hub.endpoint}/flaky/d`], urls, budget: 10 });
    expect(await recorded("c")).toHaveLength(3);
    expect(await recorded("d")).toHaveLength(2);
    expect(report.delivered).toEqual([{ hub: `${hub.endpoint}/flaky/d`, urls: 2, attempts: 2 }]);
    expect(report.dropped).toEqual([{ hub: `${hub.endpoint}/fail/c`, urls: 2, attempts: 3, reason: "HTTP 500" }]);
  });

  it("gives up on a hanging hub after the timeout without holding up the others", async () => {
    const logged: string[] = [];
    const report = await publishToHubs({
      ...quick,
      timeoutMs: 300,
      hubs: [`${hub.endpoint}/hang/e`, `${hub.endpoint}/ok/f`],
      urls,
      log: (line) => logged.push(line),
    });
    expect(report.delivered.map((entry) => entry.hub)).toEqual([`${hub.endpoint}/ok/f`]);
    expect(report.dropped).toEqual([{ hub: `${hub.endpoint}/hang/e`, urls: 2, attempts: 3, reason: "no answer within 300 ms" }]);
    expect(logged).toEqual([`websub: publish ping to ${hub.endpoint}/hang/e for 2 feed URL(s) dropped after 3 attempt(s): no answer within 300 ms`]);
  });

  it("does not retry a hub that refuses (4xx)", async () => {
    const report = await publishToHubs({ ...quick, hubs: [`${hub.endpoint}/refuse/g`], urls });
    expect(await recorded("g")).toHaveLength(1);
    expect(report.dropped[0]).toMatchObject({ attempts: 1, reason: "HTTP 403" });
  });

  it("never spends more subrequests than its budget, and drops what it did not reach", async () => {
    const hubs = ["h1", "h2", "h3"].map((label) => `${hub.endpoint}/fail/${label}`);
    const report = await publishToHubs({ ...quick, hubs, urls, budget: 4 });
    expect(report.subrequests).toBe(4);
    const received = (await Promise.all(["h1", "h2", "h3"].map(recorded))).map((pings) => pings.length);
    expect(received.reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.dropped).toHaveLength(3);
  });

  it("does nothing without hubs or URLs", async () => {
    expect(await publishToHubs({ hubs: [], urls })).toEqual({ delivered: [], dropped: [], subrequests: 0 });
    expect(await publishToHubs({ hubs: [`${hub.endpoint}/ok/z`], urls: [] })).toEqual({ delivered: [], dropped: [], subrequests: 0 });
  });
});
