/**
 * `npm start`: the whole service on this machine, offline. Starts a local
 * S3-protocol server on loopback with a temporary directory, uploads the
 * article folder, builds the index, and runs the Worker in workerd
 * (`wrangler dev`) pointed at that bucket. Then it watches the folder: a file
 * added, edited or removed is uploaded to (or deleted from) the local bucket
 * and its key posted to the Worker's `POST /admin/changes`, the change path a
 * production bucket's events take, so the feeds and the home page show it
 * within a second or two. Ctrl-C stops everything. A valid `_partners.yaml`
 * at the top of the folder is uploaded too (at start), and the line to point
 * `npm run partners` at the local bucket is printed.
 *
 *   ARTICLES_DIR  folder of raw articles (default ./articles)
 *   PORT          port of the Worker (default 8787)
 *   ADMIN_TOKEN   bearer token for the admin endpoints (default local-admin-token)
 */
import "./lib/quiet-sdk-notice";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CONFIG_VARIABLE_NAMES } from "../src/config";
import { rebuildIndex } from "../src/index/build";
import { createS3Store } from "../src/store/s3";
import { type ArticleWatcher, watchArticles } from "./lib/article-watcher";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "./lib/local-s3";
import { formatPartnersReport, publishPartners, readLocalPartners } from "./lib/partners-file";
import { sendChanges } from "./lib/send-changes";
import { uploadFolder } from "./lib/upload";

const BUCKET = "articles";
/** wrangler's own entry point, run with this Node: no npx/npm layers between us and the Worker's process group. */
const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const articlesDir = resolve(process.env.ARTICLES_DIR ?? "articles");
const port = Number(process.env.PORT ?? 8787);
const adminToken = process.env.ADMIN_TOKEN ?? "local-admin-token";

let s3: LocalS3 | undefined;
/** wrangler's local state (edge cache...), fresh for every start so no response of an earlier run is served. */
let workerState: string | undefined;
let worker: ChildProcess | undefined;
let watcher: ArticleWatcher | undefined;
let stopping: Promise<never> | undefined;

/**
 * Stops the Worker (its whole process group: wrangler runs workerd as a child)
 * and the S3 server, removes the temporary data, then exits. Ctrl-C reaches us
 * twice (from the terminal and relayed by npm/tsx): later calls wait for the
 * first cleanup instead of exiting in the middle of it.
 */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    await watcher?.close().catch(() => {});
    const pid = worker?.pid;
    if (pid && worker?.exitCode === null) {
      const exited = new Promise((done) => worker?.once("exit", done));
      signalGroup(pid, "SIGTERM");
      // A Worker that ignores SIGTERM is not allowed to outlive us.
      const timeout = setTimeout(() => signalGroup(pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timeout);
    }
    await s3?.close();
    if (workerState) await rm(workerState, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

async function main(): Promise<void> {
  if (!existsSync(articlesDir)) throw new Error(`ARTICLES_DIR ${articlesDir} does not exist`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);

  s3 = await startLocalS3({ buckets: [BUCKET] });
  const store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
  const base = `http://127.0.0.1:${port}`;
  // Watch before the first upload, so that nothing saved during start-up is missed;
  // its changes wait until the Worker answers.
  let workerUp: () => void = () => {};
  const workerReady = new Promise<void>((resolve) => (workerUp = resolve));
  watcher = watchArticles({
    dir: articlesDir,
    store,
    prefix: "",
    onChanges: async (changed) => {
      await workerReady;
      const started = performance.now();
      const sent = await sendChanges({ siteUrl: base, adminToken }, changed);
      const took = Math.round(performance.now() - started);
      if (sent.error) console.error(`changes: ${sent.pending.length} of ${changed.length} not applied: ${sent.error}`);
      else console.log(`changes: ${describeKeys(changed)} applied in ${took} ms`);
    },
    onError: (error) => console.error(`changes: ${error instanceof Error ? error.message : String(error)}; retried with the next change`),
  });
  await watcher.ready;
  const keys = await uploadFolder(store, articlesDir, "");
  const partnersFile = await readLocalPartners(articlesDir);
  const partners = partnersFile ? await publishPartners(store, "", partnersFile) : null;
  const report = await rebuildIndex(store, { articlePrefix: "", defaultLanguage: process.env.FEED_LANGUAGE || "en" });
  console.log(`local S3 server ${s3.endpoint}: ${keys.length} files uploaded from ${articlesDir}`);
  if (partners) console.log(formatPartnersReport(partners).join("\n"));
  console.log(`index: ${report.parsed} articles parsed, ${report.skipped.length} skipped`);
  for (const { key, reason } of report.skipped) console.log(`  skipped ${key}: ${reason}`);

  // Every configuration variable set in this environment reaches the Worker (e.g.
  // `FEED_TITLE=... npm start`); the local store and the local site URL win.
  const vars: Record<string, string> = {};
  for (const name of CONFIG_VARIABLE_NAMES) {
    const value = process.env[name];
    if (value !== undefined && value !== "") vars[name] = value;
  }
  Object.assign(vars, {
    SITE_URL: process.env.SITE_URL || `http://127.0.0.1:${port}`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: BUCKET,
    S3_PREFIX: "",
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    ADMIN_TOKEN: adminToken,
  });
  workerState = await mkdtemp(join(tmpdir(), "feed-worker-state-"));
  const args = [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", workerState, "--show-interactive-dev-session=false"];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  worker = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  worker.stdout?.on("data", (chunk: Buffer) => forward(chunk, process.stdout));
  worker.stderr?.on("data", (chunk: Buffer) => forward(chunk, process.stderr));
  worker.once("exit", (code) => {
    if (stopping) return;
    console.error(`wrangler dev exited (${code ?? "by a signal"})`);
    void stop(1);
  });

  await waitForWorker(`${base}/rss.xml`);
  workerUp();
  console.log(`\nThe feed service runs on ${base}:`);
  for (const path of ["/", "/rss.xml", "/atom.xml", "/feed.json", "/opml.xml"]) console.log(`  ${base}${path}`);
  console.log(`Watching ${articlesDir}: added, edited and removed files reach the feeds within seconds.`);
  // The local bucket's port changes with every start: this is how the command-line tools reach it.
  const localBucket = `S3_ENDPOINT=${s3.endpoint} S3_REGION=us-east-1 S3_BUCKET=${BUCKET} S3_PREFIX= S3_ACCESS_KEY_ID=${LOCAL_S3_CREDENTIALS.accessKeyId} S3_SECRET_ACCESS_KEY=${LOCAL_S3_CREDENTIALS.secretAccessKey} SITE_URL=${vars.SITE_URL}`;
  console.log(`Partner feeds of this local service (changes apply within INDEX_TTL):\n  ${localBucket} npm run partners -- list`);
  console.log("Press Ctrl-C to stop.");
}

function describeKeys(keys: string[]): string {
  return keys.length <= 3 ? keys.join(", ") : `${keys.slice(0, 3).join(", ")} and ${keys.length - 3} more`;
}

/** Passes wrangler's output through, minus the harmless failures of its online checks (no internet here). */
function forward(chunk: Buffer, out: NodeJS.WriteStream): void {
  const lines = chunk
    .toString()
    .split("\n")
    .filter((line) => !/ENOTFOUND|workers\.cloudflare\.com/.test(line));
  const text = lines.join("\n");
  if (text.trim()) out.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function waitForWorker(url: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`the Worker did not answer ${url} within 90 s`);
}

// Ctrl-C, a process manager, or the terminal closing: always clean up.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
});
