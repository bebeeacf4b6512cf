import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { feedDeltaSource, itemVersion } from "../../../src/feed/delta";
import { renderFeed } from "../../../src/feed/render";
import { ARTICLES, BASE, descriptor, itemsFor } from "./fixtures";

const HUB = "https://hub.example.net/?a=1&b=2";
const TOMBSTONE = { ref: "tag:news.example.com,2024:gone", when: "2026-11-30T10:00:00Z", comment: 'Legal takedown <script>&"' };

describe("hubs", () => {
  it("RSS and Atom write a hub link after self, escaped; JSON Feed writes hubs", () => {
    const rss = renderFeed("rss", descriptor("rss", BASE, { hubs: [HUB] }), itemsFor(ARTICLES));
    expect(rss).toContain(`<atom:link rel="hub" href="https://hub.example.net/?a=1&#x26;b=2"/>`);
    const atom = renderFeed("atom", descriptor("atom", BASE, { hubs: [HUB] }), itemsFor(ARTICLES));
    expect(atom.indexOf('rel="hub"')).toBeGreaterThan(atom.indexOf('rel="self"'));
    const json = JSON.parse(renderFeed("json", descriptor("json", BASE, { hubs: [HUB] }), itemsFor(ARTICLES))) as { hubs: unknown };
    expect(json.hubs).toEqual([{ type: "WebSub", url: HUB }]);
    expect(renderFeed("json", descriptor("json"), itemsFor(ARTICLES))).not.toContain('"hubs"');
  });
});

describe("RFC 6721 tombstones", () => {
  it("Atom writes at:deleted-entry with an escaped comment and declares the namespace only then", () => {
    const atom = renderFeed(
      "atom",
      descriptor("atom", BASE, { tombstones: [TOMBSTONE, { ...TOMBSTONE, ref: "tag:news.example.com,2024:other", comment: null }] }),
      itemsFor(ARTICLES),
    );
    expect(atom).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');
    expect(atom).toContain(
      '<at:deleted-entry ref="tag:news.example.com,2024:gone" when="2026-11-30T10:00:00.000Z"><at:comment>Legal takedown &#x3C;script&gt;&#x26;&quot;</at:comment></at:deleted-entry>',
    );
    expect(atom).toContain('<at:deleted-entry ref="tag:news.example.com,2024:other" when="2026-11-30T10:00:00.000Z"/>');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(atom) as { feed: Record<string, unknown> };
    expect(parsed.feed["at:deleted-entry"]).toHaveLength(2);
    expect(renderFeed("atom", descriptor("atom"), itemsFor(ARTICLES))).not.toContain("tombstones");
  });

  it("RSS and JSON Feed carry no tombstone", () => {
    for (const format of ["rss", "json"] as const) {
      expect(renderFeed(format, descriptor(format, BASE, { tombstones: [TOMBSTONE] }), itemsFor(ARTICLES))).not.toContain("gone");
    }
  });
});

describe("feed deltas", () => {
  it("leave out the entries the base version had, tombstones included", () => {
    const items = itemsFor(ARTICLES);
    const source = feedDeltaSource("atom", descriptor("atom", BASE, { tombstones: [TOMBSTONE] }), items);
    expect(source.entries).toHaveLength(items.length + 1);
    const known = new Set(source.entries.slice(1));
    const delta = source.since(known);
    expect(delta.match(/<entry/g)).toHaveLength(1);
    expect(delta).not.toContain("deleted-entry");
    expect(source.since(new Set())).toContain("deleted-entry");
    // An edit is a new version of the entry.
    const first = items[0]!;
    expect(itemVersion({ ...first, article: { ...first.article, updated: "2030-01-01T00:00:00.000Z" } })).not.toBe(itemVersion(first));
  });
});
