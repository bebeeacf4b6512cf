/**
 * Rendering cleaned paragraphs as safe HTML. Nothing from an article can
 * inject markup: every piece of text goes through {@link escapeHtml}.
 */

import { escapeHtml } from "../text/xml";
import { attributionLabel, correctionLabel } from "./languages";

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

/**
 * The correction note that opens a corrected article, labelled and dated in
 * the article's language:
 * `<p class="correction"><strong>Korrektur (2024-06-20):</strong> …</p>`.
 *
 * @param date ISO 8601 date-time of the correction, or null when undated.
 */
export function correctionHtml(correction: { text: string; date: string | null }, language: string): string {
  const label = correctionLabel(language, correction.date === null ? null : correction.date.slice(0, 10));
  return `<p class="correction"><strong>${escapeHtml(label)}</strong> ${escapeHtml(correction.text)}</p>`;
}
