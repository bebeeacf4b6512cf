/**
 * The one table of language-specific words the article trailer uses.
 *
 * Adding a language is adding one row to {@link LANGUAGES}; every lookup
 * structure below is derived from it at module load.
 */

import { primaryLanguage } from "../text/language";

/** One language: the labels its trailer uses and the label its attribution paragraph gets. */
export interface LanguageRow {
  /** BCP 47 primary language subtag, lower case. */
  code: string;
  /**
   * Source-line labels exactly as written, colon included. The spacing before
   * the colon matters for inference: `Source :` (French typography) is French,
   * `Source:` is English. Either spacing is still *recognised* as a source line.
   */
  sourceLabels: readonly string[];
  /** Labels of ad placeholders (`[Anzeige_2]` -> `Anzeige`). Matching is case-insensitive. */
  adWords: readonly string[];
  /** Comment-counter words (`Kommentar (0)` -> `Kommentar`), singular and plural. */
  commentWords: readonly string[];
  /** Prefix of the attribution paragraph, colon included: `Quelle:` -> `Quelle: <a>host</a>`. */
  attribution: string;
  /** Label of a correction note, without colon: `Korrektur` -> `Korrektur (2024-06-20):`. */
  correction: string;
}

/**
 * The table. Row order is the tie-breaker when the trailer's labels fit
 * several languages equally well (e.g. `Fonte:` alone is pt or it).
 */
export const LANGUAGES: readonly LanguageRow[] = [
  {
    code: "de",
    sourceLabels: ["Quelle:"],
    adWords: ["Anzeige", "Werbung"],
    commentWords: ["Kommentar", "Kommentare"],
    attribution: "Quelle:",
    correction: "Korrektur",
  },
  {
    code: "en",
    sourceLabels: ["Source:"],
    adWords: ["ad", "Advertisement", "Sponsored"],
    commentWords: ["Comment", "Comments"],
    attribution: "Source:",
    correction: "Correction",
  },
  { code: "vi", sourceLabels: ["Nguồn:"], adWords: ["Quảng cáo"], commentWords: ["Bình luận"], attribution: "Nguồn:", correction: "Đính chính" },
  // French puts a (non-breaking) space before the colon; so does its attribution.
  {
    code: "fr",
    sourceLabels: ["Source :"],
    adWords: ["Publicité", "Annonce"],
    commentWords: ["Commentaire", "Commentaires"],
    attribution: "Source\u00a0:",
    correction: "Rectificatif",
  },
  {
    code: "es",
    sourceLabels: ["Fuente:"],
    adWords: ["Anuncio", "Publicidad"],
    commentWords: ["Comentario", "Comentarios"],
    attribution: "Fuente:",
    correction: "Corrección",
  },
  {
    code: "pt",
    sourceLabels: ["Fonte:"],
    adWords: ["Anúncio", "Publicidade"],
    commentWords: ["Comentário", "Comentários"],
    attribution: "Fonte:",
    correction: "Correção",
  },
  {
    code: "it",
    sourceLabels: ["Fonte:"],
    adWords: ["Pubblicità", "Annuncio"],
    commentWords: ["Commento", "Commenti"],
    attribution: "Fonte:",
    correction: "Rettifica",
  },
  {
    code: "nl",
    sourceLabels: ["Bron:"],
    adWords: ["Advertentie", "Reclame"],
    commentWords: ["Reactie", "Reacties"],
    attribution: "Bron:",
    correction: "Correctie",
  },
];

/** Attribution prefix for languages without a row. */
const FALLBACK_ATTRIBUTION = "Source:";
/** Correction label for languages without a row. */
const FALLBACK_CORRECTION = "Correction";

/** Case-fold a label for lookups: NFC, lower case, single spaces. */
export function foldLabel(label: string): string {
  return label.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Adds `code` to the list stored under `key`, keeping first-seen (table) order. */
function addTo(map: Map<string, string[]>, key: string, code: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [code]);
  else if (!list.includes(code)) list.push(code);
}

/** Strip the trailing colon and the spacing before it: `Source :` -> `source`. */
function bareLabel(label: string): string {
  return foldLabel(label.replace(/\s*:$/, ""));
}

// Derived lookups. Keys are folded; values are language codes in table order.
const SOURCE_EXACT = new Map<string, string[]>();
const SOURCE_BARE = new Map<string, string[]>();
const AD_WORDS = new Map<string, string[]>();
const COMMENT_WORDS = new Map<string, string[]>();
const BY_CODE = new Map<string, LanguageRow>();
for (const row of LANGUAGES) {
  BY_CODE.set(row.code, row);
  for (const label of row.sourceLabels) {
    // Exact keys distinguish "source:" from "source :".
    addTo(SOURCE_EXACT, foldLabel(label.replace(/\s*:$/, (m) => (m.length > 1 ? " :" : ":"))), row.code);
    addTo(SOURCE_BARE, bareLabel(label), row.code);
  }
  for (const word of row.adWords) addTo(AD_WORDS, foldLabel(word), row.code);
  for (const word of row.commentWords) addTo(COMMENT_WORDS, foldLabel(word), row.code);
}

/**
 * Is `label` (without colon) a known source-line label in any language?
 * `spacedColon` says whether the line had blanks before its colon.
 * Returns the languages it points to (may be empty when the label is unknown).
 */
export function sourceLabelLanguages(label: string, spacedColon: boolean): readonly string[] {
  const bare = foldLabel(label);
  const exact = SOURCE_EXACT.get(`${bare}${spacedColon ? " :" : ":"}`);
  if (exact !== undefined) return exact;
  return SOURCE_BARE.get(bare) ?? [];
}

/** Languages whose ad placeholders use `label` (`Anzeige` -> de); empty when unknown. */
export function adLabelLanguages(label: string): readonly string[] {
  return AD_WORDS.get(foldLabel(label)) ?? [];
}

/** Languages whose comment counter uses `word` (`Kommentar` -> de); empty when unknown. */
export function commentWordLanguages(word: string): readonly string[] {
  return COMMENT_WORDS.get(foldLabel(word)) ?? [];
}

/**
 * Tally of language votes cast by trailer labels; `best()` picks the winner.
 * Ties go to the feed's default language when it is among the leaders, else
 * to the first leader in table order.
 */
export class LanguageVotes {
  private readonly counts = new Map<string, number>();

  /** Count one label that fits the given languages. */
  add(codes: readonly string[]): void {
    for (const code of codes) this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  /** The best-supported language, or null when no label was recognised. */
  best(defaultLanguage: string): string | null {
    let top = 0;
    for (const n of this.counts.values()) if (n > top) top = n;
    if (top === 0) return null;
    const leaders = LANGUAGES.filter((row) => this.counts.get(row.code) === top).map((row) => row.code);
    const preferred = primaryLanguage(defaultLanguage);
    if (leaders.includes(preferred)) return preferred;
    return leaders[0] ?? null;
  }
}

/** The table row for a language tag (`de-AT` finds `de`); undefined when there is none. */
export function languageRow(tag: string): LanguageRow | undefined {
  return BY_CODE.get(primaryLanguage(tag));
}

/** Attribution prefix (`Quelle:`, `Source\u00a0:`...) for a language, English for unknown ones. */
export function attributionLabel(tag: string): string {
  return languageRow(tag)?.attribution ?? FALLBACK_ATTRIBUTION;
}

/**
 * The colon after a label in this language: French typography puts a
 * non-breaking space before it, as the attribution row spells it.
 */
function colonOf(tag: string): string {
  return attributionLabel(tag).endsWith("\u00a0:") ? "\u00a0:" : ":";
}

/**
 * Label of a correction note with its colon, in the article's language
 * (English for a language without a row): `Korrektur (2024-06-20):`,
 * `Rectificatif (2024-06-20)\u00a0:`; without a date just `Korrektur:`.
 */
export function correctionLabel(tag: string, day: string | null): string {
  const word = languageRow(tag)?.correction ?? FALLBACK_CORRECTION;
  return `${word}${day === null ? "" : ` (${day})`}${colonOf(tag)}`;
}
