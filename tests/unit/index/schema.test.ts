import { describe, expect, it } from "vitest";
import { indexKeys, keySegment } from "../../../src/index/schema";

describe("keySegment", () => {
  it("percent-encodes names, and bounds long ones by a readable start and a hash", () => {
    expect(keySegment("a/b c?")).toBe("a%2Fb%20c%3F");
    const long = keySegment("x".repeat(700));
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).toMatch(/^x+@[0-9a-f]{16}$/);
    expect(keySegment("x".repeat(700))).toBe(long);
    expect(keySegment("x".repeat(701))).not.toBe(long);
    // Never cut through a %XX escape.
    const unicode = keySegment("ü".repeat(100));
    expect(unicode.length).toBeLessThanOrEqual(120);
    expect(unicode).toMatch(/^(%C3%BC)+@[0-9a-f]{16}$/);
    // A lone surrogate (encodeURIComponent would throw) becomes U+FFFD.
    expect(keySegment("a\ud800b")).toBe("a%EF%BF%BDb");
  });

  it("keeps every key of a long id or slug near 200 bytes, far below S3's 1,024", () => {
    const keys = indexKeys("some/rather/long/article/prefix/");
    const name = "ü".repeat(2_000);
    for (const key of [keys.article(name), keys.topic("authors", name), keys.tailNode({ kind: "authors", slug: name }, "123")]) {
      expect(new TextEncoder().encode(key).byteLength).toBeLessThanOrEqual(220);
    }
  });
});
