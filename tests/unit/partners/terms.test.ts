import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { type FeedDescriptor, renderFeed } from "../../../src/feed/render";
import type { Partner } from "../../../src/partners/definition";
import { itemUnderTerms, pageUnderTerms, partnerTerms, publicTerms, releasedUnderTerms, topicAllowed } from "../../../src/partners/terms";
import { article } from "../feed/fixtures";

const NOW = new Date("2024-06-19T12:00:00.000Z");
const SITE = "https://news.example.com";

function partner(overrides: Partial<Partner> = {}): Partner {
  return {
    id: "p",
    name: "P",
    tokenSha256: "0".repeat(64),
    content: "full",
    delayMinutes: 0,
    topics: null,
    attribution: null,
    origins: null,
    requestsPerMinute: null,
    ...overrides,
  };
}

const story = article({
  id: "story",
  title: "Hafen wächst",
  tags: ["Wirtschaft"],
  language: "de",
  sourceHost: "example.org",
  sourceUrl: "https://example.org/hafen",
  published: "2024-06-19T11:40:00.000Z",
  updated: "2024-06-19T11:40:00.000Z",
  summary: "Der Hafen wächst <schnell>.",
  contentHtml: "<p>Der Hafen wächst &lt;schnell&gt;.</p>\n<p>Mehr Text.</p>",
});

describe("releasedUnderTerms", () => {
  it("withholds items younger than the delay, by the clock given", () => {
    expect(releasedUnderTerms(story, NOW, partnerTerms(partner({ delayMinutes: 20 }), SITE))).toBe(true);
    expect(releasedUnderTerms(story, NOW, partnerTerms(partner({ delayMinutes: 21 }), SITE))).toBe(false);
    expect(releasedUnderTerms(story, new Date("2024-06-19T12:01:00.000Z"), partnerTerms(partner({ delayMinutes: 21 }), SITE))).toBe(true);
  });

  it("lets out only items in an allowed topic", () => {
    const terms = (topics: Partner["topics"]) => partnerTerms(partner({ topics }), SITE);
    expect(releasedUnderTerms(story, NOW, terms([{ kind: "tags", slug: "wirtschaft" }]))).toBe(true);
    expect(releasedUnderTerms(story, NOW, terms([{ kind: "languages", slug: "de" }]))).toBe(true);
    expect(releasedUnderTerms(story, NOW, terms([{ kind: "sources", slug: "example.org" }]))).toBe(true);
    expect(
      releasedUnderTerms(
        story,
        NOW,
        terms([
          { kind: "languages", slug: "en" },
          { kind: "tags", slug: "sport" },
        ]),
      ),
    ).toBe(false);
  });

  it("never lets out what the public cannot see yet", () => {
    expect(releasedUnderTerms({ ...story, published: "2024-06-19T12:00:01.000Z" }, NOW, publicTerms(SITE, "full"))).toBe(false);
    expect(releasedUnderTerms({ ...story, draft: true }, NOW, partnerTerms(partner(), SITE))).toBe(false);
  });
});

describe("topicAllowed", () => {
  it("allows every topic without an allowlist, and only listed ones with it", () => {
    expect(topicAllowed(publicTerms(SITE, "full"), "tags", "x")).toBe(true);
    const terms = partnerTerms(partner({ topics: [{ kind: "languages", slug: "de" }] }), SITE);
    expect(topicAllowed(terms, "languages", "de")).toBe(true);
    expect(topicAllowed(terms, "tags", "de")).toBe(false);
  });
});

describe("itemUnderTerms", () => {
  it("leaves the article alone under full terms without attribution", () => {
    expect(itemUnderTerms(story, publicTerms(SITE, "full"))).toBe(story);
  });

  it("drops the content under summary terms", () => {
    const item = itemUnderTerms(story, publicTerms(SITE, "summary"));
    expect(item.contentHtml).toBe("");
    expect(item.summary).toBe(story.summary);
  });

  it("appends the attribution to the summary and the content, escaped", () => {
    const item = itemUnderTerms(story, partnerTerms(partner({ attribution: "Mit Genehmigung von <News>" }), SITE));
    expect(item.summary).toBe("Der Hafen wächst <schnell>.\n\nMit Genehmigung von <News>");
    expect(item.contentHtml.endsWith('\n<p class="attribution">Mit Genehmigung von &lt;News&gt;</p>')).toBe(true);
    const summaryOnly = itemUnderTerms({ ...story, summary: "" }, partnerTerms(partner({ content: "summary", attribution: "A" }), SITE));
    expect(summaryOnly).toMatchObject({ summary: "A", contentHtml: "" });
  });
});

describe("pageUnderTerms", () => {
  it("shows the summary and where the whole article is under summary terms", () => {
    const page = pageUnderTerms(story, partnerTerms(partner({ content: "summary", attribution: "A & B" }), SITE), "https://example.org/hafen?a=1&b=2");
    expect(page.contentHtml).toBe(
      '<p>Der Hafen wächst &lt;schnell&gt;.</p>\n<p class="more"><a href="https://example.org/hafen?a=1&amp;b=2">Read the full article</a></p>\n<p class="attribution">A &amp; B</p>',
    );
  });
});

describe("summary items in the feed formats", () => {
  const descriptor: FeedDescriptor = {
    id: `${SITE}/rss.xml`,
    title: "News",
    description: "The latest",
    language: "de",
    siteUrl: SITE,
    selfUrl: `${SITE}/rss.xml`,
    links: [],
    updated: story.updated,
  };
  const item = {
    article: itemUnderTerms(story, partnerTerms(partner({ content: "summary", attribution: "Mit Genehmigung" }), SITE)),
    guid: "tag:news.example.com,2024:story",
    link: story.sourceUrl ?? "",
  };
  const xml = new XMLParser({ ignoreAttributes: false });

  it("RSS: description only, the attribution a paragraph of its own", () => {
    const rss = renderFeed("rss", descriptor, [item]);
    expect(rss).not.toContain("content:encoded");
    const parsed = xml.parse(rss) as { rss: { channel: { item: { description: string } } } };
    expect(parsed.rss.channel.item.description).toBe("<p>Der Hafen wächst &lt;schnell&gt;.</p><p>Mit Genehmigung</p>");
  });

  it("Atom: summary only", () => {
    const atom = renderFeed("atom", descriptor, [item]);
    expect(atom).not.toContain("<content");
    expect(atom).toContain('<summary type="html">');
  });

  it("JSON Feed: summary and content_text, no content_html", () => {
    const json = JSON.parse(renderFeed("json", descriptor, [item])) as { items: Record<string, unknown>[] };
    expect(json.items[0]).toMatchObject({
      summary: "Der Hafen wächst <schnell>.\n\nMit Genehmigung",
      content_text: "Der Hafen wächst <schnell>.\n\nMit Genehmigung",
    });
    expect(json.items[0]).not.toHaveProperty("content_html");
  });
});
