/**
 * Optional front matter: a block at the very top of an article between two
 * `---` lines, holding YAML key/values (article format rule 2).
 *
 * We parse a small YAML subset ourselves instead of adding a YAML library:
 * the keys are few and flat, the parser must never throw on bad input, and
 * the Worker bundle stays small. Supported:
 *   key: plain value            # comment
 *   key: "double \"quoted\"\n"  key: 'single ''quoted'''
 *   key: [a, "b, c", d]         flow lists
 *   key:                        block lists
 *     - a
 *     - b
 *   key: |  or  key: >          literal / folded block scalars
 *   true / false                booleans (YAML 1.2 core schema)
 *   ~ / null / (empty)          null
 * Anything else produces a warning, never an exception.
 */

/** A scalar as the subset parser returns it. Numbers and dates stay strings. */
export type YamlScalar = string | boolean | null;
/** A value: a scalar or a list of scalars. */
export type YamlValue = YamlScalar | YamlScalar[];

/** The front-matter keys the article model understands, typed. */
export interface FrontMatter {
  /** Headline; wins over the derived title. */
  title?: string;
  /** Raw date text; parsed by the caller (ISO 8601 or RFC 2822). */
  date?: string;
  /** Raw date text of the last update. */
  updated?: string;
  /** Authors: a single string is one author; `authors` is accepted as an alias. */
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
  /** `true`/`yes`/`on`: keep the article out of every feed. */
  draft?: boolean;
}

/** The result of {@link splitFrontMatter}. */
export interface FrontMatterSplit {
  /** The typed keys, or null when the text has no (closed) front-matter block. */
  frontMatter: FrontMatter | null;
  /** The text after the block (the whole text when there is none). */
  body: string;
  /** Soft problems: unknown keys, lines not understood, values of the wrong shape. */
  warnings: string[];
}

const OPEN = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;
const KEY_LINE = /^([ \t]*)([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$/;
const LIST_ITEM = /^([ \t]*)-(?:[ \t]+(.*))?$/;
const BLOCK_SCALAR = /^([|>])[-+]?[ \t]*(?:#.*)?$/;
/** Comments start at a `#` preceded by a blank (YAML: "# inside a plain scalar is text"). */
const TRAILING_COMMENT = /[ \t]+#.*$/;

/**
 * Split a front-matter block off the top of normalised text (LF line ends).
 * The opening `---` must be the very first line; without a closing `---` (or
 * `...`) the text is treated as having no front matter, with a warning.
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const firstBreak = text.indexOf("\n");
  const firstLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
  if (!OPEN.test(firstLine)) return { frontMatter: null, body: text, warnings: [] };

  const lines = text.split("\n");
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    if (CLOSE.test(lines[i] ?? "")) {
      close = i;
      break;
    }
  }
  if (close === -1) {
    return { frontMatter: null, body: text, warnings: ["front matter starts with --- but is never closed; read as text"] };
  }
  const warnings: string[] = [];
  const values = parseYamlSubset(lines.slice(1, close), warnings);
  const frontMatter = toFrontMatter(values, warnings);
  return { frontMatter, body: lines.slice(close + 1).join("\n"), warnings };
}

/** Parse YAML-subset lines into a key -> value map (last duplicate wins, with a warning). */
export function parseYamlSubset(lines: readonly string[], warnings: string[]): Map<string, YamlValue> {
  const out = new Map<string, YamlValue>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    i++;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = KEY_LINE.exec(line);
    if (m === null) {
      warnings.push(`front matter: line not understood: ${clip(trimmed)}`);
      continue;
    }
    const indent = (m[1] ?? "").length;
    const key = (m[2] ?? "").toLowerCase();
    const rest = (m[3] ?? "").trim();
    let value: YamlValue;

    const block = BLOCK_SCALAR.exec(rest);
    if (block !== null) {
      // Literal (|) keeps line breaks, folded (>) joins lines with spaces.
      const taken: string[] = [];
      while (i < lines.length && isContinuation(lines[i] ?? "", indent)) taken.push((lines[i++] ?? "").trim());
      value = block[1] === "|" ? taken.join("\n").trim() : taken.filter((t) => t !== "").join(" ");
    } else if (rest === "" || rest.startsWith("#")) {
      // Either a block list, a plain scalar continued on indented lines, or null.
      const items: YamlScalar[] = [];
      const words: string[] = [];
      while (i < lines.length) {
        const next = lines[i] ?? "";
        const item = LIST_ITEM.exec(next);
        if (item !== null) {
          items.push(parseScalar(item[2] ?? "", warnings, key));
          i++;
        } else if (items.length === 0 && isContinuation(next, indent) && !KEY_LINE.test(next)) {
          const t = next.trim();
          if (t !== "" && !t.startsWith("#")) words.push(t.replace(TRAILING_COMMENT, ""));
          i++;
        } else if (next.trim() === "" || next.trim().startsWith("#")) {
          i++;
        } else break;
      }
      value = items.length > 0 ? items : words.length > 0 ? words.join(" ") : null;
    } else if (rest.startsWith("[")) {
      value = parseFlowList(rest, warnings, key);
    } else {
      value = parseScalar(rest, warnings, key);
    }

    if (out.has(key)) warnings.push(`front matter: duplicate key "${key}", the last one wins`);
    out.set(key, value);
  }
  return out;
}

/** A line that belongs to the value of a key at `indent`: blank, or indented deeper. */
function isContinuation(line: string, indent: number): boolean {
  if (line.trim() === "") return true;
  const lead = line.length - line.trimStart().length;
  return lead > indent;
}

/** Parse one scalar: quoted string, boolean, null or plain text (comment stripped). */
function parseScalar(raw: string, warnings: string[], key: string): YamlScalar {
  const text = raw.trim();
  if (text.startsWith('"')) return parseDoubleQuoted(text, warnings, key).value;
  if (text.startsWith("'")) return parseSingleQuoted(text, warnings, key).value;
  const plain = text.replace(TRAILING_COMMENT, "").trim();
  if (plain === "" || plain === "~" || plain === "null" || plain === "Null" || plain === "NULL") return null;
  if (/^(?:true|True|TRUE)$/.test(plain)) return true;
  if (/^(?:false|False|FALSE)$/.test(plain)) return false;
  return plain;
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "/": "/", "0": "", " ": " " };

/** A double-quoted scalar starting at `text[0]`; returns the value and the index after the closing quote. */
function parseDoubleQuoted(text: string, warnings: string[], key: string): { value: string; end: number } {
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (ch === '"') return { value, end: i + 1 };
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const esc = text[i + 1] ?? "";
    if (esc === "u" || esc === "x" || esc === "U") {
      const len = esc === "x" ? 2 : esc === "u" ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + len);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === len ? Number.parseInt(hex, 16) : Number.NaN;
      // Invalid or out-of-range escapes are dropped rather than thrown on.
      if (code <= 0x10ffff) value += String.fromCodePoint(code);
      else warnings.push(`front matter: bad escape in "${key}"`);
      i += 1 + len;
      continue;
    }
    value += ESCAPES[esc] ?? esc;
    i++;
  }
  warnings.push(`front matter: unterminated quoted value for "${key}"`);
  return { value, end: text.length };
}

/** A single-quoted scalar (`''` is a literal quote) starting at `text[0]`. */
function parseSingleQuoted(text: string, warnings: string[], key: string): { value: string; end: number } {
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (ch !== "'") {
      value += ch;
      continue;
    }
    if (text[i + 1] === "'") {
      value += "'";
      i++;
      continue;
    }
    return { value, end: i + 1 };
  }
  warnings.push(`front matter: unterminated quoted value for "${key}"`);
  return { value, end: text.length };
}

/** A flow list `[a, "b, c", d]` on one line. */
function parseFlowList(text: string, warnings: string[], key: string): YamlScalar[] {
  const items: YamlScalar[] = [];
  let i = 1;
  while (i < text.length) {
    while (text[i] === " " || text[i] === "\t") i++;
    const ch = text[i];
    if (ch === undefined) break;
    if (ch === "]") return items;
    if (ch === ",") {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const q = ch === '"' ? parseDoubleQuoted(text.slice(i), warnings, key) : parseSingleQuoted(text.slice(i), warnings, key);
      items.push(q.value);
      i += q.end;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== "," && text[end] !== "]") end++;
    const scalar = parseScalar(text.slice(i, end), warnings, key);
    if (scalar !== null) items.push(scalar);
    i = end;
  }
  warnings.push(`front matter: list for "${key}" is missing its closing ]`);
  return items;
}

const KNOWN_KEYS = new Set(["title", "date", "updated", "author", "authors", "tags", "lang", "language", "source", "summary", "image", "image_alt", "id", "draft"]);

/** Map raw values onto the typed keys, warning about wrong shapes and unknown keys. */
function toFrontMatter(values: ReadonlyMap<string, YamlValue>, warnings: string[]): FrontMatter {
  const fm: FrontMatter = {};
  const str = (key: string): string | undefined => {
    const v = values.get(key);
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) {
      warnings.push(`front matter: "${key}" should be a single value, not a list`);
      return undefined;
    }
    const s = String(v).trim();
    return s === "" ? undefined : s;
  };
  const list = (key: string, splitCommas: boolean): string[] | undefined => {
    const v = values.get(key);
    if (v === undefined || v === null) return undefined;
    const raw = Array.isArray(v) ? v.filter((x): x is string | boolean => x !== null).map(String) : splitCommas ? String(v).split(",") : [String(v)];
    const cleaned = raw.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s !== "");
    return cleaned.length > 0 ? cleaned : undefined;
  };

  const assign = <K extends keyof FrontMatter>(key: K, value: FrontMatter[K] | undefined): void => {
    if (value !== undefined) fm[key] = value;
  };
  assign("title", str("title"));
  assign("date", str("date"));
  assign("updated", str("updated"));
  assign("author", list(values.has("author") ? "author" : "authors", false));
  assign("tags", list("tags", true));
  assign("lang", str(values.has("lang") ? "lang" : "language"));
  assign("source", str("source"));
  assign("summary", str("summary"));
  assign("image", str("image"));
  assign("imageAlt", str("image_alt"));
  assign("id", str("id"));

  const draft = values.get("draft");
  if (draft !== undefined && draft !== null) {
    if (typeof draft === "boolean") fm.draft = draft;
    else if (typeof draft === "string" && /^(?:yes|on|1)$/i.test(draft)) fm.draft = true;
    else if (typeof draft === "string" && /^(?:no|off|0)$/i.test(draft)) fm.draft = false;
    else warnings.push(`front matter: "draft" should be true or false`);
  }

  for (const key of values.keys()) if (!KNOWN_KEYS.has(key)) warnings.push(`front matter: unknown key "${key}" ignored`);
  return fm;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
