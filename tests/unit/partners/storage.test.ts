import { describe, expect, it } from "vitest";
import { isArticleKey } from "../../../src/index/build";
import { NO_PARTNERS, type PartnerDefinition, parsePartnerDefinition } from "../../../src/partners/definition";
import { loadPartnerDefinition, partnerKeys, savePartnerDefinition } from "../../../src/partners/storage";
import { MemoryStore } from "../index/memory-store";

const PREFIX = "news/";
const KEYS = partnerKeys(PREFIX);
const VALID = `partners:\n  - id: a\n    name: A\n    token_sha256: ${"a".repeat(64)}\n    content: full\n    delay_minutes: 0\n`;
const OTHER = VALID.replace("id: a", "id: b");
const INVALID = VALID.replace("content: full", "content: teaser");

function definition(text: string): PartnerDefinition {
  const result = parsePartnerDefinition(text);
  if (!result.ok) throw new Error("invalid fixture");
  return result.definition;
}

describe("partner definition keys", () => {
  it("are never read as articles", () => {
    expect(KEYS.definition).toBe("news/_partners.yaml");
    expect(isArticleKey(KEYS.definition, PREFIX)).toBe(false);
    expect(isArticleKey(KEYS.lastValid, PREFIX)).toBe(false);
  });
});

describe("loadPartnerDefinition", () => {
  it("takes a valid file and saves it as the last valid copy", async () => {
    const store = new MemoryStore();
    store.seed(KEYS.definition, VALID);
    const loaded = await loadPartnerDefinition(store, { articlePrefix: PREFIX });
    expect(loaded.source).toBe("file");
    expect(loaded.definition).toEqual(definition(VALID));
    expect(definition(new TextDecoder().decode((await store.get(KEYS.lastValid))?.body))).toEqual(definition(VALID));
    // Unchanged: nothing is written again.
    store.resetCalls();
    await loadPartnerDefinition(store, { articlePrefix: PREFIX });
    expect(store.count("put")).toBe(0);
  });

  it("keeps the last valid copy in force when the file turns invalid, and logs the line", async () => {
    const store = new MemoryStore();
    store.seed(KEYS.definition, VALID);
    await loadPartnerDefinition(store, { articlePrefix: PREFIX });
    store.seed(KEYS.definition, INVALID);
    const logged: string[] = [];
    const loaded = await loadPartnerDefinition(store, { articlePrefix: PREFIX, log: (line) => logged.push(line) });
    expect(loaded.source).toBe("last-valid");
    expect(loaded.definition).toEqual(definition(VALID));
    expect(logged.join("\n")).toContain('news/_partners.yaml:5:14: partner "a": content must be `full` or `summary`');
  });

  it("falls back to this isolate's version, then to no partners, when there is no copy", async () => {
    const store = new MemoryStore();
    store.seed(KEYS.definition, INVALID);
    const known = definition(OTHER);
    expect((await loadPartnerDefinition(store, { articlePrefix: PREFIX, lastKnown: known })).definition).toBe(known);
    const none = await loadPartnerDefinition(store, { articlePrefix: PREFIX });
    expect(none).toMatchObject({ source: "none", definition: NO_PARTNERS });
  });

  it("means no partners without a file, and forgets the copy so that a bad upload cannot bring them back", async () => {
    const store = new MemoryStore();
    store.seed(KEYS.definition, VALID);
    await loadPartnerDefinition(store, { articlePrefix: PREFIX });
    store.remove(KEYS.definition);
    expect(await loadPartnerDefinition(store, { articlePrefix: PREFIX })).toMatchObject({ source: "absent", definition: NO_PARTNERS });
    expect(store.objects.has(KEYS.lastValid)).toBe(false);
    store.seed(KEYS.definition, INVALID);
    expect((await loadPartnerDefinition(store, { articlePrefix: PREFIX })).definition).toEqual(NO_PARTNERS);
  });

  it("still answers when the copy cannot be written", async () => {
    const store = new MemoryStore();
    store.seed(KEYS.definition, VALID);
    store.failWhen = (op) => op === "put";
    const logged: string[] = [];
    expect((await loadPartnerDefinition(store, { articlePrefix: PREFIX, log: (line) => logged.push(line) })).source).toBe("file");
    expect(logged[0]).toMatch(/^could not update news\/_partners\.last-valid\.json/);
  });
});

describe("savePartnerDefinition", () => {
  it("writes the file and the copy", async () => {
    const store = new MemoryStore();
    await savePartnerDefinition(store, PREFIX, OTHER, definition(OTHER));
    expect(new TextDecoder().decode((await store.get(KEYS.definition))?.body)).toBe(OTHER);
    expect(definition(new TextDecoder().decode((await store.get(KEYS.lastValid))?.body))).toEqual(definition(OTHER));
  });
});
