import { describe, expect, it } from "vitest";
import type { FrontMatter, FrontMatterSplit } from "../../../src/article/front-matter";
import { MAX_FRONT_MATTER_BYTES, splitFrontMatter } from "../../../src/article/front-matter";

type Read = Extract<FrontMatterSplit, { ok: true }>;

/** Splits a text that must be readable. */
function read(text: string): Read {
  const r = splitFrontMatter(text);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}
const yaml = (block: string): Read => read(`---\n${block}\n---\nBody line`);
const toml = (block: string): Read => read(`+++\n${block}\n+++\nBody line`);
const fmOf = (r: Read): FrontMatter => r.frontMatter ?? {};
/** The reason a text is refused. */
function refused(text: string): string {
  const r = splitFrontMatter(text);
  if (r.ok) throw new Error("expected the front matter to be refused");
  return r.reason;
}

describe("splitFrontMatter: the block", () => {
  it("returns the whole text as body when there is no front matter", () => {
    const r = read("Just text\n---\nmore");
    expect(r.frontMatter).toBeNull();
    expect(r.body).toBe("Just text\n---\nmore");
  });
  it("only recognises a block at the very top", () => {
    expect(read("\n---\ntitle: x\n---\n").frontMatter).toBeNull();
  });
  it("treats an unclosed block as text, with a warning", () => {
    const r = read("---\ntitle: x\nbody");
    expect(r.frontMatter).toBeNull();
    expect(r.body).toBe("---\ntitle: x\nbody");
    expect(r.warnings[0]).toMatch(/never closed/);
  });
  it("returns the body after the closing line, which may also be ...", () => {
    expect(yaml("title: x").body).toBe("Body line");
    expect(read("---\ntitle: x\n...\nBody").body).toBe("Body");
  });
  it("reads an empty block as no front matter", () => {
    expect(read("---\n---\nBody").frontMatter).toBeNull();
    expect(read("+++\n+++\nBody").frontMatter).toBeNull();
  });
});

describe("splitFrontMatter: YAML", () => {
  it("reads plain, double- and single-quoted strings", () => {
    expect(fmOf(yaml('title: "Plain: with colon"')).title).toBe("Plain: with colon");
    expect(fmOf(yaml('title: "Say \\"hi\\" \\u00e4"')).title).toBe('Say "hi" ä');
    expect(fmOf(yaml("title: 'It''s # not a comment'")).title).toBe("It's # not a comment");
  });
  it("strips comments after plain values and on their own lines", () => {
    const r = yaml("# leading comment\ntitle: Hello # trailing\nid: a#b");
    expect(fmOf(r).title).toBe("Hello");
    expect(fmOf(r).id).toBe("a#b");
  });
  it("reads flow lists with quoted commas, and block lists", () => {
    expect(fmOf(yaml('tags: [a, "b, c", d]')).tags).toEqual(["a", "b, c", "d"]);
    expect(fmOf(yaml("author:\n  - Anna Schmidt\n  - Jonas Weber")).author).toEqual(["Anna Schmidt", "Jonas Weber"]);
  });
  it("reads a comma list of tags, and keeps a single author string whole", () => {
    expect(fmOf(yaml("tags: Wirtschaft, Hafen ,")).tags).toEqual(["Wirtschaft", "Hafen"]);
    expect(fmOf(yaml("author: Redaktion Wirtschaft")).author).toEqual(["Redaktion Wirtschaft"]);
  });
  it("reads authors as {name, url} in flow style (the subset parser read `name: Ben Schmidt` as the name)", () => {
    expect(fmOf(yaml("author: [{name: Ben Schmidt}]")).author).toEqual(["Ben Schmidt"]);
    expect(fmOf(yaml('authors: [{name: "Ben Schmidt", url: "https://b.example/"}, Ann Lee]')).author).toEqual(["Ben Schmidt", "Ann Lee"]);
  });
  it("reads authors as {name, url} in block style, and a single mapping", () => {
    const block = "authors:\n  - name: Ben Schmidt\n    url: https://b.example/ben\n  - name: Ann Lee\n";
    expect(fmOf(yaml(block)).author).toEqual(["Ben Schmidt", "Ann Lee"]);
    expect(fmOf(yaml("author:\n  name: Ben Schmidt\n  url: https://b.example/")).author).toEqual(["Ben Schmidt"]);
  });
  it("warns about an author entry without a name", () => {
    const r = yaml("authors:\n  - url: https://b.example/\n  - Ann Lee");
    expect(fmOf(r).author).toEqual(["Ann Lee"]);
    expect(r.warnings.join()).toMatch(/has no name/);
  });
  it("reads booleans, including yes/no, and warns about other values", () => {
    expect(fmOf(yaml("draft: true")).draft).toBe(true);
    expect(fmOf(yaml("draft: false")).draft).toBe(false);
    expect(fmOf(yaml("draft: yes")).draft).toBe(true);
    const r = yaml("draft: maybe");
    expect(fmOf(r).draft).toBeUndefined();
    expect(r.warnings.join()).toMatch(/draft/);
  });
  it("reads folded and literal block scalars", () => {
    expect(fmOf(yaml("summary: >\n  one\n  two\nid: x"))).toMatchObject({ summary: "one two", id: "x" });
    expect(fmOf(yaml("summary: |\n  one\n  two")).summary).toBe("one\ntwo");
  });
  it("keeps dates and numbers as the text written (unquoted YAML dates work; ids keep leading zeros)", () => {
    expect(fmOf(yaml("date: 2024-06-01\nupdated: 2024-06-02 10:00:00 +02:00\nid: 007\ntitle: 1.10"))).toMatchObject({
      date: "2024-06-01",
      updated: "2024-06-02 10:00:00 +02:00",
      id: "007",
      title: "1.10",
    });
  });
  it("reads null spellings as absent", () => {
    expect(fmOf(yaml("title: ~\nsummary: null\nimage:"))).toEqual({});
  });
  it("reads keys in any case", () => {
    expect(fmOf(yaml("Title: Groß")).title).toBe("Groß");
  });
  it("reads the image, correction and withdrawal keys", () => {
    const r = yaml(
      [
        "image: https://img.example/a.jpg",
        "image_alt: Die Brücke im Nebel",
        "withdrawn: true",
        "withdrawn_reason: Rechtsstreit",
        "correction: Der Name war falsch geschrieben.",
        "correction_date: 2024-06-20",
      ].join("\n"),
    );
    expect(fmOf(r)).toEqual({
      image: "https://img.example/a.jpg",
      imageAlt: "Die Brücke im Nebel",
      withdrawn: true,
      withdrawnReason: "Rechtsstreit",
      correction: "Der Name war falsch geschrieben.",
      correctionDate: "2024-06-20",
    });
    expect(r.warnings).toEqual([]);
  });
  it("warns about unknown keys and about a list where one value belongs", () => {
    const r = yaml("colour: red\ntitle: [a, b]");
    expect(r.warnings.join("\n")).toMatch(/unknown key "colour"/);
    expect(r.warnings.join("\n")).toMatch(/"title" should be a single value/);
    expect(fmOf(r).title).toBeUndefined();
  });
  it("does not let a __proto__ key reach the typed keys", () => {
    const r = yaml("__proto__:\n  title: injected");
    expect(fmOf(r).title).toBeUndefined();
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });
});

describe("splitFrontMatter: TOML (+++)", () => {
  it("reads Hugo's TOML front matter instead of leaking it into the body", () => {
    const r = toml('title = "Hafen wächst"\ndate = 2024-06-01T08:00:00Z\ntags = ["Hafen", "Wirtschaft"]\ndraft = false\nlang = "de"');
    expect(fmOf(r)).toEqual({ title: "Hafen wächst", date: "2024-06-01T08:00:00.000Z", tags: ["Hafen", "Wirtschaft"], draft: false, lang: "de" });
    expect(r.body).toBe("Body line");
  });
  it("turns TOML dates and numbers into text", () => {
    expect(fmOf(toml("date = 2024-06-01\nupdated = 2024-06-02T10:00:00+02:00\nid = 42"))).toEqual({
      date: "2024-06-01",
      updated: "2024-06-02T10:00:00.000+02:00",
      id: "42",
    });
  });
  it("reads authors as inline tables and as an array of tables", () => {
    expect(fmOf(toml('authors = [{ name = "Ben Schmidt", url = "https://b.example/" }, "Ann Lee"]')).author).toEqual(["Ben Schmidt", "Ann Lee"]);
    expect(fmOf(toml('[[authors]]\nname = "Ben Schmidt"\n[[authors]]\nname = "Ann Lee"')).author).toEqual(["Ben Schmidt", "Ann Lee"]);
  });
  it("refuses TOML that does not parse, naming the syntax", () => {
    expect(refused('+++\ntitle = "unclosed\n+++\nBody')).toMatch(/^front matter is not valid TOML: /);
  });
});

describe("splitFrontMatter: hostile and broken input is refused with a reason, never a hang", () => {
  it("refuses a YAML alias bomb (billion laughs) quickly", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = "abcdefghi";
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1] as string;
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    // Expanded, this is 9^9 strings; the test's timeout is the bound on "quickly".
    const reason = refused(`---\n${lines.join("\n")}\n---\nBody`);
    expect(reason).toMatch(/^front matter is not valid YAML: .*resource exhaustion/);
  });
  it("reads a few ordinary aliases", () => {
    expect(fmOf(yaml("x: &who Anna\nauthor: *who")).author).toEqual(["Anna"]);
  });
  it("refuses a front matter of 1 MB without parsing it", () => {
    const big = `---\ntitle: x\nsummary: ${"a".repeat(1024 * 1024)}\n---\nBody`;
    expect(refused(big)).toBe(`front matter is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KiB`);
  });
  it("refuses YAML that does not parse, with the line of the file", () => {
    expect(refused("---\ntitle: ok\ntags: [unclosed\n---\nBody")).toMatch(/^front matter is not valid YAML: .*\(line \d+\)$/);
  });
  it("refuses duplicate keys, as YAML does", () => {
    expect(refused("---\ntitle: a\ntitle: b\n---\nBody")).toMatch(/unique.*\(line 3\)/);
  });
  it("refuses a block that is not a mapping", () => {
    expect(refused("---\njust a sentence\n---\nBody")).toBe("front matter is not valid YAML: it is not a mapping of keys to values");
    expect(refused("---\n- a\n- b\n---\nBody")).toMatch(/not a mapping/);
  });
  it("survives deep nesting in YAML and TOML", () => {
    expect(splitFrontMatter(`---\na: ${"[".repeat(5000)}${"]".repeat(5000)}\n---\nBody`)).toBeDefined();
    expect(refused(`+++\na = ${"[".repeat(5000)}${"]".repeat(5000)}\n+++\nBody`)).toMatch(/TOML/);
  });
});
