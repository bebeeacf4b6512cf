import { XMLValidator } from "fast-xml-parser";
import { parseOpml } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { OpmlData } from "../../../src/pages/opml";
import { OPML_DOCS_URL, renderOpml } from "../../../src/pages/opml";
import { FEEDS, SITE_URL, TOPICS } from "./fixtures";

function opml(overrides: Partial<OpmlData> = {}): string {
  return renderOpml({
    title: "Example News: all feeds",
    siteUrl: SITE_URL,
    dateCreated: "2024-06-01T00:00:00.000Z",
    dateModified: "2024-06-19T08:00:00.000Z",
    ownerName: "Example Newsroom",
    mainFeed: { ...FEEDS[0]!, title: "Example News" },
    topics: TOPICS,
    ...overrides,
  });
}

describe("renderOpml", () => {
  const xml = opml();
  const doc = parseOpml(xml);
  const categories = doc.body?.outlines ?? [];

  it("is well-formed XML declaring OPML 2.0", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">`)).toBe(true);
  });

  it("has a head with title, RFC 822 dates from the data, owner and docs", () => {
    expect(doc.head).toEqual({
      title: "Example News: all feeds",
      dateCreated: "Sat, 01 Jun 2024 00:00:00 GMT",
      dateModified: "Wed, 19 Jun 2024 08:00:00 GMT",
      ownerName: "Example Newsroom",
      docs: OPML_DOCS_URL,
    });
  });

  it("defaults dateModified to dateCreated and leaves out an absent owner", () => {
    const head = parseOpml(opml({ dateModified: undefined, ownerName: undefined })).head;
    expect(head?.dateModified).toBe("Sat, 01 Jun 2024 00:00:00 GMT");
    expect(head?.ownerName).toBeUndefined();
  });

  it("groups feeds into Main, Tags, Authors, Languages, Sources", () => {
    expect(categories.map((c) => c.text)).toEqual(["Main", "Tags", "Authors", "Languages", "Sources"]);
    for (const c of categories) {
      expect(c.title).toBe(c.text);
      expect(c.xmlUrl).toBeUndefined();
    }
  });

  it("lists the main feed once, with absolute xmlUrl and htmlUrl, typed rss", () => {
    expect(categories[0]?.outlines).toEqual([
      { type: "rss", text: "Example News", title: "Example News", xmlUrl: "https://news.example.org/rss.xml", htmlUrl: SITE_URL, version: "RSS2" },
    ]);
  });

  it("lists every topic once, as its RSS feed, resolved against the site URL", () => {
    const tags = categories[1]?.outlines ?? [];
    expect(tags.map((o) => o.xmlUrl)).toEqual(["https://news.example.org/tags/russland/rss.xml", "https://news.example.org/tags/nordkorea/rss.xml"]);
    expect(tags[0]).toMatchObject({ type: "rss", version: "RSS2", text: "Tag: Russland" });
    expect(categories[2]?.outlines?.[0]?.text).toBe("Author: Anna Müller");
    expect(categories[3]?.outlines?.[0]?.xmlUrl).toBe("https://news.example.org/lang/de/rss.xml");
    expect(categories[4]?.outlines?.map((o) => o.xmlUrl)).toEqual(["https://news.example.org/sources/tass.example/rss.xml"]);
    const urls = categories.flatMap((c) => (c.outlines ?? []).map((o) => o.xmlUrl));
    expect(new Set(urls).size).toBe(urls.length);
  });

  it("types an Atom outline rss too, but never claims rss for a JSON Feed", () => {
    const atom = parseOpml(opml({ format: "atom", mainFeed: { ...FEEDS[1]!, title: "Example News" } }));
    expect(atom.body?.outlines?.[1]?.outlines?.[0]).toMatchObject({ type: "rss", xmlUrl: "https://news.example.org/tags/russland/atom.xml" });
    expect(atom.body?.outlines?.[1]?.outlines?.[0]?.version).toBeUndefined();
    const json = parseOpml(opml({ format: "json", mainFeed: { ...FEEDS[2]!, title: "Example News" } }));
    for (const category of json.body?.outlines ?? []) {
      for (const outline of category.outlines ?? []) {
        expect(outline.type, outline.xmlUrl).toBeUndefined();
        expect(outline.xmlUrl).toMatch(/feed\.json$/);
      }
    }
  });

  it("leaves out empty categories", () => {
    const mainOnly = parseOpml(opml({ topics: [] }));
    expect(mainOnly.body?.outlines?.map((c) => c.text)).toEqual(["Main"]);
  });

  it("round-trips names with markup, quotes and ampersands, and drops characters XML forbids", () => {
    const tricky = `<b>x</b> & "q" 'a'\u0001`;
    const out = opml({ title: tricky, topics: [{ kind: "tags", slug: "b-x", name: tricky, count: 1 }] });
    expect(XMLValidator.validate(out)).toBe(true);
    const parsed = parseOpml(out);
    expect(parsed.head?.title).toBe(`<b>x</b> & "q" 'a'`);
    expect(parsed.body?.outlines?.[1]?.outlines?.[0]?.text).toBe(`Tag: <b>x</b> & "q" 'a'`);
    expect(out).not.toContain("<b>");
  });

  it("depends only on its input (no current time)", () => {
    expect(opml()).toBe(xml);
  });

  it("rejects an invalid date instead of writing one", () => {
    expect(() => opml({ dateCreated: "yesterday" })).toThrow(RangeError);
  });
});
