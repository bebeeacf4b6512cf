import { describe, expect, it } from "vitest";
import { hasPlaceholder, matchCommentCounter, matchSourceLine, removePlaceholders, splitTrailer } from "../../../src/article/clean";

describe("removePlaceholders", () => {
  it("removes a whole-line placeholder, leaving an empty line", () => {
    expect(removePlaceholders("[Anzeige_2]")).toBe("");
  });
  it("removes an inline ad placeholder without leaving a double space", () => {
    expect(removePlaceholders("Die Bahn [Anzeige_2] fährt.")).toBe("Die Bahn fährt.");
  });
  it("removes a placeholder before punctuation without leaving a space before it", () => {
    expect(removePlaceholders("predicted, [ad_2] which")).toBe("predicted, which");
    expect(removePlaceholders("Ende [ad_1].")).toBe("Ende.");
  });
  it("removes placeholders at the start and end of a line", () => {
    expect(removePlaceholders("[ad_1] Text here [ad_2]")).toBe("Text here");
  });
  it("removes placeholders in any script and with multi-word labels", () => {
    expect(removePlaceholders("Xe [Quảng cáo_2] mới")).toBe("Xe mới");
    expect(removePlaceholders("a [Publicité_1] b [Anuncio_3] c [Advertisement_14] d [Werbung_1] e")).toBe("a b c d e");
  });
  it("removes adjacent placeholders without double spaces", () => {
    expect(removePlaceholders("a [ad_1] [ad_2] b")).toBe("a b");
    expect(removePlaceholders("a[ad_1][ad_2]b")).toBe("a b");
  });
  it("keeps a space when the placeholder was glued to one word only", () => {
    expect(removePlaceholders("word[ad_1] next")).toBe("word next");
  });
  it("reports each label it removes", () => {
    const labels: string[] = [];
    removePlaceholders("[Anzeige_1] x [Quảng cáo_22]", (l) => labels.push(l));
    expect(labels).toEqual(["Anzeige", "Quảng cáo"]);
  });
  it("leaves footnotes and other brackets alone", () => {
    expect(removePlaceholders("See [1] and [note] and [_1] and [a_b]")).toBe("See [1] and [note] and [_1] and [a_b]");
  });
});

describe("hasPlaceholder", () => {
  it("finds placeholders and nothing else", () => {
    expect(hasPlaceholder("x [ad_1] y")).toBe(true);
    expect(hasPlaceholder("x [ad] y [1]")).toBe(false);
  });
});

describe("matchSourceLine", () => {
  it("recognises source labels in several languages", () => {
    expect(matchSourceLine("Quelle: https://a.de/x")?.languages).toEqual(["de"]);
    expect(matchSourceLine("Nguồn: https://a.vn/x")?.languages).toEqual(["vi"]);
    expect(matchSourceLine("Fuente: https://a.es/x")?.languages).toEqual(["es"]);
  });
  it("tells French spacing (Source :) from English (Source:)", () => {
    expect(matchSourceLine("Source : https://a.fr/x")?.languages).toEqual(["fr"]);
    expect(matchSourceLine("Source\u00a0: https://a.fr/x")?.languages).toEqual(["fr"]);
    expect(matchSourceLine("Source: https://a.com/x")?.languages).toEqual(["en"]);
  });
  it("ignores body sentences with a colon", () => {
    expect(matchSourceLine("Update: the council voted")).toBeNull();
  });
});

describe("matchCommentCounter", () => {
  it("recognises comment counters in several languages", () => {
    expect(matchCommentCounter("Kommentar (0)")).toEqual(["de"]);
    expect(matchCommentCounter("Comment (12)")).toEqual(["en"]);
    expect(matchCommentCounter("Bình luận (0)")).toEqual(["vi"]);
    expect(matchCommentCounter("Commentaire (0)")).toEqual(["fr"]);
    expect(matchCommentCounter("Comentario (3)")).toEqual(["es"]);
  });
  it("does not take a sentence ending in a number in brackets", () => {
    expect(matchCommentCounter("Der Rat tagt morgen (3)")).toBeNull();
  });
});

describe("splitTrailer", () => {
  it("splits the seed-shaped trailer off the body", () => {
    const r = splitTrailer(["Body one.", "Body two.", "KHANH MINH", "[Anzeige_2]", "Quelle: https://x.vn/a", "Kommentar (0)"]);
    expect(r.body).toEqual(["Body one.", "Body two.", "KHANH MINH"]);
    expect(r.source).toEqual({ label: "Quelle", value: "https://x.vn/a" });
    expect(r.votes.best("en")).toBe("de");
  });
  it("keeps a body sentence ending in (3)", () => {
    const r = splitTrailer(["Intro.", "Gemeint ist Absatz (3)"]);
    expect(r.body).toEqual(["Intro.", "Gemeint ist Absatz (3)"]);
  });
  it("keeps a comment counter that is not in the trailer", () => {
    const r = splitTrailer(["Comment (12)", "A real paragraph follows."]);
    expect(r.body).toEqual(["Comment (12)", "A real paragraph follows."]);
  });
  it("removes placeholders at the top and in the middle, and drops the lines they leave empty", () => {
    const r = splitTrailer(["[ad_1]", "One [ad_2] two.", "[ad_3]", "Three."]);
    expect(r.body).toEqual(["One two.", "Three."]);
  });
  it("counts trailer votes separately from body placeholders", () => {
    const r = splitTrailer(["Text [Anzeige_1] more.", "End."]);
    expect(r.votes.best("en")).toBeNull();
    expect(r.bodyVotes.best("en")).toBe("de");
  });
  it("takes the first source line when there are several", () => {
    const r = splitTrailer(["Body.", "Source: https://a.com/1", "Source: https://b.com/2"]);
    expect(r.source?.value).toBe("https://a.com/1");
  });
});
