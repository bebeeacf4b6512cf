import { describe, expect, it } from "vitest";
import { decodeArticleRecord, decodeHead, decodeLegacyHead, decodeTopic, isArticle, nodeDecoder } from "../../../src/index/codec";
import { INDEX_VERSION } from "../../../src/index/schema";
import { GERMAN } from "../feed/fixtures";

const head = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: INDEX_VERSION,
    builtAt: "2026-11-30T10:00:00.000Z",
    complete: true,
    defaultLanguage: "en",
    items: [GERMAN],
    more: [],
    tail: 0,
    catalog: { tags: [{ slug: "energie", name: "Energie", total: 1, updated: GERMAN.updated }], authors: [], languages: [], sources: [] },
    months: [{ month: "2024-06", total: 1, newestPage: "1", oldestPage: "1" }],
    ...overrides,
  });

describe("index decoders check every field a renderer trusts", () => {
  it("accept what the index writes", () => {
    expect(decodeHead(head()).ok).toBe(true);
    expect(decodeArticleRecord(JSON.stringify({ version: INDEX_VERSION, article: GERMAN, claimants: [] })).ok).toBe(true);
    const corrected = { ...GERMAN, withdrawn: { reason: null }, correction: { text: "Fixed.", date: "2024-06-20T09:00:00.000Z" } };
    expect(decodeArticleRecord(JSON.stringify({ version: INDEX_VERSION, article: corrected, claimants: [] })).ok).toBe(true);
    expect(nodeDecoder(isArticle)(JSON.stringify({ version: INDEX_VERSION, type: "leaf", entries: [["k", GERMAN]] })).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["an author that is not a string", { authors: [1] }],
    ["a missing summary", { summary: undefined }],
    ["a published date that is not a date", { published: "yesterday" }],
    ["a source URL of the wrong type", { sourceUrl: 5 }],
    ["an empty id", { id: "" }],
    ["a draft flag that is not a boolean", { draft: "no" }],
    ["an image alt text that is not a string", { imageAlt: 3 }],
    ["a withdrawal without an object", { withdrawn: true }],
    ["a correction without text", { correction: { date: null } }],
    ["a correction dated with a non-date", { correction: { text: "x", date: "soon" } }],
  ])("refuse an item with %s", (_, change) => {
    expect(decodeHead(head({ items: [{ ...GERMAN, ...change }] })).ok).toBe(false);
    expect(nodeDecoder(isArticle)(JSON.stringify({ version: INDEX_VERSION, type: "leaf", entries: [["k", { ...GERMAN, ...change }]] })).ok).toBe(false);
  });

  it("refuse a catalog entry or month of the wrong shape", () => {
    const badCatalog = { tags: [{ slug: "x", name: "X", total: "1", updated: GERMAN.updated }], authors: [], languages: [], sources: [] };
    expect(decodeHead(head({ catalog: badCatalog })).ok).toBe(false);
    expect(decodeHead(head({ months: [{ month: "2024-06", total: 1 }] })).ok).toBe(false);
  });

  it("refuse a topic of an unknown kind, truncated JSON and another version", () => {
    expect(decodeTopic(JSON.stringify({ version: INDEX_VERSION, kind: "colours", slug: "x", name: "X", updated: "", items: [], more: [], tail: 0 })).ok).toBe(
      false,
    );
    expect(decodeHead(head().slice(0, 40)).ok).toBe(false);
    expect(decodeHead(head({ version: INDEX_VERSION + 99 })).ok).toBe(false);
  });

  it("read the head of the older layout only as such (versions 1 to 3), for upgrades, with the fields it lacked set to none", () => {
    const legacy = {
      version: 3,
      builtAt: "2026-11-30T10:00:00.000Z",
      items: [GERMAN],
      catalog: { tags: [], authors: [], languages: [], sources: [] },
      months: [],
    };
    expect(decodeLegacyHead(JSON.stringify(legacy)).ok).toBe(true);
    const { imageAlt: _alt, withdrawn: _withdrawn, correction: _correction, ...older } = GERMAN;
    const decoded = decodeLegacyHead(JSON.stringify({ ...legacy, version: 1, items: [older] }));
    expect(decoded.ok && decoded.value.items[0]).toMatchObject({ imageAlt: null, withdrawn: null, correction: null });
    expect(decodeLegacyHead(JSON.stringify({ ...legacy, version: INDEX_VERSION })).ok).toBe(false);
    expect(decodeHead(JSON.stringify(legacy)).ok).toBe(false);
  });
});
