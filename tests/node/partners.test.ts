/**
 * `npm run partners` and the partner file in `npm run publish`, against a
 * real S3-protocol server (s3rver on loopback): the real command line for
 * output and exit codes, the edit functions for what they keep of a file.
 */
import "../../scripts/lib/quiet-sdk-notice";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "../../scripts/lib/local-s3";
import { addPartner, PartnersEditError, revokePartner, rotatePartner } from "../../scripts/lib/partners-edit";
import { publish } from "../../scripts/lib/publish";
import { type PartnerDefinition, parsePartnerDefinition } from "../../src/partners/definition";
import { partnerKeys } from "../../src/partners/storage";
import { sha256Hex } from "../../src/partners/token";
import { createS3Store } from "../../src/store/s3";
import type { ArticleStore } from "../../src/store/store";

const root = fileURLToPath(new URL("../..", import.meta.url));
const BUCKET = "partners-cli";
const PREFIX = "news/";
const KEYS = partnerKeys(PREFIX);
const exec = promisify(execFile);

let s3: LocalS3;
let store: ArticleStore;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: [BUCKET] });
  store = createS3Store({ endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });
});

afterAll(async () => {
  await s3?.close();
});

const localEnv = (): Record<string, string> => ({
  S3_ENDPOINT: s3.endpoint,
  S3_REGION: "us-east-1",
  S3_BUCKET: BUCKET,
  S3_PREFIX: PREFIX,
  S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
  S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  SITE_URL: "https://news.example.com",
});

/** Runs a command line in an empty folder (no .dev.vars) with exactly `env` as configuration. */
async function run(script: string, args: string[], env: Record<string, string> = localEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = await mkdtemp(join(tmpdir(), "partners-cli-"));
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, script), ...args], {
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

const partners = (args: string[], env?: Record<string, string>) => run("scripts/partners.ts", args, env);

async function bucketText(key: string): Promise<string | null> {
  const object = await store.get(key);
  return object === null ? null : new TextDecoder().decode(object.body);
}

async function definitionInBucket(): Promise<PartnerDefinition> {
  const parsed = parsePartnerDefinition((await bucketText(KEYS.definition)) ?? "");
  if (!parsed.ok) throw new Error("the bucket's file is invalid");
  return parsed.definition;
}

/** The token a command printed (on its own indented line). */
function printedToken(stdout: string): string {
  const match = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(stdout);
  if (!match?.[1]) throw new Error(`no token in:\n${stdout}`);
  return match[1];
}

describe("npm run partners", () => {
  let firstToken = "";

  it("add: prints a new 256-bit token once and stores only its SHA-256, with the terms given", async () => {
    await store.delete(KEYS.definition);
    const result = await partners([
      "add",
      "nordkurier",
      "--name",
      "Nordkurier",
      "--summary",
      "--delay",
      "30",
      "--topics",
      "lang/de,tags/wirtschaft",
      "--attribution",
      "Mit freundlicher Genehmigung von News",
      "--origins",
      "https://www.nordkurier.example",
      "--rpm",
      "120",
    ]);
    expect(result.code).toBe(0);
    firstToken = printedToken(result.stdout);
    expect(Buffer.from(firstToken, "base64url")).toHaveLength(32);
    expect(result.stdout).toContain(`https://news.example.com/p/${firstToken}/rss.xml`);
    expect(result.stdout).toContain('name = "PARTNER_RATE_LIMIT_120"');
    const file = (await bucketText(KEYS.definition)) ?? "";
    expect(file).not.toContain(firstToken);
    expect(file).toContain("topics: [lang/de, tags/wirtschaft]");
    expect((await definitionInBucket()).partners).toEqual([
      {
        id: "nordkurier",
        name: "Nordkurier",
        tokenSha256: await sha256Hex(firstToken),
        content: "summary",
        delayMinutes: 30,
        topics: [
          { kind: "languages", slug: "de" },
          { kind: "tags", slug: "wirtschaft" },
        ],
        attribution: "Mit freundlicher Genehmigung von News",
        origins: ["https://www.nordkurier.example"],
        requestsPerMinute: 120,
      },
    ]);
    // The last-valid copy the Worker falls back on is written with it.
    expect(parsePartnerDefinition((await bucketText(KEYS.lastValid)) ?? "")).toMatchObject({ ok: true });
  });

  it("add keeps the other partners and the file's comments; list shows the terms, never a hash", async () => {
    const result = await partners(["add", "radio-7", "--name", "Radio 7"]);
    expect(result.code).toBe(0);
    const second = printedToken(result.stdout);
    expect(second).not.toBe(firstToken);
    const file = (await bucketText(KEYS.definition)) ?? "";
    expect(file.startsWith("# Partner feeds:")).toBe(true);
    expect((await definitionInBucket()).partners.map((partner) => partner.id)).toEqual(["nordkurier", "radio-7"]);
    const listed = await partners(["list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("nordkurier  Nordkurier\n    summary only; delay 30 min; topics lang/de, tags/wirtschaft; 120 requests/min");
    expect(listed.stdout).toContain("radio-7  Radio 7\n    full text; no delay; all topics; no request limit");
    expect(listed.stdout).not.toMatch(/[0-9a-f]{64}/);
  });

  it("rotate gives a new token and keeps the terms; revoke removes the partner and keeps the rest", async () => {
    const before = await definitionInBucket();
    const rotated = await partners(["rotate", "nordkurier"]);
    expect(rotated.code).toBe(0);
    const token = printedToken(rotated.stdout);
    const after = await definitionInBucket();
    expect(after.partners[0]?.tokenSha256).toBe(await sha256Hex(token));
    expect(after.partners[0]?.tokenSha256).not.toBe(before.partners[0]?.tokenSha256);
    expect({ ...after.partners[0], tokenSha256: "" }).toEqual({ ...before.partners[0], tokenSha256: "" });

    expect((await partners(["revoke", "radio-7"])).code).toBe(0);
    expect((await definitionInBucket()).partners.map((partner) => partner.id)).toEqual(["nordkurier"]);
    expect((await partners(["revoke", "radio-7"])).stderr).toContain('no partner "radio-7"');
  });

  it("refuses bad options and a duplicate id with exit code 2, writing nothing", async () => {
    const before = await bucketText(KEYS.definition);
    const cases: [string[], string][] = [
      [["add", "nordkurier", "--name", "Again"], 'partner "nordkurier" exists already'],
      [["add", "Bad_Id", "--name", "X"], "add needs a partner id matching [a-z0-9-]{1,40}"],
      [["add", "x", "--name", "X", "--topics", "lang/de,category/x"], '--topics: "category/x" is not segment/slug'],
      [["add", "x", "--name", "X", "--origins", "http://plain.example"], '--origins: "http://plain.example" is not an exact https origin'],
      [["add", "x", "--name", "X", "--delay", "soon"], "--delay must be a whole number"],
      [["list", "--summary"], "--summary belongs to add"],
      [["frobnicate"], 'unknown command "frobnicate"'],
    ];
    for (const [args, message] of cases) {
      const result = await partners(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(message);
    }
    expect(await bucketText(KEYS.definition)).toBe(before);
  });

  it("reports an invalid file in the bucket with line numbers, and what stays in force", async () => {
    const valid = (await bucketText(KEYS.definition)) ?? "";
    await store.put(KEYS.definition, valid.replace("content: summary", "content: teaser"));
    const listed = await partners(["list"]);
    expect(listed.code).toBe(2);
    expect(listed.stdout).toMatch(/news\/_partners\.yaml:\d+:\d+: partner "nordkurier": content must be `full` or `summary`/);
    expect(listed.stdout).toContain("In force:\nnordkurier  Nordkurier\n    summary only");
    const refused = await partners(["add", "x", "--name", "X"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the result would not be a valid _partners.yaml, so nothing was written");
    await store.put(KEYS.definition, valid);
  });

  it("tells how to reach the local bucket when the configuration is missing", async () => {
    const result = await partners(["list"], { S3_REGION: "us-east-1" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("partners: S3_BUCKET is not set");
    expect(result.stderr).toContain("npm start");
  });
});

describe("editing the file", () => {
  const FILE = `# Our partners (keep this comment)
partners:
  # the first partner
  - id: a
    name: A   # named after the founder
    token_sha256: ${"a".repeat(64)}
    content: full
    delay_minutes: 0
  - id: b
    name: B
    token_sha256: ${"b".repeat(64)}
    content: summary
    delay_minutes: 15
`;

  it("keeps comments and untouched entries byte for byte", async () => {
    const rotated = await rotatePartner(FILE, "b");
    expect(rotated.text).toContain("# Our partners (keep this comment)\npartners:\n  # the first partner\n  - id: a\n    name: A # named after the founder\n");
    expect(rotated.text).toContain(`token_sha256: ${await sha256Hex(rotated.token)}`);
    const revoked = revokePartner(rotated.text, "b");
    expect(revoked.definition.partners.map((partner) => partner.id)).toEqual(["a"]);
    expect(revoked.text).toContain("# the first partner");
    const added = await addPartner(revoked.text, { id: "c", name: "C: the third", content: "full", delayMinutes: 5 });
    expect(added.definition.partners.map((partner) => partner.id)).toEqual(["a", "c"]);
    expect(added.text).toContain('name: "C: the third"');
  });

  it("starts a file with an explanation, and refuses to edit YAML it cannot read", async () => {
    const created = await addPartner(null, { id: "first", name: "First", content: "summary", delayMinutes: 0 });
    expect(created.text.startsWith("# Partner feeds:")).toBe(true);
    expect(created.definition.partners).toHaveLength(1);
    await expect(addPartner("partners: [\n", { id: "x", name: "X", content: "full", delayMinutes: 0 })).rejects.toThrow(PartnersEditError);
  });
});

describe("npm run publish with a partner file", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "partners-publish-"));
    await writeFile(join(folder, "one.txt"), "Ein Artikel über den Hafen von Hamburg, der wieder wächst.\nMARIA MEIER\nQuelle: https://example.org/hafen\n");
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("uploads a valid file with its last-valid copy, and skips it when unchanged", async () => {
    await store.delete(KEYS.definition);
    const text = `partners:\n  - id: p\n    name: P\n    token_sha256: ${"c".repeat(64)}\n    content: full\n    delay_minutes: 0\n`;
    await writeFile(join(folder, "_partners.yaml"), text);
    const first = await publish({ folder, store, prefix: PREFIX, defaultLanguage: "de" });
    expect(first.partners).toEqual({ status: "uploaded", partners: 1, problems: [] });
    expect(first.files).toBe(1); // the partner file is not an article
    expect(await bucketText(KEYS.definition)).toBe(text);
    expect(parsePartnerDefinition((await bucketText(KEYS.lastValid)) ?? "")).toMatchObject({ ok: true });
    const second = await publish({ folder, store, prefix: PREFIX, defaultLanguage: "de" });
    expect(second.partners?.status).toBe("unchanged");
    expect(first.index).toMatchObject({ kind: "rebuild", reason: "first index" });
    expect(second.index).toEqual({ kind: "none" }); // the partner file is no article: the index has nothing to do
  });

  it("reports an invalid file with its line, leaves the bucket's version alone and exits 2", async () => {
    const inBucket = await bucketText(KEYS.definition);
    await writeFile(join(folder, "_partners.yaml"), `partners:\n  - id: p\n    name: P\n    token_sha256: nope\n    content: full\n    delay_minutes: 0\n`);
    const result = await run("scripts/publish.ts", [folder]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Partners: _partners.yaml is invalid and was not uploaded; the version in the bucket stays in force:");
    expect(result.stdout).toMatch(/_partners\.yaml:4:19: partner "p": token_sha256 must be 64 hexadecimal digits/);
    expect(await bucketText(KEYS.definition)).toBe(inBucket);
  });
});
