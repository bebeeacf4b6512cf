import { describe, expect, it } from "vitest";
import { hasTag, stripTags } from "../../../src/text/markup";

describe("stripTags", () => {
  it("drops tags and keeps the text between them", () => {
    expect(stripTags('Firma <script>alert("x")</script> & Co. abgewiesen')).toBe('Firma alert("x") & Co. abgewiesen');
    expect(stripTags("<b>Fett</b> und <i class='x'>kursiv</i>")).toBe("Fett und kursiv");
    expect(stripTags('Bild <img src=x onerror="alert(1)"> hier')).toBe("Bild  hier");
  });
  it("drops comments, CDATA sections, doctypes and processing instructions, as an HTML tokenizer would", () => {
    expect(stripTags("a<!-- c -->b<![CDATA[c]]>d<!DOCTYPE html>e<?xml version='1.0'?>f")).toBe("abdef");
  });
  it("keeps comparisons, ampersands and arrows that are not tags", () => {
    for (const text of ["2 < 3", "3 > 2", "a <= b", "x < 10 && y > 5", "Tom & Jerry", "<3", "<- zurück", "a <b", "1<2>0"]) {
      expect(stripTags(text)).toBe(text);
      expect(hasTag(text)).toBe(false);
    }
  });
  it("reaches a fixed point when removing one tag joins another", () => {
    expect(stripTags("<<b>script>alert(1)<</b>/script>")).toBe("alert(1)");
    expect(hasTag(stripTags(`${"<".repeat(50) + "b>".repeat(50)}x`))).toBe(false);
  });
  it("ends on deep nesting (a bounded number of rounds, then the last resort)", () => {
    // Quadratic removal would take minutes here; the test's timeout is the bound.
    const deep = `${"<".repeat(20_000) + "i>".repeat(20_000)}text`;
    const out = stripTags(deep);
    expect(hasTag(out)).toBe(false);
    expect(out.endsWith("text")).toBe(true);
  });
});
