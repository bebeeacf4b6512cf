/**
 * Turning the bytes of a stored object into clean, line-oriented text.
 *
 * Everything here is tolerant by design: the store holds whatever a scraping
 * pipeline produced, so invalid UTF-8, stray control characters and mixed line
 * endings are repaired, never reported as exceptions.
 */

/**
 * One shared decoder. `fatal: false` replaces invalid byte sequences with
 * U+FFFD instead of throwing; `ignoreBOM: false` (the default) makes the
 * decoder consume a leading UTF-8 byte-order mark for us.
 */
const UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/**
 * Characters that XML 1.0 does not allow in a document, see XML 1.0 (Fifth
 * Edition) §2.2 "Characters", production [2] Char:
 *   #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
 * With the `u` flag a surrogate *pair* is one code point, so `[\u{D800}-\u{DFFF}]`
 * only matches lone surrogates, which is exactly what must go.
 *
 * We also drop DEL and the C1 controls (U+007F-U+009F): §2.2 lists them as
 * "discouraged", and in scraped news text they are always mojibake.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\u{D800}-\u{DFFF}]/gu;

/** Same set, without the `g` flag, for a cheap "is there anything to do" test. */
const XML_FORBIDDEN_TEST = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\u{D800}-\u{DFFF}]/u;

/** Characters that signal an undecodable or binary object: U+FFFD and C0 controls other than tab/LF/CR. */
const GARBAGE = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** CRLF and lone CR both become LF, so later stages only ever split on "\n". */
const LINE_BREAK = /\r\n?|[\u2028\u2029\u0085]/g;

/**
 * Horizontal whitespace runs (tabs, and two or more spaces) collapse to one
 * space: placeholder removal and trimming must never leave double spaces, and
 * tabs carry no meaning in a news paragraph. Single non-ASCII spaces (NBSP,
 * thin space) are kept because French typography relies on them.
 */
const HSPACE_RUN = /[ \t\f\v]{2,}|[\t\f\v]/g;

/** Trailing blanks at the end of a line (including NBSP and other Unicode spaces). */
const TRAILING_BLANKS = /[^\S\n]+$/gm;
/** Leading blanks at the start of a line. */
const LEADING_BLANKS = /^[^\S\n]+/gm;

/**
 * Decode an object body as UTF-8. Invalid sequences become U+FFFD; a leading
 * byte-order mark is removed whether the body arrives as bytes or as a string.
 */
export function decodeBody(body: Uint8Array | string): string {
  const text = typeof body === "string" ? body : UTF8.decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Share of characters in `text` that indicate binary or undecodable content
 * (replacement characters and C0 controls), between 0 and 1.
 */
export function garbageRatio(text: string): number {
  if (text.length === 0) return 0;
  const matches = text.match(GARBAGE);
  return matches === null ? 0 : matches.length / text.length;
}

/** Remove every character XML 1.0 forbids (§2.2), plus DEL and C1 controls. */
export function stripXmlForbidden(text: string): string {
  return XML_FORBIDDEN_TEST.test(text) ? text.replace(XML_FORBIDDEN, "") : text;
}

/** True when `text` contains no character XML 1.0 forbids (see {@link stripXmlForbidden}). */
export function isXmlSafe(text: string): boolean {
  return !XML_FORBIDDEN_TEST.test(text);
}

/**
 * Bring decoded text into the canonical form every later stage assumes:
 * NFC (so `Quảng cáo` matches whether it was stored composed or decomposed),
 * LF line ends, no XML-forbidden characters. Indentation is kept because the
 * front-matter parser needs it; {@link tidyLines} handles blanks afterwards.
 */
export function normalizeText(text: string): string {
  let out = text.replace(LINE_BREAK, "\n");
  out = stripXmlForbidden(out);
  // normalize() after stripping: lone surrogates are gone, so NFC is well defined.
  return out.normalize("NFC");
}

/**
 * Whitespace clean-up for body text: single spaces inside lines, no blanks at
 * either end of a line.
 */
export function tidyLines(text: string): string {
  return text.replace(HSPACE_RUN, " ").replace(TRAILING_BLANKS, "").replace(LEADING_BLANKS, "");
}

/** Collapse all whitespace (including newlines) in a short value to single spaces and trim it. */
export function squish(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Cut `text` to at most `max` characters at a word boundary, appending `…`
 * when anything was cut. Trailing punctuation that would dangle before the
 * ellipsis (commas, colons, dashes) is dropped.
 */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  // Leave room for the ellipsis itself.
  const limit = max - 1;
  let cut = text.lastIndexOf(" ", limit);
  // A single word longer than the limit: cut inside it rather than return nothing.
  if (cut < limit / 2) cut = limit;
  let head = text.slice(0, cut);
  // Do not split a surrogate pair when cutting inside a word.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  head = head.replace(/[\s,;:\-–—(]+$/u, "");
  return `${head}…`;
}
