/**
 * Removing boilerplate from article text: ad placeholders (anywhere) and the
 * trailer (the run of placeholder, source, comment-counter and blank lines at
 * the end of the file).
 *
 * Input lines are assumed to be normalised by `normalizeText` (LF, NFC, single
 * spaces, trimmed).
 */

import { adLabelLanguages, commentWordLanguages, LanguageVotes, sourceLabelLanguages } from "./languages";

/**
 * An ad placeholder: a bracketed label in any script, an underscore and a
 * number (`[Anzeige_2]`, `[Quảng cáo_2]`, `[ad_1]`). The label must start with
 * a letter, so `[1]` footnotes and `[_1]` are left alone; after that any
 * character but brackets and line breaks is accepted (`[ad__1]`, `[Pub/Ad_3]`),
 * because a CMS label can be anything and a leftover is worse than a miss.
 */
const ONE = String.raw`\[(\p{L}[^\[\]\n]{0,40}?)_\p{Nd}{1,9}\]`;
/** One placeholder, capturing its label; used to report labels inside a run. */
const PLACEHOLDER_ONE = new RegExp(ONE, "gu");
/**
 * A run of adjacent placeholders (`[ad_1] [ad_2]`) is removed as one unit, so
 * the spacing decision sees the real words on either side. The blanks around
 * the run are captured so the replacement can decide how much spacing survives.
 */
const PLACEHOLDER = new RegExp(String.raw`( ?)((?:${ONE} ?)*${ONE})( ?)`, "gu");
/** Same pattern without `g`, for a stateless test. */
const PLACEHOLDER_TEST = new RegExp(ONE, "u");

/** Quick pre-check so lines without any `[` skip the regex entirely. */
const HAS_BRACKET = "[";

/** Characters after which a removed placeholder needs no space (closing punctuation). */
const CLOSING = /^[.,;:!?…)\]}»”"'’]$/u;
/** Characters before which a removed placeholder needs no space (opening punctuation). */
const OPENING = /[(\[{«„“"'‘]$/u;

/** A letter or digit: placeholders glued between two words are replaced by a space. */
const WORDCHAR = /[\p{L}\p{M}\p{N}]/u;

/** A comment counter line: a word and a parenthesised number (`Kommentar (0)`, `Bình luận (12)`). */
const COMMENT_COUNTER = /^(\p{L}[\p{L}\p{M} ]{0,30}?) ?\( ?\p{Nd}{1,9} ?\)$/u;

/**
 * A source line: a label, optional blanks, a colon, the value
 * (`Quelle: https://…`, `Source : https://…`). The label must be a known one
 * (checked after matching) so that body sentences with colons are not taken.
 */
const SOURCE_LINE = /^(\p{L}[\p{L}\p{M} ]{0,30}?)([^\S\n]*):[^\S\n]*(\S.*)$/u;

/**
 * Remove ad placeholders from one line without leaving double spaces or blank
 * lines behind. `onLabel` receives each placeholder's label (for language
 * inference).
 */
export function removePlaceholders(line: string, onLabel?: (label: string) => void): string {
  if (!line.includes(HAS_BRACKET)) return line;
  const out = line.replace(PLACEHOLDER, (...args: unknown[]) => {
    // Groups: 1 blank before, 2 the run, 3 label of its first placeholder, 4 label of its last, 5 blank after.
    const match = args[0] as string;
    const before = args[1] as string;
    const run = args[2] as string;
    const after = args[5] as string;
    const offset = args[6] as number;
    const whole = args[7] as string;
    if (onLabel !== undefined) for (const m of run.matchAll(PLACEHOLDER_ONE)) onLabel(m[1] ?? "");
    const end = offset + match.length;
    // At either end of the line nothing needs separating.
    if (offset === 0 || end === whole.length) return "";
    // Only the neighbouring characters matter; looking at single characters keeps this linear.
    const p = whole.charAt(offset - 1);
    const n = whole.charAt(end);
    // Blanks on both sides: they separated two words, keep exactly one.
    if (before !== "" && after !== "") return CLOSING.test(n) || OPENING.test(p) ? "" : " ";
    // Blank on one side only: keep it unless punctuation on the other side wants to touch the word.
    if (before !== "") return CLOSING.test(n) ? "" : " ";
    if (after !== "") return OPENING.test(p) ? "" : " ";
    // Glued on both sides (`word[ad_1]word`): the placeholder stood for a break between words.
    return WORDCHAR.test(p) && WORDCHAR.test(n) ? " " : "";
  });
  // Adjacent placeholders can each contribute a space; a final squeeze keeps the promise.
  return out.replace(/ {2,}/g, " ").trim();
}

/** True when the text still contains something shaped like an ad placeholder. */
export function hasPlaceholder(text: string): boolean {
  return PLACEHOLDER_TEST.test(text);
}

/** A source line found in the trailer. */
export interface SourceLine {
  /** The label as written (`Quelle`, `Source`). */
  label: string;
  /** Everything after the colon, trimmed. */
  value: string;
}

/** The result of splitting off the trailer. */
export interface TrailerSplit {
  /** Body lines (placeholders removed, blank lines dropped), in order. */
  body: string[];
  /** The first source line of the trailer, or null. */
  source: SourceLine | null;
  /** Language votes cast by the trailer's labels (ad placeholders, source label, comment word). */
  votes: LanguageVotes;
  /** Votes cast by placeholders in the body, used only when the trailer casts none. */
  bodyVotes: LanguageVotes;
  /** Number of trailer lines that carried something (not counting blank lines). */
  trailerLines: number;
}

/** Classify a (placeholder-free) line as a source line, if its label is a known one. */
export function matchSourceLine(line: string): (SourceLine & { languages: readonly string[] }) | null {
  const m = SOURCE_LINE.exec(line);
  if (m === null) return null;
  const label = m[1] ?? "";
  const languages = sourceLabelLanguages(label, (m[2] ?? "") !== "");
  if (languages.length === 0) return null;
  return { label, value: (m[3] ?? "").trim(), languages };
}

/** Classify a line as a comment counter of a known language; returns its languages or null. */
export function matchCommentCounter(line: string): readonly string[] | null {
  const m = COMMENT_COUNTER.exec(line);
  if (m === null) return null;
  const languages = commentWordLanguages(m[1] ?? "");
  return languages.length === 0 ? null : languages;
}

/**
 * Split normalised lines into body and trailer.
 *
 * The trailer is the maximal run of lines at the end that are blank (after
 * placeholder removal), source lines or comment counters. Comment counters are
 * only boilerplate there: a body sentence that ends in "(3)" is never touched
 * because the scan stops at the first line that is not trailer material.
 */
export function splitTrailer(lines: readonly string[]): TrailerSplit {
  const votes = new LanguageVotes();
  const bodyVotes = new LanguageVotes();
  const voteAd = (label: string): void => votes.add(adLabelLanguages(label));
  const voteBodyAd = (label: string): void => bodyVotes.add(adLabelLanguages(label));

  let source: SourceLine | null = null;
  let trailerLines = 0;
  let end = lines.length;
  // Walk backwards while lines are trailer material.
  for (; end > 0; end--) {
    const raw = lines[end - 1] ?? "";
    // Collect labels into a scratch list: they only count if the line turns out to be trailer.
    const labels: string[] = [];
    const line = removePlaceholders(raw, (label) => labels.push(label));
    if (line === "") {
      for (const label of labels) voteAd(label);
      if (labels.length > 0) trailerLines++;
      continue;
    }
    const src = matchSourceLine(line);
    if (src !== null) {
      // Walking backwards, so the last assignment is the first source line in reading order.
      source = { label: src.label, value: src.value };
      votes.add(src.languages);
      for (const label of labels) voteAd(label);
      trailerLines++;
      continue;
    }
    const counter = matchCommentCounter(line);
    if (counter !== null) {
      votes.add(counter);
      for (const label of labels) voteAd(label);
      trailerLines++;
      continue;
    }
    break;
  }

  const body: string[] = [];
  for (let i = 0; i < end; i++) {
    const line = removePlaceholders(lines[i] ?? "", voteBodyAd);
    if (line !== "") body.push(line);
  }
  return { body, source, votes, bodyVotes, trailerLines };
}
