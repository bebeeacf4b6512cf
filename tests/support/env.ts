/**
 * Worker environments for tests: the configured bindings plus the local S3
 * server's endpoint, which is only known once the global setup has run.
 */
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { Env } from "../../src/config";
import { LOCAL_S3_CREDENTIALS, R2_TEST_BINDING, SAMPLE_PREFIX, TEST_BUCKETS, type TestBucket } from "./fixtures";

/**
 * An environment pointing at one of the test buckets, with `overrides` on top.
 * `overrides.S3_ENDPOINT: inject("s3CountingEndpoint")` sends its requests
 * through the counting proxy (see `wireRequests`).
 */
export function testEnv(bucket: TestBucket = "samples", overrides: Partial<Env> = {}): Env {
  return {
    ...(env as Env),
    S3_ENDPOINT: inject("s3Endpoint"),
    S3_REGION: "us-east-1",
    S3_BUCKET: TEST_BUCKETS[bucket],
    S3_PREFIX: bucket === "samples" || bucket === "legacy" ? SAMPLE_PREFIX : "",
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    // The S3 server, even where a developer binds an R2 bucket in wrangler.toml.
    ARTICLES_BUCKET: undefined,
    SITE_URL: "https://news.example.com",
    // One line per request would drown the test output; failures (warn, error) are still logged.
    LOG_LEVEL: "warn",
    ...overrides,
  };
}

/** The local R2 bucket of the worker tests (Miniflare's, bound as {@link R2_TEST_BINDING}). */
export function testR2Bucket(): R2Bucket {
  const bucket = (env as Record<string, unknown>)[R2_TEST_BINDING];
  if (typeof bucket !== "object" || bucket === null) throw new Error(`the worker tests have no ${R2_TEST_BINDING} binding (vitest.config.ts)`);
  return bucket as R2Bucket;
}

/**
 * An environment whose store is the local R2 bucket, bound as ARTICLES_BUCKET
 * (or `bucket`, e.g. a stand-in in front of it), with `overrides` on top.
 * It has no S3_* setting (a test may add S3_PREFIX): a request to an S3
 * server could not even be addressed.
 */
export function r2TestEnv(overrides: Partial<Env> = {}, bucket: Env["ARTICLES_BUCKET"] = testR2Bucket()): Env {
  const bindings: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const name of Object.keys(bindings)) if (name.startsWith("S3_")) delete bindings[name];
  return {
    ...(bindings as Env),
    ARTICLES_BUCKET: bucket,
    SITE_URL: "https://news.example.com",
    LOG_LEVEL: "warn",
    ...overrides,
  };
}
