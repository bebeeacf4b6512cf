import { describe, expect, it } from "vitest";
import { authorFields, cdata, type PatchContext, patchAtom, patchRss, TextSlots } from "../../../src/feed/feed-library-fixes";
import { escapeXml, stripXmlForbidden } from "../../../src/text/xml";

/** Reads the text of CDATA sections back as an XML parser would. */
function readCdata(xml: string): string {
  return [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1]).join("");
}

describe("cdata", () => {
  it("keeps any number of ]]> by splitting the section", () => {
    for (const text of ["", "plain", "]]>", "a]]>b]]>c", "]]]]>", "]]>]]>]]>", "x]]", ">"]) {
      const section = cdata(text);
      expect(section.startsWith("<![CDATA[")).toBe(true);
      expect(readCdata(section)).toBe(text);
    }
  });
});

describe("escapeXml", () => {
  it("escapes markup characters, & and < as hexadecimal references", () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe("a &#x26; b &#x3C; c &gt; d &quot;e&quot; 'f'");
    expect(escapeXml("&amp;")).toBe("&#x26;amp;");
  });
});

describe("the shared character rule in feeds", () => {
  it("removes the same characters from feed text as from articles, C1 controls included", () => {
    const slots = new TextSlots();
    const xml = slots.restore(`<title>${slots.text("a\u0000b\u0085c\u009Fd\u007Fe\uFFFEf\uD800g")}</title>`);
    expect(xml).toBe("<title>abcdefg</title>");
    expect(stripXmlForbidden("tab\tlf\ncr\r")).toBe("tab\tlf\ncr\r");
    expect(cdata("x\u0081y")).toBe("<![CDATA[xy]]>");
  });
});

describe("TextSlots", () => {
  it("restores plain text escaped (also out of CDATA) and HTML as CDATA", () => {
    const slots = new TextSlots();
    const text = slots.text("A & <b>]]>");
    const html = slots.html("<p>]]></p>");
    const skeleton = `<t><![CDATA[${text}]]></t><u>${text}</u><c><![CDATA[${html}]]></c>`;
    expect(slots.restore(skeleton)).toBe("<t>A &#x26; &#x3C;b&gt;]]&gt;</t><u>A &#x26; &#x3C;b&gt;]]&gt;</u><c><![CDATA[<p>]]]]><![CDATA[></p>]]></c>");
  });

  it("never confuses article text with a token", () => {
    const slots = new TextSlots();
    const token = slots.text("\u00010\u0002 looks like a token");
    expect(slots.restore(`<t>${token}</t>`)).toBe("<t>0 looks like a token</t>");
  });

  it("fails on an unknown token", () => {
    expect(() => new TextSlots().restore("<t>\u00017\u0002</t>")).toThrow(/unknown text slot/);
  });
});

describe("authorFields", () => {
  it("gives Atom one author per name and RSS one dc:creator per name", () => {
    expect(authorFields("atom", ["A", "B"], "vi")).toEqual({ author: [{ name: "A" }, { name: "B" }] });
    expect(authorFields("atom", [], undefined)).toEqual({});
    expect(authorFields("rss", ["A", "B"], "vi")).toEqual({
      extensions: [
        { name: "dc:creator", objects: [{ _text: "A" }, { _text: "B" }] },
        { name: "dc:language", objects: { _text: "vi" } },
      ],
    });
    expect(authorFields("rss", [], undefined)).toEqual({});
  });
});

describe("patches", () => {
  const context: PatchContext = {
    links: [{ rel: "self", href: "https://x.example/feed", type: "application/rss+xml" }],
    archive: false,
    pubDate: "Wed, 03 Jul 2024 12:00:00 GMT",
    language: "de",
    itemLanguages: [],
    itemImages: [],
  };

  it("fail loudly when the library's output does not look as expected", () => {
    expect(() => patchRss("<rss><channel></channel></rss>", context)).toThrow(/expected 1 × <rss> start tag/);
    expect(() => patchAtom('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', context)).toThrow(/self <link>/);
  });
});
