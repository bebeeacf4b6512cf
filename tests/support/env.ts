/**
 * Worker environments for tests: the configured bindings plus the local S3
 * server's endpoint, which is only known once the global setup has run.
 */
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { Env } from "../../src/config";
import { LOCAL_S3_CREDENTIALS, SAMPLE_PREFIX, TEST_BUCKETS, type TestBucket } from "./fixtures";

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
    SITE_URL: "https://news.example.com",
    // One line per request would drown the test output; failures (warn, error) are still logged.
    LOG_LEVEL: "warn",
    ...overrides,
  };
}
