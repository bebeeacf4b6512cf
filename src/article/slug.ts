/**
 * Readable ASCII slugs for URLs (topic feeds such as `/tags/thanh-hang.xml`).
 *
 * Rules, stable across releases because slugs end up in subscribers' URLs:
 * 1. A few letters that Unicode does not decompose are spelt out first:
 *    `đ`/`Đ` -> `d`, `ß` -> `ss`, `æ` -> `ae`, `œ` -> `oe`, `ø` -> `o`,
 *    `ł` -> `l`, `þ` -> `th`, `ð` -> `d`, `ı` -> `i`.
 * 2. NFKD, then combining marks are dropped: `ằ` -> `a`, `é` -> `e`.
 *    Umlauts therefore become the bare vowel (`ä` -> `a`, not `ae`): the same
 *    rule for every language, and what readers type when they guess a URL.
 * 3. Lower case; every run of anything other than `a-z0-9` becomes one `-`;
 *    no `-` at either end; at most {@link SLUG_MAX} characters, cut at a `-`.
 * Text without any Latin letter or digit (e.g. only CJK) gives `""`; callers
 * must choose a fallback (a hash, the id).
 */

/** Longest slug, in characters. */
export const SLUG_MAX = 80;

const SPELLED: Readonly<Record<string, string>> = {
  đ: "d",
  Đ: "d",
  ß: "ss",
  ẞ: "ss",
  æ: "ae",
  Æ: "ae",
  œ: "oe",
  Œ: "oe",
  ø: "o",
  Ø: "o",
  ł: "l",
  Ł: "l",
  þ: "th",
  Þ: "th",
  ð: "d",
  Ð: "d",
  ı: "i",
};
const SPELLED_CHARS = /[đĐßẞæÆœŒøØłŁþÞðÐı]/g;
const MARKS = /\p{M}+/gu;
const NON_ALNUM = /[^a-z0-9]+/g;

/** Turn any text into a stable, readable ASCII slug (`Thanh Hằng` -> `thanh-hang`). */
export function slugify(text: string): string {
  let slug = text
    .replace(SPELLED_CHARS, (ch) => SPELLED[ch] ?? ch)
    .normalize("NFKD")
    .replace(MARKS, "")
    .toLowerCase()
    .replace(NON_ALNUM, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length > SLUG_MAX) {
    const cut = slug.lastIndexOf("-", SLUG_MAX);
    slug = slug.slice(0, cut > 0 ? cut : SLUG_MAX).replace(/-+$/, "");
  }
  return slug;
}
