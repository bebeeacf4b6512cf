/**
 * RSS 2.0 and Atom 1.0 through the `feed` library. One mapping serves both
 * formats; the library's defects are corrected in `feed-library-fixes.ts`.
 */
import { Feed, type FeedOptions, type Item } from "feed";
import type { Article } from "../article/model";
import { escapeHtml, isXmlSafe } from "../text/xml";
import { authorFields, type LeadImage, mediaContentExtension, type PatchContext, patchAtom, patchRss, TextSlots, type XmlLink } from "./feed-library-fixes";
import { FEED_FORMAT_INFO } from "./formats";
import { imageMediaType } from "./image-types";
import type { FeedDescriptor, FeedItem } from "./render";
import { absoluteUrl, languageTag, parseDate, rfc3339 } from "./values";

type XmlFormat = "rss" | "atom";

/** The article's lead image as feeds announce it; undefined when it has none. */
function leadImage(item: FeedItem): LeadImage | undefined {
  const { image, imageAlt } = item.article;
  if (!image) return undefined;
  const url = absoluteUrl(image, `image of ${item.article.id}`);
  return { url, type: imageMediaType(url), alt: imageAlt ? imageAlt : undefined };
}

/**
 * Articles whose text fields were found free of XML-forbidden characters.
 * Article objects are never changed once made, and the index keeps them in
 * isolate memory across requests: each is scanned once, not on every render
 * (the scan was about a seventh of rendering a hundred RSS items).
 */
const checkedArticles = new WeakSet<Article>();

/** True when no text field of `article` that the item writes holds a character that XML forbids. */
function articleXmlSafe(article: Article): boolean {
  if (checkedArticles.has(article)) return true;
  const { title, summary, contentHtml, tags, authors } = article;
  const safe = isXmlSafe(title) && isXmlSafe(summary) && isXmlSafe(contentHtml) && tags.every(isXmlSafe) && authors.every(isXmlSafe);
  if (safe) checkedArticles.add(article);
  return safe;
}

/** Maps one item to the library's item: the same function for RSS and Atom. */
function libraryItem(format: XmlFormat, item: FeedItem, feedLanguage: string | undefined, slots: TextSlots): Item {
  const { article } = item;
  const allowed = articleXmlSafe(article);
  const itemLanguage = languageTag(article.language);
  const mapped: Item = {
    title: slots.text(article.title, allowed),
    id: item.guid,
    guid: item.guid,
    link: absoluteUrl(item.link, `link of ${article.id}`),
    date: parseDate(article.updated, `updated of ${article.id}`),
    published: parseDate(article.published, `published of ${article.id}`),
    // RSS: name is the element text. Atom: term is the category (a label equal to it would be noise).
    category: article.tags.map((tag) => (format === "rss" ? { name: slots.text(tag, allowed) } : { term: slots.text(tag, allowed) })),
    ...authorFields(
      format,
      article.authors.map((name) => slots.text(name, allowed)),
      itemLanguage !== feedLanguage ? itemLanguage : undefined,
    ),
  };
  // RSS <description> and Atom <summary type="html"> hold HTML, so the plain-text summary is escaped:
  // text that merely looks like markup (an article quoting "<script>") stays text, and validators
  // do not take it for undeclared HTML in a text construct (RFC 4287 §3.1.1).
  if (article.summary !== "") mapped.description = slots.html(plainTextHtml(article.summary), allowed);
  if (article.contentHtml !== "") mapped.content = slots.html(article.contentHtml, allowed);
  // RSS: Media RSS, as an item extension. Atom: an enclosure link, written by the patches.
  const image = leadImage(item);
  if (format === "rss" && image !== undefined) mapped.extensions = [...(mapped.extensions ?? []), mediaContentExtension(image, slots)];
  return mapped;
}

/**
 * Plain text as HTML: escaped, and when blank lines divide it into several
 * paragraphs (a partner's attribution after the summary), one `<p>` each.
 */
function plainTextHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/);
  return paragraphs.length === 1 ? escapeHtml(text) : paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join("");
}

/** Feed-level links, self first (its media type is the document's own), then the caller's links. */
function xmlLinks(format: XmlFormat, feed: FeedDescriptor): XmlLink[] {
  const links: XmlLink[] = [{ rel: "self", href: absoluteUrl(feed.selfUrl, "selfUrl"), type: FEED_FORMAT_INFO[format].mediaType }];
  // W3C WebSub §4: a hub link next to the self link names where to subscribe to that very URL.
  for (const hub of feed.hubs ?? []) links.push({ rel: "hub", href: absoluteUrl(hub, "hub") });
  // RSS has the channel <link> for the site; Atom names it with an alternate link.
  if (format === "atom") links.push({ rel: "alternate", href: absoluteUrl(feed.siteUrl, "siteUrl"), type: "text/html" });
  for (const link of feed.links) {
    if (link.rel === "self") continue;
    const out: XmlLink = { rel: link.rel, href: absoluteUrl(link.href, `${link.rel} link`) };
    if (link.type !== undefined) out.type = link.type;
    if (link.title !== undefined) out.title = link.title;
    links.push(out);
  }
  return links;
}

/** Renders RSS 2.0 or Atom 1.0. */
export function renderXmlFeed(format: XmlFormat, feed: FeedDescriptor, items: readonly FeedItem[]): string {
  const slots = new TextSlots();
  const language = languageTag(feed.language);
  const updated = parseDate(feed.updated, "feed updated");

  const options: FeedOptions = {
    id: slots.text(feed.id),
    title: slots.text(feed.title),
    description: slots.text(feed.description),
    link: absoluteUrl(feed.siteUrl, "siteUrl"),
    // The library writes one self link; the patches replace it with all links.
    feed: absoluteUrl(feed.selfUrl, "selfUrl"),
    updated,
    // Name this service rather than the library's home page (RSS 2.0 <generator>, RFC 4287 §4.2.4).
    generator: "feed-worker",
  };
  if (language !== undefined) options.language = language;
  if (feed.stylesheetUrl !== undefined) options.stylesheet = slots.text(absoluteUrl(feed.stylesheetUrl, "stylesheetUrl"));
  // RFC 4287 §4.1.1: an Atom feed needs an author unless every entry has one.
  if (feed.author !== undefined) options.author = { name: slots.text(feed.author) };
  else if (items.some((item) => item.article.authors.length === 0)) options.author = { name: slots.text(feed.title) };
  if (format === "atom") delete options.link; // written by the patches as a typed alternate link

  const library = new Feed(options);
  const itemLanguages: (string | undefined)[] = [];
  const itemImages: (LeadImage | undefined)[] = [];
  for (const item of items) {
    library.addItem(libraryItem(format, item, language, slots));
    const itemLanguage = languageTag(item.article.language);
    itemLanguages.push(itemLanguage !== language ? itemLanguage : undefined);
    itemImages.push(leadImage(item));
  }

  const context: PatchContext = {
    links: xmlLinks(format, feed),
    archive: feed.archive === true,
    pubDate: updated.toUTCString(),
    language,
    itemLanguages,
    itemImages,
    ...(format === "atom" && feed.tombstones !== undefined && feed.tombstones.length > 0
      ? { tombstones: feed.tombstones.map((t) => ({ ref: t.ref, when: rfc3339(t.when, `tombstone of ${t.ref}`), comment: t.comment })) }
      : {}),
  };
  const skeleton = format === "rss" ? patchRss(library.rss2(), context) : patchAtom(library.atom1(), context);
  return slots.restore(skeleton);
}
