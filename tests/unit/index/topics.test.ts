import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TopicKind } from "../../../src/index/schema";
import { canonicalTopicSlug, isTopicSlug, topicSlug } from "../../../src/index/topics";
import { checkProperty } from "../../support/seed";

const KINDS: TopicKind[] = ["tags", "authors", "languages", "sources"];

describe("topicSlug", () => {
  it.each([
    ["tags", "Förderung, kommunal", "forderung-kommunal"],
    ["authors", "Thanh Hằng", "thanh-hang"],
    ["languages", "pt-BR", "pt-br"],
    ["sources", "sggp.org.vn", "sggp.org.vn"],
  ] as const)("keeps the readable slug of %s %j", (kind, name, slug) => {
    expect(topicSlug(kind, name)).toBe(slug);
  });

  it.each([
    ["sources", "[::1]"],
    ["sources", `${"a".repeat(60)}.${"b".repeat(60)}.example.com`],
    ["sources", "under_score.example"],
    ["tags", "北朝鮮"],
    ["languages", "x_y"],
  ] as const)("gives %s %j a routable hash slug instead of an unroutable one", (kind, name) => {
    const slug = topicSlug(kind, name);
    expect(slug).toMatch(/^h-[0-9a-f]{12}$/);
    expect(isTopicSlug(slug)).toBe(true);
    expect(topicSlug(kind, ` ${name} `)).toBe(slug);
  });

  it("is empty only for a blank name", () => {
    expect(topicSlug("tags", "  ")).toBe("");
  });

  it("always yields a slug the routes accept, for any name of any kind", () => {
    // Seeded by tests/support/seed.ts: a failure prints the seed and the command that replays it.
    checkProperty(
      fc.property(fc.constantFrom(...KINDS), fc.string({ unit: "grapheme", minLength: 1, maxLength: 150 }), (kind, name) => {
        const slug = topicSlug(kind, name);
        if (name.trim() === "") expect(slug).toBe("");
        else expect(isTopicSlug(slug), `${kind} ${JSON.stringify(name)} -> ${slug}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("isTopicSlug", () => {
  it.each(["energie", "sggp.org.vn", "pt-br", "h-0123456789ab", "a".repeat(100)])("accepts %s", (slug) => {
    expect(isTopicSlug(slug)).toBe(true);
  });

  it.each(["", "-x", ".x", "Energie", "a b", "[::1]", "a".repeat(101), "x/y", "%2e%2e"])("refuses %j", (slug) => {
    expect(isTopicSlug(slug)).toBe(false);
  });
});

describe("canonicalTopicSlug", () => {
  it("drops a leading www. of a source host and lowers the case", () => {
    expect(canonicalTopicSlug("sources", "www.example.es")).toBe("example.es");
    expect(canonicalTopicSlug("sources", "WWW.Example.ES")).toBe("example.es");
    expect(canonicalTopicSlug("sources", "example.es")).toBe("example.es");
  });

  it("leaves other kinds' www. alone", () => {
    expect(canonicalTopicSlug("tags", "www.thema")).toBe("www.thema");
  });
});
