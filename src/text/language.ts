/**
 * The one language-tag rule: which values are BCP 47 tags (RFC 5646), and
 * their canonical spelling. Front matter `lang`, the configured feed language
 * and every feed's language field go through {@link normalizeLanguageTag}, so
 * the article stage and the feed writers cannot disagree on what a tag is.
 */

/**
 * RFC 5646 §2.1 `langtag`, well-formedness only (the registry is not
 * consulted; an unregistered but well-formed tag is harmless in a feed):
 *
 *   language  = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
 *   extlang   = 3ALPHA *2("-" 3ALPHA)
 *   script    = 4ALPHA
 *   region    = 2ALPHA / 3DIGIT
 *   variant   = 5*8alphanum / (DIGIT 3alphanum)
 *   extension = singleton 1*("-" (2*8alphanum))   singleton: any alphanum but x
 *   privateuse = "x" 1*("-" (1*8alphanum))
 *
 * Private-use-only tags (`x-klingon`) and the grandfathered tags are not
 * accepted: neither names a language a reader could show.
 */
const LANGTAG = new RegExp(
  "^" +
    "(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})" + // language, with up to three extlangs
    "(?:-[a-z]{4})?" + // script
    "(?:-(?:[a-z]{2}|[0-9]{3}))?" + // region
    "(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*" + // variants
    "(?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*" + // extensions
    "(?:-x(?:-[a-z0-9]{1,8})+)?" + // private use
    "$",
);

/**
 * RFC 5646 §2.2.5 and §2.2.6: a tag must not repeat a variant or an
 * extension singleton. Subtags inside an extension and after `x` are free.
 */
function hasNoDuplicates(subtags: readonly string[]): boolean {
  const variants = new Set<string>();
  const singletons = new Set<string>();
  let inExtension = false;
  for (const subtag of subtags.slice(1)) {
    if (subtag === "x") return true;
    if (subtag.length === 1) {
      if (singletons.has(subtag)) return false;
      singletons.add(subtag);
      inExtension = true;
    } else if (!inExtension && (subtag.length >= 5 || /^[0-9][a-z0-9]{3}$/.test(subtag))) {
      if (variants.has(subtag)) return false;
      variants.add(subtag);
    }
  }
  return true;
}

/**
 * Canonical spelling of a well-formed tag (RFC 5646 §2.1.1): language and
 * extlangs lower case, script title case (`Latn`), region upper case (`DE`),
 * everything else lower case. `_` is read as `-` because configuration and
 * locale names (`de_DE`) often use it. Returns null when the value is not a
 * well-formed tag.
 *
 * @example normalizeLanguageTag("DE_de") === "de-DE"; normalizeLanguageTag("zh-hant-tw") === "zh-Hant-TW"
 */
export function normalizeLanguageTag(value: string): string | null {
  const lower = value.trim().replace(/_/g, "-").toLowerCase();
  if (lower.length === 0 || lower.length > 64 || !LANGTAG.test(lower)) return null;
  const subtags = lower.split("-");
  if (!hasNoDuplicates(subtags)) return null;
  let afterSingleton = false;
  return subtags
    .map((subtag, i) => {
      if (i === 0 || afterSingleton) return subtag;
      if (subtag.length === 1) {
        afterSingleton = true;
        return subtag;
      }
      if (subtag.length === 4 && /^[a-z]{4}$/.test(subtag)) return subtag.charAt(0).toUpperCase() + subtag.slice(1);
      if (subtag.length === 2) return subtag.toUpperCase();
      return subtag;
    })
    .join("-");
}

/** True when `value` is a well-formed BCP 47 language tag (in any case, with `-` or `_`). */
export function isLanguageTag(value: string): boolean {
  return normalizeLanguageTag(value) !== null;
}

/** Primary language subtag of a tag, lower case: `de-AT` -> `de`. */
export function primaryLanguage(tag: string): string {
  const dash = tag.search(/[-_]/);
  return (dash === -1 ? tag : tag.slice(0, dash)).toLowerCase();
}
