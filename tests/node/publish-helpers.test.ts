/** The publish command's small helpers: `.dev.vars` parsing and precedence, ETag comparison. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { etagMatches, md5Hex } from "../../scripts/lib/content-hash";
import { loadWorkerEnv, parseDevVars } from "../../scripts/lib/dev-vars";

describe("parseDevVars", () => {
  it("reads KEY=value lines with comments, export, quotes and blank lines", () => {
    const text = [
      "# local settings",
      "",
      "S3_BUCKET=articles",
      'export S3_PREFIX="news/"',
      "S3_REGION = 'eu-west-1' ",
      "FEED_TITLE=News # the title",
      "not an assignment",
    ].join("\n");
    expect(parseDevVars(text)).toEqual({ S3_BUCKET: "articles", S3_PREFIX: "news/", S3_REGION: "eu-west-1", FEED_TITLE: "News" });
  });

  it("keeps = and # inside values", () => {
    expect(parseDevVars("S3_SECRET_ACCESS_KEY=a=b#c\r\n")).toEqual({ S3_SECRET_ACCESS_KEY: "a=b#c" });
  });
});

describe("loadWorkerEnv", () => {
  it("takes .dev.vars and lets the environment win", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-vars-"));
    try {
      await writeFile(join(dir, ".dev.vars"), "S3_BUCKET=from-file\nS3_PREFIX=file/\n");
      const env = await loadWorkerEnv(dir, { S3_BUCKET: "from-env" });
      expect(env.S3_BUCKET).toBe("from-env");
      expect(env.S3_PREFIX).toBe("file/");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("works without a .dev.vars file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-vars-"));
    try {
      expect((await loadWorkerEnv(dir, { S3_BUCKET: "b" })).S3_BUCKET).toBe("b");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("etagMatches", () => {
  const md5 = md5Hex(new TextEncoder().encode("hello"));

  it("matches a single-part ETag (the quoted hex MD5)", () => {
    expect(md5).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(etagMatches(`"${md5}"`, md5)).toBe(true);
    expect(etagMatches(`"${md5.toUpperCase()}"`, md5)).toBe(true);
  });

  it("treats multipart, weak, unquoted and missing ETags as changed", () => {
    expect(etagMatches(`"${md5}-2"`, md5)).toBe(false);
    expect(etagMatches(`W/"${md5}"`, md5)).toBe(false);
    expect(etagMatches(md5, md5)).toBe(false);
    expect(etagMatches("", md5)).toBe(false);
  });
});
