/**
 * The bodies `POST /admin/changes` accepts, read into one request shape:
 *
 * - S3 event notifications, `{"Records": [{"eventName": "…", "s3": {"object":
 *   {"key": "…"}}}]}`, as MinIO's webhook target and S3 (through SNS) send
 *   them. Keys are URL-encoded with `+` for a space (S3 User Guide, "Event
 *   message structure": "red flower.jpg" becomes "red+flower.jpg").
 * - An Amazon SNS HTTP(S) delivery: the envelope `{"Type": "Notification",
 *   "Message": "<the S3 notification as a JSON string>"}`, or the
 *   `SubscriptionConfirmation` SNS sends once when the subscription is made.
 * - S3's `s3:TestEvent`, sent when a notification configuration is saved.
 * - `{"keys": ["news/a.txt", …]}`: plain keys, for scripts and the publisher.
 *
 * Error messages name what is wrong, never the input: a response must not
 * echo what a client sent.
 */
import { byteLength, isRecord, MAX_KEY_BYTES } from "./r2-event";

/** What a change request asks for. */
export type ChangeRequest =
  /** Keys that may have changed, decoded; `ignoredEvents` counts events that change no content (reads, tags, ACLs…). */
  | { kind: "keys"; keys: string[]; ignoredEvents: number }
  /** SNS asks to confirm a subscription by fetching `subscribeUrl` (already checked with {@link isSnsSubscribeUrl}). */
  | { kind: "subscription"; subscribeUrl: string }
  /** Nothing to do: S3's test event, SNS's unsubscribe confirmation. */
  | { kind: "nothing"; what: string };

/** A body that is not one of the accepted shapes; the message is safe to return to the client. */
export class ChangeRequestError extends Error {
  override name = "ChangeRequestError";
}

/**
 * S3 event name families that may change what a key holds (S3 User Guide,
 * "Supported event types"); MinIO sends the same names with an `s3:` prefix.
 * Reads, tagging, ACL, restore and replication events are ignored.
 */
const CONTENT_EVENT_FAMILIES = ["ObjectCreated:", "ObjectRemoved:", "LifecycleExpiration:"];

/**
 * Reads a parsed JSON body.
 * @throws {ChangeRequestError} when it is none of the accepted shapes.
 */
export function parseChangeRequest(body: unknown): ChangeRequest {
  if (!isRecord(body)) throw new ChangeRequestError("The body must be a JSON object.");
  if ("keys" in body) return { kind: "keys", keys: plainKeys(body.keys), ignoredEvents: 0 };
  if ("Records" in body) return s3Records(body.Records);
  if (body.Event === "s3:TestEvent") return { kind: "nothing", what: "an S3 test event" };
  if (typeof body.Type === "string") return snsMessage(body);
  throw new ChangeRequestError('The body must hold "keys", S3 event "Records" or an SNS message.');
}

/**
 * True for the `SubscribeURL` of a genuine SNS confirmation: https on the
 * default port, on `sns.<region>.amazonaws.com`, without credentials. Anything
 * else is never fetched, so a forged confirmation cannot make the Worker
 * request an address of the sender's choosing.
 */
export function isSnsSubscribeUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === "https:" &&
    url.port === "" &&
    url.username === "" &&
    url.password === "" &&
    /^sns\.[a-z]{2}(-[a-z]+)+-\d+\.amazonaws\.com$/.test(url.hostname)
  );
}

function plainKeys(value: unknown): string[] {
  if (!Array.isArray(value)) throw new ChangeRequestError('"keys" must be a list of object keys.');
  return value.map((key) => {
    if (typeof key !== "string" || key === "") throw new ChangeRequestError('Every entry of "keys" must be a non-empty string.');
    return checkedKey(key);
  });
}

function s3Records(value: unknown): ChangeRequest {
  if (!Array.isArray(value)) throw new ChangeRequestError('"Records" must be a list of S3 event records.');
  const keys: string[] = [];
  let ignoredEvents = 0;
  for (const record of value) {
    if (!isRecord(record) || typeof record.eventName !== "string") throw new ChangeRequestError("Every S3 event record needs an eventName.");
    const s3 = record.s3;
    const object = isRecord(s3) ? s3.object : undefined;
    if (!isRecord(object) || typeof object.key !== "string" || object.key === "") {
      throw new ChangeRequestError("Every S3 event record needs s3.object.key.");
    }
    const name = record.eventName.replace(/^s3:/, "");
    if (!CONTENT_EVENT_FAMILIES.some((family) => name.startsWith(family))) {
      ignoredEvents += 1;
      continue;
    }
    keys.push(checkedKey(decodeEventKey(object.key)));
  }
  return { kind: "keys", keys, ignoredEvents };
}

function snsMessage(body: Record<string, unknown>): ChangeRequest {
  switch (body.Type) {
    case "Notification": {
      if (typeof body.Message !== "string") throw new ChangeRequestError("The SNS notification has no Message.");
      let inner: unknown;
      try {
        inner = JSON.parse(body.Message);
      } catch {
        throw new ChangeRequestError("The SNS notification's Message is not JSON.");
      }
      if (isRecord(inner) && "Records" in inner) return s3Records(inner.Records);
      if (isRecord(inner) && inner.Event === "s3:TestEvent") return { kind: "nothing", what: "an S3 test event" };
      throw new ChangeRequestError("The SNS notification's Message holds no S3 event records.");
    }
    case "SubscriptionConfirmation": {
      if (typeof body.SubscribeURL !== "string" || !isSnsSubscribeUrl(body.SubscribeURL)) {
        throw new ChangeRequestError("The SubscribeURL is not an https URL on sns.<region>.amazonaws.com.");
      }
      return { kind: "subscription", subscribeUrl: body.SubscribeURL };
    }
    case "UnsubscribeConfirmation":
      return { kind: "nothing", what: "an SNS unsubscribe confirmation" };
    default:
      throw new ChangeRequestError("The SNS message type is not one this endpoint accepts.");
  }
}

/** S3 event keys are form-encoded: `+` is a space, `%2B` a plus. */
function decodeEventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, "%20"));
  } catch {
    throw new ChangeRequestError("An S3 event record's object key is not URL-encoded.");
  }
}

function checkedKey(key: string): string {
  if (byteLength(key) > MAX_KEY_BYTES) throw new ChangeRequestError(`Object keys are at most ${MAX_KEY_BYTES} bytes.`);
  return key;
}
