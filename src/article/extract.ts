/**
 * Pulling structured facts out of cleaned article text: the source URL, the
 * author signature, the title and the summary.
 */

import { stripTags } from "../text/markup";
import { removePlaceholders } from "./clean";
import { squish, truncateAtWord } from "./text";

/** Longest derived title, in characters, including the ellipsis (rule 7: "about 110"). */
export const TITLE_MAX = 110;
/** Longest derived summary, in characters, including the ellipsis. */
export const SUMMARY_MAX = 300;
/** Longest signature line, in characters (rule 6: "about 60"). */
export const SIGNATURE_MAX_CHARS = 60;
/** Most words in one author's name on a signature line (rule 6: "about 6"). */
export const SIGNATURE_MAX_WORDS = 6;

// ---------------------------------------------------------------------------
// Source URL

/** A token that starts like an http(s) URL, optionally in angle brackets. */
const URL_TOKEN = /<?https?:\/\/\S+/i;
/** Punctuation that ends a sentence rather than a URL (`… .html.`). */
const URL_TRAILING_PUNCT = /[.,;:!?'"”’»]+$/u;

/** A validated http(s) URL and the host name to show for it. */
export interface SourceUrl {
  /** The URL, serialised by the WHATWG URL parser (query string kept, unsafe characters percent-encoded). */
  url: string;
  /** Host name without a leading `www.`. */
  host: string;
}

/**
 * Validate a source value (`https://…`, `<https://…>`, `Reuters https://…`)
 * and return the http(s) URL in it, or null when there is none.
 */
export function parseSourceUrl(value: string): SourceUrl | null {
  const m = URL_TOKEN.exec(value);
  if (m === null) return null;
  let token = m[0];
  if (token.startsWith("<")) {
    const close = token.indexOf(">");
    token = close === -1 ? token.slice(1) : token.slice(1, close);
  }
  token = token.replace(URL_TRAILING_PUNCT, "");
  // A closing parenthesis belongs to the URL only when it opened one (Wikipedia-style links).
  while (token.endsWith(")") && count(token, "(") < count(token, ")")) token = token.slice(0, -1);
  return validateHttpUrl(token);
}

/** Parse `text` as an absolute http(s) URL with a host; null otherwise. */
export function validateHttpUrl(text: string): SourceUrl | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
  const host = url.hostname.replace(/^www\./i, "");
  return { url: url.href, host };
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

// ---------------------------------------------------------------------------
// Author signature

/**
 * Characters a signature may consist of: upper-case (or title-case) letters
 * of any script with their combining marks, spaces and the separators between
 * several names. No lower-case letters, digits or sentence punctuation.
 */
const SIGNATURE_CHARS = /^[\p{Lu}\p{Lt}\p{M} \-–,&'’.]+$/u;
/** An initial such as the `J.` in `J. SMITH`: the only period a signature may contain. */
const INITIAL = /(?<![\p{L}\p{M}])\p{Lu}\./gu;
/** Separators between several authors: ` - `, ` – `, `,`, `&`. */
const AUTHOR_SEPARATOR = /\s+[-–]\s+|\s*[,&]\s*/u;
/** Word starts for title casing: the first letter, and a letter after a hyphen or apostrophe (`Jean-Pierre`, `O'Brien`). */
const WORD_START = /(^|[\s\-'’])(\p{L})/gu;

/**
 * Split a signature line into author names if it is one (rule 6), else null.
 * `THANH HẰNG` -> `["Thanh Hằng"]`; `NGUYEN VAN AN - TRAN THI BICH` -> two names.
 */
export function parseSignature(line: string): string[] | null {
  if (line.length > SIGNATURE_MAX_CHARS || !SIGNATURE_CHARS.test(line)) return null;
  // A period is allowed only as part of an initial; anything else is a sentence.
  if (line.includes(".") && line.replace(INITIAL, "").includes(".")) return null;
  const names = line
    .split(AUTHOR_SEPARATOR)
    .map((part) => part.trim())
    .filter((part) => /\p{L}/u.test(part));
  if (names.length === 0) return null;
  for (const name of names) {
    if (name.split(" ").length > SIGNATURE_MAX_WORDS) return null;
    // A lone letter ("A") is more likely a list marker or a fragment than a name.
    if (name.replace(/[^\p{L}]/gu, "").length < 2) return null;
  }
  return names.map(titleCase);
}

/**
 * Title-case a name in any script: every word starts with its upper-case
 * letter, the rest is lower case (`THANH HẰNG` -> `Thanh Hằng`). Locale-free
 * case mapping, so results do not depend on where the code runs.
 */
export function titleCase(name: string): string {
  return name.toLowerCase().replace(WORD_START, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

// ---------------------------------------------------------------------------
// Title and summary

/** Rounds of {@link toPlainText} before its last resort; real text needs one. */
const PLAIN_TEXT_ROUNDS = 4;

/**
 * A plain-text field (title, summary) from article text: blanks squeezed,
 * tag-like markup removed (`<script>` goes, `2 < 3` and `&` stay, see
 * `src/text/markup.ts`) and ad placeholders removed (rule 3).
 *
 * Each removal can uncover the other (`<[ad_1]b>` hides a tag, `[ad<b>_1</b>]`
 * a placeholder), so both repeat until nothing changes; each round that
 * changes something shortens the text, so it ends, and a fixed point holds
 * neither. Text nested deeper than {@link PLAIN_TEXT_ROUNDS} rounds loses its
 * square brackets instead, which no placeholder can do without.
 */
export function toPlainText(text: string): string {
  let out = squish(text);
  for (let round = 0; round < PLAIN_TEXT_ROUNDS; round++) {
    const next = squish(removePlaceholders(stripTags(out)));
    if (next === out) return out;
    out = next;
  }
  return squish(stripTags(out.replace(/[[\]]/g, " ")));
}

/**
 * Candidate sentence ends: terminal punctuation, optional closing quotes or
 * brackets, then whitespace. Whether it really ends a sentence is decided by
 * {@link isSentenceEnd}.
 */
const SENTENCE_END = /[.!?…]+["”“»«’‘')]*(?=\s)/gu;
/** What a new sentence starts with: an upper-case letter, a digit or an opening quote. */
const SENTENCE_START = /^\s+["“„«‚(]?[\p{Lu}\p{Lt}\p{N}]/u;
/** The word just before a period. */
const WORD_BEFORE = /([\p{L}\p{N}]+)\.+$/u;
/**
 * Abbreviations that end in a period without ending a sentence, lower case.
 * Single letters (`z. B.`, `U.S.`) and short numbers (German ordinals:
 * `19. Juni`) are handled by rule, not listed.
 */
const ABBREVIATIONS = new Set([
  "dr",
  "mr",
  "mrs",
  "ms",
  "prof",
  "st",
  "sr",
  "jr",
  "vs",
  "etc",
  "inc",
  "ltd",
  "co",
  "corp",
  "gen",
  "gov",
  "sen",
  "rep",
  "nr",
  "bzw",
  "ca",
  "usw",
  "vgl",
  "evtl",
  "ggf",
  "inkl",
  "bzgl",
  "mio",
  "mrd",
  "hr",
  "fr",
  "str",
  "mme",
  "mlle",
  "sra",
  "sr",
  "dra",
  "av",
  "ông",
  "bà",
  "tp",
]);

function isSentenceEnd(text: string, end: number, punct: string): boolean {
  if (!SENTENCE_START.test(text.slice(end, end + 8))) return false;
  if (!punct.startsWith(".") || punct.startsWith("..")) return true;
  const before = WORD_BEFORE.exec(text.slice(Math.max(0, end - 24), end - punct.length + 1));
  if (before === null) return true;
  const word = before[1] ?? "";
  if (word.length === 1) return false;
  if (/^\p{N}{1,2}$/u.test(word)) return false;
  return !ABBREVIATIONS.has(word.toLowerCase());
}

/** The first sentence of a paragraph (the whole paragraph when no sentence end is found). */
export function firstSentence(paragraph: string): string {
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(paragraph); m !== null; m = SENTENCE_END.exec(paragraph)) {
    const end = m.index + m[0].length;
    if (isSentenceEnd(paragraph, end, m[0])) {
      SENTENCE_END.lastIndex = 0;
      return paragraph.slice(0, end);
    }
  }
  return paragraph;
}

/**
 * Derive a title from the first paragraph (rule 7): its first sentence
 * without a final full stop, cut at a word boundary to {@link TITLE_MAX}
 * characters with `…` when cut.
 */
export function deriveTitle(firstParagraph: string): string {
  let sentence = firstSentence(firstParagraph).trim();
  // Headlines carry no full stop; question and exclamation marks stay.
  if (sentence.endsWith(".") && !sentence.endsWith("..") && sentence.length > 1) sentence = sentence.slice(0, -1).trimEnd();
  return truncateAtWord(sentence, TITLE_MAX);
}

/** Plain-text summary from the first paragraph, cut at a word boundary to {@link SUMMARY_MAX} characters. */
export function deriveSummary(firstParagraph: string): string {
  return truncateAtWord(firstParagraph.trim(), SUMMARY_MAX);
}
