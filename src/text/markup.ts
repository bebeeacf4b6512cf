/**
 * Tag-like markup in fields that are plain text by definition (titles,
 * summaries). A feed title is text, yet readers disagree whether to render
 * it as HTML, and the W3C feed validator warns "title should not contain
 * HTML": so such fields keep the words and lose the tags. Article *content*
 * never goes through this: there markup-like text is kept and escaped.
 */

/**
 * What counts as a tag, as an HTML tokenizer would start one (HTML Living
 * Standard §13.2.5.6 "tag open state"): `<` directly followed by a letter
 * (start tag), `/` and a letter (end tag), `!` (comment, doctype, CDATA) or `?`
 * (processing instruction), up to the next `>`. A `<` followed by a blank or a
 * digit is text (`2 < 3`), and so is everything without a closing `>`. A tag
 * never spans a line and never contains another `<`, which keeps the pattern
 * linear.
 */
const TAG = /<(?:\/?[A-Za-z]|[!?])[^<>\n]*>/g;
/** The same pattern without `g`, for a stateless test. */
const TAG_TEST = /<(?:\/?[A-Za-z]|[!?])[^<>\n]*>/;

/** A run of `<` that opens something tag-like: the last resort of {@link stripTags}. */
const TAG_OPENERS = /<+(?=[/A-Za-z!?])/g;

/** Rounds of removal before the last resort; real text needs one, nested tricks two or three. */
const MAX_ROUNDS = 4;

/**
 * Removes tag-like markup, keeping the text between tags:
 * `Firma <script>alert("x")</script> & Co.` becomes `Firma alert("x") & Co.`
 * (whitespace is left for the caller to squeeze). `2 < 3`, `a > b` and `&`
 * stay. Removing one tag can join the pieces of another (`<<b>i>`), so the
 * removal repeats; input nested deeper than {@link MAX_ROUNDS} loses the `<`
 * runs that open tags instead, which cannot form a new opener (the character
 * before a maximal run is not `<`). So the result never contains a tag, in
 * linear time.
 */
export function stripTags(text: string): string {
  let out = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!TAG_TEST.test(out)) return out;
    out = out.replace(TAG, "");
  }
  return TAG_TEST.test(out) ? out.replace(TAG_OPENERS, "") : out;
}

/** True when `text` contains something {@link stripTags} would remove. */
export function hasTag(text: string): boolean {
  return TAG_TEST.test(text);
}
