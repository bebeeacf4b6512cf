/**
 * The publish command against a real S3-protocol server (s3rver on loopback):
 * the `publish()` function for what it does to the bucket and the index, the
 * keys it sends to a Worker's POST /admin/changes (a loopback server that
 * applies them to the same bucket, as the Worker does), and the real command
 * line for exit codes and output.
 */
import { execFile } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "../../scripts/lib/local-s3";
import { type PublishOptions, publish } from "../../scripts/lib/publish";
import { listFiles } from "../../scripts/lib/upload";
import { applyChanges } from "../../src/index/changes";
import { createIndexReader } from "../../src/index/reader";
import { indexKeys } from "../../src/index/schema";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";

const root = fileURLToPath(new URL("../..", import.meta.url));
const BUCKET = "publish";
const PREFIX = "news/";

let s3: LocalS3;
let store: ArticleStore;
let folder: string;
let articleCount: number;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET] });
  store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
  folder = await mkdtemp(join(tmpdir(), "publish-test-"));
  // Keep modification times: they are the articles' dates (upload.ts articleMetadata).
  await cp(join(root, "articles"), folder, { recursive: true, preserveTimestamps: true });
  await writeFile(join(folder, "zz-empty.txt"), "");
  articleCount = (await listFiles(folder)).length;
});

afterAll(async () => {
  await s3?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function run(options: Partial<PublishOptions> = {}) {
  return publish({ folder, store, prefix: PREFIX, defaultLanguage: "en", ...options });
}

/** Keys and ETags of everything in the bucket. */
async function snapshot(): Promise<string[]> {
  return (await store.list("")).map((info) => `${info.key} ${info.etag}`);
}

/** The article of `id` as the index has it now (a reader without cache), or null. */
async function indexed(id: string) {
  return createIndexReader(store, { articlePrefix: PREFIX, ttlSeconds: 0 }).article(id);
}

describe("publish()", () => {
  it("uploads every file and builds the first index in full", async () => {
    const report = await run();
    expect(report.uploaded).toHaveLength(articleCount);
    expect(report.unchanged).toBe(0);
    expect(report.lint.skipped).toEqual([{ file: "zz-empty.txt", reason: "empty file" }]);
    expect(report.lint.noAuthor).toContain("106_bahnstreik-ohne-autor.txt");
    expect(report.lint.noSource).toContain("107_ohne-quelle.txt");
    expect(report.index).toMatchObject({ kind: "rebuild", reason: "first index" });
    if (report.index?.kind !== "rebuild") throw new Error("expected a full build");
    expect(report.index.report).toMatchObject({ listed: articleCount, parsed: articleCount - 1, unchanged: 0, deleted: 0 });
    expect(report.index.report.skipped).toEqual([{ key: `${PREFIX}zz-empty.txt`, reason: "empty file" }]);
    const keys = (await store.list(PREFIX)).map((info) => info.key);
    expect(keys).toContain(indexKeys(PREFIX).head);
    expect(keys).not.toContain(`${PREFIX}README.md`);
  });

  it("touches neither the bucket nor the index when nothing changed: one listing and one look for the index", async () => {
    const report = await run();
    expect(report.uploaded).toEqual([]);
    expect(report.unchanged).toBe(articleCount);
    expect(report.index).toEqual({ kind: "none" });
    expect(report.store).toMatchObject({ reads: 2, writes: 0 });
  });

  it("uploads exactly the file whose bytes changed and applies exactly that key", async () => {
    await appendFile(join(folder, "101_harbour-bridge-reopens.txt"), "\nA late paragraph about the ferry timetable.\n");
    const report = await run();
    const key = `${PREFIX}101_harbour-bridge-reopens.txt`;
    expect(report.uploaded).toEqual([key]);
    expect(report.unchanged).toBe(articleCount - 1);
    expect(report.index).toMatchObject({ kind: "changes", keys: [key], locally: [key], byWorker: [], fallback: null });
    expect((await indexed("101_harbour-bridge-reopens"))?.contentHtml).toContain("ferry timetable");
  });

  it("changes nothing in the bucket in a dry run, and says what it would upload and delete", async () => {
    await appendFile(join(folder, "103_lyon-pistes-cyclables.txt"), "\n");
    await store.put(`${PREFIX}zz-only-in-the-bucket.txt`, "Ein Artikel, den es nur im Bucket gibt, über den Hafen.\n");
    const before = await snapshot();
    const report = await run({ dryRun: true, delete: true });
    expect(await snapshot()).toEqual(before);
    expect(report.uploaded).toEqual([`${PREFIX}103_lyon-pistes-cyclables.txt`]);
    expect(report.deleted).toEqual([`${PREFIX}zz-only-in-the-bucket.txt`]);
    expect(report.index).toBeNull();
    expect(report.store.writes).toBe(0);
  });

  it("with delete, removes articles the folder no longer has (never the index or other files) and applies their keys", async () => {
    await unlink(join(folder, "110_wichtige-aenderungen.txt")).catch(() => {});
    const articleKeys = async () => (await store.list(PREFIX)).map((info) => info.key).filter((key) => !key.startsWith(`${PREFIX}_index/`));
    const before = await articleKeys();
    const report = await run({ delete: true });
    const removed = report.deleted;
    expect(removed).toEqual(expect.arrayContaining([`${PREFIX}zz-only-in-the-bucket.txt`]));
    expect(removed.every((key) => !key.includes("_index/"))).toBe(true);
    expect(report.index).toMatchObject({ kind: "changes" });
    if (report.index?.kind !== "changes") throw new Error("expected changes");
    expect(report.index.keys.sort()).toEqual([...report.uploaded, ...removed].sort());
    const after = new Set(await articleKeys());
    for (const key of removed) expect(after.has(key)).toBe(false);
    expect(before.filter((key) => !after.has(key)).sort()).toEqual([...removed].sort());
    expect(await indexed("zz-only-in-the-bucket")).toBeNull();
  });

  it("rebuilds in full when asked", async () => {
    const report = await run({ rebuild: true });
    expect(report.index).toMatchObject({ kind: "rebuild", reason: "asked" });
  });
});

/**
 * A loopback stand-in for the Worker's POST /admin/changes: it checks the
 * token, applies at most `perRequest` keys to the same bucket with the real
 * index update (as a Worker's budget would), and answers 202 with the rest.
 */
async function startChangeServer(options: {
  token: string;
  perRequest: number;
  status?: number;
}): Promise<{ url: string; requests: string[][]; close(): Promise<void> }> {
  const requests: string[][] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", async () => {
      if (request.url !== "/admin/changes" || request.headers.authorization !== `Bearer ${options.token}`) {
        response.writeHead(401).end("Unauthorized");
        return;
      }
      if (options.status) {
        response.writeHead(options.status).end("The feed service is not configured correctly.\n");
        return;
      }
      const keys = (JSON.parse(body) as { keys: string[] }).keys;
      requests.push(keys);
      const now = keys.slice(0, options.perRequest);
      const report = await applyChanges(store, now, { articlePrefix: PREFIX, defaultLanguage: "en" });
      const remaining = keys.slice(options.perRequest);
      response.writeHead(remaining.length ? 202 : 200, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify({ applied: report.applied, remaining, ignored: [], ignoredEvents: 0, reads: report.reads, writes: report.writes, message: "" }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}`, requests, close: () => new Promise((done) => server.close(() => done())) };
}

describe("publish() with a Worker to tell", () => {
  const TOKEN = "publish-test-token-91";

  it("sends exactly the changed keys, again for what a 202 left, until the Worker applied all", async () => {
    const worker = await startChangeServer({ token: TOKEN, perRequest: 1 });
    try {
      await writeFile(join(folder, "201_new-one.txt"), "The first new article about the tram line.\nANNA BERG\nSource: https://example.org/tram\n");
      await writeFile(join(folder, "202_new-two.txt"), "The second new article about the night buses.\nANNA BERG\nSource: https://example.org/bus\n");
      const report = await run({ worker: { siteUrl: worker.url, adminToken: TOKEN } });
      const keys = [`${PREFIX}201_new-one.txt`, `${PREFIX}202_new-two.txt`];
      expect(report.uploaded).toEqual(keys);
      expect(worker.requests).toEqual([keys, [keys[1]]]);
      expect(report.index).toMatchObject({ kind: "changes", keys, byWorker: keys, locally: [], fallback: null });
      expect((await indexed("202_new-two"))?.title).toContain("night buses");
    } finally {
      await worker.close();
    }
  });

  it("applies the keys from here when the Worker refuses them, and says why", async () => {
    const worker = await startChangeServer({ token: TOKEN, perRequest: 1, status: 500 });
    try {
      await appendFile(join(folder, "201_new-one.txt"), "A correction about the tram depot.\n");
      const report = await run({ worker: { siteUrl: worker.url, adminToken: TOKEN } });
      const key = `${PREFIX}201_new-one.txt`;
      expect(report.index).toMatchObject({ kind: "changes", keys: [key], byWorker: [], locally: [key] });
      if (report.index?.kind !== "changes") throw new Error("expected changes");
      expect(report.index.fallback).toBe(`${worker.url}/admin/changes answered 500: The feed service is not configured correctly.`);
      expect((await indexed("201_new-one"))?.contentHtml).toContain("tram depot");
    } finally {
      await worker.close();
    }
  });

  it("applies the keys from here when the Worker cannot be reached", async () => {
    // A port that was free a moment ago: nothing listens there now.
    const gone = await startChangeServer({ token: TOKEN, perRequest: 1 });
    await gone.close();
    await appendFile(join(folder, "201_new-one.txt"), "Another note.\n");
    const report = await run({ worker: { siteUrl: gone.url, adminToken: TOKEN } });
    expect(report.index).toMatchObject({
      kind: "changes",
      locally: [`${PREFIX}201_new-one.txt`],
      fallback: `${gone.url}/admin/changes could not be reached (ECONNREFUSED)`,
    });
  });
});

describe("the publish command", () => {
  const exec = promisify(execFile);

  /** Runs the real CLI in an empty folder (no .dev.vars) with exactly `env` as configuration. */
  async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const cwd = await mkdtemp(join(tmpdir(), "publish-cli-"));
    try {
      const { stdout, stderr } = await exec(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "scripts/publish.ts"), ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? "", ...env },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }

  const localEnv = (): Record<string, string> => ({
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: BUCKET,
    S3_PREFIX: PREFIX,
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  });

  it("prints the lint report and a summary and exits 0", async () => {
    await appendFile(join(folder, "104_sequia-embalses-andalucia.txt"), "\n");
    const result = await cli([folder, "--dry-run"], localEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("zz-empty.txt: empty file");
    expect(result.stdout).toContain("Dry run: would upload 1, unchanged");
  });

  it("applies the changed keys from here without SITE_URL, and says the Worker's caches expire on their own", async () => {
    const result = await cli([folder], localEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Index: 1 changed keys applied from here.");
  });

  it("sends the changed keys to SITE_URL/admin/changes with ADMIN_TOKEN", async () => {
    const worker = await startChangeServer({ token: "cli-token-5", perRequest: 10 });
    try {
      await appendFile(join(folder, "104_sequia-embalses-andalucia.txt"), "\n");
      const result = await cli([folder], { ...localEnv(), SITE_URL: worker.url, ADMIN_TOKEN: "cli-token-5" });
      expect(result.code).toBe(0);
      expect(worker.requests).toEqual([[`${PREFIX}104_sequia-embalses-andalucia.txt`]]);
      expect(result.stdout).toContain("Index: the Worker applied 1 of 1 changed keys and purged its caches.");
      expect(result.stdout + result.stderr).not.toContain("cli-token-5");
    } finally {
      await worker.close();
    }
  });

  it("exits 2 with a one-line message when S3_BUCKET is missing", async () => {
    const { S3_BUCKET: _omitted, ...env } = localEnv();
    const result = await cli([folder], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("publish: S3_BUCKET is not set");
  });

  it("exits 2 on a usage error", async () => {
    expect((await cli([], localEnv())).code).toBe(2);
    expect((await cli([folder, "--frobnicate"], localEnv())).code).toBe(2);
  });

  it("exits 1 without a stack trace or a credential when the store is unreachable", async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const result = await cli([folder], { ...localEnv(), S3_ENDPOINT: "http://127.0.0.1:1", S3_SECRET_ACCESS_KEY: "very-secret-value" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^publish: store list failed for "news\/"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toContain("very-secret-value");
  });
});
