import { describe, expect, it } from "vitest";
import { createLogger, failureFields, type LogLevel, redact } from "../../../src/app/log";
import { StoreError } from "../../../src/store/store";

function capture(level?: LogLevel) {
  const lines: { level: LogLevel; line: string }[] = [];
  const log = createLogger({ sink: (lineLevel, line) => lines.push({ level: lineLevel, line }), ...(level ? { level } : {}) });
  return { log, lines, parsed: () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes one JSON object per line with level, message and the fields of every ancestor", () => {
    const { log, lines, parsed } = capture();
    log.child({ requestId: "r1" }).child({ route: "/rss.xml" }).info("request", { status: 200, durationMs: 1.5 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.line).not.toContain("\n");
    expect(parsed()[0]).toEqual({ level: "info", message: "request", requestId: "r1", route: "/rss.xml", status: 200, durationMs: 1.5 });
  });

  it("hides registered secrets wherever they occur, also JSON-escaped, and credential-looking parts", () => {
    const { log, lines } = capture();
    const secret = 'se"cret/Key+123';
    log.child({}, { secrets: [secret, "tok-4711-abcdef", undefined, ""] }).warn(`failed with ${secret}`, {
      cause: `Authorization: Bearer tok-4711-abcdef`,
      url: "https://s3.example/b/k?X-Amz-Credential=AKIA123&X-Amz-Signature=deadbeefdeadbeef",
      other: "Bearer anything-else",
    });
    const line = lines[0]?.line ?? "";
    for (const leak of ['se\\"cret', "tok-4711", "AKIA123", "deadbeef", "anything-else"]) expect(line).not.toContain(leak);
    expect(JSON.parse(line)).toMatchObject({ message: "failed with [redacted]" });
  });

  it("writes an error as its name and message and a bigint as text, also inside a field", () => {
    const { log, parsed } = capture();
    log.info("plain", { count: 3, ok: true, none: null });
    log.warn("odd", { error: new RangeError("too far"), bytes: 12n, nested: { cause: new Error("inner") } });
    expect(parsed()).toEqual([
      { level: "info", message: "plain", count: 3, ok: true, none: null },
      { level: "warn", message: "odd", error: "RangeError: too far", bytes: "12", nested: { cause: "Error: inner" } },
    ]);
  });

  it("drops lines below its level", () => {
    const { log, lines } = capture("warn");
    log.info("request");
    log.warn("store down");
    log.child({}, { level: "error" }).warn("dropped");
    expect(lines.map((l) => l.level)).toEqual(["warn"]);
  });
});

describe("failureFields", () => {
  const error = new StoreError("get", "news/_index/head.json", { cause: new Error("Network connection lost.") });

  it("describes an expected failure and its cause without a stack", () => {
    expect(failureFields(error, true)).toEqual({
      error: 'StoreError: store get failed for "news/_index/head.json"',
      cause: "Error: Network connection lost.",
    });
  });

  it("adds the stack of an unexpected one", () => {
    expect(failureFields(new TypeError("x is undefined"), false).stack).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});

describe("redact", () => {
  it("leaves ordinary text alone", () => {
    expect(redact("store get failed", ["longsecret"])).toBe("store get failed");
  });
});
