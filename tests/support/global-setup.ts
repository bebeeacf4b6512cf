/**
 * Starts one s3rver on a free loopback port for the worker tests (this runs in
 * Node, before workerd starts) and seeds its buckets. Tests receive the
 * endpoint through `inject("s3Endpoint")`.
 */
import "../../scripts/lib/quiet-sdk-notice";
import type { TestProject } from "vitest/node";
import { startLocalS3 } from "../../scripts/lib/local-s3";
import { seedTestBuckets } from "./buckets";
import { TEST_BUCKETS } from "./fixtures";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3 = await startLocalS3({ buckets: Object.values(TEST_BUCKETS) });
  await seedTestBuckets(s3.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  return () => s3.close();
}
