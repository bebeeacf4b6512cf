import { describe, expect, it } from "vitest";
import { cacheKey, purgeKeys } from "../../../src/app/cache-keys";
import { opaqueValue, requestedDeltaBases } from "../../../src/http/delta";

const headers = (values: Record<string, string>) => new Headers(values);

describe("requestedDeltaBases", () => {
  it.each<[Record<string, string>, string[] | null]>([
    [{ "A-IM": "feed", "If-None-Match": '"abc"' }, ['"abc"']],
    [{ "A-IM": "gzip, FEED;q=0.5", "If-None-Match": 'W/"abc", "def"' }, ['"abc"', '"def"']],
    [{ "A-IM": "feed;q=0", "If-None-Match": '"abc"' }, null],
    [{ "A-IM": "vcdiff", "If-None-Match": '"abc"' }, null],
    [{ "A-IM": "feed" }, null],
    [{ "If-None-Match": '"abc"' }, null],
    [{ "A-IM": "feed", "If-None-Match": "*" }, null],
    [{ "A-IM": "feed", "If-None-Match": '"a", "b", "c", "d", "e", "a"' }, ['"a"', '"b"', '"c"', '"d"']],
  ])("%j -> %j", (values, expected) => {
    expect(requestedDeltaBases(headers(values))).toEqual(expected);
  });

  it("files versions by the opaque value, weak or strong", () => {
    expect(opaqueValue('W/"abc"')).toBe("abc");
    expect(opaqueValue('"abc"')).toBe("abc");
  });
});

describe("version record keys", () => {
  it("are apart from the document's keys and not purged with them", () => {
    const url = "https://news.example.com/rss.xml?limit=5&utm_source=x";
    const key = cacheKey(url, { significantParams: ["limit"], variant: "reader", version: "abc" });
    expect(key).toBe("https://news.example.com/rss.xml?limit=5&__version=abc");
    expect(purgeKeys(url)).not.toContain(key);
  });
});
