/**
 * The entry point of the article stage: one raw stored object in, one
 * {@link Article} (or a reason to skip it) out. Pure: no I/O, no clock, no
 * Node APIs, so it runs the same in Node, in workerd and in tests.
 *
 * The steps follow the article format (README): decode and normalise (rule 1), split
 * off front matter (2), remove placeholders and the trailer (3-5), take the
 * signature (6), then derive title (7), language (8), id (9) and dates (10).
 */

import { splitTrailer } from "./clean";
import { parseDate } from "./dates";
import { deriveSummary, deriveTitle, parseSignature, parseSourceUrl, validateHttpUrl, SUMMARY_MAX } from "./extract";
import type { SourceUrl } from "./extract";
import { splitFrontMatter } from "./front-matter";
import type { FrontMatter } from "./front-matter";
import { attributionHtml, paragraphsToHtml } from "./html";
import { normalizeLanguageTag } from "./languages";
import type { Article } from "./model";
import { decodeBody, garbageRatio, normalizeText, squish, stripXmlForbidden, tidyLines, truncateAtWord } from "./text";

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
export type ParseResult =
  | { ok: true; article: Article; warnings: string[] }
  | { ok: false; key: string; reason: string };

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
 * dated in the future (embargo).
 */
export function isVisible(article: Article, now: Date): boolean {
  if (article.draft) return false;
  const published = Date.parse(article.published);
  return Number.isFinite(published) && published <= now.getTime();
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
  // A body of punctuation alone ("---", ".") is not an article.
  const first = body.find((line) => HAS_WORD.test(line));
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
  const authors = dedupe((fm.author ?? signature ?? []).map((a) => clean(a)));
  if (authors.length === 0) warnings.push("no author signature");

  // Rule 7: title, and the summary, from the first paragraph with words in it.
  const title = fm.title !== undefined ? clean(fm.title) : deriveTitle(first);
  const summary = fm.summary !== undefined ? truncateAtWord(clean(fm.summary), SUMMARY_MAX) : deriveSummary(first);

  // Rule 9: identity.
  const id = fm.id !== undefined ? clean(fm.id) : idFromKey(key);
  if (id === "") return skip("no id: the object key has no file name and the front matter no id");

  // Rule 10: dates.
  const published = choosePublished(fm, raw, warnings);
  const updated = chooseUpdated(fm, published, warnings);

  const image = fm.image !== undefined ? validateHttpUrl(fm.image)?.url ?? null : null;
  if (fm.image !== undefined && image === null) warnings.push(`front matter "image" is not an http(s) URL: ${fm.image}`);
  // The alt text only means something next to an image.
  const imageAlt = image !== null && fm.imageAlt !== undefined ? clean(fm.imageAlt) || null : null;

  let contentHtml = paragraphsToHtml(body);
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
    imageAlt,
    draft: fm.draft ?? false,
  };
  return { ok: true, article, warnings };
}

/** Front-matter strings may contain escapes (`\u0001`), so they get the same cleaning as the body. */
function clean(value: string): string {
  return squish(stripXmlForbidden(value));
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
    const t = clean(tag);
    const folded = t.toLowerCase();
    if (t === "" || seen.has(folded)) continue;
    seen.add(folded);
    out.push(t);
  }
  return out;
}
