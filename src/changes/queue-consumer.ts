/**
 * The Worker's queue consumer: R2 event notifications (see `r2-event.ts`)
 * arrive in batches from a Cloudflare Queue; the keys they name go to
 * {@link Application.applyChanges} in one call, and each message is then
 * acknowledged or retried on its own:
 *
 * - a message that is no R2 event, or names another bucket, is acknowledged
 *   with a logged reason (retrying cannot make it readable); with an R2
 *   binding the bucket's name is unknown (a binding does not tell it), so
 *   every event counts: it is only a hint, the key's state is read from the
 *   bound bucket, so an event of another bucket changes nothing that the
 *   bound bucket does not already show;
 * - a key the invocation's subrequest budget did not reach is retried after
 *   a short delay, never failing the batch: the next delivery is a new
 *   invocation with a budget of its own;
 * - when the store fails, every message is retried after a longer delay.
 *
 * A message that exhausts the queue's `max_retries` is dropped (or goes to a
 * dead-letter queue when one is configured); the cron reconciliation repairs
 * whatever a lost event missed.
 */
import type { Application, AppliedChanges, Background, StoreServices } from "../app/application";
import { failureFields } from "../app/log";
import { ConfigError, type Env } from "../config";
import { StoreError } from "../store/store";
import { parseR2Event } from "./r2-event";

/** Seconds before a key the budget did not reach is delivered again. */
export const BUDGET_RETRY_DELAY_SECONDS = 2;
/** Seconds before the messages of a batch whose store (or configuration) failed are delivered again. */
export const FAILURE_RETRY_DELAY_SECONDS = 60;

/** What one batch did, for the log and for tests. */
export interface BatchOutcome {
  applied: number;
  retried: number;
  /** Messages acknowledged without work: malformed, another bucket, or a key that names no article. */
  dropped: number;
}

/** Consumes one batch of R2 event notifications; never throws (a thrown error would retry the whole batch at once). */
export async function consumeChangeBatch(app: Application, batch: MessageBatch<unknown>, env: Env, background?: Background): Promise<BatchOutcome> {
  let svc: StoreServices;
  try {
    svc = app.storeServices(env);
  } catch (error) {
    // A configuration fixed later makes these events usable again.
    app.log.error("queue batch not read: configuration error", { queue: batch.queue, ...failureFields(error, error instanceof ConfigError) });
    batch.retryAll({ delaySeconds: FAILURE_RETRY_DELAY_SECONDS });
    return { applied: 0, retried: batch.messages.length, dropped: 0 };
  }

  const byKey = new Map<string, Message<unknown>[]>();
  let dropped = 0;
  for (const message of batch.messages) {
    const parsed = parseR2Event(message.body);
    if (!parsed.ok) {
      svc.log.warn("queue message acknowledged without work", { queue: batch.queue, messageId: message.id, reason: parsed.reason });
      message.ack();
      dropped += 1;
    } else if (svc.settings.s3 !== undefined && parsed.event.bucket !== svc.settings.s3.bucket) {
      svc.log.warn("queue message acknowledged without work", { queue: batch.queue, messageId: message.id, reason: "it is for another bucket" });
      message.ack();
      dropped += 1;
    } else {
      const messages = byKey.get(parsed.event.key) ?? [];
      messages.push(message);
      byKey.set(parsed.event.key, messages);
    }
  }
  if (byKey.size === 0) return { applied: 0, retried: 0, dropped };

  const siteUrl = env.SITE_URL?.trim().replace(/\/+$/, "") || undefined;
  let report: AppliedChanges;
  try {
    report = await app.applyChanges(svc.settings, svc.store, [...byKey.keys()], siteUrl, background);
  } catch (error) {
    svc.log.warn("queue batch failed; its keys are retried", { queue: batch.queue, keys: byKey.size, ...failureFields(error, error instanceof StoreError) });
    for (const messages of byKey.values()) for (const message of messages) message.retry({ delaySeconds: FAILURE_RETRY_DELAY_SECONDS });
    return { applied: 0, retried: countMessages(byKey), dropped };
  }

  const remaining = new Set(report.remaining);
  const ignored = new Set(report.ignored);
  let retried = 0;
  for (const [key, messages] of byKey) {
    for (const message of messages) {
      if (remaining.has(key)) {
        message.retry({ delaySeconds: BUDGET_RETRY_DELAY_SECONDS });
        retried += 1;
      } else {
        message.ack();
        if (ignored.has(key)) dropped += 1;
      }
    }
  }
  svc.log.info("queue batch applied", {
    queue: batch.queue,
    applied: report.applied.length,
    remaining: report.remaining.length,
    notArticles: report.ignored.length,
    reads: report.reads,
    writes: report.writes,
  });
  return { applied: report.applied.length, retried, dropped };
}

function countMessages(byKey: Map<string, Message<unknown>[]>): number {
  let count = 0;
  for (const messages of byKey.values()) count += messages.length;
  return count;
}
