/**
 * `npm start` watches ARTICLES_DIR: a file added, edited or removed reaches
 * `/rss.xml` and the home page as a browser requests them (the feed's
 * browser variant and the HTML page, both cached) through the Worker's
 * POST /admin/changes. The target is 5 s; the assertion allows far more so
 * that a loaded CI machine does not make it flaky, and the measured times are
 * printed.
 */
import { cp, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../support/local-service";

const BROWSER = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
/** The product's target is 5 s; this bound only catches a change that never arrives. */
const GENEROUS_MS = 30_000;

let service: LocalService;
let base: string;
let folder: string;
const output = () => service.output();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "watch-test-"));
  await cp(join(process.cwd(), "articles"), folder, { recursive: true, preserveTimestamps: true });
  service = await startLocalService({ ARTICLES_DIR: folder });
  base = service.base;
});

afterAll(async () => {
  await service?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Milliseconds until both `/rss.xml` and `/`, requested as a browser does, satisfy `shows`. */
async function timeUntilVisible(shows: (text: string) => boolean, started: number): Promise<{ rss: number; home: number }> {
  const seen: { rss?: number; home?: number } = {};
  while (Date.now() - started < GENEROUS_MS) {
    for (const [name, path] of [
      ["rss", "/rss.xml"],
      ["home", "/"],
    ] as const) {
      if (seen[name] !== undefined) continue;
      const response = await fetch(`${base}${path}`, { headers: BROWSER });
      if (response.ok && shows(await response.text())) seen[name] = Date.now() - started;
    }
    if (seen.rss !== undefined && seen.home !== undefined) return { rss: seen.rss, home: seen.home };
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`not visible within ${GENEROUS_MS} ms (rss: ${seen.rss ?? "no"}, home: ${seen.home ?? "no"}):\n${output().slice(-2000)}`);
}

const article = (sentence: string) => `${sentence}\nERIKA MUSTER\nQuelle: https://example.org/watch\nKommentar (0)\n`;

describe("npm start watching ARTICLES_DIR", () => {
  const file = () => join(folder, "900_watched.txt");

  it("shows an added file in /rss.xml and on the home page", async () => {
    const started = Date.now();
    await writeFile(file(), article("Ein Zeppelin landet auf dem Marktplatz der Altstadt."));
    const took = await timeUntilVisible((text) => text.includes("Zeppelin landet"), started);
    console.log(`file added -> visible: /rss.xml ${took.rss} ms, / ${took.home} ms (target 5,000 ms)`);
    expect(Math.max(took.rss, took.home)).toBeLessThan(GENEROUS_MS);
    expect(output()).toContain("changes: 900_watched.txt applied");
  });

  it("shows an edit", async () => {
    const started = Date.now();
    await writeFile(file(), article("Ein Heißluftballon landet auf dem Marktplatz der Altstadt."));
    const took = await timeUntilVisible((text) => text.includes("Heißluftballon landet") && !text.includes("Zeppelin landet"), started);
    console.log(`file edited -> visible: /rss.xml ${took.rss} ms, / ${took.home} ms (target 5,000 ms)`);
    expect(Math.max(took.rss, took.home)).toBeLessThan(GENEROUS_MS);
  });

  it("drops a removed file", async () => {
    const started = Date.now();
    await unlink(file());
    const took = await timeUntilVisible((text) => !text.includes("Heißluftballon landet"), started);
    console.log(`file removed -> gone: /rss.xml ${took.rss} ms, / ${took.home} ms (target 5,000 ms)`);
    expect(Math.max(took.rss, took.home)).toBeLessThan(GENEROUS_MS);
    expect((await fetch(`${base}/articles/900_watched`)).status).toBe(410); // removed: Gone, for TOMBSTONE_DAYS
  });

  it("never uploads what is not an article", async () => {
    await writeFile(join(folder, "notes.png"), "not an article");
    await writeFile(join(folder, "README.md"), "# About this folder\n");
    await new Promise((done) => setTimeout(done, 1_000));
    expect(output()).not.toMatch(/changes: .*(notes\.png|README\.md)/);
  });
});
