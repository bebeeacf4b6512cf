/**
 * The Worker entry point: HTTP requests go to the Hono app; the cron trigger
 * (wrangler.toml `[triggers]`) rebuilds the article index incrementally.
 */
import { createApp } from "./app";
import type { Env } from "./config";
import { createServices, rebuildOnce } from "./http/services";

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(_controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    // No request, so no origin to derive SITE_URL from; a rebuild does not need it.
    const report = await rebuildOnce(createServices(env, "http://localhost/"));
    console.log(
      `index rebuilt: ${report.listed} listed, ${report.parsed} parsed, ${report.unchanged} unchanged, ` +
        `${report.deleted} deleted, ${report.skipped.length} skipped, ${report.reads} reads, ${report.writes} writes`,
    );
  },
} satisfies ExportedHandler<Env>;
