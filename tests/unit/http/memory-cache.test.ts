import { afterEach, describe, expect, it } from "vitest";
import { clearRenderedDocuments, recall, remember } from "../../../src/http/memory-cache";

const headers = new Headers({ "Content-Type": "application/rss+xml; charset=utf-8", ETag: '"x"' });
const megabytes = (n: number) => "x".repeat(Math.round(n * 1024 * 1024));

describe("rendered documents in isolate memory", () => {
  afterEach(() => clearRenderedDocuments());

  it("answers a document while it is fresh, then forgets it", () => {
    remember("https://a.example/rss.xml", "<rss/>", headers, 60, 1_000);
    expect(new TextDecoder().decode(recall("https://a.example/rss.xml", 30_000)?.body)).toBe("<rss/>");
    expect(recall("https://a.example/rss.xml", 61_000)).toBeNull();
  });

  it("keeps nothing when the lifetime is 0", () => {
    remember("https://a.example/rss.xml", "<rss/>", headers, 0);
    expect(recall("https://a.example/rss.xml")).toBeNull();
  });

  it("stays within its memory budget, dropping the oldest documents first", () => {
    for (let i = 0; i < 9; i++) remember(`https://a.example/archive/${i}`, megabytes(1.9), headers, 60);
    expect(recall("https://a.example/archive/0")).toBeNull();
    expect(recall("https://a.example/archive/8")).not.toBeNull();
  });

  it("does not keep a document too large to share the budget", () => {
    remember("https://a.example/archive/huge", megabytes(3), headers, 60);
    expect(recall("https://a.example/archive/huge")).toBeNull();
  });
});
