import { describe, expect, it } from "vitest";
import { decodeArticlePage, decodeHead, decodeTopicPage } from "../../../src/index/codec";
import { INDEX_VERSION } from "../../../src/index/schema";
import { GERMAN } from "../feed/fixtures";

const head = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: INDEX_VERSION,
    builtAt: "2026-11-30T10:00:00.000Z",
    items: [GERMAN],
    catalog: { tags: [{ slug: "energie", name: "Energie", count: 1, updated: GERMAN.updated }], authors: [], languages: [], sources: [] },
    months: [{ month: "2024-06", count: 1 }],
    ...overrides,
  });

describe("index decoders check every field a renderer trusts", () => {
  it("accept what the rebuild writes", () => {
    expect(decodeHead(head()).ok).toBe(true);
    expect(decodeArticlePage(JSON.stringify({ version: INDEX_VERSION, article: GERMAN })).ok).toBe(true);
    const corrected = { ...GERMAN, withdrawn: { reason: null }, correction: { text: "Fixed.", date: "2024-06-20T09:00:00.000Z" } };
    expect(decodeArticlePage(JSON.stringify({ version: INDEX_VERSION, article: corrected })).ok).toBe(true);
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
    const decoded = decodeHead(head({ items: [{ ...GERMAN, ...change }] }));
    expect(decoded.ok).toBe(false);
  });

  it("refuse a catalog entry or month count of the wrong shape", () => {
    const badCatalog = { tags: [{ slug: "x", name: "X", count: "1", updated: GERMAN.updated }], authors: [], languages: [], sources: [] };
    expect(decodeHead(head({ catalog: badCatalog })).ok).toBe(false);
    expect(decodeHead(head({ months: [{ month: "June", count: 1 }] })).ok).toBe(false);
  });

  it("refuse a topic page of an unknown kind, truncated JSON and another version", () => {
    expect(decodeTopicPage(JSON.stringify({ version: INDEX_VERSION, kind: "colours", slug: "x", name: "X", items: [] })).ok).toBe(false);
    expect(decodeHead(head().slice(0, 40)).ok).toBe(false);
    expect(decodeHead(head({ version: INDEX_VERSION + 99 })).ok).toBe(false);
  });
});
