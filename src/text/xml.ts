/**
 * The text rules every stage that writes markup shares: which characters may
 * appear in an XML document at all, and how text is escaped for HTML and XML.
 * Articles, feeds and pages all import these, so one article field cannot be
 * cleaned by one rule in a feed and by another on a page.
 */

/**
 * Characters no feed or page of ours may contain.
 *
 * XML 1.0 (Fifth Edition) §2.2 "Characters", production [2] Char:
 *   #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
 * so C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and lone
 * surrogates are forbidden. With the `u` flag a surrogate *pair* is one code
 * point, so `[\u{D800}-\u{DFFF}]` matches only lone surrogates.
 *
 * One decision on top of the production: DEL and the C1 controls
 * (U+007F-U+009F) are removed too. §2.2 allows them but "discourages" them,
 * XML 1.1 would require them as character references, and in scraped news
 * text they are always mojibake (Windows-1252 bytes read as Latin-1). Every
 * caller, the article parser and the feed writer alike, applies this same set.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\u{D800}-\u{DFFF}]/gu;
/** The same set without `g`, for a stateless "is there anything to do" test. */
const XML_FORBIDDEN_TEST = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\u{D800}-\u{DFFF}]/u;
/**
 * A superset scanned first, without the `u` flag: any surrogate, paired or
 * not. A non-Unicode character class is several times cheaper to scan, and
 * most text (feeds render every item's content on each miss) has no surrogate.
 */
const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Removes every character of {@link XML_FORBIDDEN}: what XML 1.0 §2.2 forbids, plus DEL and the C1 controls. */
export function stripXmlForbidden(text: string): string {
  return isXmlSafe(text) ? text : text.replace(XML_FORBIDDEN, "");
}

/** True when `text` holds no character {@link stripXmlForbidden} would remove. */
export function isXmlSafe(text: string): boolean {
  return !MAYBE_FORBIDDEN.test(text) || !XML_FORBIDDEN_TEST.test(text);
}

/** The five characters with meaning in HTML text and attribute values. */
const HTML_SPECIAL = /[&<>"']/g;
/** Same set without `g`: a stateless test so clean text is returned without a copy. */
const HAS_HTML_SPECIAL = /[&<>"']/;
const HTML_ENTITY: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML (and XML) element content *and* quoted attribute
 * values. `&` is escaped too, so a URL's query string (`?a=1&b=2`) comes out as
 * `&amp;` and survives being embedded in XML (RSS `content:encoded`, Atom
 * `content`). Existing entities are escaped again: the input is text, not HTML.
 * Not enough for URL schemes (`javascript:`): filter links with {@link safeUrl}.
 */
export function escapeHtml(text: string): string {
  return HAS_HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIAL, (ch) => HTML_ENTITY[ch] ?? ch) : text;
}

/** What {@link escapeXml} replaces, and with what. */
const XML_SPECIAL = /[&<>"]/g;
/** Same set without `g`: a stateless test so clean text is returned without a copy. */
const XML_SPECIAL_TEST = /[&<>"]/;
const XML_ENTITY: Readonly<Record<string, string>> = { "&": "&#x26;", "<": "&#x3C;", ">": "&gt;", '"': "&quot;" };

/**
 * Escapes plain text for XML character data and for double-quoted attribute
 * values (XML 1.0 §2.4, §3.3.1), removing forbidden characters first. `&` and
 * `<` become hexadecimal character references (`&#x26;`, `&#x3C;`), as the RSS
 * Best Practices Profile ("Encoding Plain Text") asks: then no reader mistakes
 * escaped text for markup, and feed validators do not flag markup-like text
 * (`<script>`, `&amp;`) in a plain-text element as undeclared HTML.
 */
export function escapeXml(text: string): string {
  return escapeXmlAllowed(stripXmlForbidden(text));
}

/** {@link escapeXml} for text already known to be {@link isXmlSafe}: escapes without scanning for forbidden characters again. */
export function escapeXmlAllowed(allowed: string): string {
  return XML_SPECIAL_TEST.test(allowed) ? allowed.replace(XML_SPECIAL, (ch) => XML_ENTITY[ch] ?? ch) : allowed;
}

/**
 * Returns `url` when it is an absolute http(s) URL or a root-relative path,
 * otherwise `"#"`. Escaping alone does not stop `javascript:` links, so every
 * href built from data (source URLs, configured site URLs) is filtered first.
 * The result still has to be passed through {@link escapeHtml}.
 *
 * @param url A URL from data.
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  // Root-relative paths, but not protocol-relative `//host` links.
  if (trimmed.startsWith("/") && !trimmed.startsWith("//")) return trimmed;
  return "#";
}
