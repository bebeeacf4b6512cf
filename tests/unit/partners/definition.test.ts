import { describe, expect, it } from "vitest";
import {
  type DefinitionResult,
  formatProblems,
  type PartnerDefinition,
  parsePartnerDefinition,
  parseTopicRule,
  partnerFingerprint,
  serializeDefinition,
} from "../../../src/partners/definition";

const HASH_A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const HASH_B = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

const EXAMPLE = `# Partner feeds
partners:
  - id: nordkurier                # a comment
    name: Nordkurier
    token_sha256: ${HASH_A}
    content: full
    delay_minutes: 0
    topics: [lang/de, tags/wirtschaft]
    attribution: "Mit freundlicher Genehmigung von News"
    origins: [https://www.nordkurier.example]
    requests_per_minute: 120
  - id: radio-7
    name: Radio 7
    token_sha256: ${HASH_B.toUpperCase()}
    content: summary
    delay_minutes: 30
`;

function definitionOf(result: DefinitionResult): PartnerDefinition {
  if (!result.ok) throw new Error(formatProblems(result.problems).join("\n"));
  return result.definition;
}

/** The problems of `text`, as `line: message` strings. */
function problems(text: string): string[] {
  const result = parsePartnerDefinition(text);
  if (result.ok) throw new Error("expected the definition to be invalid");
  return result.problems.map((problem) => `${problem.line}: ${problem.message}`);
}

/** One partner entry with `fields` replacing or adding lines (null removes a field). */
function partnerYaml(fields: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = { id: "p1", name: "P One", token_sha256: HASH_A, content: "full", delay_minutes: "0", ...fields };
  const lines = Object.entries(base)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([key, value], index) => `${index === 0 ? "  - " : "    "}${key}: ${value}`);
  return `partners:\n${lines.join("\n")}\n`;
}

describe("parsePartnerDefinition", () => {
  it("reads the example of the format with every field", () => {
    const { partners } = definitionOf(parsePartnerDefinition(EXAMPLE));
    expect(partners).toEqual([
      {
        id: "nordkurier",
        name: "Nordkurier",
        tokenSha256: HASH_A,
        content: "full",
        delayMinutes: 0,
        topics: [
          { kind: "languages", slug: "de" },
          { kind: "tags", slug: "wirtschaft" },
        ],
        attribution: "Mit freundlicher Genehmigung von News",
        origins: ["https://www.nordkurier.example"],
        requestsPerMinute: 120,
      },
      {
        id: "radio-7",
        name: "Radio 7",
        tokenSha256: HASH_B,
        content: "summary",
        delayMinutes: 30,
        topics: null,
        attribution: null,
        origins: null,
        requestsPerMinute: null,
      },
    ]);
  });

  it("takes an empty list, and `partners:` without a value, as no partners", () => {
    expect(definitionOf(parsePartnerDefinition("partners: []\n")).partners).toEqual([]);
    expect(definitionOf(parsePartnerDefinition("partners:\n")).partners).toEqual([]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problems(`partners:\n  - id: a\n    name: [unclosed\n`)[0]).toMatch(/^\d: /);
    expect(problems(`partners:\n  - id: a\n    id: b\n`)).toEqual(["3: Map keys must be unique"]);
  });

  it("reports each wrong field with the line it is on", () => {
    expect(problems(partnerYaml({ id: "Nord_Kurier" }))).toEqual(["2: partner 1: id must match [a-z0-9-]{1,40}"]);
    expect(problems(partnerYaml({ id: "a".repeat(41) }))).toEqual(["2: partner 1: id must match [a-z0-9-]{1,40}"]);
    expect(problems(partnerYaml({ id: "123" }))).toEqual(["2: partner 1: id must match [a-z0-9-]{1,40} (quote it to make it text)"]);
    expect(problems(partnerYaml({ name: '""' }))).toEqual(['3: partner "p1": name must be text of 1 to 200 characters']);
    expect(problems(partnerYaml({ token_sha256: "abc" }))).toEqual(['4: partner "p1": token_sha256 must be 64 hexadecimal digits (the SHA-256 of the token)']);
    expect(problems(partnerYaml({ content: "teaser" }))).toEqual(['5: partner "p1": content must be `full` or `summary`']);
    expect(problems(partnerYaml({ delay_minutes: "-5" }))).toEqual(['6: partner "p1": delay_minutes must be a whole number from 0 to 525600']);
    expect(problems(partnerYaml({ delay_minutes: "2.5" }))).toEqual(['6: partner "p1": delay_minutes must be a whole number from 0 to 525600']);
    expect(problems(partnerYaml({ delay_minutes: '"30"' }))).toEqual(['6: partner "p1": delay_minutes must be a whole number from 0 to 525600']);
    expect(problems(partnerYaml({ topics: "[lang/de, topics/x]" }))).toEqual([
      '7: partner "p1": topics: each entry must be `segment/slug` with segment tags, authors, lang or sources (e.g. lang/de)',
    ]);
    expect(problems(partnerYaml({ topics: "[Tags/Wirtschaft]" }))).toHaveLength(1);
    expect(problems(partnerYaml({ topics: "[]" }))).toEqual(['7: partner "p1": topics must be a non-empty list (leave the field out for no restriction)']);
    expect(problems(partnerYaml({ attribution: "''" }))).toEqual(['7: partner "p1": attribution must be one line of 1 to 500 characters']);
    expect(problems(partnerYaml({ requests_per_minute: "0" }))).toEqual(['7: partner "p1": requests_per_minute must be a whole number from 1 to 1000000']);
    expect(problems(partnerYaml({ requests_per_minute: "ten" }))).toHaveLength(1);
  });

  it("accepts only exact https origins", () => {
    for (const origin of [
      "http://www.example.com",
      "https://www.example.com/",
      "https://www.example.com/widget",
      "https://WWW.example.com",
      "*",
      "https://www.example.com:443",
    ]) {
      expect(problems(partnerYaml({ origins: `["${origin}"]` })), origin).toHaveLength(1);
    }
    expect(definitionOf(parsePartnerDefinition(partnerYaml({ origins: "[https://a.example, 'https://b.example:8443']" }))).partners[0]?.origins).toEqual([
      "https://a.example",
      "https://b.example:8443",
    ]);
  });

  it("refuses missing and unknown fields, so that a typo never opens a feed on other terms", () => {
    expect(problems(partnerYaml({ content: null }))).toEqual(["2: partner 1: missing field `content`"]);
    expect(problems(partnerYaml({ contnet: "summary" }))).toEqual([
      '7: partner 1: unknown field "contnet" (fields: id, name, token_sha256, content, delay_minutes, topics, attribution, origins, requests_per_minute)',
    ]);
    expect(problems(`partners: []\nextra: 1\n`)).toEqual(['2: unknown key "extra" (only `partners` belongs at the top)']);
    expect(problems(`- id: a\n`)).toEqual(["1: expected a mapping with a `partners:` list at the top"]);
    expect(problems(``)).toEqual(["1: expected a mapping with a `partners:` list at the top"]);
    expect(problems(`partners: nobody\n`)).toEqual(["1: `partners` must be a list (`- id: …` entries)"]);
  });

  it("refuses two partners with one id or one token", () => {
    const twice = `${partnerYaml()}${partnerYaml({ token_sha256: HASH_B }).replace("partners:\n", "")}`;
    expect(problems(twice)).toEqual(['7: id "p1" is used by partner 1 already']);
    const sameToken = `${partnerYaml()}${partnerYaml({ id: "p2" }).replace("partners:\n", "")}`;
    expect(problems(sameToken)).toEqual(["7: token_sha256 is the same as partner 1's: every partner needs a token of its own"]);
  });

  it("formats problems the way compilers do", () => {
    const result = parsePartnerDefinition(partnerYaml({ content: "teaser" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatProblems(result.problems)).toEqual(['_partners.yaml:5:14: partner "p1": content must be `full` or `summary`']);
  });
});

describe("serializeDefinition", () => {
  it("writes JSON that reads back to the same definition", () => {
    const definition = definitionOf(parsePartnerDefinition(EXAMPLE));
    expect(definitionOf(parsePartnerDefinition(serializeDefinition(definition)))).toEqual(definition);
  });
});

describe("partnerFingerprint", () => {
  it("changes with the terms and with the token hash", () => {
    const [partner] = definitionOf(parsePartnerDefinition(EXAMPLE)).partners;
    if (!partner) throw new Error("no partner");
    const fingerprint = partnerFingerprint(partner);
    expect(partnerFingerprint({ ...partner })).toBe(fingerprint);
    expect(partnerFingerprint({ ...partner, tokenSha256: HASH_B })).not.toBe(fingerprint);
    expect(partnerFingerprint({ ...partner, content: "summary" })).not.toBe(fingerprint);
    expect(partnerFingerprint({ ...partner, delayMinutes: 1 })).not.toBe(fingerprint);
    expect(fingerprint).not.toContain(HASH_A);
  });
});

describe("parseTopicRule", () => {
  it("knows every segment of the topic-kind table", () => {
    expect(parseTopicRule("tags/energie")).toEqual({ kind: "tags", slug: "energie" });
    expect(parseTopicRule("authors/thanh-hang")).toEqual({ kind: "authors", slug: "thanh-hang" });
    expect(parseTopicRule("lang/de")).toEqual({ kind: "languages", slug: "de" });
    expect(parseTopicRule("sources/sggp.org.vn")).toEqual({ kind: "sources", slug: "sggp.org.vn" });
    expect(parseTopicRule("sources/www.example.es")).toEqual({ kind: "sources", slug: "example.es" });
    expect(parseTopicRule("languages/de")).toBeNull();
    expect(parseTopicRule("tags/Energie")).toBeNull();
    expect(parseTopicRule("tags/")).toBeNull();
    expect(parseTopicRule("tags/a/b")).toBeNull();
  });
});
