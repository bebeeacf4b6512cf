import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FEED_FORMAT_INFO } from "../../../src/feed/formats";
import { imageMediaType } from "../../../src/feed/image-types";
import { type FeedFormat, renderFeed } from "../../../src/feed/render";
import { escapeHtml } from "../../../src/text/xml";
import { ARTICLES, article, BASE, descriptor, GERMAN, itemsFor, TRICKY, VIETNAMESE } from "./fixtures";

const FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];
const items = itemsFor(ARTICLES);
const render = (format: FeedFormat, overrides = {}) => renderFeed(format, descriptor(format, BASE, overrides), items);

afterEach(() => {
  vi.useRealTimers();
});

describe("FEED_FORMAT_INFO", () => {
  it("names each format's media type with charset", () => {
    expect({ rss: FEED_FORMAT_INFO.rss.contentType, atom: FEED_FORMAT_INFO.atom.contentType, json: FEED_FORMAT_INFO.json.contentType }).toEqual({
      rss: "application/rss+xml; charset=utf-8",
      atom: "application/atom+xml; charset=utf-8",
      json: "application/feed+json; charset=utf-8",
    });
  });
});

describe("RSS 2.0", () => {
  const xml = render("rss");
  const rss = parseRssFeed(xml);

  it("writes the channel from the descriptor, dated by feed.updated", () => {
    expect(rss.title).toBe("Nachrichten & Berichte");
    expect(rss.link).toBe("https://news.example.com/");
    expect(rss.description).toBe("Bereinigte Nachrichtenartikel aus aller Welt");
    expect(rss.language).toBe("de");
    expect(rss.lastBuildDate).toBe("Wed, 03 Jul 2024 12:00:00 GMT");
    expect(rss.pubDate).toBe("Wed, 03 Jul 2024 12:00:00 GMT");
  });

  it("links itself with atom:link rel=self of type application/rss+xml, then the other links", () => {
    expect(rss.atom?.links).toEqual([
      { href: "https://news.example.com/rss.xml", rel: "self", type: "application/rss+xml" },
      { href: "https://news.example.com/atom.xml", rel: "alternate", type: "application/atom+xml", title: "Feed (atom)" },
      { href: "https://news.example.com/feed.json", rel: "alternate", type: "application/feed+json", title: "Feed (json)" },
      { href: "https://news.example.com/archive/2024-06/rss.xml", rel: "prev-archive" },
      { href: "https://news.example.com/rss.xml?page=2", rel: "next" },
    ]);
  });

  it("declares the namespaces it uses on the root", () => {
    expect(xml).toContain(
      '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
    );
  });

  it("announces a lead image as Media RSS content with its alt text, and nothing for items without one", () => {
    expect(rss.items?.map((i) => i.media?.contents)).toEqual([
      undefined,
      [
        {
          url: "https://vnexpress.net/images/gdp.jpg?w=800&h=600",
          medium: "image",
          type: "image/jpeg",
          description: { value: "Container ships & cranes at the port of Hai Phong", type: "plain" },
        },
      ],
      undefined,
    ]);
    expect(xml).not.toContain("<enclosure");
  });

  it("writes items with non-permalink tag: guids, links (& intact), dates and categories", () => {
    expect(rss.items?.map((i) => i.guid)).toEqual([
      { value: "tag:news.example.com,2024:002%20tricky/%C3%A4", isPermaLink: false },
      { value: "tag:news.example.com,2024:001_vn-kinh-te", isPermaLink: false },
      { value: "tag:news.example.com,2024:000_6851536369dabcad", isPermaLink: false },
    ]);
    expect(rss.items?.map((i) => i.link)).toEqual([
      "https://news.example.com/articles/002%20tricky%2F%C3%A4",
      "https://vnexpress.net/kinh-te?a=1&b=2",
      GERMAN.sourceUrl,
    ]);
    expect(rss.items?.map((i) => i.pubDate)).toEqual(["Wed, 03 Jul 2024 12:00:00 GMT", "Mon, 01 Jul 2024 02:30:00 GMT", "Wed, 19 Jun 2024 08:00:00 GMT"]);
    expect(rss.items?.map((i) => i.categories?.map((c) => c.name))).toEqual([TRICKY.tags, VIETNAMESE.tags, GERMAN.tags]);
  });

  it("names authors with one dc:creator each and never writes <author>", () => {
    expect(rss.items?.map((i) => i.dc?.creators)).toEqual([undefined, ["Nguyễn Văn An", "Trần Thị Bích"], ["Khanh Minh"]]);
    expect(rss.items?.map((i) => i.authors)).toEqual([undefined, undefined, undefined]);
    expect(xml).not.toContain("<author>");
  });

  it("marks an item in another language than the channel with dc:language", () => {
    expect(rss.items?.map((i) => i.dc?.languages)).toEqual([undefined, ["vi"], undefined]);
  });

  it("round-trips titles and content exactly, including several ]]>", () => {
    expect(rss.items?.map((i) => i.title)).toEqual(ARTICLES.map((a) => a.title));
    expect(rss.items?.map((i) => i.content?.encoded)).toEqual(ARTICLES.map((a) => a.contentHtml));
    expect(TRICKY.contentHtml.split("]]>").length - 1).toBeGreaterThanOrEqual(5);
  });

  it("writes the plain-text summary as HTML-escaped description, before content:encoded", () => {
    expect(rss.items?.[0]?.description).toBe("Ein Text über &lt;script&gt;-Tags, &amp;amp; und das Ende von CDATA: ]]&gt; und noch einmal ]]&gt;.");
    expect(rss.items?.[2]?.description).toBe(GERMAN.summary);
    for (const item of xml.split("<item>").slice(1)) {
      expect(item.indexOf("<description>")).toBeGreaterThan(-1);
      expect(item.indexOf("<description>")).toBeLessThan(item.indexOf("<content:encoded>"));
    }
  });

  it("escapes & and < in plain text as hexadecimal character references (RSS Best Practices Profile)", () => {
    expect(xml).toContain("<title>Sicherheit: Wie &#x3C;script&gt; &#x26; ]]&gt; in Texten überleben</title>");
    expect(xml).toContain("<category>XML &#x26; HTML</category>");
  });

  it("writes the stylesheet processing instruction with an escaped href", () => {
    expect(xml.split("\n")[0]).toBe(
      '<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="https://news.example.com/feed.xsl?v=1&#x26;theme=light" type="text/xsl"?>',
    );
    expect(render("rss", { stylesheetUrl: undefined })).not.toContain("xml-stylesheet");
  });
});

describe("Atom 1.0", () => {
  const xml = render("atom");
  const atom = parseAtomFeed(xml);

  it("writes the feed head: id, title, subtitle, updated = feed.updated, xml:lang", () => {
    expect(atom.id).toBe("https://news.example.com/atom.xml");
    expect(atom.title).toEqual({ value: "Nachrichten & Berichte" });
    expect(atom.subtitle).toEqual({ value: "Bereinigte Nachrichtenartikel aus aller Welt" });
    expect(atom.updated).toBe("2024-07-03T12:00:00.000Z");
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">');
  });

  it("links itself (typed self link), the site and the other documents", () => {
    expect(atom.links).toEqual([
      { href: "https://news.example.com/atom.xml", rel: "self", type: "application/atom+xml" },
      { href: "https://news.example.com/", rel: "alternate", type: "text/html" },
      { href: "https://news.example.com/rss.xml", rel: "alternate", type: "application/rss+xml", title: "Feed (rss)" },
      { href: "https://news.example.com/feed.json", rel: "alternate", type: "application/feed+json", title: "Feed (json)" },
      { href: "https://news.example.com/archive/2024-06/atom.xml", rel: "prev-archive" },
      { href: "https://news.example.com/atom.xml?page=2", rel: "next" },
    ]);
  });

  it("has a feed author when an entry has none (RFC 4287 §4.1.1)", () => {
    expect(atom.authors).toEqual([{ name: "Nachrichten & Berichte" }]);
    const signed = renderFeed("atom", descriptor("atom"), itemsFor([VIETNAMESE, GERMAN]));
    expect(parseAtomFeed(signed).authors).toBeUndefined();
    const withAuthor = renderFeed("atom", descriptor("atom", BASE, { author: "Redaktion" }), items);
    expect(parseAtomFeed(withAuthor).authors).toEqual([{ name: "Redaktion" }]);
  });

  it("writes entries with tag: ids, alternate links, dates, authors and categories", () => {
    const entries = atom.entries ?? [];
    expect(entries.map((e) => e.id)).toEqual(items.map((i) => i.guid));
    expect(entries.map((e) => e.links)).toEqual(
      items.map((i) =>
        i.article.image === null
          ? [{ href: i.link, rel: "alternate" }]
          : [
              { href: i.link, rel: "alternate" },
              { href: i.article.image, rel: "enclosure", type: "image/jpeg", title: i.article.imageAlt },
            ],
      ),
    );
    expect(entries.map((e) => e.updated)).toEqual(ARTICLES.map((a) => a.updated));
    expect(entries.map((e) => e.published)).toEqual(ARTICLES.map((a) => a.published));
    expect(entries.map((e) => e.authors?.map((a) => a.name))).toEqual([undefined, VIETNAMESE.authors, GERMAN.authors]);
    expect(entries.map((e) => e.categories?.map((c) => c.term))).toEqual(ARTICLES.map((a) => a.tags));
    expect(entries.map((e) => e.xml?.lang)).toEqual([undefined, "vi", undefined]);
  });

  it("writes the title as text, the summary as escaped html and content as html, round-tripping exactly", () => {
    const entries = atom.entries ?? [];
    expect(entries.map((e) => e.title)).toEqual(ARTICLES.map((a) => ({ value: a.title, type: "text" })));
    expect(entries.map((e) => e.summary)).toEqual(ARTICLES.map((a) => ({ value: escapeHtml(a.summary), type: "html" })));
    expect(entries.map((e) => e.content)).toEqual(ARTICLES.map((a) => ({ value: a.contentHtml, type: "html" })));
  });
});

describe("JSON Feed 1.1", () => {
  const text = render("json");
  const doc = JSON.parse(text) as Record<string, unknown> & { items: Record<string, unknown>[] };

  it("writes the 1.1 top level, next_url from the next link, no deprecated author", () => {
    const { items: _items, ...top } = doc;
    expect(top).toEqual({
      version: "https://jsonfeed.org/version/1.1",
      title: "Nachrichten & Berichte",
      home_page_url: "https://news.example.com/",
      feed_url: "https://news.example.com/feed.json",
      description: "Bereinigte Nachrichtenartikel aus aller Welt",
      next_url: "https://news.example.com/feed.json?page=2",
      language: "de",
    });
    const withAuthor = JSON.parse(renderFeed("json", descriptor("json", BASE, { author: "Redaktion" }), items));
    expect(withAuthor.authors).toEqual([{ name: "Redaktion" }]);
    expect(withAuthor.author).toBeUndefined();
  });

  it("writes items field by field, omitting absent optional fields (no nulls)", () => {
    expect(doc.items[1]).toEqual({
      id: "tag:news.example.com,2024:001_vn-kinh-te",
      url: "https://vnexpress.net/kinh-te?a=1&b=2",
      title: VIETNAMESE.title,
      content_html: VIETNAMESE.contentHtml,
      summary: VIETNAMESE.summary,
      image: "https://vnexpress.net/images/gdp.jpg?w=800&h=600",
      date_published: "2024-07-01T02:30:00.000Z",
      date_modified: "2024-07-02T09:15:30.000Z",
      authors: [{ name: "Nguyễn Văn An" }, { name: "Trần Thị Bích" }],
      tags: ["Kinh tế", "Việt Nam"],
      language: "vi",
    });
    expect(doc.items[0]).toEqual({
      id: "tag:news.example.com,2024:002%20tricky/%C3%A4",
      url: "https://news.example.com/articles/002%20tricky%2F%C3%A4",
      title: TRICKY.title,
      content_html: TRICKY.contentHtml,
      summary: TRICKY.summary,
      date_published: "2024-07-03T12:00:00.000Z",
      date_modified: "2024-07-03T12:00:00.000Z",
      tags: TRICKY.tags,
      language: "de",
    });
    expect(text).not.toContain("null");
  });

  it("sets external_url only when the item links elsewhere than the source", () => {
    // Item links to the source: external_url would repeat url.
    expect(doc.items.map((i) => i.external_url)).toEqual([undefined, undefined, undefined]);
    // Item links to the article's page here: the source is the external page.
    const here = [{ article: GERMAN, guid: "tag:news.example.com,2024:x", link: `${BASE}/articles/x` }];
    const out = JSON.parse(renderFeed("json", descriptor("json"), here));
    expect(out.items[0].external_url).toBe(GERMAN.sourceUrl);
    // A different spelling of the same URL is the same page.
    const same = [{ article: { ...GERMAN, sourceUrl: "HTTPS://WWW.SGGP.ORG.VN:443/a" }, guid: "tag:x.example,2024:y", link: "https://www.sggp.org.vn/a" }];
    expect(JSON.parse(renderFeed("json", descriptor("json"), same)).items[0].external_url).toBeUndefined();
  });

  it("falls back to content_text when there is no HTML content", () => {
    const bare = article({ id: "x", title: "Nur Text", summary: "Kurz." });
    const out = JSON.parse(renderFeed("json", descriptor("json"), itemsFor([bare])));
    expect(out.items[0].content_text).toBe("Kurz.");
    expect(out.items[0].content_html).toBeUndefined();
  });

  it("is read back by an independent JSON Feed parser", () => {
    const parsed = parseJsonFeed(text);
    expect(parsed.title).toBe("Nachrichten & Berichte");
    expect(parsed.items?.map((i) => i.id)).toEqual(items.map((i) => i.guid));
    expect(parsed.items?.map((i) => i.content_html)).toEqual(ARTICLES.map((a) => a.contentHtml));
    expect(parsed.items?.[1]?.authors).toEqual([{ name: "Nguyễn Văn An" }, { name: "Trần Thị Bích" }]);
  });
});

describe("archives (RFC 5005 §4)", () => {
  const archive = {
    archive: true,
    links: [
      { rel: "current" as const, href: `${BASE}/atom.xml` },
      { rel: "prev-archive" as const, href: `${BASE}/archive/2024-05/atom.xml` },
    ],
  };

  it("marks RSS and Atom archive documents with fh:archive in the history namespace", () => {
    for (const format of ["rss", "atom"] as const) {
      const xml = render(format, archive);
      expect(xml).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
      expect(xml.match(/<fh:archive\/>/g)).toHaveLength(1);
    }
    expect(render("rss")).not.toContain("fh:");
    expect(render("atom")).not.toContain("fh:");
  });
});

describe("edge cases", () => {
  it("renders an empty feed in every format", () => {
    for (const format of FORMATS) {
      const out = renderFeed(format, descriptor(format), []);
      expect(out).toContain("Nachrichten");
    }
    expect(parseRssFeed(renderFeed("rss", descriptor("rss"), [])).items).toBeUndefined();
  });

  it("skips a self entry in links in favour of selfUrl", () => {
    const xml = render("atom", { links: [{ rel: "self", href: `${BASE}/other.xml` }] });
    expect(xml.match(/rel="self"/g)).toHaveLength(1);
  });

  it("drops characters XML cannot hold", () => {
    const bad = article({ id: "x", title: "A\u0000B\u0001C\uFFFE", contentHtml: "<p>x\u0002y</p>" });
    for (const format of ["rss", "atom"] as const) {
      const xml = renderFeed(format, descriptor(format), itemsFor([bad]));
      expect(xml).toContain("ABC");
      expect(xml).toContain("<p>xy</p>");
    }
  });

  it("drops them on every render, next to an article checked clean by an earlier one", () => {
    const clean = article({ id: "clean", title: "Sauber" });
    const bad = article({ id: "x", title: "Clean", tags: ["T\u0007ag"], authors: ["Erika\u0000 Muster"] });
    for (const format of ["rss", "atom"] as const) {
      const renders = [itemsFor([clean]), itemsFor([clean, bad]), itemsFor([clean, bad])].map((list) => renderFeed(format, descriptor(format), list));
      expect(renders[2]).toBe(renders[1]);
      expect(renders[1]).toContain("Sauber");
      expect(renders[1]).toContain("Erika Muster");
      expect(renders[1]).toContain("Tag");
      expect(renders[1]).not.toMatch(/[\u0000\u0007]/);
    }
  });

  it("rejects dates that are not ISO 8601 and relative URLs", () => {
    expect(() => renderFeed("rss", descriptor("rss", BASE, { updated: "yesterday" }), items)).toThrow(RangeError);
    const badDate = itemsFor([article({ id: "x", published: "19.06.2024" })]);
    for (const format of FORMATS) expect(() => renderFeed(format, descriptor(format), badDate)).toThrow(RangeError);
    const badLink = [{ article: GERMAN, guid: "tag:x.example,2024:y", link: "/relative" }];
    for (const format of FORMATS) expect(() => renderFeed(format, descriptor(format), badLink)).toThrow(RangeError);
  });
});

describe("byte stability", () => {
  it("renders identical bytes twice and at another time of day", () => {
    for (const format of FORMATS) {
      const first = render(format);
      expect(render(format)).toBe(first);
      vi.useFakeTimers();
      vi.setSystemTime(new Date("2031-01-02T03:04:05Z"));
      const later = render(format);
      vi.useRealTimers();
      expect(later).toBe(first);
      expect(later).not.toMatch(/2031|Thu, 02 Jan/);
    }
  });

  it("does not mutate its input", () => {
    const feed = descriptor("rss");
    const input = itemsFor(ARTICLES);
    const before = JSON.stringify([feed, input]);
    for (const format of FORMATS) renderFeed(format, feed, input);
    expect(JSON.stringify([feed, input])).toBe(before);
  });
});

describe("snapshots (fixed dates)", () => {
  for (const format of FORMATS) {
    it(`${format}`, () => {
      expect(render(format)).toMatchSnapshot();
    });
  }
  it("archive rss and atom", () => {
    const archive = { archive: true, stylesheetUrl: undefined, links: [{ rel: "current" as const, href: `${BASE}/feed` }] };
    expect(render("rss", archive)).toMatchSnapshot();
    expect(render("atom", archive)).toMatchSnapshot();
  });
});

describe("imageMediaType", () => {
  it.each([
    ["https://img.example/a.jpg", "image/jpeg"],
    ["https://img.example/a.JPEG?w=800&h=600", "image/jpeg"],
    ["https://img.example/path/b.png#top", "image/png"],
    ["https://img.example/c.webp", "image/webp"],
    ["https://img.example/d.svg", "image/svg+xml"],
    ["https://img.example/image?id=42", undefined],
    ["https://img.example/e.bmp", undefined],
    ["not a url", undefined],
  ])("%s is %s", (url, type) => {
    expect(imageMediaType(url)).toBe(type);
  });
});
