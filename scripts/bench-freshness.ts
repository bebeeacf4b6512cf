/**
 * `npm run bench:freshness [-- --sizes 1000,20000 --runs 5]`: time from a
 * file written to the article folder to the new item visible in `/rss.xml`
 * (and on the home page as a browser asks), with `npm start` as a person
 * runs it, at each archive size. Writes its section of BENCHMARKS.md.
 *
 * Everything stays on 127.0.0.1; every wait is bounded; the local service and
 * the temporary folders are removed at the end and on Ctrl-C.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mapLimit } from "../src/store/concurrency";
import { onCleanup, runBenchmark } from "./lib/bench/cleanup";
import { FRESHNESS_TARGET_MS, type FreshnessSize, median, meetsTarget, renderFreshnessReport } from "./lib/bench/freshness-report";
import { describeMachine } from "./lib/bench/machine";
import { replaceSection } from "./lib/bench/sections";
import { freePort } from "./lib/bench/workerd";
import { makeArticle, prng } from "./lib/synthetic-articles";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const BROWSER = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
const READER = { Accept: "application/rss+xml, application/xml;q=0.9, */*;q=0.1" };
/** A run that takes longer than this is reported as this (and misses the target). */
const RUN_TIMEOUT_MS = 60_000;
const STARTUP_TIMEOUT_MS = 20 * 60_000;

const USAGE = `Usage: npm run bench:freshness [-- --sizes 1000,20000] [--runs 5]

  --sizes   archive sizes, comma-separated (default 1000,20000)
  --runs    new files written per size; the report gives medians (default 5)
  -h, --help`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "1000,20000" },
      runs: { type: "string", default: "5" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sizes = values.sizes.split(",").map(Number);
  const runs = Number(values.runs);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1) || !Number.isInteger(runs) || runs < 1) {
    console.error(USAGE);
    return 2;
  }

  const loadBefore = loadavg()[0] ?? 0;
  const results: FreshnessSize[] = [];
  for (const size of sizes) results.push(await measureSize(size, runs));
  const result = {
    load: { before: loadBefore, after: loadavg()[0] ?? 0 },
    machine: describeMachine(),
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    commit: gitCommit(),
    runs,
    sizes: results,
  };
  const report = renderFreshnessReport(result);
  console.log(`\n${report}`);
  const path = join(PROJECT_DIR, "BENCHMARKS.md");
  const previous = await readFile(path, "utf8").catch(() => "");
  await writeFile(path, replaceSection(previous, "freshness", report));
  log("written to BENCHMARKS.md (section bench:freshness)");
  return meetsTarget(result) ? 0 : 3;
}

async function measureSize(count: number, runs: number): Promise<FreshnessSize> {
  const label = `${count.toLocaleString("en-US")} articles`;
  const folder = await mkdtemp(join(tmpdir(), "feed-worker-freshness-"));
  const removeFolder = onCleanup(() => rm(folder, { recursive: true, force: true }));
  log(`${label}: writing the folder...`);
  await writeArticles(folder, count);

  log(`${label}: npm start...`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const service = startService(folder, port);
  const stopService = onCleanup(() => service.stop());
  await service.waitFor("Press Ctrl-C to stop.", STARTUP_TIMEOUT_MS);
  const startupMs = Date.now() - started;
  // First requests compile the Worker's code paths; they are not what is measured.
  for (const [path, headers] of [
    ["/rss.xml", READER],
    ["/", BROWSER],
  ] as const)
    await fetch(base + path, { headers });

  const size: FreshnessSize = { articles: count, startupMs, rssMs: [], homeMs: [], applyMs: [] };
  for (let run = 1; run <= runs; run++) {
    const phrase = `Freshness probe ${count} ${run} ${Date.now().toString(36)}`;
    const applied = service.nextApply();
    const written = Date.now();
    await writeFile(
      join(folder, `zz-fresh-${run}.txt`),
      `${phrase}: a balloon lands on the market square.\nANNA BERG\nSource: https://example.org/fresh\nComment (0)\n`,
    );
    const seen = await pollUntilVisible(base, phrase, written);
    size.rssMs.push(seen.rss);
    size.homeMs.push(seen.home);
    size.applyMs.push(await applied);
    log(`${label}, run ${run}: /rss.xml ${seen.rss} ms, / ${seen.home} ms`);
    // Let the machine settle between runs.
    await new Promise((done) => setTimeout(done, 1_000));
  }
  log(`${label}: median ${Math.round(median(size.rssMs))} ms (target ${FRESHNESS_TARGET_MS} ms)`);
  await stopService();
  await removeFolder();
  return size;
}

/** `count` synthetic articles as files, each with its generated date as modification time (the article date). */
async function writeArticles(folder: string, count: number): Promise<void> {
  const rand = prng(0xf4e5);
  const articles = Array.from({ length: count }, (_, i) => makeArticle(i, rand));
  await mapLimit(articles, 32, async (article) => {
    const path = join(folder, basename(article.key));
    await writeFile(path, article.body);
    await utimes(path, article.lastModified, article.lastModified);
  });
}

/** Polls `/rss.xml` (as a reader) and `/` (as a browser) until both show `phrase`. */
async function pollUntilVisible(base: string, phrase: string, since: number): Promise<{ rss: number; home: number }> {
  let rss: number | undefined;
  let home: number | undefined;
  while (Date.now() - since < RUN_TIMEOUT_MS && (rss === undefined || home === undefined)) {
    if (rss === undefined && (await (await fetch(`${base}/rss.xml`, { headers: READER })).text()).includes(phrase)) rss = Date.now() - since;
    if (home === undefined && (await (await fetch(`${base}/`, { headers: BROWSER })).text()).includes(phrase)) home = Date.now() - since;
    await new Promise((done) => setTimeout(done, 20));
  }
  return { rss: rss ?? RUN_TIMEOUT_MS, home: home ?? RUN_TIMEOUT_MS };
}

interface Service {
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /** Resolves with the round trip of the next "changes: … applied in N ms" line. */
  nextApply(): Promise<number>;
  stop(): Promise<void>;
}

/** `npm start`'s script on `port` over `folder`. */
function startService(folder: string, port: number): Service {
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_DIR, "node_modules/tsx/dist/cli.mjs"), join(PROJECT_DIR, "scripts/dev.ts")], {
    cwd: PROJECT_DIR,
    env: { ...process.env, PORT: String(port), ARTICLES_DIR: folder },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiting: ((ms: number) => void)[] = [];
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    for (const match of text.matchAll(/changes: .* applied in (\d+) ms/g)) waiting.shift()?.(Number(match[1]));
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return {
    async waitFor(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`npm start did not print "${text}" in time:\n${output.slice(-2000)}`);
        await new Promise((done) => setTimeout(done, 250));
      }
    },
    nextApply() {
      return new Promise<number>((resolve) => {
        waiting.push(resolve);
        setTimeout(() => resolve(Number.NaN), RUN_TIMEOUT_MS).unref();
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGINT");
      await exited;
    },
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_DIR, encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

function log(line: string): void {
  console.error(line);
}

runBenchmark("bench:freshness", main);
