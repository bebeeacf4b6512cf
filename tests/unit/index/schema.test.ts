import { describe, expect, it } from "vitest";
import { keyName } from "../../../src/index/schema";

describe("keyName", () => {
  it("percent-encodes names, and bounds long ones by a prefix and a hash", () => {
    expect(keyName("a/b c?")).toBe("a%2Fb%20c%3F");
    const long = keyName("x".repeat(700));
    expect(long.length).toBeLessThanOrEqual(160);
    expect(long).toMatch(/^x+~[0-9a-f]{16}$/);
    expect(keyName("x".repeat(700))).toBe(long);
    expect(keyName("x".repeat(701))).not.toBe(long);
    const unicode = keyName("ü".repeat(100));
    expect(unicode.length).toBeLessThanOrEqual(160);
    expect(unicode).toMatch(/^(%C3%BC)+~[0-9a-f]{16}$/);
    expect(keyName("a\ud800b")).toBe("a%EF%BF%BDb");
  });
});
