import { describe, expect, it } from "vitest";
import { parseYamlSubset, splitFrontMatter } from "../../../src/article/front-matter";

const fm = (yaml: string) => splitFrontMatter(`---\n${yaml}\n---\nBody line`);

describe("splitFrontMatter", () => {
  it("returns the whole text as body when there is no front matter", () => {
    const r = splitFrontMatter("Just text\n---\nmore");
    expect(r.frontMatter).toBeNull();
    expect(r.body).toBe("Just text\n---\nmore");
  });
  it("only recognises a block at the very top", () => {
    expect(splitFrontMatter("\n---\ntitle: x\n---\n").frontMatter).toBeNull();
  });
  it("treats an unclosed block as text, with a warning", () => {
    const r = splitFrontMatter("---\ntitle: x\nbody");
    expect(r.frontMatter).toBeNull();
    expect(r.warnings[0]).toMatch(/never closed/);
  });
  it("returns the body after the closing line", () => {
    expect(fm("title: x").body).toBe("Body line");
  });
  it("reads plain, double- and single-quoted strings", () => {
    expect(fm("title: Plain: with colon").frontMatter?.title).toBe("Plain: with colon");
    expect(fm('title: "Say \\"hi\\" \\u00e4"').frontMatter?.title).toBe('Say "hi" ä');
    expect(fm("title: 'It''s # not a comment'").frontMatter?.title).toBe("It's # not a comment");
  });
  it("strips comments after plain values and on their own lines", () => {
    const r = fm("# leading comment\ntitle: Hello # trailing\nid: a#b");
    expect(r.frontMatter?.title).toBe("Hello");
    expect(r.frontMatter?.id).toBe("a#b");
  });
  it("reads flow lists with quoted commas", () => {
    expect(fm('tags: [a, "b, c", d]').frontMatter?.tags).toEqual(["a", "b, c", "d"]);
  });
  it("reads block lists", () => {
    expect(fm("author:\n  - Anna Schmidt\n  - Jonas Weber").frontMatter?.author).toEqual(["Anna Schmidt", "Jonas Weber"]);
  });
  it("reads a comma list of tags", () => {
    expect(fm("tags: Wirtschaft, Hafen ,").frontMatter?.tags).toEqual(["Wirtschaft", "Hafen"]);
  });
  it("keeps a single author string whole", () => {
    expect(fm("author: Redaktion Wirtschaft").frontMatter?.author).toEqual(["Redaktion Wirtschaft"]);
  });
  it("reads booleans, including yes/no for draft", () => {
    expect(fm("draft: true").frontMatter?.draft).toBe(true);
    expect(fm("draft: false").frontMatter?.draft).toBe(false);
    expect(fm("draft: yes").frontMatter?.draft).toBe(true);
  });
  it("warns about a draft value that is not a boolean", () => {
    const r = fm("draft: maybe");
    expect(r.frontMatter?.draft).toBeUndefined();
    expect(r.warnings.join()).toMatch(/draft/);
  });
  it("reads folded and literal block scalars", () => {
    expect(fm("summary: >\n  one\n  two\nid: x").frontMatter).toMatchObject({ summary: "one two", id: "x" });
    expect(fm("summary: |\n  one\n  two").frontMatter?.summary).toBe("one\ntwo");
  });
  it("keeps dates and numbers as strings", () => {
    expect(fm("date: 2024-06-19\nid: 123").frontMatter).toMatchObject({ date: "2024-06-19", id: "123" });
  });
  it("warns about unknown keys and lines it does not understand", () => {
    const r = fm("colour: red\njust words");
    expect(r.warnings.join("\n")).toMatch(/unknown key "colour"/);
    expect(r.warnings.join("\n")).toMatch(/not understood/);
  });
  it("warns when a single-valued key gets a list", () => {
    const r = fm("title: [a, b]");
    expect(r.frontMatter?.title).toBeUndefined();
    expect(r.warnings.join()).toMatch(/title/);
  });
});

describe("parseYamlSubset", () => {
  it("does not throw on broken quoting or escapes", () => {
    const warnings: string[] = [];
    const map = parseYamlSubset(['a: "unterminated', "b: 'also", 'c: "\\uZZZZ \\U99999999"', "d: [x, y"], warnings);
    expect(map.get("a")).toBe("unterminated");
    expect(map.get("d")).toEqual(["x", "y"]);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
  });
  it("lets the last duplicate key win, with a warning", () => {
    const warnings: string[] = [];
    expect(parseYamlSubset(["a: 1", "a: 2"], warnings).get("a")).toBe("2");
    expect(warnings[0]).toMatch(/duplicate/);
  });
  it("reads null values", () => {
    const map = parseYamlSubset(["a: ~", "b: null", "c:"], []);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([null, null, null]);
  });
});
