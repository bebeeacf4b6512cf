import { describe, expect, it } from "vitest";
import { itemGuid } from "../../../src/feed/guid";

/** RFC 4151 §2.1 tagURI, with RFC 3986 pchar for the specific part. */
const TAG_URI =
  /^tag:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*,\d{4}(?:-\d{2}(?:-\d{2})?)?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})*$/;

describe("itemGuid", () => {
  it("builds the tag URI of the seed article", () => {
    expect(itemGuid("news.example.com", "000_6851536369dabcad")).toBe("tag:news.example.com,2024:000_6851536369dabcad");
  });

  it("is deterministic", () => {
    expect(itemGuid("news.example.com", "a b")).toBe(itemGuid("news.example.com", "a b"));
  });

  it("lower-cases the authority and drops a trailing dot", () => {
    expect(itemGuid("News.Example.COM.", "x")).toBe("tag:news.example.com,2024:x");
  });

  it("percent-encodes what a specific part may not hold, as UTF-8", () => {
    expect(itemGuid("news.example.com", "002 tricky/ä")).toBe("tag:news.example.com,2024:002%20tricky/%C3%A4");
    expect(itemGuid("news.example.com", 'a#b"c<d>e[f]g\\h^i`j{k|l}m')).toBe("tag:news.example.com,2024:a%23b%22c%3Cd%3Ee%5Bf%5Dg%5Ch%5Ei%60j%7Bk%7Cl%7Dm");
    expect(itemGuid("news.example.com", "tiếng-việt")).toBe("tag:news.example.com,2024:ti%E1%BA%BFng-vi%E1%BB%87t");
  });

  it("keeps the characters RFC 4151 allows and always encodes %", () => {
    expect(itemGuid("news.example.com", "a-._~!$&'()*+,;=:@/?z")).toBe("tag:news.example.com,2024:a-._~!$&'()*+,;=:@/?z");
    // Injective: an id that looks percent-encoded stays distinct from the decoded one.
    expect(itemGuid("news.example.com", "%41")).toBe("tag:news.example.com,2024:%2541");
    expect(itemGuid("news.example.com", "%41")).not.toBe(itemGuid("news.example.com", "A"));
  });

  it("always produces a syntactically valid tag URI", () => {
    for (const id of ["000_6851536369dabcad", "002 tricky/ä", "%%", "emoji 📰", "tab\there", "ü?x=1&y=2#frag"]) {
      expect(itemGuid("news.example.com", id)).toMatch(TAG_URI);
    }
  });

  it("rejects authorities that are not DNS names, and empty ids", () => {
    expect(() => itemGuid("localhost:8787", "x")).toThrow(RangeError);
    expect(() => itemGuid("-bad.example", "x")).toThrow(RangeError);
    expect(() => itemGuid("", "x")).toThrow(RangeError);
    expect(() => itemGuid("news.example.com", "")).toThrow(RangeError);
  });
});
