/**
 * The three feeds of the sample articles, served by the Worker from the local
 * S3 server, parsed back with an independent parser (feedsmith) and checked
 * field by field against what every sample must become.
 */
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { testEnv } from "../support/env";
import { SAMPLE_ARTICLES, sampleId } from "../support/sample-articles";
import { call } from "../support/worker";

const SITE = "https://feeds.example.com";
const env = testEnv("samples", { SITE_URL: SITE, FEED_TITLE: "Test & News", FEED_LANGUAGE: "en" });
const guid = (id: string) => `tag:feeds.example.com,2024:${id}`;
const samples = Object.entries(SAMPLE_ARTICLES).map(([file, expected]) => ({ file, id: sampleId(file), ...expected }));
const visible = samples.filter((sample) => sample.visible);
const hidden = samples.filter((sample) => !sample.visible);
const expectedLink = (sample: (typeof samples)[number]) => sample.link ?? `${SITE}/articles/${encodeURIComponent(sample.id)}`;

/** Text left behind by the scraper that must appear nowhere in any feed. */
const JUNK = [
  /\[[^\]\n]{1,40}_\d+\]/,
  /Kommentar \(\d+\)/,
  /Comment \(\d+\)/,
  /Bình luận \(\d+\)/,
  /Commentaire \(\d+\)/,
  /KHANH MINH/,
  /THANH HẰNG/,
  /Quelle: https?:/,
];

async function feedText(path: string): Promise<string> {
  const response = await call(path, {}, env);
  expect(response.status, path).toBe(200);
  return response.text();
}

describe.each(["/rss.xml?limit=100", "/atom.xml?limit=100", "/feed.json?limit=100"])("%s of the sample articles", (path) => {
  it("contains no ad placeholder, comment counter, signature or raw source line", async () => {
    const text = await feedText(path);
    for (const junk of JUNK) expect(text).not.toMatch(junk);
  });

  it("leaves out the embargoed and the draft article", async () => {
    const text = await feedText(path);
    expect(hidden.map((sample) => sample.id).sort()).toEqual(["111_embargo-quartalszahlen", "112_draft-city-council"]);
    for (const sample of hidden) expect(text).not.toContain(guid(sample.id));
  });
});

describe("RSS 2.0", () => {
  it("carries every visible article with its GUID, source link, dc:creator authors, language and attribution", async () => {
    const feed = parseRssFeed(await feedText("/rss.xml?limit=100"));
    expect(feed.title).toBe("Test & News");
    expect(feed.language).toBe("en");
    expect(feed.atom?.links?.find((link) => link.rel === "self")?.href).toBe(`${SITE}/rss.xml?limit=100`);
    expect(feed.items).toHaveLength(visible.length);
    for (const sample of visible) {
      const item = feed.items?.find((candidate) => candidate.guid?.value === guid(sample.id));
      expect(item, sample.file).toBeDefined();
      expect(item?.guid?.isPermaLink).toBe(false);
      expect(item?.link, sample.file).toBe(expectedLink(sample));
      expect(item?.dc?.creators ?? [], sample.file).toEqual(sample.authors);
      expect(item?.authors, "no bare-name <author>").toBeUndefined();
      expect(item?.dc?.languages ?? ["en"], sample.file).toEqual([sample.language]);
      if (sample.tags) expect(item?.categories?.map((category) => category.name)).toEqual(sample.tags);
      if (sample.link) expect(item?.content?.encoded).toContain(`<a href="${sample.link.replace(/&/g, "&amp;")}">`);
      expect(item?.description, sample.file).toBeTruthy();
    }
  });

  it("lists items newest first and dates the channel by its newest item, not by the clock", async () => {
    const feed = parseRssFeed(await feedText("/rss.xml?limit=100"));
    const dates = (feed.items ?? []).map((item) => Date.parse(item.pubDate ?? ""));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(Date.parse(feed.lastBuildDate ?? "")).toBe(Math.max(...dates.filter((date) => !Number.isNaN(date))));
  });
});

describe("Atom 1.0", () => {
  it("carries every visible article with its id, alternate link, authors, language and content", async () => {
    const text = await feedText("/atom.xml?limit=100");
    const feed = parseAtomFeed(text);
    expect(feed.links?.find((link) => link.rel === "self")?.href).toBe(`${SITE}/atom.xml?limit=100`);
    expect(feed.entries).toHaveLength(visible.length);
    for (const sample of visible) {
      const entry = feed.entries?.find((candidate) => candidate.id === guid(sample.id));
      expect(entry, sample.file).toBeDefined();
      expect(
        entry?.links?.filter((link) => link.rel === "alternate"),
        sample.file,
      ).toEqual([{ href: expectedLink(sample), rel: "alternate" }]);
      expect(entry?.authors?.map((author) => author.name) ?? [], sample.file).toEqual(sample.authors);
      expect(entry?.content?.type).toBe("html");
      if (sample.language !== "en") expect(text).toContain(`<entry xml:lang="${sample.language}">`);
    }
  });
});

describe("JSON Feed 1.1", () => {
  it("is version 1.1 with authors, language, feed_url and home_page_url", async () => {
    const response = await call("/feed.json?limit=100", {}, env);
    const feed = (await response.json()) as Record<string, unknown>;
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.authors).toEqual([{ name: "Test & News" }]);
    expect(feed.feed_url).toBe(`${SITE}/feed.json?limit=100`);
    expect(feed.home_page_url).toBe(`${SITE}/`);
    expect(feed.language).toBe("en");
    expect(feed).not.toHaveProperty("author");
  });

  it("carries every visible article with its id, url, authors, language and content", async () => {
    const feed = parseJsonFeed(await feedText("/feed.json?limit=100"));
    expect(feed.items).toHaveLength(visible.length);
    for (const sample of visible) {
      const item = feed.items?.find((candidate) => candidate.id === guid(sample.id));
      expect(item, sample.file).toBeDefined();
      expect(item?.url, sample.file).toBe(expectedLink(sample));
      expect(item?.authors?.map((author) => author.name) ?? [], sample.file).toEqual(sample.authors);
      expect(item?.language, sample.file).toBe(sample.language);
      // A corrected article opens with its correction note.
      expect(item?.content_html).toMatch(sample.correction ? /^<p class="correction">/ : /^<p>/);
      if (sample.updated) expect(item?.date_modified, sample.file).toBe(sample.updated);
      if (sample.image) expect(item?.image, sample.file).toBe(sample.image);
      expect(Date.parse(item?.date_published ?? "")).not.toBeNaN();
      if (sample.tags) expect(item?.tags).toEqual(sample.tags);
    }
  });
});

describe("bad objects in the bucket", () => {
  const brokenEnv = testEnv("broken", { SITE_URL: "https://broken.example.com" });

  it.each(["/rss.xml", "/atom.xml", "/feed.json"])("are skipped while %s still serves the good article", async (path) => {
    const response = await call(path, {}, brokenEnv);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("tag:broken.example.com,2024:good");
    for (const bad of ["empty", "binary", "invalid-utf8", "only-trailer"]) expect(text).not.toContain(`2024:${bad}`);
    if (path.endsWith(".json")) expect(parseJsonFeed(text).items).toHaveLength(1);
    else if (path.startsWith("/rss")) expect(parseRssFeed(text).items).toHaveLength(1);
    else expect(parseAtomFeed(text).entries).toHaveLength(1);
  });
});

describe("lead images", () => {
  const withImage = visible.filter((sample) => sample.image !== undefined);

  it("are in the samples", () => {
    expect(withImage.map((sample) => sample.file)).toEqual(["114_solar-ferry-harbour.md"]);
  });

  it("reach RSS as Media RSS content with the alt text, the namespace declared on the root", async () => {
    const text = await feedText("/rss.xml?limit=100");
    expect(text).toMatch(/^<\?xml[^>]*\?>\s*<rss [^>]*xmlns:media="http:\/\/search\.yahoo\.com\/mrss\/"/);
    const feed = parseRssFeed(text);
    for (const item of feed.items ?? []) {
      const sample = withImage.find((candidate) => item.guid?.value === guid(candidate.id));
      if (!sample) {
        expect(item.media, item.guid?.value).toBeUndefined();
        continue;
      }
      expect(item.media?.contents).toEqual([
        { url: sample.image, medium: "image", type: "image/jpeg", description: { value: sample.imageAlt, type: "plain" } },
      ]);
    }
  });

  it("reach Atom as an enclosure link and JSON Feed as image", async () => {
    const atom = parseAtomFeed(await feedText("/atom.xml?limit=100"));
    const json = parseJsonFeed(await feedText("/feed.json?limit=100"));
    for (const sample of withImage) {
      const entry = atom.entries?.find((candidate) => candidate.id === guid(sample.id));
      expect(entry?.links?.filter((link) => link.rel === "enclosure")).toEqual([
        { href: sample.image, rel: "enclosure", type: "image/jpeg", title: sample.imageAlt },
      ]);
      expect(json.items?.find((item) => item.id === guid(sample.id))?.image).toBe(sample.image);
    }
    const enclosures = (atom.entries ?? []).flatMap((entry) => entry.links?.filter((link) => link.rel === "enclosure") ?? []);
    expect(enclosures).toHaveLength(withImage.length);
  });
});
