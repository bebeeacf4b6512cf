import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { LOCAL_S3_CREDENTIALS, QUEUE_BUCKET, QUEUE_PRODUCER_BINDING, QUEUE_SITE_URL, R2_TEST_BINDING } from "./tests/support/fixtures";

/** Same fix as wrangler.toml's [alias]: the SDK's browser XML parser needs DOMParser, which workerd lacks. */
const xmlBuilderCjs = fileURLToPath(new URL("./node_modules/@aws-sdk/xml-builder/dist-cjs/index.js", import.meta.url));

export default defineConfig({
  test: {
    // Most of the suite waits on workerd, S3 servers and Chromium rather than computing, so two workers pay even on one core.
    maxWorkers: Math.max(2, Math.min(4, availableParallelism())),
    projects: [
      {
        // Pure code: parsing, cleaning, rendering. Plain Node, fast.
        // No per-file isolation: the modules are pure, and reusing one worker saves re-importing them per file.
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", isolate: false },
      },
      {
        // Node-side integration: command-line tools against a local S3 server, pages in a real browser.
        // Each file starts its own S3 servers on free ports (and the local service retries its port), so files may overlap.
        test: { name: "node", include: ["tests/node/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // The Worker inside workerd, against a real S3-protocol server on loopback (and Miniflare's R2 for the R2 store).
        // A function, so that the S3 endpoint of the global setup reaches the
        // bindings of the Worker under test (`main`). It consumes the change
        // queue (wrangler.toml's optional `[[queues.consumers]]`, declared here):
        // a test sends through a producer binding, and the real local queue
        // delivers to the Worker's queue() handler.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The optional partner bindings (README "Giving a partner a feed"), as a deployment would configure them.
              ratelimits: { PARTNER_RATE_LIMIT_2: { simple: { limit: 2, period: 60 } } },
              analyticsEngineDatasets: { PARTNER_USAGE: { dataset: "partner_usage" } },
              bindings: {
                S3_ENDPOINT: inject("s3Endpoint"),
                S3_REGION: "us-east-1",
                S3_BUCKET: QUEUE_BUCKET,
                S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
                S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
                SITE_URL: QUEUE_SITE_URL,
              },
              queueProducers: { [QUEUE_PRODUCER_BINDING]: { queueName: "feed-changes" } },
              // A local R2 bucket for the tests of the R2 store, under a name the Worker does not take as its store.
              r2Buckets: { [R2_TEST_BINDING]: "feed-test-articles" },
              queueConsumers: { "feed-changes": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 10 } },
            },
          })),
        ],
        resolve: { alias: { "@aws-sdk/xml-builder": xmlBuilderCjs } },
        test: {
          name: "worker",
          include: ["tests/worker/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 20_000,
          // One workerd for every file: loading the Worker's modules (the S3 SDK above all) per file cost a minute.
          // Each file uses its own bucket or host, so the shared isolate state does not couple them.
          isolate: false,
        },
      },
    ],
  },
});
