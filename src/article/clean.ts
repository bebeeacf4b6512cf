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
/** Exactly one placeholder and nothing else, capturing its label: the test a bracketed candidate must pass. */
const PLACEHOLDER_EXACT = new RegExp(`^${ONE}$`, "u");
/** Stateless test: is there any placeholder in a text? */
const PLACEHOLDER_TEST = new RegExp(ONE, "u");

/**
 * Longest bracketed candidate worth testing, in code points including the gaps
 * of placeholders already removed inside it: `[`, a 41-letter label, `_`,
 * nine digits, `]` is 53; merged gaps at most double that.
 */
const MAX_CANDIDATE = 2 * 53 + 4;

/** Stands where a run of removed placeholders was, until the spacing around it is decided. */
const GAP = Symbol("gap");
type Piece = string | typeof GAP;

/** Characters after which a removed placeholder needs no space (closing punctuation). */
const CLOSING = /^[.,;:!?…)\]}»”"'’]$/u;
/** Characters before which a removed placeholder needs no space (opening punctuation). */
const OPENING = /[([{«„“"'‘]$/u;

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
 * lines behind (rule 3). `onLabel` receives each removed placeholder's label
 * (for language inference).
 *
 * Removal reaches a fixed point: a placeholder that only appears once an
 * inner one is gone (`[A[Anzeige_2]_1]`, `[Wer[ad_1]bung_2]`,
 * `[ad_[Anzeige_2]_1]`) is removed too. One left-to-right pass does it, in
 * linear time whatever the nesting depth: every `]` is matched with the
 * latest unmatched `[`, and the text between them (with the placeholders
 * already removed inside it) is tested against the rule. A bracket pair that
 * fails the test can never become a placeholder later, because any candidate
 * around it would contain a bracket. Removed placeholders leave a gap, and
 * adjacent ones (`[ad_1] [ad_2]`) share one, so the spacing is decided once
 * per run, from the real characters on either side; inside a candidate the
 * same spacing applies before it is tested.
 */
export function removePlaceholders(line: string, onLabel?: (label: string) => void): string {
  // Without any placeholder there is no innermost one either: nothing to do, no copy.
  if (!line.includes("[") || !PLACEHOLDER_TEST.test(line)) return line;
  const out: Piece[] = [];
  /** Positions in `out` of the `[` not matched yet, innermost last. */
  const open: number[] = [];
  for (const ch of line) {
    if (ch === "[") {
      open.push(out.length);
    } else if (ch === "]") {
      const start = open.pop();
      if (start !== undefined && out.length - start <= MAX_CANDIDATE) {
        // The gaps inside take the spacing their neighbours give them: `[[ad_1] Wort_1]` is `[Wort_1]`.
        const candidate = closeGaps([...out.slice(start), "]"]);
        const m = PLACEHOLDER_EXACT.exec(candidate);
        if (m !== null) {
          onLabel?.(m[1] ?? "");
          out.length = start;
          addGap(out);
          continue;
        }
      }
    } else if (ch === "\n") {
      // A placeholder never spans lines.
      open.length = 0;
    }
    out.push(ch);
  }
  return closeGaps(out);
}

/** Marks a removed placeholder; one directly after another (or a blank after another) joins its run. */
function addGap(out: Piece[]): void {
  const last = out[out.length - 1];
  if (last === GAP) return;
  if (last === " " && out[out.length - 2] === GAP) {
    out.pop();
    return;
  }
  out.push(GAP);
}

/**
 * Replaces each gap, with the blanks directly around it, by what the words on
 * either side need: nothing at either end of the line or next to punctuation
 * that touches its word, one space between two words.
 */
function closeGaps(out: readonly Piece[]): string {
  const res: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const piece = out[i] as Piece;
    if (piece !== GAP) {
      res.push(piece);
      continue;
    }
    const before = res[res.length - 1] === " ";
    if (before) res.pop();
    const after = out[i + 1] === " ";
    if (after) i++;
    // At either end of the line nothing needs separating.
    if (res.length === 0 || i + 1 >= out.length) continue;
    const p = res[res.length - 1] ?? "";
    const next = out[i + 1];
    const n = typeof next === "string" ? next : "";
    // Only real characters go into `res`, so the next gap sees a real neighbour.
    const spacing = gapSpacing(before, after, p, n);
    if (spacing !== "") res.push(spacing);
  }
  // A run next to an existing blank can still leave two; a final squeeze keeps the promise.
  return res.join("").replace(/ {2,}/g, " ").trim();
}

/** The spacing a removed run leaves between the character `p` before it and `n` after it. */
function gapSpacing(before: boolean, after: boolean, p: string, n: string): string {
  // Blanks on both sides: they separated two words, keep exactly one.
  if (before && after) return CLOSING.test(n) || OPENING.test(p) ? "" : " ";
  // Blank on one side only: keep it unless punctuation on the other side wants to touch the word.
  if (before) return CLOSING.test(n) ? "" : " ";
  if (after) return OPENING.test(p) ? "" : " ";
  // Glued on both sides (`word[ad_1]word`): the placeholder stood for a break between words.
  return WORDCHAR.test(p) && WORDCHAR.test(n) ? " " : "";
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
