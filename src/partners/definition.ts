/**
 * `_partners.yaml`: which partner sites get a feed of their own, and on which
 * terms. Pure: text in, a checked definition (or every problem with its line
 * and column) out; used alike by the Worker, `npm run publish`, `npm start`
 * and `npm run partners`.
 *
 * ```yaml
 * partners:
 *   - id: nordkurier
 *     name: Nordkurier
 *     token_sha256: 9f86d081884c7d65…   # hex SHA-256 of the token; the token is never stored
 *     content: full                    # full | summary
 *     delay_minutes: 0
 *     topics: [lang/de, tags/wirtschaft]            # optional allowlist
 *     attribution: "Mit freundlicher Genehmigung"  # optional
 *     origins: [https://www.nordkurier.example]     # optional CORS allowlist
 *     requests_per_minute: 120                      # optional
 * ```
 *
 * The checks are strict on purpose: a file that is not exactly right never
 * opens a feed to anybody (the last valid version stays in force), so a typo
 * such as `contnet: summary` is an error rather than a silent full-text feed.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import { hashHex } from "../index/hash";
import { TOPIC_KIND_INFO, TOPIC_KINDS, type TopicKind } from "../index/topic-kinds";
import { canonicalTopicSlug, isTopicSlug } from "../index/topics";

/** The file name, at the article prefix of the bucket and at the top of an article folder. */
export const PARTNERS_FILE = "_partners.yaml";

/** What a partner's items carry: the whole article, or its summary only. */
export type PartnerContent = "full" | "summary";

/** One allowed topic: a topic kind and a slug, written `segment/slug` (`lang/de`, `tags/wirtschaft`). */
export interface TopicRule {
  kind: TopicKind;
  slug: string;
}

/** One partner and its terms, checked and normalised. */
export interface Partner {
  /** `[a-z0-9-]{1,40}`: names the partner in logs and usage data (never the token). */
  id: string;
  name: string;
  /** Lower-case hex SHA-256 of the partner's token. */
  tokenSha256: string;
  content: PartnerContent;
  /** Items published less than this many minutes ago are withheld. */
  delayMinutes: number;
  /** Allowed topics; null when every topic is allowed. */
  topics: readonly TopicRule[] | null;
  /** Appended to each item; null for none. */
  attribution: string | null;
  /** Exact `https://` origins whose pages may read the feed from a browser (CORS); null for none. */
  origins: readonly string[] | null;
  /** The partner's request budget per minute; null when unlimited. */
  requestsPerMinute: number | null;
}

/** Every partner of one `_partners.yaml`. */
export interface PartnerDefinition {
  partners: readonly Partner[];
}

/** The definition without partners: what an absent file means. */
export const NO_PARTNERS: PartnerDefinition = { partners: [] };

/** One thing wrong with a definition, where it is (1-based line and column). */
export interface DefinitionProblem {
  line: number;
  column: number;
  message: string;
}

/** A checked definition, or every problem found. */
export type DefinitionResult = { ok: true; definition: PartnerDefinition } | { ok: false; problems: DefinitionProblem[] };

/** Bounds that keep a definition cheap to check on every request. */
export const DEFINITION_LIMITS = {
  /** A token is compared against every partner: the list stays short. */
  maxPartners: 1000,
  maxFileBytes: 256 * 1024,
  /**
   * A partner's main feed under an allowlist merges one topic object per
   * allowed topic: a Worker on the free plan has 50 subrequests per request.
   */
  maxTopics: 20,
  maxOrigins: 20,
  maxNameLength: 200,
  maxAttributionLength: 500,
  /** One year. */
  maxDelayMinutes: 525_600,
  maxRequestsPerMinute: 1_000_000,
} as const;

/** `[a-z0-9-]{1,40}`: partner ids as the file, the logs and the command line use them. */
export const PARTNER_ID_PATTERN = /^[a-z0-9-]{1,40}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** The fields a partner entry may have, in the order the file and the last-valid copy write them. */
const PARTNER_FIELDS = ["id", "name", "token_sha256", "content", "delay_minutes", "topics", "attribution", "origins", "requests_per_minute"] as const;
const REQUIRED_FIELDS = ["id", "name", "token_sha256", "content", "delay_minutes"] as const;

/** The topic kind whose URL segment is `segment` (`lang` → languages), from the one table of topic kinds. */
function topicKindOfSegment(segment: string): TopicKind | undefined {
  return TOPIC_KINDS.find((kind) => TOPIC_KIND_INFO[kind].segment === segment);
}

/**
 * Parses `segment/slug` (`lang/de`); null when it names no topic a feed could
 * have. The slug is taken in its canonical form, as the routes take it
 * (`sources/www.example.es` is `sources/example.es`).
 */
export function parseTopicRule(text: string): TopicRule | null {
  const match = /^([a-z]+)\/(.+)$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  const kind = topicKindOfSegment(match[1]);
  if (kind === undefined || match[2] !== match[2].toLowerCase()) return null;
  const slug = canonicalTopicSlug(kind, match[2]);
  return isTopicSlug(slug) ? { kind, slug } : null;
}

/** `segment/slug`, as the file writes a topic. */
export function topicRuleText(rule: TopicRule): string {
  return `${TOPIC_KIND_INFO[rule.kind].segment}/${rule.slug}`;
}

/**
 * True for an exact `https://` origin (RFC 6454 serialisation: scheme, host,
 * port only when not the default), the form a browser sends in `Origin`.
 */
export function isHttpsOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.origin === text;
  } catch {
    return false;
  }
}

/** Parses and checks the text of a `_partners.yaml`. */
export function parsePartnerDefinition(text: string): DefinitionResult {
  if (new TextEncoder().encode(text).byteLength > DEFINITION_LIMITS.maxFileBytes) {
    return { ok: false, problems: [{ line: 1, column: 1, message: `the file is larger than ${DEFINITION_LIMITS.maxFileBytes} bytes` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        // The position is reported apart; the rest of a pretty message quotes the file.
        message: (error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, ""),
      })),
    };
  }
  const checker = new Checker(lineCounter);
  const partners = checker.definition(doc.contents);
  return checker.problems.length > 0 ? { ok: false, problems: checker.problems } : { ok: true, definition: { partners } };
}

/** Problems as `file:line:column: message` lines, the way compilers report them. */
export function formatProblems(problems: readonly DefinitionProblem[], file: string = PARTNERS_FILE): string[] {
  return problems.map((problem) => `${file}:${problem.line}:${problem.column}: ${problem.message}`);
}

/**
 * The definition in the file's own field names, as JSON. JSON is YAML, so
 * {@link parsePartnerDefinition} reads it back: the last-valid copy in the
 * bucket goes through the same checks as the file.
 */
export function serializeDefinition(definition: PartnerDefinition): string {
  return `${JSON.stringify({ partners: definition.partners.map(partnerFields) }, null, 2)}\n`;
}

/**
 * A fingerprint of everything a partner's documents depend on (its terms and
 * its token hash): cache keys carry it, so a change of terms or a rotated
 * token never serves a document made under the old ones. Not the token.
 */
export function partnerFingerprint(partner: Partner): string {
  return hashHex(JSON.stringify(partnerFields(partner)));
}

function partnerFields(partner: Partner): Record<(typeof PARTNER_FIELDS)[number], unknown> {
  return {
    id: partner.id,
    name: partner.name,
    token_sha256: partner.tokenSha256,
    content: partner.content,
    delay_minutes: partner.delayMinutes,
    topics: partner.topics?.map(topicRuleText),
    attribution: partner.attribution ?? undefined,
    origins: partner.origins ?? undefined,
    requests_per_minute: partner.requestsPerMinute ?? undefined,
  };
}

/** Walks the parsed document, collecting every problem with its position. */
class Checker {
  readonly problems: DefinitionProblem[] = [];

  constructor(private readonly lines: LineCounter) {}

  definition(root: Node | null): Partner[] {
    if (root === null || !isMap(root)) {
      this.report(root, "expected a mapping with a `partners:` list at the top");
      return [];
    }
    let list: Node | null = null;
    let found = false;
    for (const pair of root.items) {
      const key = this.keyName(pair);
      if (key === "partners") {
        found = true;
        list = pair.value as Node | null;
      } else {
        this.report(pair.key as Node, `unknown key ${quoteKey(key)} (only \`partners\` belongs at the top)`);
      }
    }
    if (!found) {
      this.report(root, "missing `partners:` list");
      return [];
    }
    // `partners:` with nothing after it: no partners.
    if (list === null || (isScalar(list) && list.value === null)) return [];
    if (!isSeq(list)) {
      this.report(list, "`partners` must be a list (`- id: …` entries)");
      return [];
    }
    if (list.items.length > DEFINITION_LIMITS.maxPartners) {
      this.report(list, `at most ${DEFINITION_LIMITS.maxPartners} partners`);
      return [];
    }
    const partners: Partner[] = [];
    const ids = new Map<string, number>();
    const hashes = new Map<string, number>();
    list.items.forEach((item, index) => {
      const partner = this.partner(item as Node | null, index);
      if (partner === null) return;
      const sameId = ids.get(partner.id);
      if (sameId !== undefined) this.report(item as Node, `id "${partner.id}" is used by partner ${sameId + 1} already`);
      const sameToken = hashes.get(partner.tokenSha256);
      if (sameToken !== undefined) this.report(item as Node, `token_sha256 is the same as partner ${sameToken + 1}'s: every partner needs a token of its own`);
      ids.set(partner.id, index);
      hashes.set(partner.tokenSha256, index);
      partners.push(partner);
    });
    return partners;
  }

  private partner(node: Node | null, index: number): Partner | null {
    const where = `partner ${index + 1}`;
    if (node === null || !isMap(node)) {
      this.report(node, `${where} must be a mapping of fields (id, name, token_sha256, …)`);
      return null;
    }
    const before = this.problems.length;
    const fields = new Map<string, { pair: Pair; value: Node | null }>();
    for (const pair of node.items) {
      const key = this.keyName(pair);
      if (!(PARTNER_FIELDS as readonly string[]).includes(key)) {
        this.report(pair.key as Node, `${where}: unknown field ${quoteKey(key)} (fields: ${PARTNER_FIELDS.join(", ")})`);
        continue;
      }
      fields.set(key, { pair, value: pair.value as Node | null });
    }
    for (const required of REQUIRED_FIELDS) {
      if (!fields.has(required)) this.report(node, `${where}: missing field \`${required}\``);
    }
    const field = (name: (typeof PARTNER_FIELDS)[number]) => fields.get(name);

    const id = this.text(field("id"), `${where}: id`, (value) => PARTNER_ID_PATTERN.test(value), "must match [a-z0-9-]{1,40}");
    const label = id !== undefined ? `partner "${id}"` : where;
    const name = this.text(
      field("name"),
      `${label}: name`,
      (value) => value.trim() !== "" && value.length <= DEFINITION_LIMITS.maxNameLength,
      `must be text of 1 to ${DEFINITION_LIMITS.maxNameLength} characters`,
    );
    const hash = this.text(
      field("token_sha256"),
      `${label}: token_sha256`,
      (value) => SHA256_HEX.test(value),
      "must be 64 hexadecimal digits (the SHA-256 of the token)",
    );
    const content = this.text(field("content"), `${label}: content`, (value) => value === "full" || value === "summary", "must be `full` or `summary`");
    const delay = this.integer(field("delay_minutes"), `${label}: delay_minutes`, 0, DEFINITION_LIMITS.maxDelayMinutes);
    const topics = this.list(
      field("topics"),
      `${label}: topics`,
      DEFINITION_LIMITS.maxTopics,
      (value) => parseTopicRule(value),
      "must be `segment/slug` with segment tags, authors, lang or sources (e.g. lang/de)",
    );
    const attribution = this.text(
      field("attribution"),
      `${label}: attribution`,
      (value) => value.trim() !== "" && value.length <= DEFINITION_LIMITS.maxAttributionLength && !/[\r\n]/.test(value),
      `must be one line of 1 to ${DEFINITION_LIMITS.maxAttributionLength} characters`,
    );
    const origins = this.list(
      field("origins"),
      `${label}: origins`,
      DEFINITION_LIMITS.maxOrigins,
      (value) => (isHttpsOrigin(value) ? value : null),
      "must be an exact https origin such as https://www.example.com (no path, no trailing slash)",
    );
    const rpm = field("requests_per_minute")
      ? this.integer(field("requests_per_minute"), `${label}: requests_per_minute`, 1, DEFINITION_LIMITS.maxRequestsPerMinute)
      : null;

    if (this.problems.length > before) return null;
    if (id === undefined || name === undefined || hash === undefined || content === undefined || delay === undefined) return null;
    return {
      id,
      name: name.trim(),
      tokenSha256: hash.toLowerCase(),
      content: content as PartnerContent,
      delayMinutes: delay,
      topics: topics ? dedupe(topics, topicRuleText) : null,
      attribution: attribution?.trim() ?? null,
      origins: origins ? dedupe(origins, (origin) => origin) : null,
      requestsPerMinute: rpm ?? null,
    };
  }

  /** A text field; undefined when absent or wrong (wrong is reported). */
  private text(entry: { pair: Pair; value: Node | null } | undefined, what: string, valid: (value: string) => boolean, rule: string): string | undefined {
    if (!entry) return undefined;
    const { value } = entry;
    if (!isScalar(value) || typeof value.value !== "string") {
      this.report(
        value ?? (entry.pair.key as Node),
        `${what} ${rule}${isScalar(value) && typeof value.value === "number" ? " (quote it to make it text)" : ""}`,
      );
      return undefined;
    }
    if (!valid(value.value)) {
      this.report(value, `${what} ${rule}`);
      return undefined;
    }
    return value.value;
  }

  /** A whole-number field within [min, max]; undefined when absent or wrong (wrong is reported). */
  private integer(entry: { pair: Pair; value: Node | null } | undefined, what: string, min: number, max: number): number | undefined {
    if (!entry) return undefined;
    const { value } = entry;
    if (!isScalar(value) || typeof value.value !== "number" || !Number.isInteger(value.value) || value.value < min || value.value > max) {
      this.report(value ?? (entry.pair.key as Node), `${what} must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return value.value;
  }

  /** A non-empty list of text items, each mapped by `item` (null = invalid); undefined when absent or wrong. */
  private list<T>(
    entry: { pair: Pair; value: Node | null } | undefined,
    what: string,
    max: number,
    item: (value: string) => T | null,
    rule: string,
  ): T[] | undefined {
    if (!entry) return undefined;
    const { value } = entry;
    if (!isSeq(value) || value.items.length === 0) {
      this.report(value ?? (entry.pair.key as Node), `${what} must be a non-empty list (leave the field out for no restriction)`);
      return undefined;
    }
    if (value.items.length > max) {
      this.report(value, `${what}: at most ${max} entries`);
      return undefined;
    }
    const out: T[] = [];
    for (const element of value.items as (Node | null)[]) {
      const mapped = isScalar(element) && typeof element.value === "string" ? item(element.value) : null;
      if (mapped === null) this.report(element ?? value, `${what}: each entry ${rule}`);
      else out.push(mapped);
    }
    return out.length === value.items.length ? out : undefined;
  }

  private keyName(pair: Pair): string {
    return isScalar(pair.key) ? String(pair.key.value) : "";
  }

  private report(node: Node | null | undefined, message: string): void {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ line, column: col, message });
  }
}

function quoteKey(key: string): string {
  return `"${key.length > 40 ? `${key.slice(0, 40)}…` : key}"`;
}

function dedupe<T>(values: readonly T[], identity: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = identity(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
