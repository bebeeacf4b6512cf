import { describe, expect, it } from "vitest";
import { isLanguageTag, normalizeLanguageTag, primaryLanguage } from "../../../src/text/language";

describe("normalizeLanguageTag (RFC 5646)", () => {
  it.each([
    ["de", "de"],
    ["EN", "en"],
    ["de_DE", "de-DE"],
    ["de-de", "de-DE"],
    [" pt-br ", "pt-BR"],
    ["zh-hant-tw", "zh-Hant-TW"],
    ["sr-Latn-RS", "sr-Latn-RS"],
    ["es-419", "es-419"],
    ["de-CH-1901", "de-CH-1901"],
    ["sl-rozaj-biske", "sl-rozaj-biske"],
    ["zh-yue-HK", "zh-yue-HK"],
    ["en-US-u-ca-gregory", "en-US-u-ca-gregory"],
    ["en-a-bbb-x-a-ccc", "en-a-bbb-x-a-ccc"],
    ["de-x-PHONEBK", "de-x-phonebk"],
    ["haw", "haw"],
  ])("accepts %j as %j", (input, expected) => {
    expect(normalizeLanguageTag(input)).toBe(expected);
  });

  it.each([
    "",
    "not a tag",
    "d",
    "de-",
    "-de",
    "de--DE",
    "123",
    "de-DE-",
    "toolonglanguage",
    "de-abcdefghi",
    "x-klingon",
    "de-1901-1901",
    "en-a-bbb-a-ccc",
    "en-u",
    "de\nDE",
    "de;q=0.5",
  ])("rejects %j", (input) => {
    expect(normalizeLanguageTag(input)).toBeNull();
    expect(isLanguageTag(input)).toBe(false);
  });

  it("is the one rule: the article stage and the feed writer agree", async () => {
    const { languageTag } = await import("../../../src/feed/values");
    for (const value of ["de", "de_DE", "toolonglanguage", "x-klingon", "de-DE-1901", "abcde"]) {
      expect(languageTag(value)).toBe(normalizeLanguageTag(value) ?? undefined);
    }
  });
});

describe("primaryLanguage", () => {
  it("is the lower-case first subtag", () => {
    expect(primaryLanguage("de-AT")).toBe("de");
    expect(primaryLanguage("PT_br")).toBe("pt");
    expect(primaryLanguage("vi")).toBe("vi");
  });
});
