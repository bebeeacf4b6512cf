/**
 * The full build (`rebuildIndex`): what a first build writes, what a build
 * with nothing changed costs, and how edits, deletions, drafts, duplicate ids,
 * bad objects, embargoes and a new default language come out.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { isVisible } from "../../../src/article/parse";
import { isArticleKey, MAX_ARTICLE_BYTES, type RebuildOptions, rebuildIndex } from "../../../src/index/build";
import { applyChanges } from "../../../src/index/changes";
import { UnreadableIndexError } from "../../../src/index/reader";
import { type ArticleRecord, INDEX_VERSION, indexKeys, type StoredHead, type StoredTopic } from "../../../src/index/schema";
import { StoreError } from "../../../src/store/store";
import { indexSnapshot } from "./index-snapshot";
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

function head(store: MemoryStore): StoredHead {
  const value = store.json<StoredHead>(keys.head);
  if (!value) throw new Error("no head");
  return value;
}

function topic(store: MemoryStore, kind: StoredTopic["kind"], slug: string): StoredTopic | undefined {
  return store.json<StoredTopic>(keys.topic(kind, slug));
}

const ids = (items: { id: string }[] | undefined) => (items ?? []).map((a) => a.id);

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
    expect(isArticleKey("news/README.md", PREFIX)).toBe(false);
    expect(isArticleKey("news/_index/head.json", PREFIX)).toBe(false);
    expect(isArticleKey("news/_index/v2/articles/x", PREFIX)).toBe(false);
    expect(isArticleKey("other/a.txt", PREFIX)).toBe(false);
  });
});

describe("rebuildIndex", () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore();
  });

  it("builds every index object on the first run, reading each article once and no index object", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}cover.jpg`, new Uint8Array([0xff, 0xd8, 0xff]));
    const opts = options();
    const report = await rebuildIndex(store, opts);

    expect(report).toMatchObject({ listed: 4, parsed: 4, unchanged: 0, deleted: 0, skipped: [], failed: [] });
    // state, head, manifest root (all absent), one listing page, the four articles, and the listing of the
    // index folder that finds no older version to remove.
    expect(store.keysOf("get")).toEqual([keys.state, keys.head, keys.manifestNode("root"), ...["2024/d", "a.txt", "b.txt", "c.md"].map((k) => PREFIX + k)]);
    expect(store.count("list") + store.count("get")).toBe(report.reads);
    expect(store.count("put") + store.count("delete")).toBe(report.writes);

    const h = head(store);
    expect(h).toMatchObject({ version: INDEX_VERSION, builtAt: NOW.toISOString(), complete: true, defaultLanguage: "en", more: [], tail: 0 });
    expect(ids(h.items)).toEqual(["b", "a", "d", "c"]);
    expect(h.items[0]?.contentHtml).toContain("<p>");
    expect(h.months).toEqual([
      { month: "2024-06", total: 2, newestPage: "1", oldestPage: "1" },
      { month: "2024-05", total: 2, newestPage: "1", oldestPage: "1" },
    ]);
    expect(h.catalog.tags).toEqual([
      { slug: "hamburg", name: "Hamburg", total: 1, updated: "2024-06-19T08:00:00.000Z" },
      { slug: "sydney", name: "Sydney", total: 1, updated: "2024-05-02T10:00:00.000Z" },
      { slug: "wirtschaft", name: "Wirtschaft", total: 2, updated: "2024-06-20T08:00:00.000Z" },
    ]);
    expect(h.catalog.authors.map((e) => [e.slug, e.name, e.total])).toEqual([
      ["maria-meier", "Maria Meier", 2],
      ["thanh-hang", "Thanh Hằng", 1],
    ]);
    expect(h.catalog.sources.map((e) => [e.slug, e.total])).toEqual([
      ["example.org", 2],
      ["news.example.com", 1],
    ]);

    expect(topic(store, "tags", "wirtschaft")).toMatchObject({
      version: INDEX_VERSION,
      kind: "tags",
      slug: "wirtschaft",
      name: "Wirtschaft",
      more: [],
      tail: 0,
    });
    expect(ids(topic(store, "tags", "wirtschaft")?.items)).toEqual(["b", "a"]);
    expect(ids(topic(store, "sources", "example.org")?.items)).toEqual(["a", "c"]);
    expect(ids(topic(store, "languages", "en")?.items)).toEqual(["d", "c"]);

    const page = store.json<{ type: string; entries: [string, { id: string }][] }>(keys.archiveNode("2024-05", "1"));
    expect(page?.type).toBe("leaf");
    expect(page?.entries.map(([, a]) => a.id)).toEqual(["d", "c"]);
    expect(store.json<ArticleRecord>(keys.article("d"))).toMatchObject({
      version: INDEX_VERSION,
      article: { id: "d", key: `${PREFIX}2024/d`, title: "No extension" },
      claimants: [],
    });
    expect(opts.lines.at(-1)).toMatch(/4 listed, 4 parsed/);
    // Nothing of the index is outside this version's folder.
    expect([...store.objects.keys()].filter((k) => k.startsWith(keys.folder) && !k.startsWith(keys.base))).toEqual([]);
  });

  it("reads the state, the head, the manifest and one listing page, and writes nothing, when nothing changed", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    await rebuildIndex(store, options()); // the first follow-up run also makes sure no older index is left
    store.resetCalls();
    const report = await rebuildIndex(store, options({ now: new Date("2024-07-02T00:00:00Z") }));
    // One write: the state counts the completed pass.
    expect(report).toMatchObject({ listed: 4, parsed: 0, unchanged: 4, deleted: 0, writes: 1 });
    expect(store.calls).toEqual([
      `get ${keys.state}`,
      `get ${keys.head}`,
      `get ${keys.manifestNode("root")}`,
      `list ${PREFIX}`,
      `get ${keys.manifestNode("1")}`,
      `put ${keys.state}`,
    ]);
    expect(head(store).builtAt).toBe(NOW.toISOString());
  });

  it("rewrites only the article's record, windows, archive page and manifest leaf after one edit", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
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
        keys.manifestNode("1"),
        keys.article("a"),
        keys.archiveNode("2024-06", "1"),
        keys.topic("tags", "wirtschaft"),
        keys.topic("tags", "hamburg"),
        keys.topic("authors", "maria-meier"),
        keys.topic("languages", "de"),
        keys.topic("sources", "example.org"),
        keys.head,
        keys.summary,
        keys.state,
      ]),
    );
    // The manifest leaf twice: the announcement of the change, then its completion.
    expect(store.keysOf("put").filter((k) => k === keys.manifestNode("1"))).toHaveLength(2);
    expect(store.count("delete")).toBe(0);
    expect(store.keysOf("get").filter((k) => !k.startsWith(keys.folder))).toEqual([`${PREFIX}a.txt`]);

    expect(head(store).items.find((a) => a.id === "a")?.title).toBe("Hafen wächst weiter");
    expect(head(store).items.find((a) => a.id === "c")?.contentHtml).toContain("Bridge reopens");
    expect(topic(store, "tags", "wirtschaft")?.items.map((a) => a.title)).toEqual(["Bahn streikt", "Hafen wächst weiter"]);
    expect(store.json<ArticleRecord>(keys.article("a"))?.article?.title).toBe("Hafen wächst weiter");
    expect(store.json<{ entries: [string, { title: string }][] }>(keys.archiveNode("2024-06", "1"))?.entries.map(([, a]) => a.title)).toEqual([
      "Bahn streikt",
      "Hafen wächst weiter",
    ]);
  });

  it("removes a deleted article from every object and drops topics and months left empty", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.remove(`${PREFIX}c.md`);
    const report = await rebuildIndex(store, options());
    expect(report).toMatchObject({ listed: 3, parsed: 0, unchanged: 3, deleted: 1 });

    const h = head(store);
    expect(ids(h.items)).toEqual(["b", "a", "d"]);
    expect(h.catalog.tags.map((e) => e.slug)).not.toContain("sydney");
    expect(h.catalog.authors.find((e) => e.slug === "maria-meier")?.total).toBe(1);
    expect(h.months.map((m) => [m.month, m.total])).toEqual([
      ["2024-06", 2],
      ["2024-05", 1],
    ]);
    expect(store.objects.has(keys.topic("tags", "sydney"))).toBe(false);
    expect(store.objects.has(keys.article("c"))).toBe(false);
    expect(ids(topic(store, "authors", "maria-meier")?.items)).toEqual(["a"]);

    store.remove(`${PREFIX}2024/d`);
    await rebuildIndex(store, options());
    expect(store.objects.has(keys.archiveNode("2024-05", "1"))).toBe(false);
    expect(store.objects.has(keys.archiveNode("2024-05", "root"))).toBe(false);
    expect(head(store).months.map((m) => m.month)).toEqual(["2024-06"]);
    // Deletions come after the head stopped referring to what they delete.
    expect(store.calls.findIndex((c) => c.startsWith("delete"))).toBeGreaterThan(store.calls.indexOf(`put ${keys.head}`));
  });

  it("keeps a future-dated article in the head and its pages, counted in totals that readers lower", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}f.txt`, articleText({ title: "Embargo", date: "2024-07-05T06:00:00Z", tags: ["Kultur"], lang: "de" }));
    await rebuildIndex(store, options());
    const h = head(store);
    expect(h.items[0]?.id).toBe("f");
    expect(isVisible(h.items[0]!, NOW)).toBe(false);
    expect(h.catalog.tags.find((e) => e.slug === "kultur")?.total).toBe(1);
    expect(ids(topic(store, "tags", "kultur")?.items)).toEqual(["f"]);
    const snapshot = await indexSnapshot(store, PREFIX, NOW);
    expect((snapshot.head as { catalog: { tags: { slug: string }[] } }).catalog.tags.map((e) => e.slug)).not.toContain("kultur");
    const later = await indexSnapshot(store, PREFIX, new Date("2024-07-06T00:00:00Z"));
    expect((later.head as { catalog: { tags: { slug: string; count: number }[] } }).catalog.tags.find((e) => e.slug === "kultur")?.count).toBe(1);
  });

  it("keeps drafts out of every object, and follows draft flips", async () => {
    seedBasic(store);
    const draft = articleText({ title: "Entwurf", date: "2024-06-25T08:00:00Z", tags: ["Geheim"], author: "Maria Meier", lang: "de", draft: true });
    store.seed(`${PREFIX}g.txt`, draft);
    await rebuildIndex(store, options());
    const everything = [...store.objects.keys()]
      .filter((k) => k.startsWith(keys.base) && !k.includes("/manifest/"))
      .map((k) => JSON.stringify(store.json(k)))
      .join("\n");
    expect(everything).not.toContain("Entwurf");
    expect(everything).not.toContain("Geheim");

    store.seed(`${PREFIX}g.txt`, draft.replace("draft: true", "draft: false"));
    await rebuildIndex(store, options());
    expect(ids(head(store).items)).toContain("g");
    expect(store.objects.has(keys.topic("tags", "geheim"))).toBe(true);

    store.seed(`${PREFIX}g.txt`, draft);
    await rebuildIndex(store, options());
    expect(ids(head(store).items)).not.toContain("g");
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
    expect(opts.lines.filter((l) => l.includes("index: skipped"))).toHaveLength(3);
    expect(head(store).items).toHaveLength(4);

    store.resetCalls();
    const again = await rebuildIndex(store, options());
    expect(again).toMatchObject({ writes: 1, unchanged: 7, parsed: 0 }); // the state
    expect(store.keysOf("put")).toEqual([keys.state]);
    expect(again.skipped).toHaveLength(3);
    expect(store.keysOf("get").filter((k) => !k.startsWith(keys.folder))).toEqual([]);
  });

  it("keeps one article per id: the first key wins, the others wait and take over in key order", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}x1.txt`, articleText({ id: "same", title: "Erste", date: "2024-06-01T08:00:00Z", tags: ["Eins"] }));
    store.seed(`${PREFIX}x2.txt`, articleText({ id: "same", title: "Zweite", date: "2024-06-02T08:00:00Z", tags: ["Zwei"] }));
    store.seed(`${PREFIX}x3.txt`, articleText({ id: "same", title: "Dritte", date: "2024-06-03T08:00:00Z", tags: ["Drei"] }));
    const report = await rebuildIndex(store, options());
    expect(report.skipped.map((s) => s.key)).toEqual([`${PREFIX}x2.txt`, `${PREFIX}x3.txt`]);
    expect(report.skipped[0]?.reason).toContain(`duplicate id "same"`);
    expect(store.json<ArticleRecord>(keys.article("same"))).toMatchObject({ article: { title: "Erste" }, claimants: [`${PREFIX}x2.txt`, `${PREFIX}x3.txt`] });
    expect(store.objects.has(keys.topic("tags", "zwei"))).toBe(false);

    // The owner goes: the next claimant is read and takes over, in the same run.
    store.remove(`${PREFIX}x1.txt`);
    await rebuildIndex(store, options());
    expect(store.json<ArticleRecord>(keys.article("same"))).toMatchObject({ article: { title: "Zweite" }, claimants: [`${PREFIX}x3.txt`] });
    expect(
      head(store)
        .items.filter((a) => a.id === "same")
        .map((a) => a.title),
    ).toEqual(["Zweite"]);
    expect(store.objects.has(keys.topic("tags", "eins"))).toBe(false);
    expect(ids(topic(store, "tags", "zwei")?.items)).toEqual(["same"]);

    // A key earlier in key order claims the id: it takes over at once.
    store.seed(`${PREFIX}x0.txt`, articleText({ id: "same", title: "Nullte", date: "2024-06-04T08:00:00Z", tags: ["Null"] }));
    await rebuildIndex(store, options());
    expect(store.json<ArticleRecord>(keys.article("same"))).toMatchObject({ article: { title: "Nullte" }, claimants: [`${PREFIX}x2.txt`, `${PREFIX}x3.txt`] });
    expect(store.objects.has(keys.topic("tags", "zwei"))).toBe(false);

    // The waiting claimant changes its id: it leaves the claimants; the owner's deletion hands over to x3.
    store.seed(`${PREFIX}x2.txt`, articleText({ id: "other", title: "Andere", date: "2024-06-02T08:00:00Z", tags: ["Zwei"] }));
    store.remove(`${PREFIX}x0.txt`);
    await rebuildIndex(store, options());
    expect(store.json<ArticleRecord>(keys.article("same"))).toMatchObject({ article: { title: "Dritte" }, claimants: [] });
    expect(store.json<ArticleRecord>(keys.article("other"))).toMatchObject({ article: { title: "Andere" }, claimants: [] });
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(await freshSnapshot(store));
  });

  it("names empty-slug topics by a hash, merges tags that slugify alike and bounds long slugs", async () => {
    const long = "Ein sehr langer Schlagwortname ".repeat(8).trim();
    store.seed(`${PREFIX}a.txt`, articleText({ title: "Eins", date: "2024-06-01T08:00:00Z", tags: ["東京", "Wirtschaft", long] }));
    store.seed(`${PREFIX}b.txt`, articleText({ title: "Zwei", date: "2024-06-02T08:00:00Z", tags: ["wirtschaft"] }));
    await rebuildIndex(store, options());
    const tags = head(store).catalog.tags;
    expect(tags.find((e) => e.name === "東京")?.slug).toMatch(/^h-[0-9a-f]{12}$/);
    expect(tags.find((e) => e.slug === "wirtschaft")).toMatchObject({ total: 2, name: "wirtschaft" });
    // A slug is a URL path segment and part of object keys: bounded.
    expect(tags.find((e) => e.name === long)?.slug).toMatch(/^ein-sehr-langer-schlagwortname-[a-z0-9.-]{0,49}$/);
  });

  it("reads every article again when the default language changes", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    const opts = options({ defaultLanguage: "fr" });
    const report = await rebuildIndex(store, opts);
    expect(report.parsed).toBe(4);
    expect(opts.lines.some((l) => l.includes("default language changed"))).toBe(true);
    expect(head(store).defaultLanguage).toBe("fr");
    expect((await rebuildIndex(store, options({ defaultLanguage: "fr" }))).parsed).toBe(0);
  });

  it("lets a StoreError propagate, and the next run repairs the index", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.seed(`${PREFIX}b.txt`, articleText({ title: "Bahn streikt nicht", date: "2024-06-20T08:00:00Z", tags: ["Verkehr"], lang: "de" }));
    store.failWhen = (op, key) => op === "put" && key === keys.head;
    await expect(rebuildIndex(store, options())).rejects.toBeInstanceOf(StoreError);
    store.failWhen = null;
    const report = await rebuildIndex(store, options());
    expect(report.parsed).toBe(1);
    expect(head(store).items.find((a) => a.id === "b")?.title).toBe("Bahn streikt nicht");
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(await freshSnapshot(store));
  });

  it("rebuilds in place when an object named in repair is damaged; keys that read fine or that nothing refers to are no damage", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    const expected = await freshSnapshot(store);
    const page = keys.archiveNode("2024-05", "1");
    store.seed(keys.topic("tags", "wirtschaft"), JSON.stringify(store.json<StoredTopic>(keys.topic("tags", "wirtschaft"))).slice(0, 40));
    store.seed(page, JSON.stringify({ ...store.json<object>(page), version: INDEX_VERSION + 7 }));
    await store.delete(keys.article("a"));

    // Nothing names them, and a run that finds every article indexed reads none of them: it writes only its state.
    expect(await rebuildIndex(store, options())).toMatchObject({ writes: 1, repaired: 0 });
    // Keys that read fine, or that the index does not refer to, are no damage.
    expect(await rebuildIndex(store, options({ repair: [keys.article("b"), keys.topic("tags", "never-planned")] }))).toMatchObject({ writes: 1, repaired: 0 });

    const report = await rebuildIndex(
      store,
      options({ repair: [keys.topic("tags", "wirtschaft"), page, keys.article("a"), keys.topic("tags", "never-planned")] }),
    );
    expect(report.repaired).toBe(3);
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(expected);
    // Rebuilt pages get ids of their own (a full page is cached as immutable under its id); the old ones are gone.
    expect(store.objects.has(page)).toBe(false);
    expect(head(store).months.map((month) => month.newestPage)).toEqual(["1000001", "1000001"]);
    expect(store.keysOf("put")).not.toContain(keys.topic("tags", "never-planned"));

    // A damaged object a run meets itself (the head every run reads) is repaired the same way, unreported.
    store.seed(keys.head, "\u0000garbage");
    expect(await rebuildIndex(store, options())).toMatchObject({ repaired: 1 });
    expect(await indexSnapshot(store, PREFIX, NOW)).toEqual(expected);
    expect(head(store).months.map((month) => month.newestPage)).toEqual(["2000001", "2000001"]);
  });

  it("refuses a bounded change while the head is damaged, and leaves the index as it was", async () => {
    seedBasic(store);
    await rebuildIndex(store, options());
    store.seed(keys.head, "{ garbage");
    store.seed(`${PREFIX}e.txt`, articleText({ title: "Neu", date: "2024-06-25T08:00:00Z" }));
    store.resetCalls();
    await expect(applyChanges(store, [`${PREFIX}e.txt`], { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW })).rejects.toBeInstanceOf(
      UnreadableIndexError,
    );
    expect(store.keysOf("put")).toEqual([]);
  });

  it("skips an object larger than MAX_ARTICLE_BYTES without reading it", async () => {
    seedBasic(store);
    store.seed(`${PREFIX}huge.txt`, `${"Hafen ".repeat(MAX_ARTICLE_BYTES / 6 + 10)}\nMARIA MEIER\n`);
    const report = await rebuildIndex(store, options());
    expect(report.skipped).toContainEqual({ key: `${PREFIX}huge.txt`, reason: expect.stringMatching(/^too large: \d+ bytes/) });
    expect(store.keysOf("get")).not.toContain(`${PREFIX}huge.txt`);
  });

  it("reports progress after each listing page", async () => {
    seedBasic(store);
    store.pageSize = 3;
    const progress: [number, number][] = [];
    await rebuildIndex(store, options({ onProgress: (done, total) => progress.push([done, total]) }));
    expect(progress).toEqual([
      [3, 3],
      [4, 4],
    ]);
  });
});

/** The snapshot of a fresh full build of the same articles. */
async function freshSnapshot(store: MemoryStore): Promise<Record<string, unknown>> {
  const { articlesOnly } = await import("./index-snapshot");
  const fresh = articlesOnly(store, PREFIX);
  await rebuildIndex(fresh, options());
  return indexSnapshot(fresh, PREFIX, NOW);
}
