/**
 * The entry point of the article stage: one raw stored object in, one
 * {@link Article} (or a reason to skip it) out. Pure: no I/O, no clock, no
 * Node APIs, so it runs the same in Node, in workerd and in tests.
 *
 * The steps follow the article format (README): decode and normalise (rule 1), split
 * off front matter (2), remove placeholders and the trailer (3-5), take the
 * signature (6), then derive title (7), language (8), id (9) and dates (10).
 */

import { parseDate, parseIsoDate } from "../text/dates";
import { normalizeLanguageTag } from "../text/language";
import { stripXmlForbidden } from "../text/xml";
import { removePlaceholders, splitTrailer } from "./clean";
import type { SourceUrl } from "./extract";
import { deriveSummary, deriveTitle, parseSignature, parseSourceUrl, SUMMARY_MAX, toPlainText, validateHttpUrl } from "./extract";
import type { FrontMatter } from "./front-matter";
import { splitFrontMatter } from "./front-matter";
import { attributionHtml, correctionHtml, paragraphsToHtml } from "./html";
import type { Article } from "./model";
import { decodeBody, garbageRatio, normalizeText, squish, tidyLines, truncateAtWord } from "./text";

/** One stored object, as the store hands it over. */
export interface RawArticle {
  /** Object key in the store, e.g. "articles/000_6851536369dabcad.txt". */
  key: string;
  body: Uint8Array | string;
  /** The object's last-modified time. */
  lastModified: Date;
  /** User metadata stored with the object (S3 x-amz-meta-* without the prefix, lower-case keys), e.g. { date: "2024-06-19T08:00:00Z" }. */
  metadata?: Readonly<Record<string, string>>;
}

/** Feed-level settings the parser needs. */
export interface ParseOptions {
  /** Language used when neither front matter nor the trailer's labels tell (`en`, `de`...). */
  defaultLanguage: string;
}

/**
 * Either a usable article with soft problems listed in `warnings` (no author,
 * no source, a bad date...), or a skipped object with a short human reason.
 */
export type ParseResult = { ok: true; article: Article; warnings: string[] } | { ok: false; key: string; reason: string };

/** Share of replacement characters / control codes above which a body is considered binary. */
const GARBAGE_THRESHOLD = 0.1;

/** A letter or a digit in any script. */
const HAS_WORD = /[\p{L}\p{N}]/u;

/** Metadata keys that may carry the publication date, in order of preference. */
const METADATA_DATE_KEYS = ["date", "published"] as const;

/**
 * Parse one stored object into an article. Never throws: anything unexpected
 * becomes `{ ok: false }` with a reason, so one bad file cannot break a feed.
 */
export function parseArticle(raw: RawArticle, options: ParseOptions): ParseResult {
  try {
    return parseUnsafe(raw, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, key: safeKey(raw), reason: `could not be parsed: ${message}` };
  }
}

/**
 * True when the article may appear in feeds at `now`: not a draft and not
 * dated in the future (embargo). Only the two fields it reads are required,
 * so index metadata can be checked without a whole article.
 */
export function isVisible(article: Pick<Article, "draft" | "published">, now: Date): boolean {
  if (article.draft) return false;
  const published = parseIsoDate(article.published);
  return published !== null && published.getTime() <= now.getTime();
}

function safeKey(raw: RawArticle): string {
  return typeof raw?.key === "string" ? raw.key : "";
}

function parseUnsafe(raw: RawArticle, options: ParseOptions): ParseResult {
  const key = safeKey(raw);
  const skip = (reason: string): ParseResult => ({ ok: false, key, reason });
  const warnings: string[] = [];

  // Rule 1: decode, then refuse binary objects before spending time on them.
  const decoded = decodeBody(raw.body);
  if (decoded.trim() === "") return skip("empty file");
  if (garbageRatio(decoded) > GARBAGE_THRESHOLD) return skip("not text: too many undecodable bytes or control characters");
  const text = normalizeText(decoded);

  // Rule 2: front matter.
  const split = splitFrontMatter(text);
  if (!split.ok) return skip(split.reason);
  warnings.push(...split.warnings);
  const fm: FrontMatter = split.frontMatter ?? {};

  // Rules 3-5: placeholders and trailer.
  const lines = tidyLines(split.body).split("\n");
  const trailer = splitTrailer(lines);
  const body = trailer.body;

  // Rule 6: a signature is the last body line, and never the only one.
  let signature: string[] | null = null;
  if (body.length > 1) {
    signature = parseSignature(body[body.length - 1] ?? "");
    if (signature !== null) body.pop();
  }
  if (body.length === 0) return skip(trailer.trailerLines > 0 ? "nothing left after removing the trailer" : "no text");
  // Title and summary come from the first paragraph with words in it once markup is gone;
  // a body of punctuation or tags alone ("---", "<br>") is not an article.
  const first = firstPlainParagraph(body);
  if (first === undefined) return skip("no words left after cleaning");

  // Rule 8: language.
  const language = chooseLanguage(fm, trailer.votes.best(options.defaultLanguage) ?? trailer.bodyVotes.best(options.defaultLanguage), options, warnings);

  // Rule 5: source. Front matter wins; the trailer line is removed either way.
  let source: SourceUrl | null = null;
  let sourceText: string | null = null;
  if (fm.source !== undefined) {
    source = validateHttpUrl(fm.source);
    if (source === null) warnings.push(`front matter "source" is not an http(s) URL: ${fm.source}`);
  }
  if (source === null && trailer.source !== null) {
    source = parseSourceUrl(trailer.source.value);
    if (source === null) {
      sourceText = trailer.source.value;
      warnings.push(`source line has no valid http(s) URL: ${trailer.source.value}`);
    }
  }
  if (source === null && sourceText === null && fm.source === undefined) warnings.push("no source line: the item will link to its own page");

  // Rule 6: authors. Front matter wins over the signature.
  const authors = dedupe((fm.author ?? signature ?? []).map((a) => cleanShort(a)));
  if (authors.length === 0) warnings.push("no author signature");

  // Rule 7: title and summary, plain text: front matter values are cleaned like derived ones.
  const fmTitle = fm.title !== undefined ? cleanPlain(fm.title) : "";
  if (fm.title !== undefined && fmTitle === "") warnings.push(`front matter "title" is empty after cleaning; derived from the text`);
  const title = fmTitle !== "" ? fmTitle : deriveTitle(first);
  const fmSummary = fm.summary !== undefined ? cleanPlain(fm.summary) : "";
  const summary = fmSummary !== "" ? truncateAtWord(fmSummary, SUMMARY_MAX) : deriveSummary(first);

  // Rule 9: identity.
  const id = fm.id !== undefined ? squish(stripXmlForbidden(fm.id)) : idFromKey(key);
  if (id === "") return skip("no id: the object key has no file name and the front matter no id");

  // Rule 10: dates. A correction is an update: `updated` is at least its date.
  const published = choosePublished(fm, raw, warnings);
  const correction = chooseCorrection(fm, warnings);
  let updated = chooseUpdated(fm, published, warnings);
  if (correction?.date != null && correction.date.getTime() > updated.getTime()) updated = correction.date;

  const image = fm.image !== undefined ? (validateHttpUrl(fm.image)?.url ?? null) : null;
  if (fm.image !== undefined && image === null) warnings.push(`front matter "image" is not an http(s) URL: ${fm.image}`);
  const imageAlt = fm.imageAlt !== undefined ? cleanPlain(fm.imageAlt) : "";
  if (fm.imageAlt !== undefined && image === null) warnings.push(`front matter "image_alt" without a usable "image"; ignored`);

  const withdrawn = chooseWithdrawn(fm, warnings);

  let contentHtml = paragraphsToHtml(body);
  if (correction !== null) {
    const note = { text: correction.text, date: correction.date?.toISOString() ?? null };
    contentHtml = `${correctionHtml(note, language)}\n${contentHtml}`;
  }
  if (source !== null) contentHtml += `\n${attributionHtml({ url: source.url, text: source.host, language })}`;
  else if (sourceText !== null) contentHtml += `\n${attributionHtml({ url: null, text: sourceText, language })}`;

  const article: Article = {
    id,
    key,
    title,
    authors,
    sourceUrl: source?.url ?? null,
    sourceHost: source?.host ?? null,
    language,
    published: published.toISOString(),
    updated: updated.toISOString(),
    tags: dedupeTags(fm.tags ?? []),
    summary,
    contentHtml,
    image,
    imageAlt: image !== null && imageAlt !== "" ? imageAlt : null,
    draft: fm.draft ?? false,
    withdrawn,
    correction: correction === null ? null : { text: correction.text, date: correction.date?.toISOString() ?? null },
  };
  return { ok: true, article, warnings };
}

/** The first paragraph whose plain text (markup and placeholders removed) has a letter or digit, as plain text. */
function firstPlainParagraph(body: readonly string[]): string | undefined {
  for (const line of body) {
    if (!HAS_WORD.test(line)) continue;
    const plain = toPlainText(line);
    if (HAS_WORD.test(plain)) return plain;
  }
  return undefined;
}

/**
 * Front-matter text for a plain-text field (title, summary, image alt):
 * escapes such as `\u0001` can smuggle in what the body never holds, so it
 * gets the body's character rule, then the plain-text rules of titles.
 */
function cleanPlain(value: string): string {
  return toPlainText(stripXmlForbidden(value.normalize("NFC")));
}

/** Front-matter text for a short value (author, tag): the character rule, single spaces, no ad placeholder (rule 3). */
function cleanShort(value: string): string {
  return removePlaceholders(squish(stripXmlForbidden(value.normalize("NFC"))));
}

function chooseLanguage(fm: FrontMatter, inferred: string | null, options: ParseOptions, warnings: string[]): string {
  if (fm.lang !== undefined) {
    const tag = normalizeLanguageTag(fm.lang);
    if (tag !== null) return tag;
    warnings.push(`front matter "lang" is not a language tag: ${fm.lang}`);
  }
  if (inferred !== null) return inferred;
  return normalizeLanguageTag(options.defaultLanguage) ?? "en";
}

/** `articles/2024/000_abc.txt` -> `000_abc`: no folder, no (last) extension. */
export function idFromKey(key: string): string {
  const base = key.slice(key.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base).trim();
}

function choosePublished(fm: FrontMatter, raw: RawArticle, warnings: string[]): Date {
  if (fm.date !== undefined) {
    const date = parseDate(fm.date);
    if (date !== null) return date;
    warnings.push(`front matter "date" is not a date: ${fm.date}`);
  }
  for (const name of METADATA_DATE_KEYS) {
    const value = raw.metadata?.[name];
    if (value === undefined) continue;
    const date = parseDate(value);
    if (date !== null) return date;
    warnings.push(`metadata "${name}" is not a date: ${value}`);
  }
  const modified = raw.lastModified;
  if (modified instanceof Date && Number.isFinite(modified.getTime())) return modified;
  warnings.push("no valid date at all; using the Unix epoch");
  return new Date(0);
}

function chooseUpdated(fm: FrontMatter, published: Date, warnings: string[]): Date {
  if (fm.updated === undefined) return published;
  const date = parseDate(fm.updated);
  if (date === null) {
    warnings.push(`front matter "updated" is not a date: ${fm.updated}`);
    return published;
  }
  if (date.getTime() < published.getTime()) {
    warnings.push(`front matter "updated" is before the publication date; ignored`);
    return published;
  }
  return date;
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ""))];
}

/** Tags: trimmed, single-spaced, duplicates removed case-insensitively (first spelling wins). */
function dedupeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const t = cleanShort(tag);
    const folded = t.toLowerCase();
    if (t === "" || seen.has(folded)) continue;
    seen.add(folded);
    out.push(t);
  }
  return out;
}

/** Front matter `withdrawn: true`, with `withdrawn_reason` when given (plain text). */
function chooseWithdrawn(fm: FrontMatter, warnings: string[]): Article["withdrawn"] {
  if (fm.withdrawn !== true) {
    if (fm.withdrawnReason !== undefined) warnings.push(`front matter "withdrawn_reason" without "withdrawn: true"; ignored`);
    return null;
  }
  const reason = fm.withdrawnReason !== undefined ? cleanPlain(fm.withdrawnReason) : "";
  return { reason: reason === "" ? null : reason };
}

/** Front matter `correction` (plain text) and `correction_date`; a date that cannot be read leaves the note undated. */
function chooseCorrection(fm: FrontMatter, warnings: string[]): { text: string; date: Date | null } | null {
  const text = fm.correction !== undefined ? cleanPlain(fm.correction) : "";
  if (text === "") {
    if (fm.correctionDate !== undefined) warnings.push(`front matter "correction_date" without a "correction" text; ignored`);
    return null;
  }
  if (fm.correctionDate === undefined) return { text, date: null };
  const date = parseDate(fm.correctionDate);
  if (date === null) warnings.push(`front matter "correction_date" is not a date: ${fm.correctionDate}`);
  return { text, date };
}
