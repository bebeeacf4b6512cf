import { describe, expect, it } from "vitest";
import { deriveSummary, deriveTitle, firstSentence, parseSignature, parseSourceUrl, TITLE_MAX, titleCase } from "../../../src/article/extract";

describe("parseSignature", () => {
  it("turns KHANH MINH into the author Khanh Minh", () => {
    expect(parseSignature("KHANH MINH")).toEqual(["Khanh Minh"]);
  });
  it("title-cases Vietnamese letters: THANH HẰNG -> Thanh Hằng", () => {
    expect(parseSignature("THANH HẰNG")).toEqual(["Thanh Hằng"]);
  });
  it("splits two authors on ' - '", () => {
    expect(parseSignature("NGUYEN VAN AN - TRAN THI BICH")).toEqual(["Nguyen Van An", "Tran Thi Bich"]);
  });
  it("splits authors on ',' and '&'", () => {
    expect(parseSignature("ANNA BERG, TIM KOCH & LI WEI")).toEqual(["Anna Berg", "Tim Koch", "Li Wei"]);
  });
  it("keeps hyphenated and apostrophe names together", () => {
    expect(parseSignature("JEAN-PIERRE O'NEILL")).toEqual(["Jean-Pierre O'Neill"]);
  });
  it("accepts initials", () => {
    expect(parseSignature("J. R. SMITH")).toEqual(["J. R. Smith"]);
  });
  it("rejects lines with lower-case letters, digits or sentence punctuation", () => {
    expect(parseSignature("Khanh Minh")).toBeNull();
    expect(parseSignature("COVID 19")).toBeNull();
    expect(parseSignature("ENDE.")).toBeNull();
    expect(parseSignature("WAS NUN?")).toBeNull();
  });
  it("rejects long lines", () => {
    expect(parseSignature("EINS ZWEI DREI VIER FÜNF SECHS SIEBEN")).toBeNull();
    expect(parseSignature("A".repeat(61))).toBeNull();
  });
});

describe("titleCase", () => {
  it("handles German sharp s and umlauts without locale", () => {
    expect(titleCase("GRÜNE STRAẞE")).toBe("Grüne Straße");
    expect(titleCase("ÖZIL ÄRGER")).toBe("Özil Ärger");
  });
});

describe("parseSourceUrl", () => {
  it("keeps the query string", () => {
    expect(parseSourceUrl("https://a.example/x?id=1&ref=rss")).toEqual({ url: "https://a.example/x?id=1&ref=rss", host: "a.example" });
  });
  it("drops www. from the host", () => {
    expect(parseSourceUrl("https://www.sggp.org.vn/a.html")?.host).toBe("sggp.org.vn");
  });
  it("strips angle brackets and a trailing full stop", () => {
    expect(parseSourceUrl("<https://a.example/x>")?.url).toBe("https://a.example/x");
    expect(parseSourceUrl("https://a.example/x.html.")?.url).toBe("https://a.example/x.html");
  });
  it("finds the URL after a name", () => {
    expect(parseSourceUrl("Reuters https://reuters.example/x")?.url).toBe("https://reuters.example/x");
  });
  it("rejects non-http schemes and garbage", () => {
    expect(parseSourceUrl("javascript:alert(1)")).toBeNull();
    expect(parseSourceUrl("ftp://a.example/x")).toBeNull();
    expect(parseSourceUrl("dpa")).toBeNull();
    expect(parseSourceUrl("https://")).toBeNull();
  });
});

describe("firstSentence", () => {
  it("stops at the first full stop followed by a capital", () => {
    expect(firstSentence("Eins zwei. Drei vier.")).toBe("Eins zwei.");
  });
  it("does not stop at German ordinals or abbreviations", () => {
    expect(firstSentence("Am 19. Juni kam Dr. Weber z. B. nach Berlin. Danach nicht.")).toBe("Am 19. Juni kam Dr. Weber z. B. nach Berlin.");
  });
  it("stops after a closing quote", () => {
    expect(firstSentence("„Wir kommen.“ Sagte er.")).toBe("„Wir kommen.“");
  });
  it("returns the whole paragraph without a sentence end", () => {
    expect(firstSentence("no end here")).toBe("no end here");
  });
});

describe("deriveTitle", () => {
  it("drops the final full stop", () => {
    expect(deriveTitle("Harbour Bridge reopens. More text.")).toBe("Harbour Bridge reopens");
  });
  it("keeps a question mark", () => {
    expect(deriveTitle("Is it over? Nobody knows.")).toBe("Is it over?");
  });
  it("cuts a long first sentence at a word boundary with an ellipsis", () => {
    const long = `${"Wort ".repeat(60)}Ende.`;
    const title = deriveTitle(long);
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(title).toMatch(/^Wort( Wort)*…$/);
  });
});

describe("deriveSummary", () => {
  it("keeps a short first paragraph whole", () => {
    expect(deriveSummary("Short. Text.")).toBe("Short. Text.");
  });
  it("cuts a long paragraph to at most 300 characters", () => {
    const s = deriveSummary("word ".repeat(200));
    expect(s.length).toBeLessThanOrEqual(300);
    expect(s.endsWith("word…")).toBe(true);
  });
});
