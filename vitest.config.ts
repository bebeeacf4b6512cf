import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Same fix as wrangler.toml's [alias]: the SDK's browser XML parser needs DOMParser, which workerd lacks. */
const xmlBuilderCjs = fileURLToPath(new URL("./node_modules/@aws-sdk/xml-builder/dist-cjs/index.js", import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // Pure code: parsing, cleaning, rendering. Plain Node, fast.
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        // Node-side integration: command-line tools against a local S3 server, pages in a real browser.
        test: { name: "node", include: ["tests/node/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // The Worker inside workerd, against a real S3-protocol server on loopback.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // The optional partner bindings (README "Giving a partner a feed"), as a deployment would configure them.
            miniflare: {
              ratelimits: { PARTNER_RATE_LIMIT_2: { simple: { limit: 2, period: 60 } } },
              analyticsEngineDatasets: { PARTNER_USAGE: { dataset: "partner_usage" } },
            },
          }),
        ],
        resolve: { alias: { "@aws-sdk/xml-builder": xmlBuilderCjs } },
        test: {
          name: "worker",
          include: ["tests/worker/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
