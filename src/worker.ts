/**
 * The Worker's handlers over one {@link Application}: HTTP requests are
 * answered from isolate memory when their document is there (`MemoryAnswers`,
 * before any routing), and go to the Hono app otherwise, after one timer tick
 * that lets the runtime read its sockets (`event-loop-yield.ts`); the cron trigger (wrangler.toml `[triggers]`) runs a bounded
 * reconciliation of the index (the safety net behind change events); the queue consumer (wrangler.toml `[[queues.consumers]]`, optional)
 * applies R2 event notifications. Each handler only adapts its input to the
 * application layer.
 */
import { createApp } from "./app";
import { Application, type ApplicationOptions } from "./app/application";
import { consumeChangeBatch } from "./changes/queue-consumer";
import type { Env } from "./config";
import { yieldToEventLoop } from "./http/event-loop-yield";
import { MemoryAnswers } from "./http/memory-answers";

/** The handlers of one isolate, sharing one application. */
export function createWorker(options: ApplicationOptions = {}) {
  const application = new Application(options);
  const memory = new MemoryAnswers(application);
  const app = createApp(application, { memoryAnswers: memory });
  return {
    application,
    memory,

    fetch: (request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> =>
      memory.answer(request, env) ?? yieldToEventLoop().then(() => app.fetch(request, env, ctx)),

    async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      const svc = application.storeServices(env);
      const siteUrl = env.SITE_URL?.trim().replace(/\/+$/, "") || undefined;
      const log = svc.log.child({ trigger: "cron", cron: controller.cron });
      const background = (work: Promise<unknown>) => ctx.waitUntil(work);
      // The run logs its outcome; a failure propagates so that the platform records the invocation as failed.
      // A bounded run within one invocation's subrequests, unless requests found index objects damaged: those
      // are repaired by a rebuild in place.
      if (application.hasDamage(svc.settings)) await application.rebuild(svc.settings, svc.store, siteUrl, background, log);
      else await application.reconcile(svc.settings, svc.store, siteUrl, background, log);
    },

    async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
      await consumeChangeBatch(application, batch, env, (work) => ctx.waitUntil(work));
    },
  } satisfies ExportedHandler<Env> & { application: Application; memory: MemoryAnswers };
}
