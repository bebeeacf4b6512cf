/**
 * POST /admin/changes in workerd against the local S3 server: who may call
 * it, the bodies it accepts (key lists, S3/MinIO event records, SNS), what it
 * answers, and that a change reaches the feeds and the home page at once.
 */
import { parseRssFeed } from "feedsmith";
import { describe, expect, it, vi } from "vitest";
import { loadConfig, s3Settings } from "../../src/config";
import { applyChanges } from "../../src/index/changes";
import { createS3Store } from "../../src/store/s3";
import { createWorker } from "../../src/worker";
import { testEnv } from "../support/env";
import { call, newWorker, TEST_NOW, type TestWorker } from "../support/worker";

const TOKEN = "test-admin-token-c4e2";
const SITE = "https://webhook.example.com";
const env = testEnv("webhook", { SITE_URL: SITE, ADMIN_TOKEN: TOKEN, INDEX_TTL: "60" });
const store = () => createS3Store(s3Settings(loadConfig(env, SITE)));
const bearer = { Authorization: `Bearer ${TOKEN}` };
const article = (text: string) => `${text}\nMAX MUSTER\nQuelle: https://example.org/${encodeURIComponent(text.slice(0, 8))}\nKommentar (0)\n`;
const asBrowser = { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } };

interface ChangeAnswer {
  applied: string[];
  remaining: string[];
  ignored: string[];
  ignoredEvents: number;
  message: string;
}

function post(body: string | ReadableStream, headers: Record<string, string> = bearer, worker?: TestWorker): Promise<Response> {
  return call("/admin/changes", { method: "POST", headers, body }, env, worker);
}

const postJson = (value: unknown, worker?: TestWorker) => post(JSON.stringify(value), { ...bearer, "Content-Type": "application/json" }, worker);

/** RSS item GUIDs of a fresh (never cached) URL. */
let nextLimit = 30;
async function guids(worker?: TestWorker): Promise<string[]> {
  const response = await call(`/rss.xml?limit=${nextLimit++}`, {}, env, worker);
  return (parseRssFeed(await response.text()).items ?? []).map((item) => item.guid?.value ?? "");
}
const guid = (name: string) => `tag:webhook.example.com,2024:${name}`;

describe("POST /admin/changes: authentication", () => {
  it("offers Bearer and Basic to a request without credentials (SNS sends its credentials after that challenge)", async () => {
    const response = await post(JSON.stringify({ keys: [] }), {});
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="feed-admin", Basic realm="feed-admin", charset="UTF-8"');
  });

  it("refuses a wrong bearer token and a wrong Basic password", async () => {
    expect((await post("{}", { Authorization: "Bearer nope" })).status).toBe(401);
    const basic = `Basic ${btoa("feed:nope")}`;
    const refused = await post("{}", { Authorization: basic });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(TOKEN);
  });

  it("accepts the token as bearer or as the Basic password of any user", async () => {
    expect((await post(JSON.stringify({ keys: [] }))).status).toBe(200);
    expect((await post(JSON.stringify({ keys: [] }), { Authorization: `Basic ${btoa(`sns:${TOKEN}`)}` })).status).toBe(200);
  });

  it("refuses everyone while ADMIN_TOKEN is unset", async () => {
    const response = await call("/admin/changes", { method: "POST", headers: bearer, body: "{}" }, { ...env, ADMIN_TOKEN: "" });
    expect(response.status).toBe(401);
  });
});

describe("POST /admin/changes: bodies", () => {
  it("applies a key list, and the feed and the home page show the change at once, in memory and at the edge", async () => {
    const worker = newWorker();
    await store().put("w-erste.txt", article("Die erste Meldung über den Rathausplatz."), { metadata: { date: "2026-03-01T08:00:00Z" } });
    const first = await postJson({ keys: ["w-erste.txt"] }, worker);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ applied: ["w-erste.txt"], remaining: [], ignored: [], message: "1 keys applied." });

    // Warm both caches for readers and browsers, then change the bucket.
    for (const path of ["/", "/rss.xml"]) {
      await call(path, asBrowser, env, worker);
      expect((await call(path, asBrowser, env, worker)).headers.get("Server-Timing")).toContain('cache;desc="memory"');
    }
    await store().put("w-zweite.txt", article("Die zweite Meldung über den Wochenmarkt am Fluss."), { metadata: { date: "2026-03-02T08:00:00Z" } });
    expect((await postJson({ keys: ["w-zweite.txt"] }, worker)).status).toBe(200);
    for (const path of ["/", "/rss.xml"]) {
      const response = await call(path, asBrowser, env, worker);
      expect(response.headers.get("Server-Timing"), path).toContain('cache;desc="miss"');
      expect(await response.text(), path).toContain("Wochenmarkt");
    }
    // Another isolate, which shares only the edge cache.
    expect(await (await call("/rss.xml", asBrowser, env, newWorker())).text()).toContain("Wochenmarkt");
  });

  it("applies MinIO's webhook body, decoding keys (+ is a space), and a deletion", async () => {
    await store().put("w mit leerzeichen.txt", article("Eine Meldung aus einer Datei mit Leerzeichen im Namen."), {
      metadata: { date: "2026-03-03T08:00:00Z" },
    });
    const minio = (eventName: string) => ({
      EventName: eventName,
      Key: "webhook/w+mit+leerzeichen.txt",
      Records: [
        { eventVersion: "2.0", eventSource: "minio:s3", eventName, s3: { bucket: { name: "webhook" }, object: { key: "w+mit+leerzeichen.txt", size: 90 } } },
      ],
    });
    const created = await postJson(minio("s3:ObjectCreated:Put"));
    expect(await created.json()).toMatchObject({ applied: ["w mit leerzeichen.txt"], remaining: [] });
    expect(await guids()).toContain(guid("w%20mit%20leerzeichen"));

    await store().delete("w mit leerzeichen.txt");
    const removed = await postJson(minio("s3:ObjectRemoved:Delete"));
    expect(await removed.json()).toMatchObject({ applied: ["w mit leerzeichen.txt"] });
    expect(await guids()).not.toContain(guid("w%20mit%20leerzeichen"));
  });

  it("applies S3 records in an SNS envelope sent as text/plain, and says it ignored events that change nothing", async () => {
    await store().put("w-sns.txt", article("Eine Meldung, die über SNS angekündigt wird."), { metadata: { date: "2026-03-04T08:00:00Z" } });
    const message = {
      Records: [
        { eventVersion: "2.1", eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { object: { key: "w-sns.txt", size: 80 } } },
        { eventVersion: "2.1", eventSource: "aws:s3", eventName: "ObjectTagging:Put", s3: { object: { key: "w-sns.txt" } } },
      ],
    };
    const envelope = { Type: "Notification", MessageId: "0f4a", TopicArn: "arn:aws:sns:eu-central-1:123456789012:articles", Message: JSON.stringify(message) };
    const response = await post(JSON.stringify(envelope), { ...bearer, "Content-Type": "text/plain; charset=UTF-8" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ applied: ["w-sns.txt"], ignoredEvents: 1 });
    expect(await guids()).toContain(guid("w-sns"));
  });

  it("answers S3's test event with nothing to do", async () => {
    const response = await postJson({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "2026-01-01T00:00:00Z", Bucket: "webhook" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ applied: [], message: "Nothing to do for an S3 test event." });
  });

  it("ignores keys that name no article without touching the store", async () => {
    const update = vi.fn(applyChanges);
    const worker = createWorker({ clock: () => TEST_NOW, applyChanges: update });
    const response = await postJson({ keys: ["_index/head.json", "logo.png"] }, worker);
    expect(await response.json()).toMatchObject({ applied: [], ignored: ["_index/head.json", "logo.png"] });
    expect(update).not.toHaveBeenCalled();
  });

  it("answers 202 with the keys the budget did not reach, and says who finishes them", async () => {
    const onePerInvocation: typeof applyChanges = async (target, keys, options) => ({
      ...(await applyChanges(target, keys.slice(0, 1), options)),
      remaining: keys.slice(1),
    });
    const worker = createWorker({ clock: () => TEST_NOW, applyChanges: onePerInvocation });
    await store().put("w-a.txt", article("Meldung A eines großen Stapels über den Bahnhof."), { metadata: { date: "2026-03-05T08:00:00Z" } });
    await store().put("w-b.txt", article("Meldung B eines großen Stapels über den Bahnhof."), { metadata: { date: "2026-03-05T09:00:00Z" } });
    const response = await postJson({ keys: ["w-a.txt", "w-b.txt", "w-a.txt"] }, worker);
    expect(response.status).toBe(202);
    const body = (await response.json()) as ChangeAnswer;
    expect(body).toMatchObject({ applied: ["w-a.txt"], remaining: ["w-b.txt"] });
    expect(body.message).toContain("cron reconciliation");
  });
});

describe("POST /admin/changes: SNS subscription confirmation", () => {
  const confirmation = (url: string) => JSON.stringify({ Type: "SubscriptionConfirmation", MessageId: "1", Token: "2336412f37", SubscribeURL: url });
  const genuine = "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-central-1:123456789012:articles&Token=2336412f37";

  it("confirms a genuine SubscribeURL by fetching it", async () => {
    const outbound = vi.fn(async () => new Response("<ConfirmSubscriptionResponse/>", { status: 200 }));
    const worker = createWorker({ clock: () => TEST_NOW, fetch: outbound });
    const response = await post(confirmation(genuine), bearer, worker);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ message: "The SNS subscription is confirmed." });
    expect(outbound).toHaveBeenCalledWith(genuine);
  });

  it("answers 502 when SNS does not confirm", async () => {
    const worker = createWorker({ clock: () => TEST_NOW, fetch: async () => new Response("no", { status: 403 }) });
    expect((await post(confirmation(genuine), bearer, worker)).status).toBe(502);
    const unreachable = createWorker({ clock: () => TEST_NOW, fetch: async () => Promise.reject(new TypeError("network")) });
    expect((await post(confirmation(genuine), bearer, unreachable)).status).toBe(502);
  });

  it.each([
    "http://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription",
    "https://127.0.0.1/admin",
    "https://sns.eu-central-1.amazonaws.com.evil.example/",
  ])("never fetches another URL (%s)", async (url) => {
    const outbound = vi.fn(async () => new Response("ok"));
    const worker = createWorker({ clock: () => TEST_NOW, fetch: outbound });
    const response = await post(confirmation(url), bearer, worker);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(url);
    expect(outbound).not.toHaveBeenCalled();
  });
});

describe("POST /admin/changes: unusable bodies", () => {
  const MARKER = "<script>marker-7c1e</script>";

  it.each([
    ["bad JSON", `{"keys": ["${MARKER}"`, "The body is not valid JSON."],
    ["an unknown shape", JSON.stringify({ [MARKER]: 1 }), 'The body must hold "keys", S3 event "Records" or an SNS message.'],
    ["a key list with a number", JSON.stringify({ keys: [MARKER, 1] }), 'Every entry of "keys" must be a non-empty string.'],
  ])("answers %s with a 400 and one line that does not echo the input", async (_, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toBe(`${message}\n`);
    expect(text).not.toContain("marker-7c1e");
  });

  it("answers a body over 1 MB with a 400, with or without Content-Length", async () => {
    const big = JSON.stringify({ keys: Array.from({ length: 1100 }, (_, i) => `${"x".repeat(1000)}-${i}.txt`) });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const sized = await post(big);
    expect(sized.status).toBe(400);
    expect(await sized.text()).toBe("The body is larger than 1 MB.\n");

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await post(stream);
    expect(streamed.status).toBe(400);
    expect(await streamed.text()).toBe("The body is larger than 1 MB.\n");
  });

  it("answers 503 without details when the store is down", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await call(
        "/admin/changes",
        { method: "POST", headers: bearer, body: JSON.stringify({ keys: ["w-a.txt"] }) },
        { ...env, S3_ENDPOINT: "http://127.0.0.1:9" },
        newWorker(),
      );
      expect(response.status).toBe(503);
      expect(await response.text()).toBe("The article store is unavailable. Please try again shortly.\n");
    } finally {
      error.mockRestore();
    }
  });
});
