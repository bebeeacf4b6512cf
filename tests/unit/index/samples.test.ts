/**
 * The rebuild over the real sample articles of `articles/` with the real
 * parser: what a publisher's first build and a one-article edit cost.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isVisible } from "../../../src/article/parse";
import { isArticleKey, rebuildIndex } from "../../../src/index/build";
import { createIndexReader } from "../../../src/index/reader";
import { indexKeys } from "../../../src/index/schema";
import { articleTopics } from "../../../src/index/topics";
import { MemoryStore } from "./memory-store";

const DIR = fileURLToPath(new URL("../../../articles/", import.meta.url));
const PREFIX = "news/";
const keys = indexKeys(PREFIX);
const NOW = new Date("2026-12-01T12:00:00.000Z");

function loadSamples(): MemoryStore {
  const store = new MemoryStore();
  // Like the upload tooling: the folder's README describes the samples and is not one.
  for (const name of readdirSync(DIR)
    .sort()
    .filter((n) => n.toLowerCase() !== "readme.md")) {
    store.seed(`${PREFIX}${name}`, readFileSync(`${DIR}${name}`), { lastModified: new Date("2024-06-19T10:00:00Z") });
  }
  return store;
}

describe("rebuildIndex over the sample articles", () => {
  it("indexes every usable sample, then re-indexes one edit cheaply", async () => {
    const store = loadSamples();
    const articleCount = [...store.objects.keys()].filter((k) => isArticleKey(k, PREFIX)).length;
    const log: string[] = [];
    const first = await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW, log: (m) => log.push(m) });
    expect(first.listed).toBe(articleCount);
    expect(first.parsed + first.skipped.length).toBe(articleCount);
    // The state, the head and the manifest's root (all absent), one listing page, each article once.
    expect(first.reads).toBe(4 + articleCount);

    const head = (await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now: () => NOW.getTime() }).head())!;
    expect(head.items.length).toBeGreaterThan(0);
    expect(head.items.every((a) => !a.draft)).toBe(true);
    for (const item of head.items) expect(store.objects.has(keys.article(item.id))).toBe(true);
    const visible = head.items.filter((a) => isVisible(a, NOW));
    expect(head.catalog.languages.reduce((n, e) => n + e.count, 0)).toBe(visible.length);
    expect(head.months.reduce((n, m) => n + m.count, 0)).toBe(visible.length);

    await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    const second = await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    // The state, the head, one listing page, the manifest's root and leaf; the state again.
    expect(second).toMatchObject({ reads: 5, writes: 1, parsed: 0 });

    // Edit the oldest visible article: append a paragraph.
    const target = visible.at(-1)!;
    const original = new TextDecoder().decode(store.objects.get(target.key)!.body);
    const lines = original.split("\n");
    lines.splice(1 + (original.startsWith("---") ? lines.indexOf("---", 1) : 0), 0, "Ein zusätzlicher Absatz, nachträglich eingefügt.");
    // Keep lastModified: an article without a date takes it as its publication date.
    store.seed(target.key, lines.join("\n"), { lastModified: store.objects.get(target.key)!.lastModified });
    store.resetCalls();
    const edit = await rebuildIndex(store, { articlePrefix: PREFIX, defaultLanguage: "en", now: NOW });
    expect(edit).toMatchObject({ parsed: 1, unchanged: articleCount - 1 });
    const expected = new Set([
      keys.head,
      keys.summary,
      keys.state,
      keys.manifestNode("1"),
      keys.article(target.id),
      keys.archiveNode(target.published.slice(0, 7), "1"),
      ...articleTopics(target).map((t) => keys.topic(t.kind, t.slug)),
    ]);
    expect(new Set(store.keysOf("put"))).toEqual(expected);
    const after = (await createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0, now: () => NOW.getTime() }).head())!;
    expect(after.items.find((a) => a.id === target.id)?.contentHtml).toContain("nachträglich");

    console.log(
      `samples: ${articleCount} objects (${first.parsed} parsed, ${first.skipped.length} skipped); ` +
        `first build ${first.reads} reads / ${first.writes} writes; unchanged ${second.reads} / ${second.writes}; ` +
        `one edit (${target.key}) ${edit.reads} reads / ${edit.writes} writes`,
    );
    for (const s of first.skipped) console.log(`  skipped ${s.key}: ${s.reason}`);
  });
});
