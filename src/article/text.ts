/**
 * Turning the bytes of a stored object into clean, line-oriented text.
 *
 * Everything here is tolerant by design: the store holds whatever a scraping
 * pipeline produced, so invalid UTF-8, stray control characters and mixed line
 * endings are repaired, never reported as exceptions.
 */

import { stripXmlForbidden } from "../text/xml";

/** Strict decoder for the common case: a body that is valid UTF-8 (a leading BOM is consumed). */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
/** Lenient decoder: invalid sequences become U+FFFD. `ignoreBOM` keeps a U+FEFF inside a run; the BOM is stripped once, at the start. */
const LENIENT_UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Windows-1252 for the bytes 0x80-0x9F (0xA0-0xFF equal their Latin-1 code
 * points). Unassigned bytes map to C1 controls, which {@link stripXmlForbidden}
 * removes later.
 */
const CP1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/** Above this share of invalid bytes a body is treated as binary, not as text with a few stray bytes. */
const BINARY_INVALID_SHARE = 0.1;

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
 * Decode an object body as UTF-8 and remove a leading byte-order mark.
 *
 * Invalid byte sequences are repaired rather than shown as U+FFFD: scraped
 * text with a few stray bytes almost always carries Windows-1252/Latin-1
 * characters (`K\xE4mmerin` is "Kämmerin"), so each invalid byte is read as
 * Windows-1252. A body where invalid bytes are common is binary: it is decoded
 * with replacement characters so that {@link garbageRatio} recognises it.
 */
export function decodeBody(body: Uint8Array | string): string {
  if (typeof body === "string") return stripBom(body);
  try {
    return stripBom(STRICT_UTF8.decode(body));
  } catch {
    return stripBom(decodeMixed(body));
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** UTF-8 runs decoded as UTF-8; every byte outside a well-formed sequence (RFC 3629 §4) read as Windows-1252. */
function decodeMixed(bytes: Uint8Array): string {
  const pieces: string[] = [];
  let invalid = 0;
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    if (runStart < i) pieces.push(LENIENT_UTF8.decode(bytes.subarray(runStart, i)));
    const byte = bytes[i] as number;
    pieces.push(byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] as string) : String.fromCharCode(byte));
    invalid += 1;
    i += 1;
    runStart = i;
  }
  if (invalid / bytes.length > BINARY_INVALID_SHARE) return LENIENT_UTF8.decode(bytes);
  if (runStart < bytes.length) pieces.push(LENIENT_UTF8.decode(bytes.subarray(runStart)));
  return pieces.join("");
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629 §4 syntax), or 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] as number;
  if (lead < 0x80) return 1;
  const next = (offset: number, min = 0x80, max = 0xbf): boolean => {
    const byte = bytes[i + offset];
    return byte !== undefined && byte >= min && byte <= max;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return next(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [min, max] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return next(1, min, max) && next(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [min, max] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return next(1, min, max) && next(2) && next(3) ? 4 : 0;
  }
  return 0;
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

/**
 * Bring decoded text into the canonical form every later stage assumes:
 * NFC (so `Quảng cáo` matches whether it was stored composed or decomposed),
 * LF line ends, no XML-forbidden characters (the shared rule of
 * `src/text/xml.ts`, C1 controls included). Indentation is kept because the
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
