/**
 * Partner feeds in workerd against the local S3 server: each term of
 * `_partners.yaml`, tokens in the path and in a bearer header, wrong, revoked
 * and rotated tokens, CORS for widgets, the rate limit, usage records, and
 * that no token ever reaches another body, a log line or a cache key. Also
 * the public feeds under PUBLIC_CONTENT=summary.
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { type Env, loadConfig, s3Settings } from "../../src/config";
import { partnerKeys } from "../../src/partners/storage";
import { sha256Hex } from "../../src/partners/token";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";
import { call, newWorker, TEST_NOW, type TestWorker } from "../support/worker";

const SITE = "https://partners.example.com";
const KEYS = partnerKeys("");

/** Tokens as `npm run partners` makes them: 32 random bytes, base64url (fixed here). */
const TOKENS = {
  full: "nK7wq3X0aZ1c9Vb2LmTtUe8RyPq4Hs6JdFgKo0WiQxE",
  summary: "Zr5tY8uI1oP3aS6dF9gH2jK4lZ7xC0vB5nM8qW1eR3T",
  delayed: "Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9L0zXcVb",
  limited: "mN1bV2cX3zL4kJ5hG6fD7sA8pO9iU0yT1rE2wQ3aSdF",
  rotated: "Pq9Wo8Ei7Ru6Ty5Yu4Ii3Oo2Pp1Aa0SsDdFfGgHhJjK",
  unknown: "ZZZZwq3X0aZ1c9Vb2LmTtUe8RyPq4Hs6JdFgKo0WiQxE",
} as const;
const ALL_TOKENS = Object.values(TOKENS);

const ATTRIBUTION = "Mit freundlicher Genehmigung von News";
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** Articles with dates relative to TEST_NOW (2026-12-01T12:00Z), languages, tags and sources of their own. */
const ARTICLES: Record<string, string> = {
  "a-hafen.md": article({
    title: "Hafen meldet Rekordumschlag",
    date: "2026-12-01T11:50:00Z",
    lang: "de",
    tags: "[Wirtschaft]",
    source: "https://www.hafen.example.de/rekord",
  }),
  "b-stadion.md": article({ title: "Stadion wird saniert", date: "2026-12-01T09:00:00Z", lang: "de", tags: "[Sport]" }),
  "c-port.md": article({
    title: "Port traffic grows",
    date: "2026-11-20T08:00:00Z",
    lang: "en",
    tags: "[Wirtschaft]",
    source: "https://www.port.example.com/traffic",
  }),
  "d-chips.md": article({ title: "New chip plant opens", date: "2026-10-05T08:00:00Z", lang: "en", tags: "[Tech]" }),
};

function article(fields: { title: string; date: string; lang: string; tags: string; source?: string }): string {
  const lines = ["---", `title: "${fields.title}"`, `date: ${fields.date}`, "author: Test Desk", `tags: ${fields.tags}`, `lang: ${fields.lang}`];
  if (fields.source) lines.push(`source: ${fields.source}`);
  lines.push(`summary: "Summary of ${fields.title}."`, "---", `Full text of ${fields.title}, first paragraph.`, `Second paragraph of ${fields.title}.`);
  return `${lines.join("\n")}\n`;
}

/** The `_partners.yaml` of most tests; `overrides` replace or remove (null) whole partner entries. */
async function partnersYaml(overrides: Record<string, string | null> = {}): Promise<string> {
  const entries: Record<string, string | null> = {
    full: `  - id: full-all
    name: Full Partner
    token_sha256: ${await sha256Hex(TOKENS.full)}
    content: full
    delay_minutes: 0
    origins: [https://widget.example]`,
    summary: `  - id: summary-de
    name: Summary Partner
    token_sha256: ${await sha256Hex(TOKENS.summary)}
    content: summary
    delay_minutes: 0
    topics: [lang/de]
    attribution: "${ATTRIBUTION}"`,
    delayed: `  - id: delayed
    name: Delayed Partner
    token_sha256: ${await sha256Hex(TOKENS.delayed)}
    content: full
    delay_minutes: 60`,
    limited: `  - id: limited
    name: Limited Partner
    token_sha256: ${await sha256Hex(TOKENS.limited)}
    content: full
    delay_minutes: 0
    requests_per_minute: 2`,
    ...overrides,
  };
  return `# partner feeds of the test site\npartners:\n${Object.values(entries)
    .filter((entry) => entry !== null)
    .join("\n")}\n`;
}

function envWith(overrides: Partial<Env> = {}): Env {
  return testEnv("partners", { SITE_URL: SITE, ...overrides });
}

const store = () => createS3Store(s3Settings(loadConfig(envWith(), SITE)));

async function writePartners(text: string): Promise<void> {
  await store().put(KEYS.definition, text);
}

/** Every console line written while a test runs, to check that no token is in any of them. */
let consoleLines: string[] = [];
let spies: MockInstance[] = [];

beforeAll(async () => {
  const bucket = store();
  for (const [key, body] of Object.entries(ARTICLES)) await bucket.put(key, body);
});

beforeEach(async () => {
  await writePartners(await partnersYaml());
  consoleLines = [];
  spies = (["log", "warn", "error", "info", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(
        args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack ?? ""}` : typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "),
      );
    }),
  );
});

afterEach(() => {
  for (const spy of spies) spy.mockRestore();
  for (const line of consoleLines) for (const token of ALL_TOKENS) expect(line, "a log line holds a token").not.toContain(token);
});

/** A fresh isolate with the test clock (or `clock`), so that no test sees another's memory caches. */
function isolate(clock?: () => Date): TestWorker {
  return newWorker(clock);
}

function usageLines(): Record<string, unknown>[] {
  return logLines().filter((line) => line.event === "partner_request");
}

/** The console lines that are JSON (every log line of the service, src/app/log.ts), parsed. */
function logLines(): Record<string, unknown>[] {
  return consoleLines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("a partner with its token in the path", () => {
  it("gets every feed, with links that keep its prefix, as a private response", async () => {
    const worker = isolate();
    const prefix = `${SITE}/p/${TOKENS.full}`;
    const response = await call(`/p/${TOKENS.full}/rss.xml`, {}, envWith(), worker);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, max-age=300, stale-while-revalidate=600, stale-if-error=86400");
    const rss = parseRssFeed(await response.text());
    const links = rss.atom?.links ?? [];
    expect(links.find((link) => link.rel === "self")?.href).toBe(`${prefix}/rss.xml`);
    for (const link of links.filter((link) => link.rel === "alternate")) expect(link.href?.startsWith(`${prefix}/`), link.href).toBe(true);
    expect(links.find((link) => link.rel === "prev-archive")?.href).toMatch(new RegExp(`^${prefix}/archive/\\d{4}-\\d{2}/page/\\d+/rss\\.xml$`));
    // Items without a source link to the article page below the prefix; the others to their source.
    const itemLinks = (rss.items ?? []).map((item) => item.link);
    expect(itemLinks).toContain(`${prefix}/articles/b-stadion`);
    expect(itemLinks).toContain("https://www.hafen.example.de/rekord");
    expect(itemLinks).toHaveLength(4);

    // A page cut short continues below the prefix too.
    const json = parseJsonFeed(await (await call(`/p/${TOKENS.full}/feed.json?limit=2`, {}, envWith(), worker)).text());
    expect(json.feed_url).toBe(`${prefix}/feed.json?limit=2`);
    expect(json.next_url).toMatch(new RegExp(`^${prefix}/feed\\.json\\?before=`));

    for (const path of ["/atom.xml", "/tags/wirtschaft/rss.xml", "/lang/en/feed.json", "/archive/2026-11/atom.xml", "/articles/b-stadion"]) {
      const other = await call(`/p/${TOKENS.full}${path}`, {}, envWith(), worker);
      expect(other.status, path).toBe(200);
      expect(other.headers.get("Cache-Control"), path).toMatch(/^private, /);
    }
  });

  it("gets, in a browser, the feed's page with links below its prefix, on its terms", async () => {
    const worker = isolate();
    const prefix = `${SITE}/p/${TOKENS.summary}`;
    const response = await call(`/p/${TOKENS.summary}/rss.xml`, { headers: { Accept: BROWSER_ACCEPT } }, envWith(), worker);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toMatch(/^private, /);
    const page = await response.text();
    expect(page).toContain(`href="${prefix}/articles/b-stadion"`);
    expect(page).toContain(`href="${prefix}/atom.xml"`);
    expect(page).not.toContain("Full text of");
    expect(page).not.toContain("Port traffic grows");
    // The reader's feed at the same URL is cached apart from the page.
    const feed = await call(`/p/${TOKENS.summary}/rss.xml`, {}, envWith(), worker);
    expect(feed.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
  });

  it("is redirected from another spelling of a topic to its canonical URL below the prefix", async () => {
    const response = await call(`/p/${TOKENS.full}/sources/www.hafen.example.de/rss.xml?limit=3`, {}, envWith(), isolate());
    expect(response.status).toBe(301);
    expect(response.headers.get("Location")).toBe(`/p/${TOKENS.full}/sources/hafen.example.de/rss.xml?limit=3`);
    expect(response.headers.get("Cache-Control")).toMatch(/^private, /);
  });

  it("gets 304 for a document it has, like the public", async () => {
    const worker = isolate();
    const first = await call(`/p/${TOKENS.full}/atom.xml`, {}, envWith(), worker);
    const etag = first.headers.get("ETag") ?? "";
    const again = await call(`/p/${TOKENS.full}/atom.xml`, { headers: { "If-None-Match": etag } }, envWith(), worker);
    expect(again.status).toBe(304);
  });
});

describe("a partner with its token in an Authorization header", () => {
  it("gets its terms on the public URLs, with public links", async () => {
    const worker = isolate();
    const response = await call("/rss.xml", { headers: { Authorization: `Bearer ${TOKENS.summary}` } }, envWith(), worker);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toMatch(/^private, /);
    expect(response.headers.get("Vary")).toContain("Authorization");
    const text = await response.text();
    expect(text).toContain(ATTRIBUTION);
    expect(text).not.toContain("/p/");
    expect(parseRssFeed(text).atom?.links?.find((link) => link.rel === "self")?.href).toBe(`${SITE}/rss.xml`);
    // The public document at the same URL is untouched by it.
    const publicResponse = await call("/rss.xml", {}, envWith(), worker);
    expect(publicResponse.headers.get("Cache-Control")).toMatch(/^public, /);
    expect(publicResponse.headers.get("Vary")).toContain("Authorization");
    expect(await publicResponse.text()).not.toContain(ATTRIBUTION);
  });

  it("leaves the admin endpoint's bearer token alone", async () => {
    const response = await call(
      "/admin/reindex",
      { method: "POST", headers: { Authorization: `Bearer ${TOKENS.full}` } },
      envWith({ ADMIN_TOKEN: "admin-token-of-the-test" }),
      isolate(),
    );
    expect(response.status).toBe(401);
  });
});

describe("partner terms", () => {
  it("content: summary gives RSS description only, Atom summary only, JSON Feed summary and content_text", async () => {
    const worker = isolate();
    const rss = await (await call(`/p/${TOKENS.summary}/rss.xml`, {}, envWith(), worker)).text();
    expect(rss).not.toContain("content:encoded");
    expect(rss).not.toContain("Full text of");
    const rssItems = parseRssFeed(rss).items ?? [];
    expect(rssItems).toHaveLength(2);
    for (const item of rssItems) expect(item.description).toMatch(/^<p>Summary of .+\.<\/p><p>Mit freundlicher Genehmigung von News<\/p>$/);

    const atom = await (await call(`/p/${TOKENS.summary}/atom.xml`, {}, envWith(), worker)).text();
    expect(atom).not.toContain("<content");
    const entries = parseAtomFeed(atom).entries ?? [];
    const summaries = [...atom.matchAll(/<summary type="html">([\s\S]*?)<\/summary>/g)].map((match) => match[1] ?? "");
    expect(entries).toHaveLength(2);
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) expect(summary).toContain(ATTRIBUTION);

    const json = JSON.parse(await (await call(`/p/${TOKENS.summary}/feed.json`, {}, envWith(), worker)).text()) as { items: Record<string, unknown>[] };
    expect(json.items).toHaveLength(2);
    for (const item of json.items) {
      expect(item).not.toHaveProperty("content_html");
      expect(item.content_text).toBe(item.summary);
      expect(String(item.summary).endsWith(`\n\n${ATTRIBUTION}`)).toBe(true);
    }
  });

  it("attribution is appended to each item of a full-text feed too", async () => {
    const worker = isolate();
    await writePartners(
      await partnersYaml({
        full: `  - id: full-all
    name: Full Partner
    token_sha256: ${await sha256Hex(TOKENS.full)}
    content: full
    delay_minutes: 0
    attribution: "${ATTRIBUTION}"`,
      }),
    );
    const json = JSON.parse(await (await call(`/p/${TOKENS.full}/feed.json`, {}, envWith(), worker)).text()) as {
      items: { content_html: string; summary: string }[];
    };
    expect(json.items).toHaveLength(4);
    for (const item of json.items) {
      expect(item.content_html).toContain("Full text of");
      expect(item.content_html.endsWith(`<p class="attribution">${ATTRIBUTION}</p>`)).toBe(true);
      expect(item.summary.endsWith(ATTRIBUTION)).toBe(true);
    }
  });

  it("topics: allowed topics are served, other topics 404 like unknown ones, the main feed and archives hold allowed items only", async () => {
    const worker = isolate();
    const base = `/p/${TOKENS.summary}`;
    expect((await call(`${base}/lang/de/rss.xml`, {}, envWith(), worker)).status).toBe(200);
    const refused = await call(`${base}/lang/en/rss.xml`, {}, envWith(), worker);
    expect(refused.status).toBe(404);
    const unknown = await call(`/lang/zz/rss.xml`, {}, envWith(), worker);
    expect(await refused.text()).toBe((await unknown.text()).replace('"zz"', '"en"'));
    expect((await call(`${base}/tags/wirtschaft/rss.xml`, {}, envWith(), worker)).status).toBe(404);

    const main = parseJsonFeed(await (await call(`${base}/feed.json`, {}, envWith(), worker)).text());
    expect(main.items?.map((item) => item.title)).toEqual(["Hafen meldet Rekordumschlag", "Stadion wird saniert"]);
    // A month with no allowed item is an empty archive for this partner (the month exists), not someone else's items.
    const october = parseJsonFeed(await (await call(`${base}/archive/2026-10/feed.json`, {}, envWith(), worker)).text());
    expect(october.items ?? []).toEqual([]);
    // Article pages follow the same rule.
    expect((await call(`${base}/articles/d-chips`, {}, envWith(), worker)).status).toBe(404);
    expect((await call(`${base}/articles/b-stadion`, {}, envWith(), worker)).status).toBe(200);
  });

  it("delay_minutes: items younger than the delay are withheld, by the application clock", async () => {
    const titles = async (worker: TestWorker, token: string | null) => {
      const path = token ? `/p/${token}/feed.json` : "/feed.json";
      return parseJsonFeed(await (await call(path, {}, envWith({ INDEX_TTL: "0" }), worker)).text()).items?.map((item) => item.title);
    };
    const now = isolate();
    expect(await titles(now, null)).toContain("Hafen meldet Rekordumschlag");
    expect(await titles(now, TOKENS.delayed)).toEqual(["Stadion wird saniert", "Port traffic grows", "New chip plant opens"]);
    expect((await call(`/p/${TOKENS.delayed}/articles/a-hafen`, {}, envWith(), now)).status).toBe(404);
    // An hour after publication the article is released to the partner too.
    const later = isolate(() => new Date("2026-12-01T12:50:00.000Z"));
    expect(await titles(later, TOKENS.delayed)).toContain("Hafen meldet Rekordumschlag");
  });

  it("a partner's article page keeps to its terms and names the public page as canonical", async () => {
    const page = await (await call(`/p/${TOKENS.summary}/articles/b-stadion`, {}, envWith(), isolate())).text();
    expect(page).toContain("Summary of Stadion wird saniert.");
    expect(page).not.toContain("Full text of");
    expect(page).toContain(`<a href="${SITE}/articles/b-stadion">Read the full article</a>`);
    expect(page).toContain(`<link rel="canonical" href="${SITE}/articles/b-stadion">`);
    expect(page).toContain(ATTRIBUTION);
    expect(page).toContain(`${SITE}/p/${TOKENS.summary}/rss.xml`);
  });
});

describe("tokens that open nothing", () => {
  /** Headers that say nothing about the request's token (Date differs by the second). */
  // Every response has a date and a request id of its own; nothing else may differ.
  const comparable = (response: Response) => [...response.headers].filter(([name]) => name !== "date" && name !== "x-request-id");

  it("a wrong token in the path gets the very response of an unknown path", async () => {
    const worker = isolate();
    const unknownPath = await call("/no/such/path", {}, envWith(), worker);
    const wrong = await call(`/p/${TOKENS.unknown}/rss.xml`, {}, envWith(), worker);
    const malformed = await call(`/p/not%20a%20token/rss.xml`, {}, envWith(), worker);
    const body = await unknownPath.text();
    for (const response of [wrong, malformed]) {
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(body);
      expect(comparable(response)).toEqual(comparable(unknownPath));
    }
  });

  it("a wrong bearer token on a public URL gets it too", async () => {
    const worker = isolate();
    const unknownPath = await call("/no/such/path", {}, envWith(), worker);
    const wrong = await call("/rss.xml", { headers: { Authorization: `Bearer ${TOKENS.unknown}` } }, envWith(), worker);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toBe(await unknownPath.text());
    expect(comparable(wrong)).toEqual(comparable(unknownPath));
  });

  it("a revoked token is refused once INDEX_TTL has passed", async () => {
    let now = TEST_NOW.getTime();
    const worker = isolate(() => new Date(now));
    const env = envWith({ INDEX_TTL: "60" });
    expect((await call(`/p/${TOKENS.delayed}/rss.xml`, {}, env, worker)).status).toBe(200);
    await writePartners(await partnersYaml({ delayed: null }));
    now += 59_000;
    // Within INDEX_TTL the isolate has not read the definition again.
    expect((await call(`/p/${TOKENS.delayed}/rss.xml`, {}, env, worker)).status).toBe(200);
    now += 1_000;
    expect((await call(`/p/${TOKENS.delayed}/rss.xml`, {}, env, worker)).status).toBe(404);
    expect((await call(`/rss.xml`, { headers: { Authorization: `Bearer ${TOKENS.delayed}` } }, env, worker)).status).toBe(404);
  });

  it("a rotated token: the old one is refused, the new one opens the same terms, and no document shows the old one", async () => {
    const worker = isolate();
    const env = envWith({ INDEX_TTL: "0" });
    const before = await call(`/p/${TOKENS.full}/rss.xml`, {}, env, worker);
    expect(before.status).toBe(200);
    await writePartners(
      await partnersYaml({
        full: `  - id: full-all
    name: Full Partner
    token_sha256: ${await sha256Hex(TOKENS.rotated)}
    content: full
    delay_minutes: 0
    origins: [https://widget.example]`,
      }),
    );
    expect((await call(`/p/${TOKENS.full}/rss.xml`, {}, env, worker)).status).toBe(404);
    const after = await call(`/p/${TOKENS.rotated}/rss.xml`, {}, env, worker);
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).toContain(`/p/${TOKENS.rotated}/rss.xml`);
    expect(text).not.toContain(TOKENS.full);
  });

  it("an invalid file leaves the last valid version in force, in this isolate and in a fresh one, and the log names the line", async () => {
    const env = envWith({ INDEX_TTL: "0" });
    expect((await call(`/p/${TOKENS.full}/rss.xml`, {}, env, isolate())).status).toBe(200);
    // The bad version would drop the full partner's origins and open a new one: neither happens.
    const invalid = (await partnersYaml()).replace("content: summary", "content: teaser").replace(`  - id: limited`, `  - id: Bad_Id`);
    await writePartners(invalid);
    const fresh = isolate();
    expect((await call(`/p/${TOKENS.full}/rss.xml`, {}, env, fresh)).status).toBe(200);
    expect((await call(`/p/${TOKENS.summary}/rss.xml`, {}, env, fresh)).status).toBe(200);
    const report = String(logLines().find((line) => String(line.message).includes("_partners.yaml is invalid"))?.message ?? "");
    expect(report).toContain('_partners.yaml:12:14: partner "summary-de": content must be `full` or `summary`');
    expect(report).toMatch(/_partners\.yaml:\d+:\d+: partner \d+: id must match/);
  });

  it("an invalid file never opens a feed when there was no valid version", async () => {
    await store().delete(KEYS.definition);
    // Without a file there are no partners, and the saved copy goes with it.
    expect((await call(`/p/${TOKENS.full}/rss.xml`, {}, envWith({ INDEX_TTL: "0" }), isolate())).status).toBe(404);
    await writePartners((await partnersYaml()).replace("delay_minutes: 60", "delay_minutes: soon"));
    const fresh = isolate();
    for (const token of [TOKENS.full, TOKENS.summary, TOKENS.delayed]) {
      expect((await call(`/p/${token}/rss.xml`, {}, envWith({ INDEX_TTL: "0" }), fresh)).status).toBe(404);
    }
  });
});

describe("widgets (CORS)", () => {
  it("an allowed origin may read the partner's feed; a refused one gets no CORS permission", async () => {
    const worker = isolate();
    const allowed = await call(`/p/${TOKENS.full}/feed.json`, { headers: { Origin: "https://widget.example" } }, envWith(), worker);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://widget.example");
    expect(allowed.headers.get("Vary")).toContain("Origin");
    const refused = await call(`/p/${TOKENS.full}/feed.json`, { headers: { Origin: "https://elsewhere.example" } }, envWith(), worker);
    expect(refused.status).toBe(200);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(refused.headers.get("Vary")).toContain("Origin");
    // A partner without origins allows none; the public feeds stay open to every origin.
    const noOrigins = await call(`/p/${TOKENS.delayed}/feed.json`, { headers: { Origin: "https://widget.example" } }, envWith(), worker);
    expect(noOrigins.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const publicFeed = await call("/feed.json", { headers: { Origin: "https://elsewhere.example" } }, envWith(), worker);
    expect(publicFeed.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("a preflight for a bearer header is allowed, and the answer to the request decides", async () => {
    const worker = isolate();
    const preflight = await call(
      "/feed.json",
      {
        method: "OPTIONS",
        headers: { Origin: "https://widget.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
      },
      envWith(),
      worker,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const actual = await call("/feed.json", { headers: { Origin: "https://widget.example", Authorization: `Bearer ${TOKENS.full}` } }, envWith(), worker);
    expect(actual.headers.get("Access-Control-Allow-Origin")).toBe("https://widget.example");
  });
});

describe("rate limit and usage", () => {
  it("answers 429 with Retry-After once the partner's budget (its rate limiting binding) is spent", async () => {
    const worker = isolate();
    const statuses: number[] = [];
    let limited: Response | undefined;
    // Limit 2 per minute: of five requests in a row at least one is refused, even across a window boundary.
    for (let i = 0; i < 5; i++) {
      const response = await call(`/p/${TOKENS.limited}/rss.xml`, {}, envWith(), worker);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses[0]).toBe(200);
    expect(limited?.headers.get("Retry-After")).toBe("60");
    expect(limited?.headers.get("Cache-Control")).toBe("private, no-store");
    // A partner without a budget is never limited.
    for (let i = 0; i < 5; i++) expect((await call(`/p/${TOKENS.full}/rss.xml`, {}, envWith(), worker)).status).toBe(200);
  });

  it("a budget without its binding is not enforced, and the log says so once", async () => {
    await writePartners(
      await partnersYaml({
        limited: `  - id: limited
    name: Limited Partner
    token_sha256: ${await sha256Hex(TOKENS.limited)}
    content: full
    delay_minutes: 0
    requests_per_minute: 7`,
      }),
    );
    const worker = isolate();
    for (let i = 0; i < 3; i++) expect((await call(`/p/${TOKENS.limited}/rss.xml`, {}, envWith(), worker)).status).toBe(200);
    expect(logLines().filter((line) => String(line.message).includes("PARTNER_RATE_LIMIT_7"))).toEqual([
      { level: "warn", message: 'partner "limited": requests_per_minute 7 is not enforced, no rate limiting binding PARTNER_RATE_LIMIT_7 is configured' },
    ]);
  });

  it("logs one structured line per partner request and writes an Analytics Engine data point, never the token", async () => {
    const points: unknown[] = [];
    const env = envWith({ PARTNER_USAGE: { writeDataPoint: (point: unknown) => points.push(point) } } as Partial<Env>);
    const worker = isolate();
    const response = await call(`/p/${TOKENS.summary}/lang/de/rss.xml?limit=1`, {}, env, worker);
    const bytes = (await response.arrayBuffer()).byteLength;
    await call(`/rss.xml`, { method: "HEAD", headers: { Authorization: `Bearer ${TOKENS.summary}` } }, env, worker);
    await call(`/rss.xml`, {}, env, worker); // public: no usage record
    expect(usageLines()).toEqual([
      { event: "partner_request", partner: "summary-de", access: "path", method: "GET", route: "/lang/de/rss.xml", status: 200, bytes },
      { event: "partner_request", partner: "summary-de", access: "header", method: "HEAD", route: "/rss.xml", status: 200, bytes: 0 },
    ]);
    expect(points).toEqual([
      { indexes: ["summary-de"], blobs: ["summary-de", "path", "GET", "/lang/de/rss.xml"], doubles: [200, bytes] },
      { indexes: ["summary-de"], blobs: ["summary-de", "header", "HEAD", "/rss.xml"], doubles: [200, 0] },
    ]);
    expect(JSON.stringify(points)).not.toContain(TOKENS.summary);
  });
});

describe("no token outside its own partner's responses", () => {
  it("is in no cache key, no other partner's body and no public body", async () => {
    const worker = isolate();
    const bodies = new Map<string, string>();
    for (const path of ["/rss.xml", "/atom.xml", "/feed.json", "/lang/de/rss.xml", "/articles/b-stadion"]) {
      for (const token of [TOKENS.full, TOKENS.summary, TOKENS.delayed]) {
        const response = await call(`/p/${token}${path}`, {}, envWith(), worker);
        bodies.set(`${token} ${path}`, await response.text());
        await call(path, { headers: { Authorization: `Bearer ${token}` } }, envWith(), worker);
      }
      bodies.set(`public ${path}`, await (await call(path, {}, envWith(), worker)).text());
    }
    for (const [owner, body] of bodies) {
      for (const token of ALL_TOKENS) if (!owner.startsWith(token)) expect(body, `${owner} holds another token`).not.toContain(token);
    }
    const keys = worker.application.documents.keys();
    expect(keys.some((key) => key.includes("__partner=full-all"))).toBe(true);
    for (const key of keys) for (const token of ALL_TOKENS) expect(key).not.toContain(token);
    // Nor in the shared edge cache: partner documents are not stored there under any key.
    const cache = (caches as unknown as { default: Cache }).default;
    for (const token of ALL_TOKENS) expect(await cache.match(`${SITE}/p/${token}/rss.xml`)).toBeUndefined();
  });
});

describe("PUBLIC_CONTENT=summary", () => {
  it("makes the public feeds summary-only in all three formats, with the article pages still whole", async () => {
    const env = testEnv("samples", { SITE_URL: "https://summary.example.com", PUBLIC_CONTENT: "summary" });
    const worker = isolate();
    const rss = await (await call("/rss.xml", {}, env, worker)).text();
    expect(rss).not.toContain("content:encoded");
    expect(parseRssFeed(rss).items?.every((item) => (item.description ?? "") !== "")).toBe(true);
    const atom = await (await call("/atom.xml", {}, env, worker)).text();
    expect(atom).not.toContain("<content");
    const json = JSON.parse(await (await call("/feed.json", {}, env, worker)).text()) as { items: Record<string, unknown>[] };
    for (const item of json.items) {
      expect(item).not.toHaveProperty("content_html");
      expect(item.content_text).toBe(item.summary);
    }
    const page = await (await call("/articles/107_ohne-quelle", {}, env, worker)).text();
    expect(page).toContain("<p>");
    expect(page).not.toContain("Read the full article");
  });
});
