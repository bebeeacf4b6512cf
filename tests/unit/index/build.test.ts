import { beforeEach, describe, expect, it } from "vitest";
import { isVisible } from "../../../src/article/parse";
import { isArticleKey, MAX_ARTICLE_BYTES, type RebuildOptions, rebuildIndex } from "../../../src/index/build";
import { type ArticlePage, INDEX_VERSION, type IndexHead, indexKeys, type Manifest, type MonthPage, type TopicPage } from "../../../src/index/schema";
import { StoreError } from "../../../src/store/store";
import { articleText, MemoryStore } from "./memory-store";

const PREFIX = "news/";
const keys = indexKeys(PREFIX);
const NOW = new Date("2024-07-01T12:00:00Z");

function options(extra: Partial<RebuildOptions> = {}): RebuildOptions & { lines: string[] } {
  const lines: string[] = [];
  return { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW, log: (m) => lines.push(m), lines, ...extra };
}

/** Four visible articles over two months, two tags, two authors, two sources, two languages. */
function seedBasic(store: MemoryStore): void {
  store.seed(
    `${PREFIX}a.txt`,
    articleText({
      title: "Hafen wächst",
      date: "2024-06-19T08:00:00Z",
      tags: ["Wirtschaft", "Hamburg"],
      author: "Maria Meier",
      lang: "de",
      source: "https://www.example.org/a",
    }),
  );
  store.seed(
    `${PREFIX}b.txt`,
    articleText({
      title: "Bahn streikt",
      date: "2024-06-20T08:00:00Z",
      tags: ["Wirtschaft"],
      author: "Thanh Hằng",
      lang: "de",
      source: "https://news.example.com/b",
    }),
  );
  store.seed(
    `${PREFIX}c.md`,
    articleText({
      title: "Bridge reopens",
      date: "2024-05-02T10:00:00Z",
      tags: ["Sydney"],
      author: "Maria Meier",
      lang: "en",
      source: "https://www.example.org/c",
    }),
  );
  store.seed(`${PREFIX}2024/d`, articleText({ title: "No extension", date: "2024-05-03T10:00:00Z", lang: "en" }));
}

function head(store: MemoryStore): IndexHead {
  const value = store.json<IndexHead>(keys.head);
  if (!value) throw new Error("no head");
  return value;
}

describe("isArticleKey", () => {
  it("accepts .txt, .md, .markdown and no extension below the prefix, nothing else", () => {
    expect(isArticleKey("news/a.txt", PREFIX)).toBe(true);
    expect(isArticleKey("news/a.MD", PREFIX)).toBe(true);
    expect(isArticleKey("news/sub/a.markdown", PREFIX)).toBe(true);
    expect(isArticleKey("news/2024/a", PREFIX)).toBe(true);
    expect(isArticleKey("news/a.json", PREFIX)).toBe(false);
    expect(isArticleKey("news/a.jpg", PREFIX)).toBe(false);
    expect(isArticleKey("news/.DS_Store", PREFIX)).toBe(false);
    expect(isArticleKey("news/folder/", PREFIX)).toBe(false);
    expect(isArticleKey("news/_index/head.json", PREFIX)).toBe(false);
    expect(isArticleKey("news/_index/articles/x", PREFIX)).toBe(false);
    expect(isArticleKey("other/a.txt", PREFIX)).toBe(false);
  });
});

describe("rebuildIndex", () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore();
  });

  it("builds every index object on the first run", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}cover.jpg`, new Uint8Array([0xff, 0xd8, 0xff]));
    const opts = options();
    const report = await rebuildIndex(store, opts);

    expect(report).toMatchObject({ listed: 4, parsed: 4, unchanged: 0, deleted: 0, skipped: [] });
    // list articles + manifest + 4 articles + list of the index folder (no manifest yet).
    expect(report.reads).toBe(7);
    expect(store.count("list") + store.count("get")).toBe(report.reads);
    expect(store.count("put") + store.count("delete")).toBe(report.writes);
    expect(store.keysOf("get")).not.toContain(`${PREFIX}cover.jpg`);

    const h = head(store);
    expect(h.version).toBe(INDEX_VERSION);
    expect(h.builtAt).toBe(NOW.toISOString());
    expect(h.items.map((a) => a.id)).toEqual(["b", "a", "d", "c"]);
    expect(h.items[0]?.contentHtml).toContain("<p>");
    expect(h.months).toEqual([
      { month: "2024-06", count: 2 },
      { month: "2024-05", count: 2 },
    ]);
    expect(h.catalog.tags).toEqual([
      { slug: "wirtschaft", name: "Wirtschaft", count: 2, updated: "2024-06-20T08:00:00.000Z" },
      { slug: "hamburg", name: "Hamburg", count: 1, updated: "2024-06-19T08:00:00.000Z" },
      { slug: "sydney", name: "Sydney", count: 1, updated: "2024-05-02T10:00:00.000Z" },
    ]);
    expect(h.catalog.authors.map((e) => [e.slug, e.name, e.count])).toEqual([
      ["maria-meier", "Maria Meier", 2],
      ["thanh-hang", "Thanh Hằng", 1],
    ]);
    expect(h.catalog.languages.map((e) => [e.slug, e.count])).toEqual([
      ["de", 2],
      ["en", 2],
    ]);
    expect(h.catalog.sources.map((e) => [e.slug, e.count])).toEqual([
      ["example.org", 2],
      ["news.example.com", 1],
    ]);

    const tag = store.json<TopicPage>(keys.topic("tags", "wirtschaft"));
    expect(tag).toMatchObject({ version: INDEX_VERSION, kind: "tags", slug: "wirtschaft", name: "Wirtschaft" });
    expect(tag?.items.map((a) => a.id)).toEqual(["b", "a"]);
    expect(store.json<TopicPage>(keys.topic("authors", "thanh-hang"))?.items.map((a) => a.id)).toEqual(["b"]);
    expect(store.json<TopicPage>(keys.topic("sources", "example.org"))?.items.map((a) => a.id)).toEqual(["a", "c"]);
    expect(store.json<TopicPage>(keys.topic("languages", "en"))?.items.map((a) => a.id)).toEqual(["d", "c"]);

    const may = store.json<MonthPage>(keys.month("2024-05"));
    expect(may).toMatchObject({ version: INDEX_VERSION, month: "2024-05" });
    expect(may?.items.map((a) => a.id)).toEqual(["d", "c"]);
    expect(store.json<ArticlePage>(keys.article("d"))?.article).toMatchObject({ id: "d", key: `${PREFIX}2024/d`, title: "No extension" });

    const manifest = store.json<Manifest>(keys.manifest);
    expect(Object.keys(manifest?.entries ?? {})).toEqual([`${PREFIX}2024/d`, `${PREFIX}a.txt`, `${PREFIX}b.txt`, `${PREFIX}c.md`]);
    expect(JSON.stringify(manifest)).not.toContain("contentHtml");
    // Every object written is one the manifest knows (or the manifest itself).
    expect(new Set(store.keysOf("put"))).toEqual(new Set([...Object.keys(manifest?.pages ?? {}), keys.manifest]));
    expect(opts.lines.at(-1)).toMatch(/4 listed, 4 parsed/);
  });

  it("reads only the listing and the manifest, and writes nothing, when nothing changed", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.resetCalls();
    const report = await rebuildIndex(store, options({ now: new Date("2024-07-02T00:00:00Z") }));
    expect(report).toMatchObject({ listed: 4, parsed: 0, unchanged: 4, deleted: 0, reads: 2, writes: 0 });
    expect(store.calls).toEqual([`list ${PREFIX}`, `get ${keys.manifest}`]);
    // builtAt stays that of the run that last changed the head.
    expect(head(store).builtAt).toBe(NOW.toISOString());
  });

  it("rewrites only the head, the article's topics, its month and its article object after one edit", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.resetCalls();
    store.seed(
      `${PREFIX}a.txt`,
      articleText({
        title: "Hafen wächst weiter",
        date: "2024-06-19T08:00:00Z",
        tags: ["Wirtschaft", "Hamburg"],
        author: "Maria Meier",
        lang: "de",
        source: "https://www.example.org/a",
      }),
    );
    const report = await rebuildIndex(store, options());
    expect(report).toMatchObject({ parsed: 1, unchanged: 3, deleted: 0 });
    expect(new Set(store.keysOf("put"))).toEqual(
      new Set([
        keys.article("a"),
        keys.topic("tags", "wirtschaft"),
        keys.topic("tags", "hamburg"),
        keys.topic("authors", "maria-meier"),
        keys.topic("languages", "de"),
        keys.topic("sources", "example.org"),
        keys.month("2024-06"),
        keys.head,
        keys.manifest,
      ]),
    );
    expect(store.count("delete")).toBe(0);
    // Unchanged members come from old page objects, never from per-article objects or raw articles.
    const gets = store.keysOf("get");
    expect(gets.filter((k) => k.startsWith(`${keys.folder}articles/`))).toEqual([]);
    expect(gets.filter((k) => !k.startsWith(keys.folder))).toEqual([`${PREFIX}a.txt`]);
    expect(report.reads).toBeLessThanOrEqual(2 + 1 + 7);

    expect(head(store).items.find((a) => a.id === "a")?.title).toBe("Hafen wächst weiter");
    expect(head(store).items.find((a) => a.id === "c")?.contentHtml).toContain("Bridge reopens");
    const tag = store.json<TopicPage>(keys.topic("tags", "wirtschaft"));
    expect(tag?.items.map((a) => a.title)).toEqual(["Bahn streikt", "Hafen wächst weiter"]);
    expect(tag?.items[0]?.contentHtml).toContain("Bahn streikt");
    expect(store.json<MonthPage>(keys.month("2024-06"))?.items.map((a) => a.title)).toEqual(["Bahn streikt", "Hafen wächst weiter"]);
    expect(store.json<ArticlePage>(keys.article("a"))?.article.title).toBe("Hafen wächst weiter");
  });

  it("removes a deleted article from every page and drops topics left empty", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.remove(`${PREFIX}c.md`);
    store.resetCalls();
    const report = await rebuildIndex(store, options());
    expect(report).toMatchObject({ listed: 3, parsed: 0, unchanged: 3, deleted: 1 });

    const h = head(store);
    expect(h.items.map((a) => a.id)).toEqual(["b", "a", "d"]);
    expect(h.catalog.tags.map((e) => e.slug)).not.toContain("sydney");
    expect(h.catalog.authors.find((e) => e.slug === "maria-meier")?.count).toBe(1);
    expect(h.months).toEqual([
      { month: "2024-06", count: 2 },
      { month: "2024-05", count: 1 },
    ]);
    expect(store.objects.has(keys.topic("tags", "sydney"))).toBe(false);
    expect(store.objects.has(keys.article("c"))).toBe(false);
    expect(store.json<TopicPage>(keys.topic("authors", "maria-meier"))?.items.map((a) => a.id)).toEqual(["a"]);
    expect(store.json<TopicPage>(keys.topic("sources", "example.org"))?.items.map((a) => a.id)).toEqual(["a"]);
    expect(store.json<MonthPage>(keys.month("2024-05"))?.items.map((a) => a.id)).toEqual(["d"]);
    expect(Object.keys(store.json<Manifest>(keys.manifest)?.entries ?? {})).not.toContain(`${PREFIX}c.md`);
    // Deleting a month's last article removes the month page too.
    store.remove(`${PREFIX}2024/d`);
    await rebuildIndex(store, options());
    expect(store.objects.has(keys.month("2024-05"))).toBe(false);
    expect(head(store).months).toEqual([{ month: "2024-06", count: 2 }]);
    // The deletions happen after the head no longer refers to them.
    expect(store.calls.findIndex((c) => c.startsWith("delete"))).toBeGreaterThan(store.calls.indexOf(`put ${keys.head}`));
  });

  it("adds a new article to the head, its topics, its month and the catalog", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.resetCalls();
    store.seed(`${PREFIX}e.txt`, articleText({ title: "Neu", date: "2024-06-30T08:00:00Z", tags: ["Hamburg", "Kultur"], author: "Maria Meier", lang: "de" }));
    const report = await rebuildIndex(store, options());
    expect(report).toMatchObject({ listed: 5, parsed: 1, unchanged: 4 });
    expect(store.keysOf("get").filter((k) => !k.startsWith(keys.folder))).toEqual([`${PREFIX}e.txt`]);
    const h = head(store);
    expect(h.items[0]?.id).toBe("e");
    expect(h.catalog.tags.find((e) => e.slug === "hamburg")).toMatchObject({ count: 2, updated: "2024-06-30T08:00:00.000Z" });
    expect(h.catalog.tags.find((e) => e.slug === "kultur")?.count).toBe(1);
    expect(store.json<TopicPage>(keys.topic("tags", "kultur"))?.items.map((a) => a.id)).toEqual(["e"]);
    expect(store.json<TopicPage>(keys.topic("tags", "hamburg"))?.items.map((a) => a.id)).toEqual(["e", "a"]);
    expect(store.json<MonthPage>(keys.month("2024-06"))?.items.map((a) => a.id)).toEqual(["e", "b", "a"]);
    expect(store.objects.has(keys.article("e"))).toBe(true);
    // Pages the new article does not belong to are not touched.
    expect(store.keysOf("put")).not.toContain(keys.topic("tags", "sydney"));
    expect(store.keysOf("put")).not.toContain(keys.month("2024-05"));
  });

  it("keeps a future-dated article in the head but out of counts until its time comes", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}f.txt`, articleText({ title: "Embargo", date: "2024-07-05T06:00:00Z", tags: ["Kultur"], lang: "de" }));
    await rebuildIndex(store, options());
    const h = head(store);
    const future = h.items.find((a) => a.id === "f");
    expect(future).toBeDefined();
    expect(h.items[0]?.id).toBe("f");
    expect(isVisible(future!, NOW)).toBe(false);
    expect(h.items.filter((a) => isVisible(a, NOW)).map((a) => a.id)).toEqual(["b", "a", "d", "c"]);
    expect(h.catalog.tags.map((e) => e.slug)).not.toContain("kultur");
    expect(h.months.map((m) => m.month)).not.toContain("2024-07");
    // Its pages exist (readers filter), so the embargo lifts without a rebuild.
    expect(store.json<TopicPage>(keys.topic("tags", "kultur"))?.items.map((a) => a.id)).toEqual(["f"]);
    expect(store.json<ArticlePage>(keys.article("f"))?.article.title).toBe("Embargo");
    expect(isVisible(future!, new Date("2024-07-06T00:00:00Z"))).toBe(true);

    // A later rebuild counts it, without reading any article.
    store.resetCalls();
    const later = await rebuildIndex(store, options({ now: new Date("2024-07-06T00:00:00Z") }));
    expect(later.parsed).toBe(0);
    expect(store.keysOf("get").filter((k) => !k.startsWith(keys.folder))).toEqual([]);
    expect(head(store).catalog.tags.find((e) => e.slug === "kultur")?.count).toBe(1);
    expect(head(store).months[0]).toEqual({ month: "2024-07", count: 1 });
  });

  it("keeps drafts out of every object, and follows draft flips", async () => {
    seedBasic(store);
    const draft = articleText({ title: "Entwurf", date: "2024-06-25T08:00:00Z", tags: ["Geheim"], author: "Maria Meier", lang: "de", draft: true });
    store.seed(`${PREFIX}g.txt`, draft);
    await rebuildIndex(store, options());
    const everything = [...store.objects.keys()]
      .filter((k) => k.startsWith(keys.folder) && k !== keys.manifest)
      .map((k) => JSON.stringify(store.json(k)))
      .join("\n");
    expect(everything).not.toContain("Entwurf");
    expect(everything).not.toContain("Geheim");
    expect(store.objects.has(keys.article("g"))).toBe(false);
    expect(store.json<TopicPage>(keys.topic("authors", "maria-meier"))?.items.map((a) => a.id)).toEqual(["a", "c"]);

    store.seed(`${PREFIX}g.txt`, draft.replace("draft: true", "draft: false"));
    await rebuildIndex(store, options());
    expect(head(store).items.map((a) => a.id)).toContain("g");
    expect(store.objects.has(keys.topic("tags", "geheim"))).toBe(true);

    store.seed(`${PREFIX}g.txt`, draft);
    await rebuildIndex(store, options());
    expect(head(store).items.map((a) => a.id)).not.toContain("g");
    expect(store.objects.has(keys.topic("tags", "geheim"))).toBe(false);
    expect(store.objects.has(keys.article("g"))).toBe(false);
  });

  it("skips bad objects with reasons, never failing, and does not read them again while unchanged", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}empty.txt`, new Uint8Array());
    store.seed(
      `${PREFIX}binary.txt`,
      Uint8Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256),
    );
    store.seed(`${PREFIX}invalid-utf8.txt`, Uint8Array.from([0xff, 0xfe, 0xfd, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x00, 0x01, 0x02]));
    const opts = options();
    const report = await rebuildIndex(store, opts);
    expect(report.listed).toBe(7);
    expect(report.parsed).toBe(4);
    expect(report.skipped.map((s) => s.key).sort()).toEqual([`${PREFIX}binary.txt`, `${PREFIX}empty.txt`, `${PREFIX}invalid-utf8.txt`]);
    for (const s of report.skipped) expect(s.reason).not.toBe("");
    expect(opts.lines.filter((l) => l.includes("skipped"))).toHaveLength(4); // three objects + the summary
    expect(head(store).items).toHaveLength(4);

    store.resetCalls();
    const again = await rebuildIndex(store, options());
    expect(again).toMatchObject({ reads: 2, writes: 0, unchanged: 7 });
    expect(again.skipped).toHaveLength(3);
  });

  it("keeps one article per id: the first key wins, the other is skipped", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}x1.txt`, articleText({ id: "same", title: "Erste", date: "2024-06-01T08:00:00Z" }));
    store.seed(`${PREFIX}x2.txt`, articleText({ id: "same", title: "Zweite", date: "2024-06-02T08:00:00Z" }));
    const report = await rebuildIndex(store, options());
    expect(report.skipped).toEqual([{ key: `${PREFIX}x2.txt`, reason: expect.stringContaining(`duplicate id "same"`) }]);
    expect(store.json<ArticlePage>(keys.article("same"))?.article.title).toBe("Erste");
    // When the winner goes, the other takes over (read again: its content is nowhere else).
    store.remove(`${PREFIX}x1.txt`);
    const next = await rebuildIndex(store, options());
    expect(next.skipped).toEqual([]);
    expect(store.json<ArticlePage>(keys.article("same"))?.article.title).toBe("Zweite");
    expect(
      head(store)
        .items.filter((a) => a.id === "same")
        .map((a) => a.title),
    ).toEqual(["Zweite"]);
  });

  it("leaves out an article that vanishes during the run and completes the pages on the next run", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}x1.txt`, articleText({ id: "same", title: "Erste", date: "2024-06-01T08:00:00Z", tags: ["Flüchtig"] }));
    store.seed(`${PREFIX}x2.txt`, articleText({ id: "same", title: "Zweite", date: "2024-06-02T08:00:00Z", tags: ["Flüchtig"] }));
    await rebuildIndex(store, options());
    // x2 takes over from x1, but is deleted right before the rebuild reads it.
    store.remove(`${PREFIX}x1.txt`);
    store.beforeGet = (key) => {
      if (key === `${PREFIX}x2.txt`) store.remove(key);
    };
    const opts = options();
    await rebuildIndex(store, opts);
    store.beforeGet = null;
    expect(opts.lines.some((l) => l.includes("changed during the rebuild"))).toBe(true);
    expect(head(store).items.map((a) => a.id)).not.toContain("same");
    expect(store.objects.has(keys.article("same"))).toBe(false);
    // The next run removes what the listing of the failed one still promised.
    const next = await rebuildIndex(store, options());
    expect(next.deleted).toBe(1);
    expect(store.objects.has(keys.topic("tags", "fluchtig"))).toBe(false);
    expect(head(store).catalog.tags.map((e) => e.slug)).not.toContain("fluchtig");
    expect((await rebuildIndex(store, options())).writes).toBe(0);
  });

  it("holds the newest 100 in head and topic pages and every article in month pages", async () => {
    for (let i = 0; i < 130; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      const hour = String(Math.floor(i / 28)).padStart(2, "0");
      store.seed(
        `${PREFIX}n${String(i).padStart(3, "0")}.txt`,
        articleText({ title: `Meldung ${i}`, date: `2024-03-${day}T${hour}:00:00Z`, tags: ["Ticker"], lang: "de" }),
      );
    }
    await rebuildIndex(store, options());
    const h = head(store);
    const byDate = (a: { published: string; id: string }, b: { published: string; id: string }) =>
      a.published === b.published ? (a.id < b.id ? -1 : 1) : a.published < b.published ? 1 : -1;
    expect(h.items).toHaveLength(100);
    expect([...h.items].sort(byDate)).toEqual(h.items);
    const topic = store.json<TopicPage>(keys.topic("tags", "ticker"));
    expect(topic?.items).toHaveLength(100);
    expect(topic?.items.map((a) => a.id)).toEqual(h.items.map((a) => a.id));
    expect(h.catalog.tags).toEqual([expect.objectContaining({ slug: "ticker", count: 130 })]);
    expect(store.json<MonthPage>(keys.month("2024-03"))?.items).toHaveLength(130);
    expect(h.months).toEqual([{ month: "2024-03", count: 130 }]);

    // Deleting one of the newest pulls an older article into the window: its content
    // comes from the month page or its article object, not from a re-parse.
    const newest = h.items[0]!;
    store.remove(newest.key);
    store.resetCalls();
    await rebuildIndex(store, options());
    expect(store.keysOf("get").filter((k) => !k.startsWith(keys.folder))).toEqual([]);
    const after = head(store);
    expect(after.items).toHaveLength(100);
    expect(after.items.map((a) => a.id)).not.toContain(newest.id);
    expect(after.items.every((a) => a.contentHtml.includes("<p>"))).toBe(true);
  });

  it("names empty-slug topics by a hash and merges tags that slugify alike", async () => {
    store.seed(`${PREFIX}a.txt`, articleText({ title: "Eins", date: "2024-06-01T08:00:00Z", tags: ["東京", "Wirtschaft"] }));
    store.seed(`${PREFIX}b.txt`, articleText({ title: "Zwei", date: "2024-06-02T08:00:00Z", tags: ["wirtschaft"] }));
    await rebuildIndex(store, options());
    const tags = head(store).catalog.tags;
    expect(tags.find((e) => e.name === "東京")?.slug).toMatch(/^h-[0-9a-f]{12}$/);
    expect(tags.find((e) => e.slug === "wirtschaft")).toMatchObject({ count: 2, name: "wirtschaft" });
  });

  it("starts over when the manifest is of another version, removing objects it no longer plans", async () => {
    seedBasic(store);
    store.seed(keys.manifest, JSON.stringify({ version: INDEX_VERSION + 1, entries: {}, pages: {} }));
    store.seed(keys.topic("tags", "verwaist"), "{}");
    const opts = options();
    const report = await rebuildIndex(store, opts);
    expect(report.parsed).toBe(4);
    expect(store.objects.has(keys.topic("tags", "verwaist"))).toBe(false);
    expect(opts.lines.some((l) => l.includes("rebuilding everything"))).toBe(true);
    expect(store.json<Manifest>(keys.manifest)?.version).toBe(INDEX_VERSION);
  });

  it("re-parses everything when the default language changes", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    const report = await rebuildIndex(store, options({ defaultLanguage: "fr" }));
    expect(report.parsed).toBe(4);
  });

  it("lets a StoreError propagate, and the next run repairs the index", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.seed(`${PREFIX}b.txt`, articleText({ title: "Bahn streikt nicht", date: "2024-06-20T08:00:00Z", tags: ["Wirtschaft"], lang: "de" }));
    store.failWhen = (op, key) => op === "put" && key === keys.head;
    await expect(rebuildIndex(store, options())).rejects.toBeInstanceOf(StoreError);
    store.failWhen = null;
    const report = await rebuildIndex(store, options());
    expect(report.parsed).toBe(1);
    expect(head(store).items.find((a) => a.id === "b")?.title).toBe("Bahn streikt nicht");
  });

  it("rewrites damaged objects named in repair although their planned content did not change", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    const good = {
      head: store.json<IndexHead>(keys.head),
      tag: store.json<TopicPage>(keys.topic("tags", "wirtschaft")),
      month: store.json<MonthPage>(keys.month("2024-05")),
      article: store.json<ArticlePage>(keys.article("a")),
    };
    store.seed(keys.head, "\u0000garbage");
    store.seed(keys.topic("tags", "wirtschaft"), JSON.stringify(good.tag).slice(0, 40));
    store.seed(keys.month("2024-05"), JSON.stringify({ ...good.month, version: INDEX_VERSION + 7 }));
    await store.delete(keys.article("a"));

    // Fingerprints say nothing changed: without repair keys a run writes nothing.
    expect(await rebuildIndex(store, options())).toMatchObject({ writes: 0, repaired: 0 });
    const repair = [keys.head, keys.topic("tags", "wirtschaft"), keys.month("2024-05"), keys.article("a"), keys.topic("tags", "never-planned")];
    const report = await rebuildIndex(store, options({ repair }));
    expect(report.repaired).toBe(4);
    expect(store.json<IndexHead>(keys.head)).toEqual(good.head);
    expect(store.json<TopicPage>(keys.topic("tags", "wirtschaft"))).toEqual(good.tag);
    expect(store.json<MonthPage>(keys.month("2024-05"))).toEqual(good.month);
    expect(store.json<ArticlePage>(keys.article("a"))).toEqual(good.article);
    expect(store.keysOf("put")).not.toContain(keys.topic("tags", "never-planned"));
  });

  it("skips an object larger than MAX_ARTICLE_BYTES without reading it", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}huge.txt`, `${"Hafen ".repeat(MAX_ARTICLE_BYTES / 6 + 10)}\nMARIA MEIER\n`);
    const report = await rebuildIndex(store, options());
    expect(report.skipped).toEqual([{ key: `${PREFIX}huge.txt`, reason: expect.stringMatching(/^too large: \d+ bytes/) }]);
    expect(store.keysOf("get")).not.toContain(`${PREFIX}huge.txt`);
    expect(report.parsed).toBe(4);
  });

  it("reports progress for every object it reads", async () => {
    seedBasic(store);
    const progress: [number, number][] = [];
    await rebuildIndex(store, options({ onProgress: (done, total) => progress.push([done, total]) }));
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });
});
