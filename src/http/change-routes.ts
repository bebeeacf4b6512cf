/**
 * `POST /admin/changes`: change events pushed over HTTP. S3 and MinIO event
 * notifications (directly, or wrapped by Amazon SNS), SNS subscription
 * confirmations, and plain `{"keys": […]}` lists from scripts, the publish
 * command and the local watcher (body shapes in `changes/webhook-body.ts`).
 *
 * The keys go to {@link Application.applyChanges} within one invocation's
 * budget of store requests: 200 when every key was applied, 202 with the
 * keys that remain otherwise. Remaining keys are not queued anywhere: the
 * caller may post them again, and the cron reconciliation repairs the index
 * on its next runs whatever happens.
 */
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ChangeRequest, ChangeRequestError, parseChangeRequest } from "../changes/webhook-body";
import { adminAuth } from "./admin-routes";
import { HttpError } from "./errors";
import { type AppEnv, services } from "./services";

/** Largest body accepted: a thousand keys of the longest kind S3 allows, or a large batch of event records. */
export const MAX_CHANGE_BODY_BYTES = 1024 * 1024;

/** The JSON answer of `POST /admin/changes`. */
export interface ChangeResponse {
  /** Keys whose current state the index now reflects. */
  applied: string[];
  /** Keys this invocation's budget did not reach: post them again, or leave them to the cron reconciliation. */
  remaining: string[];
  /** Keys that name no article (index objects, other extensions, outside S3_PREFIX). */
  ignored: string[];
  /** Events that change no content (reads, tags, ACLs…). */
  ignoredEvents: number;
  /** Store requests of this invocation. */
  reads: number;
  writes: number;
  message: string;
}

/** Registers `POST /admin/changes` on `app`. */
export function registerChangeRoutes(app: Hono<AppEnv>): void {
  app.post(
    "/admin/changes",
    adminAuth({ basic: true }),
    // RFC 9110 would have 413; the endpoint answers every unusable body alike, with a 400.
    bodyLimit({ maxSize: MAX_CHANGE_BODY_BYTES, onError: (c) => c.text("The body is larger than 1 MB.\n", 400) }),
    async (c) => {
      const request = readChangeRequest(await c.req.text());
      const svc = services(c);
      if (request.kind === "nothing") return c.json(emptyResponse(`Nothing to do for ${request.what}.`));
      if (request.kind === "subscription") {
        // Only an https URL on sns.<region>.amazonaws.com gets here (isSnsSubscribeUrl).
        const confirmed = await svc.app.fetch(request.subscribeUrl).then(
          (response) => response.ok,
          () => false,
        );
        if (!confirmed) return c.text("Amazon SNS did not confirm the subscription; it sends the confirmation again.\n", 502);
        return c.json(emptyResponse("The SNS subscription is confirmed."));
      }
      const report = await svc.app.applyChanges(svc.config, svc.app.indexStore(svc.config), request.keys, svc.config.feed.siteUrl, svc.background);
      const body: ChangeResponse = {
        applied: report.applied,
        remaining: report.remaining,
        ignored: report.ignored,
        ignoredEvents: request.ignoredEvents,
        reads: report.reads,
        writes: report.writes,
        message:
          report.remaining.length === 0
            ? `${report.applied.length} keys applied.`
            : `${report.applied.length} keys applied; ${report.remaining.length} were not reached within this request's budget of store requests. ` +
              "Post them again, or leave them to the cron reconciliation, which repairs the index on its next runs.",
      };
      return c.json(body, report.remaining.length === 0 ? 200 : 202);
    },
  );
}

function readChangeRequest(text: string): ChangeRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
  try {
    return parseChangeRequest(body);
  } catch (error) {
    if (error instanceof ChangeRequestError) throw new HttpError(400, error.message);
    throw error;
  }
}

function emptyResponse(message: string): ChangeResponse {
  return { applied: [], remaining: [], ignored: [], ignoredEvents: 0, reads: 0, writes: 0, message };
}
