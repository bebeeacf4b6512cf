import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { FEED_STYLESHEET_XSL } from "../../../src/pages/feed-stylesheet";

describe("FEED_STYLESHEET_XSL", () => {
  it("is well-formed XML", () => {
    expect(XMLValidator.validate(FEED_STYLESHEET_XSL)).toBe(true);
  });

  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(FEED_STYLESHEET_XSL) as {
    "xsl:stylesheet": Record<string, unknown> & { "xsl:template": { "@match"?: string; "@name"?: string }[]; "xsl:output": Record<string, string> };
  };
  const sheet = parsed["xsl:stylesheet"];

  it("is an XSLT 1.0 stylesheet with the feed namespaces", () => {
    expect(sheet["@version"]).toBe("1.0");
    expect(sheet["@xmlns:xsl"]).toBe("http://www.w3.org/1999/XSL/Transform");
    expect(sheet["@xmlns:atom"]).toBe("http://www.w3.org/2005/Atom");
    expect(sheet["@xmlns:dc"]).toBe("http://purl.org/dc/elements/1.1/");
    expect(sheet["@xmlns:content"]).toBe("http://purl.org/rss/1.0/modules/content/");
  });

  it("outputs HTML", () => {
    expect(sheet["xsl:output"]["@method"]).toBe("html");
  });

  it("has templates for RSS 2.0 and Atom 1.0 documents and their items", () => {
    const matches = sheet["xsl:template"].map((t) => t["@match"]).filter(Boolean);
    expect(matches).toEqual(expect.arrayContaining(["/rss", "/atom:feed", "item", "atom:entry"]));
  });

  it("shows the subscribe banner", () => {
    expect(FEED_STYLESHEET_XSL).toContain("This is a web feed.</strong> Copy the URL into your feed reader to subscribe.");
  });

  it("never disables output escaping and uses no XSLT 2.0 or extension functions", () => {
    expect(FEED_STYLESHEET_XSL).not.toContain("disable-output-escaping");
    expect(FEED_STYLESHEET_XSL).not.toMatch(/format-dateTime|replace\(|tokenize\(|exsl:|msxsl:/);
  });

  it("loads nothing from elsewhere", () => {
    expect(FEED_STYLESHEET_XSL).not.toMatch(/<script|<link|@import|xsl:import|xsl:include|document\(/);
  });
});
