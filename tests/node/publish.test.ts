/**
 * The publish command against a real S3-protocol server (s3rver on loopback):
 * the `publish()` function for what it does to the bucket, and the real
 * command line for exit codes and output.
 */
import { execFile } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from "../../scripts/lib/local-s3";
import { publish, type PublishOptions } from "../../scripts/lib/publish";
import { listFiles } from "../../scripts/lib/upload";

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

describe("publish()", () => {
  it("uploads every file and builds the index on the first run", async () => {
    const report = await run();
    expect(report.uploaded).toHaveLength(articleCount);
    expect(report.unchanged).toBe(0);
    expect(report.lint.skipped).toEqual([{ file: "zz-empty.txt", reason: "empty file" }]);
    expect(report.lint.noAuthor).toContain("106_bahnstreik-ohne-autor.txt");
    expect(report.lint.noSource).toContain("107_ohne-quelle.txt");
    expect(report.index).toMatchObject({ listed: articleCount, parsed: articleCount - 1, unchanged: 0, deleted: 0 });
    expect(report.index?.skipped).toEqual([{ key: `${PREFIX}zz-empty.txt`, reason: "empty file" }]);
    const keys = (await store.list(PREFIX)).map((info) => info.key);
    expect(keys).toContain(`${PREFIX}_index/head.json`);
    expect(keys).not.toContain(`${PREFIX}README.md`);
  });

  it("uploads nothing when nothing changed, and the rebuild reads only the listing and the manifest", async () => {
    const report = await run();
    expect(report.uploaded).toEqual([]);
    expect(report.unchanged).toBe(articleCount);
    expect(report.index).toMatchObject({ parsed: 0, unchanged: articleCount, reads: 2, writes: 0 });
    // One listing of its own, the rebuild's two reads, no writes at all.
    expect(report.store).toMatchObject({ reads: 3, writes: 0 });
  });

  it("uploads exactly the file whose bytes changed", async () => {
    await appendFile(join(folder, "101_harbour-bridge-reopens.txt"), "\n");
    const report = await run();
    expect(report.uploaded).toEqual([`${PREFIX}101_harbour-bridge-reopens.txt`]);
    expect(report.unchanged).toBe(articleCount - 1);
    expect(report.index).toMatchObject({ parsed: 1, unchanged: articleCount - 1 });
  });

  it("changes nothing in the bucket in a dry run, and says what it would upload", async () => {
    await appendFile(join(folder, "103_lyon-pistes-cyclables.txt"), "\n");
    const before = await snapshot();
    const report = await run({ dryRun: true });
    expect(await snapshot()).toEqual(before);
    expect(report.uploaded).toEqual([`${PREFIX}103_lyon-pistes-cyclables.txt`]);
    expect(report.index).toBeNull();
    expect(report.store.writes).toBe(0);
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
    const result = await cli([folder, "--dry-run"], localEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("zz-empty.txt: empty file");
    expect(result.stdout).toContain("Dry run: would upload 1, unchanged");
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
