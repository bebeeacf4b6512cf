/**
 * Realistic articles and a feed descriptor with fixed dates, shared by the
 * feed tests. Every edge the renderers must survive is in here: German and
 * Vietnamese text, two authors, no author, `&` in a source URL, no source,
 * escaped `<script>` text and several `]]>` in the content.
 */
import type { Article } from "../../../src/article/model";
import { itemGuid } from "../../../src/feed/guid";
import type { FeedDescriptor, FeedItem } from "../../../src/feed/render";

export const BASE = "https://news.example.com";
export const HOST = "news.example.com";

export function article(overrides: Partial<Article> & Pick<Article, "id">): Article {
  return {
    key: `articles/${overrides.id}.txt`,
    title: "Untitled",
    authors: [],
    sourceUrl: null,
    sourceHost: null,
    language: "de",
    published: "2024-06-19T08:00:00.000Z",
    updated: "2024-06-19T08:00:00.000Z",
    tags: [],
    summary: "",
    contentHtml: "",
    image: null,
    imageAlt: null,
    draft: false,
    withdrawn: null,
    correction: null,
    ...overrides,
  };
}

/** The seed article: German, one author, a Vietnamese source. */
export const GERMAN = article({
  id: "000_6851536369dabcad",
  title: "Russland und Nordkorea wollen Sanktionen gemeinsam überwinden",
  authors: ["Khanh Minh"],
  sourceUrl: "https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html",
  sourceHost: "sggp.org.vn",
  language: "de",
  published: "2024-06-19T08:00:00.000Z",
  updated: "2024-06-19T08:00:00.000Z",
  tags: ["Russland", "Nordkorea", "Außenpolitik"],
  summary:
    "Stunden bevor der russische Präsident Wladimir Putin Nordkorea einen offiziellen Besuch abstattete, veröffentlichten die nordkoreanischen Staatsmedien einen Leitartikel.",
  contentHtml:
    "<p>Stunden bevor der russische Präsident Wladimir Putin Nordkorea einen offiziellen Besuch abstattete, veröffentlichten die nordkoreanischen Staatsmedien einen Leitartikel.</p>\n" +
    "<p>„Wir sind bereit, eng zusammenzuarbeiten“, sagte Putin.</p>\n" +
    '<p>Quelle: <a href="https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html">sggp.org.vn</a></p>',
});

/** Vietnamese, two authors, `&` in the source URL, an image, updated after publication. */
export const VIETNAMESE = article({
  id: "001_vn-kinh-te",
  title: "Kinh tế Việt Nam tăng trưởng 6,9% trong quý II",
  authors: ["Nguyễn Văn An", "Trần Thị Bích"],
  sourceUrl: "https://vnexpress.net/kinh-te?a=1&b=2",
  sourceHost: "vnexpress.net",
  language: "vi",
  published: "2024-07-01T02:30:00.000Z",
  updated: "2024-07-02T09:15:30.000Z",
  tags: ["Kinh tế", "Việt Nam"],
  summary: "Tổng sản phẩm trong nước (GDP) quý II tăng 6,93% so với cùng kỳ năm trước.",
  contentHtml:
    "<p>Tổng sản phẩm trong nước (GDP) quý II tăng 6,93% so với cùng kỳ năm trước.</p>\n" +
    '<p>Nguồn: <a href="https://vnexpress.net/kinh-te?a=1&amp;b=2">vnexpress.net</a></p>',
  image: "https://vnexpress.net/images/gdp.jpg?w=800&h=600",
  imageAlt: "Container ships & cranes at the port of Hai Phong",
});

/** No author, no source; content quotes markup (escaped `<script>`) and has several `]]>`. */
export const TRICKY = article({
  id: "002 tricky/ä",
  title: "Sicherheit: Wie <script> & ]]> in Texten überleben",
  authors: [],
  language: "de",
  published: "2024-07-03T12:00:00.000Z",
  updated: "2024-07-03T12:00:00.000Z",
  tags: ["Technik", "XML & HTML"],
  summary: "Ein Text über <script>-Tags, &amp; und das Ende von CDATA: ]]> und noch einmal ]]>.",
  contentHtml:
    "<p>Ein Text über &lt;script&gt;alert(1)&lt;/script&gt;, &amp;amp; und ]]> am Anfang.</p>\n" +
    "<p>Zweimal: ]]> und ]]]]> und ]]>]]>.</p>\n" +
    "<p>Zum Schluss ]]></p>",
});

export const ARTICLES = [TRICKY, VIETNAMESE, GERMAN] as const;

/** Items as the index would build them: link to the source, else to the article page here. */
export function itemsFor(articles: readonly Article[], base = BASE, host = HOST): FeedItem[] {
  return articles.map((a) => ({
    article: a,
    guid: itemGuid(host, a.id),
    link: a.sourceUrl ?? `${base}/articles/${encodeURIComponent(a.id)}`,
  }));
}

export function descriptor(format: "rss" | "atom" | "json", base = BASE, overrides: Partial<FeedDescriptor> = {}): FeedDescriptor {
  const paths = { rss: "/rss.xml", atom: "/atom.xml", json: "/feed.json" } as const;
  const types = { rss: "application/rss+xml", atom: "application/atom+xml", json: "application/feed+json" } as const;
  const others = (["rss", "atom", "json"] as const).filter((f) => f !== format);
  return {
    id: `${base}${paths[format]}`,
    title: "Nachrichten & Berichte",
    description: "Bereinigte Nachrichtenartikel aus aller Welt",
    language: "de",
    siteUrl: `${base}/`,
    selfUrl: `${base}${paths[format]}`,
    links: [
      ...others.map((f) => ({ rel: "alternate" as const, href: `${base}${paths[f]}`, type: types[f], title: `Feed (${f})` })),
      { rel: "prev-archive" as const, href: `${base}/archive/2024-06${paths[format]}` },
      { rel: "next" as const, href: `${base}${paths[format]}?page=2` },
    ],
    updated: "2024-07-03T12:00:00.000Z",
    stylesheetUrl: `${base}/feed.xsl?v=1&theme=light`,
    ...overrides,
  };
}
