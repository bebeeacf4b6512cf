/**
 * Every correction of the `feed` library's (6.0.0, pinned) RSS and Atom output,
 * in one place. Nothing else in the project knows about these defects.
 *
 * How the fixes work:
 *
 * 1. **Free text never reaches the library.** Titles, summaries, content,
 *    author names, tags and the feed title go in as opaque slot tokens
 *    ({@link TextSlots}). The library's output is then a *skeleton* that holds
 *    only tokens, URLs, ids and dates, so the patches below can match the
 *    library's own markup without ever matching article text. The tokens are
 *    replaced last, with correct escaping. This fixes two defects of the
 *    library's serializer (xml-js 1.6): CDATA sections escape only the first
 *    `]]>` (XML 1.0 §2.7: `]]>` ends a CDATA section), and text nodes turn a
 *    literal `&amp;` into `&` before escaping (so the text `&amp;` came out
 *    as `&`). Plain text is written with hexadecimal character references
 *    for `&` and `<` ({@link escapeXml}), never in CDATA.
 * 2. **Patches of the skeleton** for what the library cannot express:
 *    namespace declarations, `atom:link` lists, `xml:lang`, Atom text
 *    construct types. Every patch states how many matches it expects and
 *    throws otherwise, so a changed library fails loudly in tests instead of
 *    producing subtly wrong feeds.
 * 3. **Item extensions** (the library's own hook, RSS only) for
 *    `<dc:creator>` and `<dc:language>`: the library writes author names
 *    into RSS `<author>`, which must hold an e-mail address
 *    ({@link authorFields}).
 *
 * Defects of the library that need no patch because the caller avoids them:
 * `updated`/`lastBuildDate` default to the current time (the caller always
 * passes the newest item's date); Atom ids must parse as URLs (ours are
 * `tag:` URIs, which do); the JSON output is JSON Feed 1.0 (JSON Feed 1.1 is
 * written by `json-feed.ts` instead).
 *
 * A cost of the library's XML writer is fixed in the installed package
 * itself (`patches/`, applied after every install): for each element whose
 * value is a string (Atom's ids and dates), it enumerated every character to
 * learn that the element has content, a third of rendering an Atom feed.
 */
import type { Extension, Item } from "feed";
import { escapeXml, escapeXmlAllowed, stripXmlForbidden } from "../text/xml";

/** Namespaces used in RSS 2.0 output. */
export const NS = {
  atom: "http://www.w3.org/2005/Atom",
  content: "http://purl.org/rss/1.0/modules/content/",
  dc: "http://purl.org/dc/elements/1.1/",
  /** RFC 5005 §4 (Feed Paging and Archiving). */
  fh: "http://purl.org/syndication/history/1.0",
  /** Media RSS (https://www.rssboard.org/media-rss), for lead images. */
  media: "http://search.yahoo.com/mrss/",
  /** RFC 6721 (The Atom "deleted-entry" Element). */
  at: "http://purl.org/atompub/tombstones/1.0",
} as const;

/** Token delimiters: C0 controls cannot occur in XML 1.0 text (§2.2), and {@link stripXmlForbidden} removes them from input. */
const OPEN = "\u0001";
const CLOSE = "\u0002";
const TOKEN = /<!\[CDATA\[\u0001(\d+)\u0002\]\]>|\u0001(\d+)\u0002/g;

/**
 * A CDATA section that holds any text: each `]]>` is split across two
 * sections (`]]` ends one, `>` starts the next), XML 1.0 §2.7.
 */
export function cdata(text: string): string {
  return cdataAllowed(stripXmlForbidden(text));
}

/** {@link cdata} for text already known to be free of forbidden characters. */
function cdataAllowed(allowed: string): string {
  return `<![CDATA[${allowed.includes("]]>") ? allowed.split("]]>").join("]]]]><![CDATA[>") : allowed}]]>`;
}

/**
 * Slot tokens standing in for free text while the library serializes.
 * {@link TextSlots.text} and {@link TextSlots.html} return a token;
 * {@link TextSlots.restore} replaces each token with its value:
 *
 * - plain text always as escaped character data ({@link escapeXml}), also
 *   where the library wrapped it in CDATA (RSS and Atom titles): plain text
 *   must be written with character references, which CDATA cannot hold;
 * - HTML as a correct CDATA section ({@link cdata}) where the library wrote
 *   CDATA, as escaped character data elsewhere.
 *
 * Forbidden characters are removed from every value, unless the caller
 * vouches (`allowed`) that the value holds none: a caller that checked an
 * article once need not have its text scanned again on every render.
 */
export class TextSlots {
  private readonly slots: { value: string; html: boolean; allowed: boolean }[] = [];

  /** A token for plain text; `allowed`: the text is known to hold no character {@link stripXmlForbidden} removes. */
  text(value: string, allowed = false): string {
    return this.put(value, false, allowed);
  }

  /** A token for HTML (RSS description and content:encoded, Atom `type="html"`); `allowed` as for {@link text}. */
  html(value: string, allowed = false): string {
    return this.put(value, true, allowed);
  }

  private put(value: string, html: boolean, allowed: boolean): string {
    this.slots.push({ value, html, allowed });
    return `${OPEN}${this.slots.length - 1}${CLOSE}`;
  }

  restore(skeleton: string): string {
    const xml = skeleton.replace(TOKEN, (_match, inCdata: string | undefined, bare: string | undefined) => {
      const slot = this.slots[Number(inCdata ?? bare)];
      if (slot === undefined) throw new Error("feed-library-fixes: unknown text slot");
      const value = slot.allowed ? slot.value : stripXmlForbidden(slot.value);
      return slot.html && inCdata !== undefined ? cdataAllowed(value) : escapeXmlAllowed(value);
    });
    if (xml.includes(OPEN) || xml.includes(CLOSE)) {
      throw new Error("feed-library-fixes: a text slot was not restored");
    }
    return xml;
  }
}

/** Replaces every match of `pattern` (global) and checks the count, so that a changed library is caught. */
function patch(xml: string, pattern: RegExp, replace: (match: string, index: number) => string, expected: number, what: string): string {
  let count = 0;
  const out = xml.replace(pattern, (match) => replace(match, count++));
  if (count !== expected) {
    throw new Error(`feed-library-fixes: expected ${expected} × ${what} in the feed library's output, found ${count}`);
  }
  return out;
}

/** One `<link>` of the feed document (already absolute URLs). */
export interface XmlLink {
  rel: string;
  href: string;
  type?: string;
  title?: string;
}

function linkElement(name: string, link: XmlLink): string {
  let attributes = ` rel="${escapeXml(link.rel)}" href="${escapeXml(link.href)}"`;
  if (link.type !== undefined) attributes += ` type="${escapeXml(link.type)}"`;
  if (link.title !== undefined) attributes += ` title="${escapeXml(link.title)}"`;
  return `<${name}${attributes}/>`;
}

/** What the patches need to know about the document. */
export interface PatchContext {
  /** All feed-level links, `self` first. */
  links: readonly XmlLink[];
  /** RFC 5005 §4: write `<fh:archive/>`. */
  archive: boolean;
  /** Channel `<pubDate>` (RSS), RFC 822 date. */
  pubDate: string;
  /** Feed language (BCP 47), or undefined to omit. */
  language: string | undefined;
  /** Per item, in order: `xml:lang` for the Atom entry, undefined when it equals the feed's. */
  itemLanguages: readonly (string | undefined)[];
  /** Per item, in order: its lead image (an Atom enclosure link), undefined when it has none. */
  itemImages: readonly (LeadImage | undefined)[];
  /** Atom only: RFC 6721 tombstones, written after the entries (`when` already RFC 3339). */
  tombstones?: readonly { ref: string; when: string; comment: string | null }[];
}

/** An item's lead image, as feeds announce it. */
export interface LeadImage {
  /** Absolute http(s) URL. */
  url: string;
  /** Media type, when the URL tells it. */
  type: string | undefined;
  /** Text alternative, when the article gives one. */
  alt: string | undefined;
}

/**
 * The Media RSS element of an RSS item's lead image, as a library item
 * extension: `<media:content url medium="image" type>` with the alt text as
 * `<media:description type="plain">` (Media RSS 1.5.1 "media:description").
 * Values go in as slot tokens, because the library's serializer escapes only
 * `"` in attribute values (a `&` in an image URL would break the document).
 */
export function mediaContentExtension(image: LeadImage, slots: TextSlots): Extension {
  const attributes: Record<string, string> = { url: slots.text(image.url), medium: "image" };
  if (image.type !== undefined) attributes.type = image.type;
  const content: Record<string, unknown> = { _attributes: attributes };
  if (image.alt !== undefined) content["media:description"] = { _attributes: { type: "plain" }, _text: slots.text(image.alt) };
  return { name: "media:content", objects: content };
}

/**
 * An Atom entry's lead image: `<link rel="enclosure">` (RFC 4287 §4.2.7.2,
 * "a related resource which is potentially large in size"), with the alt
 * text as the link's `title`. `length` is only advisory (§4.2.7.6) and the
 * service never fetches images to learn their size, so it is left out.
 */
function enclosureLink(image: LeadImage): string {
  return linkElement("link", {
    rel: "enclosure",
    href: image.url,
    ...(image.type !== undefined ? { type: image.type } : {}),
    ...(image.alt !== undefined ? { title: image.alt } : {}),
  });
}

/** `<at:deleted-entry ref when>` with an optional `<at:comment>` (RFC 6721 §2, §2.1.3). */
function deletedEntry(tombstone: { ref: string; when: string; comment: string | null }): string {
  const start = `<at:deleted-entry ref="${escapeXml(tombstone.ref)}" when="${escapeXml(tombstone.when)}"`;
  if (tombstone.comment === null || tombstone.comment === "") return `${start}/>`;
  return `${start}><at:comment>${escapeXml(tombstone.comment)}</at:comment></at:deleted-entry>`;
}

/** Links plus the archive marker, one per line, each after `indent` (the replaced line's own). */
function headBlock(linkName: string, ctx: PatchContext, indent: string): string {
  const lines = ctx.links.map((link) => linkElement(linkName, link));
  if (ctx.archive) lines.push("<fh:archive/>");
  return lines.map((line) => indent + line).join("");
}

/**
 * Author fields of a library item.
 *
 * - Atom: one `<author><name>` per author (RFC 4287 §4.2.1); the library does
 *   this right.
 * - RSS: the library writes names into `<author>`, but RSS 2.0 `<author>` is
 *   the "email address of the author of the item". Names go in
 *   `<dc:creator>` instead, one per author (Dublin Core `creator`, RSS
 *   Best Practices Profile "dc:creator"), through the library's item
 *   extensions. `<dc:language>` carries an item language that differs from
 *   the channel's (RSS 2.0 has only the channel-level `<language>`).
 *   Atom ignores item extensions.
 */
export function authorFields(
  format: "rss" | "atom",
  nameTokens: readonly string[],
  differentLanguage: string | undefined,
): Pick<Item, "author" | "extensions"> {
  if (format === "atom") return nameTokens.length > 0 ? { author: nameTokens.map((name) => ({ name })) } : {};
  const extensions: Extension[] = [];
  if (nameTokens.length > 0) {
    // xml-js writes an array value as repeated elements of the same name.
    const creators = nameTokens.map((name) => ({ _text: name }));
    extensions.push({ name: "dc:creator", objects: creators as unknown as Record<string, unknown> });
  }
  if (differentLanguage !== undefined) extensions.push({ name: "dc:language", objects: { _text: differentLanguage } });
  return extensions.length > 0 ? { extensions } : {};
}

/**
 * Patches the library's RSS 2.0 skeleton (call before {@link TextSlots.restore}).
 *
 * - Root: declares `atom`, `content`, `dc`, `media` (and `fh` for archives) always;
 *   the library declares `dc`/`content` only when some item has content and
 *   `atom` only with a self link, so an empty feed with extensions would not
 *   be namespace-well-formed.
 * - Replaces the library's single self `<atom:link>` with all links: self
 *   with `type="application/rss+xml"` (RSS Best Practices Profile §
 *   "atom:link"), alternates, RFC 5005 `prev-archive`/`next-archive`/`current`
 *   links; plus `<fh:archive/>` (RFC 5005 §4) for archive documents.
 * - Adds channel `<pubDate>` = the feed's update time (RSS 2.0 channel
 *   elements; the library writes only `lastBuildDate`).
 *
 * The library already writes `<description>` before `<content:encoded>`
 * (RSS Best Practices Profile) and `<guid isPermaLink="false">`.
 */
export function patchRss(skeleton: string, ctx: PatchContext): string {
  let xml = patch(
    skeleton,
    /<rss version="2\.0"[^>]*>/g,
    () =>
      `<rss version="2.0" xmlns:atom="${NS.atom}" xmlns:content="${NS.content}" xmlns:dc="${NS.dc}" xmlns:media="${NS.media}"` +
      (ctx.archive ? ` xmlns:fh="${NS.fh}"` : "") +
      ">",
    1,
    "<rss> start tag",
  );
  xml = patch(
    xml,
    /\n *<atom:link href="[^"]*" rel="self" type="application\/rss\+xml"\/>/g,
    (m) => headBlock("atom:link", ctx, m.slice(0, m.indexOf("<"))),
    1,
    "self <atom:link>",
  );
  xml = patch(
    xml,
    /\n *<lastBuildDate>[^<]*<\/lastBuildDate>/g,
    (m) => `${m}${m.slice(0, m.indexOf("<"))}<pubDate>${ctx.pubDate}</pubDate>`,
    1,
    "<lastBuildDate>",
  );
  return xml;
}

/**
 * Patches the library's Atom 1.0 skeleton (call before {@link TextSlots.restore}).
 *
 * - Root: `xml:lang` (RFC 4287 §2, xml:lang on any element) and the `fh`
 *   namespace for archives.
 * - Replaces the library's single self `<link>` with all links (self with
 *   `type="application/atom+xml"`, RFC 4287 §4.2.7) plus `<fh:archive/>`
 *   (RFC 5005 §4).
 * - Entry links get an explicit `rel="alternate"` (RFC 4287 §4.2.7.2; the
 *   library omits the attribute), followed by the entry's lead image as an
 *   enclosure link (the library's own image enclosure guesses `image/jpg`
 *   from the extension, which is no media type).
 * - Entry `<title>` is plain text: `type="text"` instead of the library's
 *   `type="html"` (RFC 4287 §3.1.1.1); otherwise markup-like text in a title
 *   (`<script>`) would be interpreted as HTML. (`<summary>` stays `type="html"`:
 *   the mapping writes it HTML-escaped.)
 * - Entries in another language than the feed get their own `xml:lang`.
 * - RFC 6721 tombstones after the entries, with the `at` namespace declared
 *   on the root only while there is one.
 */
export function patchAtom(skeleton: string, ctx: PatchContext): string {
  const count = ctx.itemLanguages.length;
  let xml = patch(
    skeleton,
    /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/g,
    () =>
      `<feed xmlns="${NS.atom}"` +
      (ctx.archive ? ` xmlns:fh="${NS.fh}"` : "") +
      // Declared only while there is a tombstone: validators warn about the namespace, which they do not know.
      ((ctx.tombstones?.length ?? 0) > 0 ? ` xmlns:at="${NS.at}"` : "") +
      (ctx.language !== undefined ? ` xml:lang="${escapeXml(ctx.language)}"` : "") +
      ">",
    1,
    "<feed> start tag",
  );
  xml = patch(xml, /\n *<link rel="self" href="[^"]*"\/>/g, (m) => headBlock("link", ctx, m.slice(0, m.indexOf("<"))), 1, "self <link>");
  xml = patch(
    xml,
    /\n( *)<link href="([^"]*)"\/>/g,
    (m, i) => {
      const indent = m.slice(0, m.indexOf("<"));
      const image = ctx.itemImages[i];
      return m.replace("<link href=", '<link rel="alternate" href=') + (image === undefined ? "" : indent + enclosureLink(image));
    },
    count,
    "entry <link>",
  );
  xml = patch(xml, /<title type="html">/g, () => '<title type="text">', count, "entry <title>");
  if ((ctx.tombstones?.length ?? 0) > 0) {
    // RFC 6721 §2: at:deleted-entry is a child of atom:feed, anywhere among the entries; after them here.
    xml = patch(xml, /\n?<\/feed>/g, (m) => `${(ctx.tombstones ?? []).map((t) => `\n    ${deletedEntry(t)}`).join("")}${m}`, 1, "</feed>");
  }
  xml = patch(
    xml,
    /<entry>/g,
    (m, i) => {
      const lang = ctx.itemLanguages[i];
      return lang === undefined ? m : `<entry xml:lang="${escapeXml(lang)}">`;
    },
    count,
    "<entry>",
  );
  return xml;
}
