/**
 * Sample data for the page tests: a realistic German article, an article whose
 * every plain-text field is hostile markup, and the site context around them.
 */
import type { Article } from "../../../src/article/model";
import type { HomePageData, MainFeed, Topic } from "../../../src/pages/home";

export const SCRIPT = "<script>alert(1)</script>";
export const BOLD = "<b>x</b>";
/** Breaks out of a double-quoted attribute if `"` is not escaped. */
export const ATTR_BREAK = `"><img src=x onerror=alert(2)>`;

export const SITE_URL = "https://news.example.org/";

export const FEEDS: MainFeed[] = [
  { format: "rss", url: "https://news.example.org/rss.xml", title: "Example News (RSS)" },
  { format: "atom", url: "https://news.example.org/atom.xml", title: "Example News (Atom)" },
  { format: "json", url: "https://news.example.org/feed.json", title: "Example News (JSON Feed)" },
];

export const putinVisit: Article = {
  id: "putin-nordkorea",
  key: "articles/putin-nordkorea.txt",
  title: "Putin besucht Nordkorea: „Wir werden eng zusammenarbeiten“",
  authors: ["Anna Müller", "Tran Van Minh"],
  sourceUrl: "https://www.tass.example/world/123",
  sourceHost: "tass.example",
  language: "de",
  published: "2024-06-19T08:00:00.000Z",
  updated: "2024-06-19T10:30:00.000Z",
  tags: ["Russland", "Nordkorea"],
  summary: "Stunden bevor der russische Präsident Nordkorea besuchte, veröffentlichten die Staatsmedien einen Leitartikel.",
  contentHtml:
    "<p>Stunden bevor der russische Präsident Wladimir Putin Nordkorea einen offiziellen Besuch abstattete, veröffentlichten die nordkoreanischen Staatsmedien einen Leitartikel.</p>\n" +
    "<p>In den Kommentaren hieß es auch, Putin schätze Nordkoreas Unterstützung.</p>\n" +
    '<p class="source">Quelle: <a href="https://www.tass.example/world/123">tass.example</a></p>',
  image: null,
  imageAlt: null,
  draft: false,
  withdrawn: null,
  correction: null,
};

export const noAuthors: Article = {
  ...putinVisit,
  id: "ohne-autor",
  key: "articles/ohne-autor.txt",
  title: "Wetter: Hitzewelle in Süddeutschland",
  authors: [],
  sourceUrl: null,
  sourceHost: null,
  published: "2024-06-18T23:59:00.000Z",
  updated: "2024-06-18T23:59:00.000Z",
  tags: [],
  contentHtml: "<p>Es wird heiß.</p>",
};

export const hostile: Article = {
  id: `evil${SCRIPT}`,
  key: `articles/evil${SCRIPT}.txt`,
  title: `${SCRIPT} ${ATTR_BREAK}`,
  authors: [SCRIPT, ATTR_BREAK],
  sourceUrl: `javascript:alert(3)//${SCRIPT}`,
  sourceHost: SCRIPT,
  language: `de${ATTR_BREAK}`,
  published: "2024-05-01T12:00:00.000Z",
  updated: "2024-05-02T12:00:00.000Z",
  tags: [SCRIPT, BOLD],
  summary: `${SCRIPT} ${ATTR_BREAK}`,
  contentHtml: "<p>Harmless body.</p>",
  image: `https://img.example/evil.jpg?q=${ATTR_BREAK}`,
  imageAlt: `${SCRIPT} ${ATTR_BREAK}`,
  draft: false,
  withdrawn: null,
  correction: null,
};

export const TOPICS: Topic[] = [
  { kind: "tags", slug: "russland", name: "Russland", count: 12 },
  { kind: "tags", slug: "nordkorea", name: "Nordkorea", count: 1 },
  { kind: "authors", slug: "anna-muller", name: "Anna Müller", count: 3 },
  { kind: "languages", slug: "de", name: "Deutsch", count: 40 },
  { kind: "sources", slug: "tass.example", name: "tass.example", count: 7 },
];

export const HOSTILE_TOPICS: Topic[] = [
  { kind: "tags", slug: "b-x", name: BOLD, count: 1 },
  { kind: "authors", slug: SCRIPT, name: SCRIPT, count: 1 },
  { kind: "sources", slug: ATTR_BREAK, name: ATTR_BREAK, count: 1 },
];

export function homeData(overrides: Partial<HomePageData> = {}): HomePageData {
  return {
    title: "Example News",
    description: "Cleaned news articles as RSS, Atom and JSON Feed.",
    siteUrl: SITE_URL,
    feeds: FEEDS,
    latest: [putinVisit, noAuthors],
    topics: TOPICS,
    months: [
      { month: "2024-06", count: 21 },
      { month: "2024-05", count: 1 },
    ],
    opmlUrl: "/opml.xml",
    ...overrides,
  };
}

/**
 * Every fragment of hostile input that must never reach the output
 * unescaped: whole tags and the attribute break-out.
 */
export const FORBIDDEN = [SCRIPT, BOLD, ATTR_BREAK, "<script", "<b>", "<img", "javascript:"];

/** One start or end tag whose attribute values are all double-quoted and free of `<`, `>` and `"`. */
const TAG = /^<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*\s*\/?>$/;

/**
 * Checks the HTML lexically: every tag is well formed (so no attribute value
 * was broken out of) and the text between tags holds no raw `<`, `>`, `"` or
 * `'` (so all text went through the escaper). Returns the offending pieces.
 */
export function lexicalProblems(html: string): string[] {
  const problems: string[] = [];
  // Style and JSON-LD blocks are raw text with their own syntax; what is inside them is checked by their own tests.
  const body = html
    .replace(/^<!doctype html>/i, "")
    .replace(/<style>[\s\S]*?<\/style>/g, "<style></style>")
    .replace(/<script type="application\/ld\+json">[\s\S]*?<\/script>/g, `<script type="application/ld+json"></script>`);
  const pieces = body.split(/(<[^>]*>)/);
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) {
      if (!TAG.test(piece)) problems.push(piece);
    } else if (/[<>"']/.test(piece)) {
      problems.push(piece);
    }
  });
  return problems;
}
