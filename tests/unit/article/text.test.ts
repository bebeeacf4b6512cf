import { describe, expect, it } from "vitest";
import { decodeBody, garbageRatio, normalizeText, tidyLines, truncateAtWord } from "../../../src/article/text";
import { isXmlSafe, stripXmlForbidden } from "../../../src/text/xml";

describe("decodeBody", () => {
  it("strips a UTF-8 byte-order mark from bytes", () => {
    expect(decodeBody(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe("A");
  });
  it("strips a byte-order mark from a string", () => {
    expect(decodeBody("\uFEFFHallo")).toBe("Hallo");
  });
  it("replaces invalid byte sequences of a binary body instead of throwing", () => {
    expect(decodeBody(new Uint8Array([0x4b, 0xe4, 0x6d]))).toBe("K\uFFFDm");
  });
  it("reads a stray byte in otherwise valid UTF-8 text as Windows-1252", () => {
    const bytes = new TextEncoder().encode("Die Kämmerin verwies auf die Zinsen – und „die Tarife“.");
    const latin1 = Uint8Array.from([
      ...new TextEncoder().encode("Die K"),
      0xe4,
      ...new TextEncoder().encode("mmerin verwies auf die Zinsen "),
      0x96,
      0x20,
      0x84,
      0x41,
    ]);
    expect(decodeBody(bytes)).toBe("Die Kämmerin verwies auf die Zinsen – und „die Tarife“.");
    expect(decodeBody(latin1)).toBe("Die Kämmerin verwies auf die Zinsen – „A");
  });
  it("keeps valid multi-byte characters around an invalid byte", () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode("Thành phố Hồ Chí Minh, "), 0xfc, ...new TextEncoder().encode("ber Đà Nẵng")]);
    expect(decodeBody(bytes)).toBe("Thành phố Hồ Chí Minh, über Đà Nẵng");
  });
});

describe("normalizeText", () => {
  it("turns CRLF and lone CR into LF", () => {
    expect(normalizeText("a\r\nb\rc\n")).toBe("a\nb\nc\n");
  });
  it("removes C0 controls except tab and newline (XML 1.0 §2.2)", () => {
    expect(normalizeText("a\u0000b\u0007c\td\u000Be\u001Ff")).toBe("abc\tdef");
  });
  it("removes U+FFFE, U+FFFF and lone surrogates but keeps astral characters", () => {
    expect(normalizeText("x\uFFFEy\uFFFFz\uD800!\uDC00?😀")).toBe("xyz!?😀");
  });
  it("composes decomposed letters (NFC) so labels match", () => {
    expect(normalizeText("Qua\u0309ng ca\u0301o")).toBe("Quảng cáo");
  });
});

describe("tidyLines", () => {
  it("removes trailing and leading blanks and collapses runs of spaces and tabs", () => {
    expect(tidyLines("  a  b\t c   \n\td ")).toBe("a b c\nd");
  });
  it("keeps a single non-breaking space (French typography)", () => {
    expect(tidyLines("Source\u00a0: x")).toBe("Source\u00a0: x");
  });
});

describe("stripXmlForbidden / isXmlSafe", () => {
  it("agree with each other", () => {
    const dirty = "a\u0001\uFFFF\uD83D";
    expect(isXmlSafe(dirty)).toBe(false);
    expect(isXmlSafe(stripXmlForbidden(dirty))).toBe(true);
  });
});

describe("garbageRatio", () => {
  it("is zero for ordinary text and high for binary", () => {
    expect(garbageRatio("Hallo Welt\n")).toBe(0);
    expect(garbageRatio("\u0000\u0001\uFFFD\uFFFDab")).toBeGreaterThan(0.5);
  });
});

describe("truncateAtWord", () => {
  it("leaves short text alone", () => {
    expect(truncateAtWord("kurz", 10)).toBe("kurz");
  });
  it("cuts at a word boundary and appends an ellipsis", () => {
    expect(truncateAtWord("one two three four", 12)).toBe("one two…");
  });
  it("drops a dangling comma before the ellipsis", () => {
    expect(truncateAtWord("alpha, beta gamma delta", 12)).toBe("alpha, beta…");
    expect(truncateAtWord("alpha beta, gamma delta", 13)).toBe("alpha beta…");
  });
  it("never returns more than the limit", () => {
    const out = truncateAtWord("x".repeat(500), 110);
    expect(out.length).toBeLessThanOrEqual(110);
    expect(out.endsWith("…")).toBe(true);
  });
});
