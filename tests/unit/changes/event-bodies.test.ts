/**
 * Reading change events: R2 event notifications (queue messages) and the
 * bodies of POST /admin/changes (S3/MinIO records, SNS envelopes, key lists).
 */
import { describe, expect, it } from "vitest";
import { parseR2Event } from "../../../src/changes/r2-event";
import { ChangeRequestError, isSnsSubscribeUrl, parseChangeRequest } from "../../../src/changes/webhook-body";

describe("parseR2Event", () => {
  const put = {
    account: "3f4b7e3dcab231cbfdaa90a6a28bd548",
    bucket: "articles",
    object: { key: "news/a b+c.txt", size: 65536, eTag: "c846ff7a18f28c2e262116d6e8719ef0" },
    action: "PutObject",
    eventTime: "2026-05-24T19:36:44.379Z",
  };

  it("reads every action, keys verbatim (R2 does not encode them)", () => {
    for (const action of ["PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject", "LifecycleDeletion"]) {
      expect(parseR2Event({ ...put, action })).toEqual({ ok: true, event: { bucket: "articles", key: "news/a b+c.txt", action } });
    }
  });

  it("reads a deletion, which names only the key", () => {
    expect(parseR2Event({ ...put, action: "DeleteObject", object: { key: "news/a.txt" } })).toMatchObject({ ok: true });
  });

  it.each([
    ["a string", "PutObject news/a.txt", "the message body is not an object"],
    ["null", null, "the message body is not an object"],
    ["an array", [put], "the message body is not an object"],
    ["no bucket", { ...put, bucket: undefined }, "bucket is missing"],
    ["no action", { ...put, action: undefined }, "action is missing"],
    ["an unknown action", { ...put, action: "RenameObject" }, "action is not one of the R2 event notification actions"],
    ["no object", { ...put, object: undefined }, "object.key is missing"],
    ["an empty key", { ...put, object: { key: "" } }, "object.key is missing"],
    ["a key of 1,025 bytes", { ...put, object: { key: "ä".repeat(513) } }, "object.key is longer than 1024 bytes"],
  ])("refuses %s with a reason that does not repeat the input", (_, body, reason) => {
    expect(parseR2Event(body)).toEqual({ ok: false, reason });
  });
});

describe("parseChangeRequest", () => {
  const record = (eventName: string, key: string) => ({
    eventVersion: "2.0",
    eventSource: "minio:s3",
    eventName,
    s3: { s3SchemaVersion: "1.0", bucket: { name: "articles" }, object: { key, size: 1024, eTag: "0123" } },
  });

  it("reads plain key lists verbatim", () => {
    expect(parseChangeRequest({ keys: ["news/a b+c.txt", "news/d.md"] })).toEqual({ kind: "keys", keys: ["news/a b+c.txt", "news/d.md"], ignoredEvents: 0 });
  });

  it("decodes S3 and MinIO event keys: + is a space, %2B a plus, and UTF-8 escapes", () => {
    const body = {
      Records: [
        record("s3:ObjectCreated:Put", "news/red+flower%2B1.txt"),
        record("ObjectRemoved:Delete", "news/Th%C3%A0nh+ph%E1%BB%91.txt"),
        record("s3:ObjectCreated:CompleteMultipartUpload", "news%2Fslash.txt"),
        record("LifecycleExpiration:Delete", "news/old.txt"),
      ],
    };
    expect(parseChangeRequest(body)).toEqual({
      kind: "keys",
      keys: ["news/red flower+1.txt", "news/Thành phố.txt", "news/slash.txt", "news/old.txt"],
      ignoredEvents: 0,
    });
  });

  it("ignores events that change no content, and counts them", () => {
    const body = { Records: [record("s3:ObjectAccessed:Get", "a.txt"), record("ObjectTagging:Put", "b.txt"), record("ObjectCreated:Copy", "c.txt")] };
    expect(parseChangeRequest(body)).toEqual({ kind: "keys", keys: ["c.txt"], ignoredEvents: 2 });
  });

  it("unwraps an SNS notification whose Message is the S3 notification", () => {
    const body = {
      Type: "Notification",
      MessageId: "m-1",
      TopicArn: "arn:aws:sns:eu-central-1:123456789012:articles",
      Message: JSON.stringify({ Records: [record("ObjectCreated:Put", "news/a+b.txt")] }),
    };
    expect(parseChangeRequest(body)).toEqual({ kind: "keys", keys: ["news/a b.txt"], ignoredEvents: 0 });
  });

  it("knows the S3 test event, directly and through SNS, and SNS's unsubscribe confirmation", () => {
    const test = { Service: "Amazon S3", Event: "s3:TestEvent", Time: "2026-01-01T00:00:00.000Z", Bucket: "articles" };
    expect(parseChangeRequest(test)).toEqual({ kind: "nothing", what: "an S3 test event" });
    expect(parseChangeRequest({ Type: "Notification", Message: JSON.stringify(test) })).toEqual({ kind: "nothing", what: "an S3 test event" });
    expect(parseChangeRequest({ Type: "UnsubscribeConfirmation" })).toMatchObject({ kind: "nothing" });
  });

  it("passes on an SNS subscription confirmation with a genuine SubscribeURL", () => {
    const url = "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-central-1:123456789012:articles&Token=2336412f37";
    expect(parseChangeRequest({ Type: "SubscriptionConfirmation", SubscribeURL: url, Token: "2336412f37" })).toEqual({
      kind: "subscription",
      subscribeUrl: url,
    });
  });

  it.each([
    ["a list", [], "The body must be a JSON object."],
    ["an unknown object", { hello: "world" }, 'The body must hold "keys", S3 event "Records" or an SNS message.'],
    ["keys that are not a list", { keys: "a.txt" }, '"keys" must be a list of object keys.'],
    ["a key that is not a string", { keys: ["a.txt", 7] }, 'Every entry of "keys" must be a non-empty string.'],
    ["an empty key", { keys: [""] }, 'Every entry of "keys" must be a non-empty string.'],
    ["a key over 1,024 bytes", { keys: ["x".repeat(1025)] }, "Object keys are at most 1024 bytes."],
    ["Records that are not a list", { Records: {} }, '"Records" must be a list of S3 event records.'],
    ["a record without eventName", { Records: [{ s3: { object: { key: "a.txt" } } }] }, "Every S3 event record needs an eventName."],
    ["a record without a key", { Records: [{ eventName: "ObjectCreated:Put", s3: {} }] }, "Every S3 event record needs s3.object.key."],
    [
      "a key with a broken escape",
      { Records: [{ eventName: "ObjectCreated:Put", s3: { object: { key: "a%E0%A4%A.txt" } } }] },
      "An S3 event record's object key is not URL-encoded.",
    ],
    ["an SNS message that is not JSON", { Type: "Notification", Message: "<xml/>" }, "The SNS notification's Message is not JSON."],
    ["an SNS message without records", { Type: "Notification", Message: "{}" }, "The SNS notification's Message holds no S3 event records."],
    ["an unknown SNS type", { Type: "Advertisement" }, "The SNS message type is not one this endpoint accepts."],
    [
      "a confirmation pointing elsewhere",
      { Type: "SubscriptionConfirmation", SubscribeURL: "https://evil.example.com/" },
      "The SubscribeURL is not an https URL on sns.<region>.amazonaws.com.",
    ],
  ])("refuses %s with a message that does not echo the input", (_, body, message) => {
    expect(() => parseChangeRequest(body)).toThrow(new ChangeRequestError(message));
  });
});

describe("isSnsSubscribeUrl", () => {
  it.each([
    "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc",
    "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription",
    "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription",
    "https://sns.ap-southeast-2.amazonaws.com/",
  ])("accepts %s", (url) => {
    expect(isSnsSubscribeUrl(url)).toBe(true);
  });

  it.each([
    ["plain http", "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"],
    ["another host", "https://example.com/?Action=ConfirmSubscription"],
    ["a look-alike suffix", "https://sns.us-east-1.amazonaws.com.evil.example/"],
    ["a look-alike prefix", "https://sns.us-east-1.amazonaws.com@evil.example/"],
    ["a host without a region", "https://sns.amazonaws.com/"],
    ["another AWS service", "https://sqs.us-east-1.amazonaws.com/"],
    ["a sub-domain", "https://x.sns.us-east-1.amazonaws.com/"],
    ["credentials", "https://user:pass@sns.us-east-1.amazonaws.com/"],
    ["another port", "https://sns.us-east-1.amazonaws.com:8443/"],
    ["a loopback address", "https://127.0.0.1/"],
    ["not a URL", "sns.us-east-1.amazonaws.com"],
  ])("refuses %s", (_, url) => {
    expect(isSnsSubscribeUrl(url)).toBe(false);
  });
});
