/**
 * Starts one s3rver on a free loopback port for the worker tests (this runs in
 * Node, before workerd starts) and seeds its buckets. Tests receive the
 * endpoint through `inject("s3Endpoint")`; a WebSub hub stub (`hub-stub.ts`)
 * likewise through `inject("hubEndpoint")`.
 */
import "../../scripts/lib/quiet-sdk-notice";
import type { TestProject } from "vitest/node";
import { startLocalS3 } from "../../scripts/lib/local-s3";
import { seedTestBuckets } from "./buckets";
import { startHubStub } from "./hub-stub";
import { TEST_BUCKETS } from "./fixtures";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3 = await startLocalS3({ buckets: Object.values(TEST_BUCKETS) });
  await seedTestBuckets(s3.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  const hub = await startHubStub();
  project.provide("hubEndpoint", hub.endpoint);
  return async () => {
    await hub.close();
    await s3.close();
  };
}
