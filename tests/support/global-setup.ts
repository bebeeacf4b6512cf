/**
 * Starts one s3rver on a free loopback port for the worker tests (this runs in
 * Node, before workerd starts), seeds its buckets, and puts the
 * fault-injecting proxy in front of it. Tests receive the endpoints through
 * `inject("s3Endpoint")` and `inject("faultControl")`, the same server behind
 * a request-counting proxy through `inject("s3CountingEndpoint")`, a WebSub hub stub
 * (`hub-stub.ts`) through `inject("hubEndpoint")`, and the seed of the
 * randomised tests through `inject("testSeed")`.
 */
import "../../scripts/lib/quiet-sdk-notice";
import type { TestProject } from "vitest/node";
import { startCountingProxy } from "../../scripts/lib/counting-proxy";
import { startLocalS3 } from "../../scripts/lib/local-s3";
import { seedTestBuckets } from "./buckets";
import { startFaultProxy } from "./fault-proxy";
import { TEST_BUCKETS } from "./fixtures";
import { startHubStub } from "./hub-stub";
import { chooseSeed } from "./seed";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3 = await startLocalS3({ buckets: Object.values(TEST_BUCKETS) });
  await seedTestBuckets(s3.endpoint);
  const proxy = await startFaultProxy(s3.endpoint);
  const counting = await startCountingProxy(s3.endpoint);
  project.provide("s3Endpoint", s3.endpoint);
  project.provide("s3CountingEndpoint", counting.endpoint);
  project.provide("faultControl", proxy.controlUrl);
  project.provide("testSeed", workerSeed());
  const hub = await startHubStub();
  project.provide("hubEndpoint", hub.endpoint);
  return async () => {
    await hub.close();
    await counting.close();
    await proxy.close();
    await s3.close();
  };
}

/** The shared seed rule (tests/support/seed.ts), printed so that a failure of a worker test can be replayed. */
function workerSeed(): number {
  const { seed, source } = chooseSeed(process.env);
  console.log(`worker tests: seed ${seed} (${source}); replay with TEST_SEED=${seed} npx vitest run --project worker`);
  return seed;
}
