/**
 * Optional front matter (article format rule 2): a block at the very top of
 * an article, YAML between two `---` lines (as Jekyll and Hugo write it) or
 * TOML between two `+++` lines (Hugo). Real parsers read it: `yaml` and
 * `smol-toml`. This module maps what they return onto the keys the article
 * model understands, and turns everything else into warnings.
 *
 * Hostile input never hangs a rebuild: a block over {@link MAX_FRONT_MATTER_BYTES}
 * is refused unread, YAML aliases are capped ({@link MAX_ALIAS_COUNT}, the
 * "billion laughs" defence of the `yaml` library), TOML nesting is capped, and
 * a block that does not parse makes the file skipped with the parser's reason.
 */

import { parse as parseToml } from "smol-toml";
import { parseDocument } from "yaml";

/** The front-matter keys the article model understands, typed. Dates stay text; the caller parses them. */
export interface FrontMatter {
  /** Headline; wins over the derived title. */
  title?: string;
  /** Raw date text (ISO 8601 or RFC 2822). */
  date?: string;
  /** Raw date text of the last update. */
  updated?: string;
  /** Author names, from `author` or `authors`: a string, a list of strings, or a list of `{name, url}` (urls are dropped). */
  author?: string[];
  /** Tags from a list or a comma-separated string, trimmed, empty ones dropped. */
  tags?: string[];
  /** Language tag as written; validated by the caller. `language` is accepted as an alias. */
  lang?: string;
  /** URL of the original article; validated by the caller. */
  source?: string;
  /** Plain-text summary. */
  summary?: string;
  /** Lead image URL; validated by the caller. */
  image?: string;
  /** Text alternative of the lead image (`image_alt`). */
  imageAlt?: string;
  /** Stable identity, overriding the one derived from the object key. */
  id?: string;
  /** `true`: keep the article out of every feed. */
  draft?: boolean;
  /** `true`: the publisher withdrew the article. */
  withdrawn?: boolean;
  /** Why it was withdrawn (`withdrawn_reason`). */
  withdrawnReason?: string;
  /** Text of a correction note shown above the article. */
  correction?: string;
  /** Raw date text of the correction (`correction_date`). */
  correctionDate?: string;
}

/** The result of {@link splitFrontMatter}. */
export type FrontMatterSplit =
  | {
      ok: true;
      /** The typed keys, or null when the text has no (closed) front-matter block. */
      frontMatter: FrontMatter | null;
      /** The text after the block (the whole text when there is none). */
      body: string;
      /** Soft problems: unknown keys, values of the wrong shape. */
      warnings: string[];
    }
  | {
      ok: false;
      /** Why the file must be skipped: the block is too large or cannot be read. */
      reason: string;
    };

/** Largest front-matter block read, in UTF-16 code units (about bytes for the ASCII keys of real front matter). */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** Most alias expansions a YAML block may cause (the `yaml` library's `maxAliasCount`); real front matter has none. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest TOML nesting read; front matter is one or two levels deep. */
const MAX_TOML_DEPTH = 20;

/** The two block syntaxes: the delimiter lines and the parser of what lies between. */
const SYNTAXES = [
  { name: "YAML", open: /^---[ \t]*$/, close: /^(?:---|\.\.\.)[ \t]*$/, read: readYaml },
  { name: "TOML", open: /^\+\+\+[ \t]*$/, close: /^\+\+\+[ \t]*$/, read: readToml },
] as const;

/**
 * Split a front-matter block off the top of normalised text (LF line ends).
 * The opening `---` (or `+++`) must be the very first line; without a closing
 * line the text is treated as having no front matter, with a warning. A block
 * that is too large or cannot be parsed gives `{ ok: false }`.
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const firstBreak = text.indexOf("\n");
  const firstLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
  const syntax = SYNTAXES.find((candidate) => candidate.open.test(firstLine));
  if (syntax === undefined || firstBreak === -1) return { ok: true, frontMatter: null, body: text, warnings: [] };

  // Find the closing line without splitting the whole text: the body may be large.
  let start = firstBreak + 1;
  let blockEnd = -1;
  let bodyStart = text.length;
  while (start <= text.length) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (syntax.close.test(line)) {
      blockEnd = start;
      bodyStart = end === -1 ? text.length : end + 1;
      break;
    }
    if (end === -1) break;
    start = end + 1;
  }
  if (blockEnd === -1) {
    return { ok: true, frontMatter: null, body: text, warnings: [`front matter starts with ${firstLine.trim()} but is never closed; read as text`] };
  }
  const block = text.slice(firstBreak + 1, blockEnd);
  if (block.length > MAX_FRONT_MATTER_BYTES) {
    return { ok: false, reason: `front matter is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KiB` };
  }
  const read = syntax.read(block);
  if (!read.ok) return { ok: false, reason: `front matter is not valid ${syntax.name}: ${read.reason}` };
  const warnings: string[] = [];
  const frontMatter = read.values === null ? null : toFrontMatter(read.values, warnings);
  return { ok: true, frontMatter, body: text.slice(bodyStart), warnings };
}

/** What a parser made of a block: its top-level keys (lower case), null for an empty block, or why it failed. */
type Read = { ok: true; values: Map<string, unknown> | null } | { ok: false; reason: string };

/** First line of an error message, without the parser's source excerpt. */
function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}

/**
 * YAML with the failsafe schema: every scalar stays the text it was written
 * as, so `id: 007` stays `007`, `date: 2024-06-01` is a date string the caller
 * parses, and `title: 1.10` is not a number. Booleans are read by this module.
 */
function readYaml(block: string): Read {
  if (block.trim() === "") return { ok: true, values: null };
  try {
    const doc = parseDocument(block, { schema: "failsafe", prettyErrors: false });
    const error = doc.errors[0];
    if (error !== undefined) {
      // Lines count from the file's first line: the block starts on line 2.
      const line = block.slice(0, error.pos[0]).split("\n").length + 1;
      return { ok: false, reason: `${firstLine(error.message)} (line ${line})` };
    }
    const value: unknown = doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT });
    if (value === null || value === undefined || value === "") return { ok: true, values: null };
    if (!(value instanceof Map)) return { ok: false, reason: "it is not a mapping of keys to values" };
    return { ok: true, values: lowerKeys(value) };
  } catch (error) {
    // maxAliasCount throws (a ReferenceError) on an alias bomb; nesting beyond the stack throws a RangeError.
    return { ok: false, reason: firstLine(error instanceof Error ? error.message : String(error)) };
  }
}

/** TOML as Hugo writes it; dates come back as date objects and are turned into ISO text. */
function readToml(block: string): Read {
  try {
    const table = parseToml(block, { maxDepth: MAX_TOML_DEPTH });
    const entries = Object.entries(table);
    return { ok: true, values: entries.length === 0 ? null : lowerKeys(new Map(entries)) };
  } catch (error) {
    return { ok: false, reason: firstLine(error instanceof Error ? error.message : String(error)) };
  }
}

/** Keys are matched case-insensitively (`Title:` works); the last spelling of a key wins. */
function lowerKeys(map: ReadonlyMap<unknown, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of map) out.set(String(key).toLowerCase(), value);
  return out;
}

/** The keys read, with their aliases. */
export const FRONT_MATTER_KEYS: ReadonlySet<string> = new Set([
  "title",
  "date",
  "updated",
  "author",
  "authors",
  "tags",
  "lang",
  "language",
  "source",
  "summary",
  "image",
  "image_alt",
  "id",
  "draft",
  "withdrawn",
  "withdrawn_reason",
  "correction",
  "correction_date",
]);

/** What {@link scalarText} returns for a list or a mapping. */
const NOT_SCALAR = Symbol("not a scalar");

/** Plain values YAML's null spellings stand for; the failsafe schema leaves them as text. */
const NULL_SCALAR = /^(?:~|null|Null|NULL)?$/;

/**
 * A scalar as text: strings trimmed, numbers and booleans (TOML) spelt out,
 * dates (TOML) in ISO 8601. Undefined for null and empty values; NOT_SCALAR
 * for a list or a mapping where one value belongs.
 */
function scalarText(value: unknown): string | undefined | typeof NOT_SCALAR {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") {
    const text = value.trim();
    return NULL_SCALAR.test(text) ? undefined : text;
  }
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return NOT_SCALAR;
}

/** A field of a nested mapping (YAML gives a Map, TOML a plain object); own keys only. */
function fieldOf(value: unknown, name: string): unknown {
  if (value instanceof Map) {
    for (const [key, v] of value) if (String(key).toLowerCase() === name) return v;
    return undefined;
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)) {
    for (const [key, v] of Object.entries(value)) if (key.toLowerCase() === name) return v;
  }
  return undefined;
}

/** Booleans as front matter writes them: YAML `true`/`false` (and the YAML 1.1 `yes`/`no`/`on`/`off` Jekyll users write), TOML booleans. */
function booleanOf(value: unknown): boolean | undefined | "invalid" {
  if (typeof value === "boolean") return value;
  const text = scalarText(value);
  if (text === undefined) return undefined;
  if (text === NOT_SCALAR) return "invalid";
  if (/^(?:true|yes|on)$/i.test(text)) return true;
  if (/^(?:false|no|off)$/i.test(text)) return false;
  return "invalid";
}

/** Map parsed values onto the typed keys, warning about wrong shapes and unknown keys. */
function toFrontMatter(values: ReadonlyMap<string, unknown>, warnings: string[]): FrontMatter {
  const fm: FrontMatter = {};
  const str = (key: string): string | undefined => {
    const text = scalarText(values.get(key));
    if (text !== NOT_SCALAR) return text;
    warnings.push(`front matter: "${key}" should be a single value, not a list or mapping`);
    return undefined;
  };
  const bool = (key: string): boolean | undefined => {
    const flag = booleanOf(values.get(key));
    if (flag !== "invalid") return flag;
    warnings.push(`front matter: "${key}" should be true or false`);
    return undefined;
  };
  const assign = <K extends keyof FrontMatter>(key: K, value: FrontMatter[K] | undefined): void => {
    if (value !== undefined) fm[key] = value;
  };

  assign("title", str("title"));
  assign("date", str("date"));
  assign("updated", str("updated"));
  assign("author", authorsOf(values.has("author") ? "author" : "authors", values, warnings));
  assign("tags", tagsOf(values.get("tags"), warnings));
  assign("lang", str(values.has("lang") ? "lang" : "language"));
  assign("source", str("source"));
  assign("summary", str("summary"));
  assign("image", str("image"));
  assign("imageAlt", str("image_alt"));
  assign("id", str("id"));
  assign("draft", bool("draft"));
  assign("withdrawn", bool("withdrawn"));
  assign("withdrawnReason", str("withdrawn_reason"));
  assign("correction", str("correction"));
  assign("correctionDate", str("correction_date"));

  for (const key of values.keys()) if (!FRONT_MATTER_KEYS.has(key)) warnings.push(`front matter: unknown key "${key}" ignored`);
  return fm;
}

/**
 * Authors: a string is one author; a list holds strings or `{name, url}`
 * mappings (flow or block style, or TOML inline tables / `[[authors]]`); a
 * single mapping is one author. Only names are kept.
 */
function authorsOf(key: string, values: ReadonlyMap<string, unknown>, warnings: string[]): string[] | undefined {
  const value = values.get(key);
  if (value === undefined || value === null) return undefined;
  const entries = Array.isArray(value) ? value : [value];
  const names: string[] = [];
  for (const entry of entries) {
    const isMapping = entry instanceof Map || (typeof entry === "object" && entry !== null && !Array.isArray(entry) && !(entry instanceof Date));
    const name = scalarText(isMapping ? fieldOf(entry, "name") : entry);
    if (name === NOT_SCALAR || (name === undefined && isMapping)) {
      warnings.push(`front matter: an entry of "${key}" has no name; ignored`);
      continue;
    }
    if (name !== undefined) names.push(name);
  }
  return names.length > 0 ? names : undefined;
}

/** Tags: a list of scalars, or one comma-separated string. */
function tagsOf(value: unknown, warnings: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const raw: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item);
      if (text === NOT_SCALAR) warnings.push(`front matter: a tag should be a single value, not a list or mapping`);
      else if (text !== undefined) raw.push(text);
    }
  } else {
    const text = scalarText(value);
    if (text === NOT_SCALAR) warnings.push(`front matter: "tags" should be a list or a comma-separated text`);
    else if (text !== undefined) raw.push(...text.split(","));
  }
  const cleaned = raw.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s !== "");
  return cleaned.length > 0 ? cleaned : undefined;
}
