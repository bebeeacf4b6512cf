/**
 * The notice at the address of a withdrawn article (`410 Gone`, RFC 9110
 * §15.5.11): the article was here and was removed on purpose, with the
 * publisher's reason when one was given. The article's text is not shown.
 */
import { escapeHtml } from "../text/xml";
import { renderLayout } from "./layout";

/** What the notice says. */
export interface WithdrawnPageData {
  siteTitle: string;
  homeUrl: string;
  /** Language of the page (the site's). */
  lang: string;
  /** The publisher's reason (plain text), or null. */
  reason: string | null;
}

/** The notice page of a withdrawn article. */
export function renderWithdrawnPage(data: WithdrawnPageData): string {
  const reason = data.reason ? `<p>Reason given by the publisher: ${escapeHtml(data.reason)}</p>` : "";
  return renderLayout({
    lang: data.lang,
    title: `Article withdrawn · ${data.siteTitle}`,
    alternates: [],
    body: [
      `<a class="back" href="${escapeHtml(data.homeUrl)}">← ${escapeHtml(data.siteTitle)}</a>`,
      `<section class="notice"><h2>This article has been withdrawn</h2>`,
      `<p>The publisher removed this article. It is no longer available here or in the feeds.</p>${reason}</section>`,
    ].join("\n"),
  });
}
