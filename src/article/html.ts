/**
 * Rendering cleaned paragraphs as safe HTML. Nothing from an article can
 * inject markup: every piece of text goes through {@link escapeHtml}.
 */

import { attributionLabel } from "./languages";

/** The five characters with meaning in HTML text and attribute values. */
const HTML_SPECIAL = /[&<>"']/g;
/** Same set without `g`: a stateless test so clean text is returned without a copy. */
const HAS_HTML_SPECIAL = /[&<>"']/;
const ENTITY: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escape text for use in HTML text *and* in quoted attribute values. `&` is
 * escaped too, so a URL's query string (`?a=1&b=2`) comes out as `&amp;` and
 * survives being embedded in XML (RSS `content:encoded`, Atom `content`).
 */
export function escapeHtml(text: string): string {
  return HAS_HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIAL, (ch) => ENTITY[ch] ?? ch) : text;
}

/** One `<p>` per paragraph, text escaped, joined by newlines (readable in feed readers' source views). */
export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
}

/** What the attribution paragraph links to. */
export interface Attribution {
  /** The source URL (already validated as http(s)); null when the source line had text but no URL. */
  url: string | null;
  /** Link text: the source's host name, or the source line's text when there is no URL. */
  text: string;
  /** Article language; picks the label (`Quelle:`, `Source:`, `Nguồn:`...). */
  language: string;
}

/**
 * The attribution paragraph that ends every article with a source:
 * `<p class="source">Quelle: <a href="https://…">sggp.org.vn</a></p>`.
 * Without a URL the text is shown unlinked.
 */
export function attributionHtml(attribution: Attribution): string {
  const label = escapeHtml(attributionLabel(attribution.language));
  const text = escapeHtml(attribution.text);
  const target = attribution.url === null ? text : `<a href="${escapeHtml(attribution.url)}">${text}</a>`;
  return `<p class="source">${label} ${target}</p>`;
}
