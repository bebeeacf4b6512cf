/**
 * The OPML 2.0 catalogue of every feed the site serves
 * (http://opml.org/spec2.opml), for importing into a feed reader at once.
 *
 * One outline per scope (the main feed, each topic): importing the catalogue
 * subscribes a reader to each feed once, not once per format. The outlines
 * point at one format, RSS by default, which every reader understands.
 *
 * Outline type: `type="rss"` is OPML 2.0's subscription type, and feed
 * readers (NetNewsWire, Feedly, Inoreader, Miniflux) write and expect it for
 * RSS and Atom alike, detecting the format from the document they fetch. A
 * JSON Feed is neither, so its outline carries no type: claiming `rss` would
 * leave readers without JSON Feed support with a subscription that never
 * parses. RSS outlines also carry `version="RSS2"`, which the spec defines.
 */

import { TOPIC_KIND_INFO, TOPIC_KINDS } from "../index/topic-kinds";
import { escapeHtml, stripXmlForbidden } from "../text/xml";
import { formatRfc822 } from "./dates";
import type { FeedFormat, PagePaths } from "./feeds";
import { DEFAULT_PATHS } from "./feeds";
import type { MainFeed, Topic } from "./home";

/** Input of {@link renderOpml}. URLs may be root-relative; they are resolved against `siteUrl`. */
export interface OpmlData {
  /** Title of the catalogue (`<head><title>`). */
  title: string;
  /** Absolute site URL: base for relative URLs and `htmlUrl` of every outline. */
  siteUrl: string;
  /**
   * `dateCreated`: when the catalogue's content was created. Pass a date from
   * the data (e.g. the index build time), never "now", so that the document
   * and its ETag only change when the feeds change.
   */
  dateCreated: string | Date;
  /** `dateModified`; `dateCreated` when absent. */
  dateModified?: string | Date | undefined;
  /** `ownerName`; omitted when absent or empty. */
  ownerName?: string | undefined;
  /** The main feed (category "Main"), in the format to list. */
  mainFeed: MainFeed;
  /** Topic feeds, grouped into the categories Tags, Authors, Languages, Sources. */
  topics: readonly Topic[];
  /** The one format listed for each topic; RSS by default. */
  format?: FeedFormat | undefined;
  /** URL scheme for topic feeds; {@link DEFAULT_PATHS} by default. */
  paths?: PagePaths | undefined;
}

/** Where the OPML 2.0 specification lives (`<docs>`). */
export const OPML_DOCS_URL = "http://opml.org/spec2.opml";

/** Plain text as an XML attribute value or element content; characters XML 1.0 forbids (§2.2) are dropped. */
function xml(text: string): string {
  return escapeHtml(stripXmlForbidden(text));
}

/** Absolute form of `url` against `base`; the input when it cannot be resolved. */
function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

interface Outline {
  format: FeedFormat;
  title: string;
  xmlUrl: string;
}

function feedOutline(outline: Outline, htmlUrl: string, indent: string): string {
  const type = outline.format === "json" ? "" : ` type="rss"`;
  const version = outline.format === "rss" ? ` version="RSS2"` : "";
  return (
    `${indent}<outline${type} text="${xml(outline.title)}" title="${xml(outline.title)}"` +
    ` xmlUrl="${xml(outline.xmlUrl)}" htmlUrl="${xml(htmlUrl)}"${version}/>`
  );
}

function category(name: string, outlines: readonly Outline[], htmlUrl: string): string[] {
  if (outlines.length === 0) return [];
  return [`    <outline text="${xml(name)}" title="${xml(name)}">`, ...outlines.map((o) => feedOutline(o, htmlUrl, "      ")), `    </outline>`];
}

/**
 * Renders the OPML 2.0 catalogue: a head (title, RFC 822 dates, optional
 * owner, docs) and one category outline per group (Main, Tags, Authors,
 * Languages, Sources; empty groups left out) holding one outline per scope.
 *
 * @param data Feeds, topics and metadata (see {@link OpmlData}).
 * @returns A well-formed XML document.
 * @throws RangeError when `dateCreated` or `dateModified` is not a valid date.
 */
export function renderOpml(data: OpmlData): string {
  const paths = data.paths ?? DEFAULT_PATHS;
  const siteUrl = data.siteUrl;
  const format = data.format ?? "rss";

  const head = [
    `    <title>${xml(data.title)}</title>`,
    `    <dateCreated>${formatRfc822(data.dateCreated)}</dateCreated>`,
    `    <dateModified>${formatRfc822(data.dateModified ?? data.dateCreated)}</dateModified>`,
  ];
  if (data.ownerName) head.push(`    <ownerName>${xml(data.ownerName)}</ownerName>`);
  head.push(`    <docs>${OPML_DOCS_URL}</docs>`);

  const body = category("Main", [{ format: data.mainFeed.format, title: data.mainFeed.title, xmlUrl: absolute(data.mainFeed.url, siteUrl) }], siteUrl);
  for (const kind of TOPIC_KINDS) {
    const { heading, label } = TOPIC_KIND_INFO[kind];
    const outlines: Outline[] = [];
    for (const topic of data.topics) {
      if (topic.kind !== kind) continue;
      outlines.push({
        format,
        title: `${label}: ${topic.name}`,
        xmlUrl: absolute(paths.topicFeed(kind, topic.slug, format), siteUrl),
      });
    }
    body.push(...category(heading, outlines, siteUrl));
  }

  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<opml version="2.0">`,
    `  <head>`,
    ...head,
    `  </head>`,
    `  <body>`,
    ...body,
    `  </body>`,
    `</opml>`,
    "",
  ].join("\n");
}
