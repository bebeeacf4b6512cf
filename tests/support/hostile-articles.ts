/**
 * A seeded generator of hostile article objects, next to good ones that must
 * survive among them. Pure (fast-check and data): runs in workerd and Node.
 *
 * Hostile means: control characters and non-characters, invalid UTF-8 and
 * lone surrogates, `]]>` and markup in every field, lines of several MB,
 * YAML bombs (aliases, deep nesting, thousands of keys), odd object keys
 * (spaces, percent signs, `..`, non-ASCII, near the S3 key limit, upper-case
 * extensions, index-folder look-alikes) and odd ids (slashes, queries,
 * markup, empty, over-long, shared by several objects).
 */
import fc from "fast-check";

/** One object to upload below a test's prefix. */
export interface GeneratedObject {
  /** Key relative to the prefix. */
  key: string;
  body: Uint8Array;
  /** Set for good articles: the id and title every feed must keep. */
  good?: { id: string; title: string; month: string };
}

const encoder = new TextEncoder();

/** Fragments that break naive XML, HTML, JSON or YAML handling. */
const NASTY = [
  "\u0000",
  "\u0001",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u009f",
  "\u2028",
  "\u2029",
  "\ufffe",
  "\uffff",
  "\ud800",
  "\udfff",
  "\u202e",
  "\u{1f600}",
  "\u200b",
  "]]>",
  "<![CDATA[",
  "]]]]><![CDATA[>",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "</title>",
  "<!--",
  "-->",
  "&amp;",
  "&#0;",
  "&#xD800;",
  "&nbsp;",
  "\"'`",
  "\\",
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the hostile input.
  "${x}",
  "%00",
  "%2e%2e%2f",
  "javascript:alert(1)",
  "\r",
  "\r\n",
  "\t",
  "---",
  "...",
  ": ",
  "- ",
  "# ",
  "*alias",
  "&anchor",
  "!!binary",
  "? ",
  "|",
  ">",
  "[Anzeige_1]",
  "Quelle: ",
];

const nasty = fc.constantFrom(...NASTY);
/** Text made of ordinary words, arbitrary code units (lone surrogates included) and nasty fragments. */
const hostileText = (maxParts: number) =>
  fc
    .array(fc.oneof(fc.constantFrom("Hafen", "Bahn", "news", "Ünïcödé", "中文", "العربية"), fc.string({ unit: "binary", maxLength: 12 }), nasty), {
      minLength: 1,
      maxLength: maxParts,
    })
    .map((parts) => parts.join(" "));

/** A front-matter value: sometimes quoted, sometimes a list, sometimes raw. */
const fmValue = fc.oneof(
  hostileText(4),
  hostileText(3).map((text) => JSON.stringify(text)),
  fc.array(hostileText(2), { maxLength: 4 }).map((items) => `[${items.join(", ")}]`),
);

const odd = fc.constantFrom(
  "a b/c",
  "100% sicher",
  "../../etc/passwd",
  "x?y=1&z=2",
  "#frag",
  "<script>",
  "",
  " ",
  "Ünïcödé",
  "\u0000",
  "a/b/../c",
  "x".repeat(600),
  "CON",
  ".hidden",
  "_index/head.json",
);

const dateValue = fc.oneof(
  fc.constantFrom("2025-13-45T99:99:99Z", "yesterday", "0000-00-00", "99999-01-01T00:00:00Z", "Tue, 31 Feb 2025 08:00:00 +0000", "", "2099-01-01T00:00:00Z"),
  fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString()),
);

/** One generated hostile article text (front matter and body) and its object key. */
const hostileArticle = fc.record({
  name: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }), odd),
  extension: fc.constantFrom(".txt", ".md", ".TXT", ".markdown", "", ".txt.bak"),
  frontMatter: fc.option(
    fc.record(
      {
        title: fmValue,
        date: dateValue,
        tags: fmValue,
        author: fmValue,
        id: fc.oneof(odd, hostileText(2)),
        lang: fc.constantFrom("de", "en", "xx-invalid-", "<x>", "", "zh-Hant-TW", "\u0000"),
        source: fc.constantFrom("https://example.org/a?b=<c>&d=]]>", "javascript:alert(1)", "http://exa mple.com/", "ftp://x", "https://例え.jp/パス"),
        summary: fmValue,
        image: fc.constantFrom('https://example.org/x.jpg"><script>', "data:image/png;base64,AAAA", "//evil.example/x.png"),
        draft: fc.constantFrom("true", "false", "maybe", "yes"),
      },
      { requiredKeys: [] },
    ),
    { nil: null },
  ),
  paragraphs: fc.array(hostileText(10), { minLength: 0, maxLength: 6 }),
  signature: fc.constantFrom("", "MARIA MEIER", "<B>ANNA</B> & ]]>", "\u0000\u0001"),
  trailer: fc.constantFrom("", "Quelle: https://example.org/q?a=1&b=<2>\nKommentar (0)", "Source : javascript:alert(1)", "Nguồn: ]]>"),
});

/** Fixed objects every run includes: the cases a random search would rarely hit. */
function fixedHostileObjects(): GeneratedObject[] {
  const text = (key: string, body: string): GeneratedObject => ({ key, body: encoder.encode(body) });
  const mb = (n: number, unit: string) => unit.repeat(Math.ceil((n * 1024 * 1024) / unit.length));
  const billionLaughs = [
    "---",
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
    "title: *g",
    "tags: *g",
    "---",
    "Ein Artikel mit einer YAML-Bombe im Kopf.",
  ].join("\n");
  return [
    // Objects of several MB are skipped by size (index MAX_ARTICLE_BYTES); the parser meets them in the unit test.
    text("huge-line.txt", `Eine Zeile von mehreren Megabyte: ${mb(3, "Hafen ]]> & <b> ")}\nMARIA MEIER\n`),
    // Just under the limit: one line of 400 KB goes through the whole pipeline.
    text("long-line.txt", `Eine sehr lange Zeile: ${mb(0.4, "Hafen ]]> & <b>\u0000 ")}\nMARIA MEIER\n`),
    text("huge-front-matter.md", `---\ntitle: ${mb(2, "T")}\ntags: [${mb(1, "a, ")}]\n---\nText nach einem riesigen Kopf.\n`),
    text("many-lines.txt", `${"Zeile.\n".repeat(200_000)}ANNA SCHMIDT\n`),
    text("yaml-bomb.md", billionLaughs),
    text("yaml-deep.md", `---\ntags: ${"[".repeat(5000)}${"]".repeat(5000)}\ntitle: Tief\n---\nTief verschachtelt.\n`),
    text("yaml-keys.md", `---\n${Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join("\n")}\ntitle: Viele Schlüssel\n---\nViele Schlüssel.\n`),
    text("yaml-tags.md", "---\ntitle: !!python/object/apply:os.system ['rm -rf /']\n<<: *undefined\n---\nTags.\n"),
    text("unclosed.md", "---\ntitle: Ohne Ende\nDer Kopf wird nie geschlossen.\n"),
    {
      key: "invalid-utf8.txt",
      body: Uint8Array.from([
        0x48, 0x61, 0x66, 0x65, 0x6e, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x0a, 0x4d, 0x41, 0x52, 0x49, 0x41, 0x0a,
      ]),
    },
    { key: "utf16.txt", body: Uint8Array.from([0xff, 0xfe, 0x48, 0x00, 0x61, 0x00, 0x66, 0x00, 0x65, 0x00, 0x6e, 0x00]) },
    { key: "nul-only.txt", body: new Uint8Array(4096) },
    text("cdata.txt", "Titel mit ]]> und <![CDATA[ und ]]]]><![CDATA[>.\n<script>alert(1)</script>\nMARIA ]]> MEIER\nQuelle: https://example.org/?x=]]>\n"),
    text("controls.txt", "Steuerzeichen \u0000\u0001\u0002\u0008\u000b\u000c\u000e\u001f\u007f\u0085\ufffe\uffff im Text.\nMARIA MEIER\n"),
    text("dup-a.md", "---\nid: shared-hostile-id\ntitle: Erster\n---\nErster mit geteilter Id.\n"),
    text("dup-b.md", "---\nid: shared-hostile-id\ntitle: Zweiter\n---\nZweiter mit geteilter Id.\n"),
    text(`${"k".repeat(200)}/${"ü".repeat(100)}.txt`, "Ein sehr langer Schlüssel.\n"),
    text("odd key with spaces & 100% ?#.txt", "Ein seltsamer Schlüssel.\n"),
    text("_index2/head.json", "Kein Index, nur ein Ordner, der so aussieht.\n"),
    text("id-slash.md", "---\nid: a/../../b?c=d#e\ntitle: Schräge Id\n---\nSchräge Id.\n"),
    text("id-long.md", `---\nid: ${"x".repeat(700)}\ntitle: Lange Id\n---\nLange Id.\n`),
    text("id-markup.md", '---\nid: "<script>alert(1)</script>"\ntitle: Markup-Id\n---\nMarkup-Id.\n'),
  ];
}

/**
 * A generated name as a key the local S3 server can store: it keeps objects
 * as files, so no control characters, no `.` or `..` segments (they would
 * climb out of its folder) and at most 200 bytes per segment. S3 itself
 * takes any of these; the oddities left (spaces, `%`, `?`, `#`, non-ASCII,
 * sub-folders) are the ones that matter to the index.
 */
function storableName(name: string): string {
  const segments = name
    .replace(/[\u0000-\u001f\u007f]/g, "_")
    .split("/")
    .map((segment) => (segment === "." || segment === ".." ? "_" : segment))
    .map((segment) => {
      let out = segment;
      while (encoder.encode(out).length > 200) out = out.slice(0, -1);
      return out;
    })
    .filter((segment) => segment !== "");
  return segments.join("/") || "leer";
}

/** Good article `i`: plain, dated in 2025, tagged, signed, sourced. */
function goodArticle(i: number): GeneratedObject {
  const id = `good-${String(i).padStart(3, "0")}`;
  const month = `2025-${String(1 + (i % 12)).padStart(2, "0")}`;
  const title = `Gute Meldung ${i} über den Hafen`;
  const body = [
    "---",
    `title: ${title}`,
    `date: ${month}-${String(1 + (i % 27)).padStart(2, "0")}T07:00:00Z`,
    "tags: [Hafen, Gut]",
    "---",
    `Die gute Meldung ${i} berichtet ruhig über den Hafen.`,
    "MARIA MEIER",
    `Quelle: https://example.org/gut/${i}`,
    "",
  ].join("\n");
  return { key: `${id}.txt`, body: encoder.encode(body), good: { id, title, month } };
}

/**
 * `hostile` random hostile articles (from `seed`), the fixed hostile objects
 * and `good` good articles, with unique keys.
 */
export function generateObjects(seed: number, hostile: number, good: number): GeneratedObject[] {
  const samples = fc.sample(hostileArticle, { seed, numRuns: hostile });
  const objects: GeneratedObject[] = [...fixedHostileObjects()];
  samples.forEach((sample, index) => {
    const lines: string[] = [];
    if (sample.frontMatter) {
      lines.push("---");
      for (const [key, value] of Object.entries(sample.frontMatter)) lines.push(`${key}: ${value}`);
      lines.push("---");
    }
    lines.push(...sample.paragraphs);
    if (sample.signature) lines.push(sample.signature);
    if (sample.trailer) lines.push(sample.trailer);
    objects.push({ key: `random/${storableName(sample.name)}-${index}${sample.extension}`, body: encoder.encode(lines.join("\n")) });
  });
  for (let i = 0; i < good; i++) objects.push(goodArticle(i));
  return objects;
}
