/**
 * Structured logs: one JSON object per line and per event, so that Workers
 * Logs (and any log drain) can filter by field instead of parsing prose.
 *
 * Every line has `level` and `message`; request lines add `requestId`,
 * `route`, `status` and `durationMs`. Failures are described by
 * {@link failureFields}: an expected failure (the store is down, an index
 * object is unreadable) as a short name and message, an unexpected one with
 * its stack, logged once.
 *
 * Nothing secret may reach a line: values registered as secrets (the store's
 * keys, the admin token) are replaced wherever they occur, and so are
 * bearer tokens and signed-URL parameters that an error message could quote.
 */

/** Severity of a line: `info` for normal events, `warn` for expected failures, `error` for what needs a person. */
export type LogLevel = "info" | "warn" | "error";

/** Every level, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ["info", "warn", "error"];

/** Whether `value` names a {@link LogLevel}. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Fields of a line besides level and message; `undefined` values are left out. */
export type LogFields = Record<string, unknown>;

/** Writes structured log lines. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, also hides `secrets` and, given a `level`, drops less severe lines. */
  child(fields: LogFields, options?: { secrets?: readonly (string | undefined)[]; level?: LogLevel }): Logger;
}

/** Where finished lines go; default: the console method of the level (Workers Logs keeps the level). */
export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

/** Secrets shorter than this are not searched for: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * Credentials an error message might quote even when we never registered
 * them: `Authorization: Bearer …` and the signature parts of a presigned S3
 * URL (SigV4 query parameters).
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(Bearer\s+)[^\s"',;]+/gi,
  /(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi,
  /(Signature=)[0-9a-f]{16,}/gi,
];

/**
 * Whether `text` may hold one of {@link CREDENTIAL_PATTERNS}: one scan of a
 * line that holds none (nearly every line) instead of one per pattern.
 */
const CREDENTIAL_HINT = /bearer|x-amz-|signature=/i;

/** Replaces every secret and every credential-looking part of `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  if (!CREDENTIAL_HINT.test(out)) return out;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, "$1[redacted]");
  return out;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Where lines go (default: the console). */
  sink?: LogSink;
  /** Fields on every line. */
  fields?: LogFields;
  /** Values never to write (replaced by `[redacted]`). */
  secrets?: readonly (string | undefined)[];
  /** Least severe level written (default `info`: everything). */
  level?: LogLevel;
}

/**
 * A logger writing to `sink` (default the console), with `fields` on every
 * line and `secrets` hidden.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? consoleSink;
  const base = options.fields ?? {};
  const secrets = usableSecrets(options.secrets ?? []);
  const level = options.level ?? "info";
  const threshold = LOG_LEVELS.indexOf(level);

  const write = (lineLevel: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    const record = { level: lineLevel, message, ...base, ...fields };
    // A replacer takes JSON.stringify off V8's fast path: use it only for a line that needs it.
    const line = needsReplacer(record) ? JSON.stringify(record, jsonSafe) : JSON.stringify(record);
    sink(lineLevel, redact(line, secrets));
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields, more = {}) =>
      createLogger({
        sink,
        fields: { ...base, ...fields },
        // Already escaped for JSON: pass them on as they are, and escape only the new ones.
        secrets: [...secrets.map(unescaped), ...(more.secrets ?? [])],
        level: more.level ?? level,
      }),
  };
}

/** A logger that drops every line (tests of code that logs, when its output does not matter). */
export const silentLogger: Logger = createLogger({ sink: () => {} });

function unescaped(escaped: string): string {
  return JSON.parse(`"${escaped}"`) as string;
}

function usableSecrets(values: readonly (string | undefined)[]): string[] {
  // JSON escapes some characters; search for the escaped form as it appears in the line.
  return values
    .filter((value): value is string => typeof value === "string" && value.trim().length >= MIN_SECRET_LENGTH)
    .map((value) => JSON.stringify(value).slice(1, -1));
}

/** Whether `record` may hold what {@link jsonSafe} rewrites: a bigint, or an object (an error, or one that may hold one). */
function needsReplacer(record: LogFields): boolean {
  for (const key in record) {
    const value = record[key];
    if (typeof value === "bigint" || (typeof value === "object" && value !== null)) return true;
  }
  return false;
}

/** JSON.stringify replacer: errors as name and message (never their enumerable extras), bigints as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * How a failure appears in a log line. `expected` failures (the store is
 * down, an object is unreadable: the service answers 503 or a stale copy by
 * design) get the error's name and message and its cause's, without a stack;
 * anything else gets its stack as well, so the one line that reports it is
 * enough to find the code.
 */
export function failureFields(error: unknown, expected: boolean): LogFields {
  const fields: LogFields = { error: describe(error) };
  if (error instanceof Error && error.cause !== undefined) fields.cause = describe(error.cause);
  if (!expected && error instanceof Error && error.stack) fields.stack = error.stack;
  return fields;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}
