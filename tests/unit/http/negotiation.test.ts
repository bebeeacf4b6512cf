import { describe, expect, it } from "vitest";
import { feedVariant } from "../../../src/http/negotiation";

describe("feedVariant", () => {
  it.each([
    ["Chrome", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"],
    ["Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["Firefox (before 128)", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"],
    ["Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["a client that only wants HTML", "text/html"],
    ["upper case and spaces", "TEXT/HTML ; q=1 , */* ; q=0.1"],
  ])("gives a browser navigation the page: %s", (_client, accept) => {
    expect(feedVariant(accept)).toBe("page");
  });

  it.each([
    [
      "Miniflux (text/html among its feed types, all at 1)",
      "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9",
    ],
    [
      "FreshRSS and other SimplePie readers",
      "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, application/unknown;q=0.1, */*;q=0.1",
    ],
    ["a reader naming RSS first", "application/rss+xml, application/xml;q=0.9"],
    ["a reader naming RSS first, with a fallback", "application/rss+xml, application/xml;q=0.9, */*;q=0.8"],
    ["a JSON Feed reader", "application/feed+json, application/json;q=0.9"],
    ["NetNewsWire, Feedly and curl (anything)", "*/*"],
    ["no Accept header", undefined],
    ["an empty Accept header", ""],
    ["HTML and a feed type at the same weight", "text/html, application/rss+xml"],
    ["HTML refused", "text/html;q=0, */*"],
    ["only a wildcard for text", "text/*"],
    ["garbage", "not a media type;;;,,="],
  ])("gives a feed reader the feed: %s", (_client, accept) => {
    expect(feedVariant(accept)).toBe("feed");
  });

  it("weighs feed types by their most specific range, not by a lower wildcard", () => {
    // text/xml is named at 1 although text/* is 0.1: the feed ties HTML and wins.
    expect(feedVariant("text/html, text/*;q=0.1, text/xml")).toBe("feed");
    // Only a wildcard at 0.5 covers the feed types: HTML at 0.9 wins.
    expect(feedVariant("text/html;q=0.9, */*;q=0.5")).toBe("page");
  });
});
