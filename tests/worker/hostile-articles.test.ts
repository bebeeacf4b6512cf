/**
 * Hostile articles next to good ones (a seeded generator; the seed is printed
 * by the global setup, TEST_SEED replays it): every feed and page the index
 * offers stays well-formed (XML 1.0, JSON, HTML without a character XML
 * forbids or a live script), nothing answers 500, and no good article is lost.
 */
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, inject, it } from "vitest";
import { isArticleKey } from "../../src/index/build";
import { mapLimit } from "../../src/store/concurrency";
import { generateObjects } from "../support/hostile-articles";
import { scenario } from "../support/scenario";
import { call } from "../support/worker";

const SEED = inject("testSeed");
const HOSTILE = 60;
const GOOD = 24;

/** Characters XML 1.0 forbids (§2.2), and lone surrogates. */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const TAG = /<[a-zA-Z][^\s>/]*((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /\s+([^\s=>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/g;

/**
 * Markup that would be live in a browser: a script element (other than the
 * article page's JSON-LD data block, which must stay one valid JSON value
 * that cannot close its element), a frame or plugin element, or an
 * event-handler attribute on any element. The pages have none of their own.
 */
function liveMarkup(html: string): string | null {
  const LD_JSON = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/g;
  for (const block of html.matchAll(LD_JSON)) {
    const data = block[1] ?? "";
    if (/<\/?script/i.test(data)) return "a JSON-LD block that can close its element";
    try {
      JSON.parse(data);
    } catch {
      return "a JSON-LD block that is no JSON";
    }
  }
  for (const tag of html.replace(LD_JSON, "").matchAll(TAG)) {
    if (/^<(script|iframe|object|embed|frame)\b/i.test(tag[0])) return tag[0];
    for (const attribute of (tag[1] ?? "").matchAll(ATTRIBUTE)) if (/^on/i.test(attribute[1] ?? "")) return tag[0];
  }
  return null;
}

describe(`hostile articles (seed ${SEED})`, () => {
  it("keep every feed and page well-formed, answer no 500, and lose no good article", { timeout: 120_000 }, async () => {
    const world = await scenario("hostile", { count: 0 });
    const objects = generateObjects(SEED, HOSTILE, GOOD);
    await mapLimit(objects, 8, (object) => world.store.put(world.prefix + object.key, object.body));
    const run = await world.reindex();
    if (run.status !== 200)
      throw new Error(
        `seed ${SEED}: the index run failed: ${world.lines
          .filter((line) => line.level !== "info")
          .map((line) => line.raw)
          .join("\n")}`,
      );
    const report = (await run.json()) as { listed: number; parsed: number; skipped: { key: string; reason: string }[] };
    expect(report.listed, `seed ${SEED}`).toBe(objects.filter((object) => isArticleKey(world.prefix + object.key, world.prefix)).length);

    const problems: string[] = [];
    const fetched = new Map<string, string>();
    const fetchDocument = async (path: string): Promise<string> => {
      const response = await call(path, {}, world.env, world.worker);
      const text = await response.text();
      fetched.set(path, text);
      if (response.status !== 200) {
        problems.push(`${path}: ${response.status}`);
        return text;
      }
      const type = response.headers.get("Content-Type") ?? "";
      if (FORBIDDEN.test(text)) problems.push(`${path}: a character XML forbids`);
      if (/xml/.test(type)) {
        const valid = XMLValidator.validate(text);
        if (valid !== true) problems.push(`${path}: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
      } else if (/json/.test(type)) {
        try {
          JSON.parse(text);
        } catch (error) {
          problems.push(`${path}: not JSON: ${String(error)}`);
        }
      } else if (/html/.test(type)) {
        if (!text.startsWith("<!doctype html>")) problems.push(`${path}: not an HTML document`);
        const live = liveMarkup(text);
        if (live) problems.push(`${path}: markup from an article is live: ${live}`);
      }
      return text;
    };

    // Every document the catalogue offers, in every format.
    const opml = await fetchDocument("/opml.xml");
    const topicFeeds = [...opml.matchAll(/xmlUrl="https:\/\/hostile\.scenario\.example([^"]+)\/rss\.xml"/g)].map((match) => match[1] ?? "");
    const paths = ["/", "/rss.xml?limit=100", "/atom.xml?limit=100", "/feed.json?limit=100"];
    for (const base of topicFeeds.filter((base) => base !== "")) {
      const path = base.replace(/&amp;/g, "&");
      paths.push(`${path}/rss.xml`, `${path}/atom.xml`, `${path}/feed.json`);
    }
    const months = [...new Set([...opml.matchAll(/\/archive\/(\d{4}-\d{2})\//g)].map((match) => match[1] ?? ""))];
    const home = await fetchDocument("/");
    for (const month of [...months, ...[...home.matchAll(/\/archive\/(\d{4}-\d{2})\//g)].map((match) => match[1] ?? "")]) {
      paths.push(`/archive/${month}/rss.xml`, `/archive/${month}/atom.xml`, `/archive/${month}/feed.json`);
    }
    const json = JSON.parse(await fetchDocument("/feed.json?limit=100")) as { items: { url: string }[] };
    for (const item of json.items) {
      const url = new URL(item.url);
      if (url.origin === world.site) paths.push(url.pathname);
    }
    const unique = [...new Set(paths)];
    // The catalogue is crawled: main feeds, the home page, topics of every kind, archives and article pages.
    expect(unique.length, `seed ${SEED}`).toBeGreaterThan(60);
    await mapLimit(unique, 4, async (path) => void (await fetchDocument(path)));
    expect(problems, `seed ${SEED}`).toEqual([]);

    // No good article is lost: each is in its month's archive and has its page.
    for (const object of objects) {
      if (!object.good) continue;
      const { id, title, month } = object.good;
      const archive = fetched.get(`/archive/${month}/atom.xml`) ?? (await fetchDocument(`/archive/${month}/atom.xml`));
      expect(archive, `seed ${SEED}: ${id} in its archive`).toContain(`<id>tag:hostile.scenario.example,2024:${id}</id>`);
      const page = await fetchDocument(`/articles/${id}`);
      expect(page, `seed ${SEED}: ${id} has its page`).toContain(title);
    }
    const gut = await fetchDocument("/tags/gut/rss.xml?limit=100");
    expect((gut.match(/<item>/g) ?? []).length, `seed ${SEED}`).toBe(GOOD);
    expect(problems, `seed ${SEED}`).toEqual([]);
  });
});
