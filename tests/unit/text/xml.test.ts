import { describe, expect, it } from "vitest";
import { escapeHtml, escapeXml, isXmlSafe, safeUrl, stripXmlForbidden } from "../../../src/text/xml";

describe("stripXmlForbidden / isXmlSafe: one character rule", () => {
  it("removes what XML 1.0 §2.2 forbids: C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone surrogates", () => {
    expect(stripXmlForbidden("a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh")).toBe("abcdefgh");
    expect(stripXmlForbidden("tab\tlf\ncr\r")).toBe("tab\tlf\ncr\r");
    expect(stripXmlForbidden("📰 ok \uD800 lone \uDC00")).toBe("📰 ok  lone ");
  });
  it("also removes DEL and the C1 controls (discouraged by §2.2, mojibake in news text)", () => {
    expect(stripXmlForbidden("a\u007Fb\u0080c\u0085d\u009Fe")).toBe("abcde");
    expect(isXmlSafe("\u0085")).toBe(false);
  });
  it("keeps everything else, including U+00A0 and astral characters", () => {
    const text = "Müller\u00a0„Zitat“ — 北朝鮮 😀 \uE000 \uFFFD";
    expect(stripXmlForbidden(text)).toBe(text);
    expect(isXmlSafe(text)).toBe(true);
  });
});

describe("escapeHtml", () => {
  it("escapes the five special characters and existing entities again", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });
});

describe("escapeXml", () => {
  it("writes & and < as hexadecimal references and removes forbidden characters", () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe("a &#x26; b &#x3C; c &gt; d &quot;e&quot; 'f'");
    expect(escapeXml("x\u0001\u0086y")).toBe("xy");
  });
});

describe("safeUrl", () => {
  it("keeps http(s) and root-relative links and replaces anything else", () => {
    expect(safeUrl("https://a.example/?q=1")).toBe("https://a.example/?q=1");
    expect(safeUrl("/articles/x")).toBe("/articles/x");
    expect(safeUrl("javascript:alert(1)")).toBe("#");
    expect(safeUrl("//evil.example/")).toBe("#");
  });
});
