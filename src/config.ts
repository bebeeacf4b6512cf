/**
 * Typed configuration, read from the Worker's environment on every request
 * (vars from wrangler.toml, secrets from `wrangler secret put`, `--var` in
 * local development). There is no process-wide singleton: one isolate may
 * serve several environments in tests.
 */
import { isLogLevel, type LogLevel } from "./app/log";
import type { R2BucketBinding } from "./store/r2";
import type { S3StoreConfig } from "./store/s3";

/** The Worker's configuration variables: every value is a string as Workers pass them. */
export interface ConfigVariables {
  /** S3 endpoint URL; empty for AWS S3 itself. R2: `https://<account>.r2.cloudflarestorage.com`. */
  S3_ENDPOINT?: string;
  S3_REGION?: string;
  S3_BUCKET?: string;
  /** Key prefix (folder) under which the articles live, e.g. `articles/`; applies to an R2 binding too. */
  S3_PREFIX?: string;
  /** `true`/`false`; default: path-style with an S3_ENDPOINT (MinIO, R2...), virtual-hosted for AWS S3 itself. */
  S3_FORCE_PATH_STYLE?: string;
  /** Secret. */
  S3_ACCESS_KEY_ID?: string;
  /** Secret. */
  S3_SECRET_ACCESS_KEY?: string;
  FEED_TITLE?: string;
  FEED_DESCRIPTION?: string;
  FEED_LANGUAGE?: string;
  /** Publisher named as the feeds' author (Atom feed author, JSON Feed `authors`); defaults to FEED_TITLE. */
  FEED_AUTHOR?: string;
  /** Public base URL of this service; empty = the origin of each request. */
  SITE_URL?: string;
  FEED_LIMIT?: string;
  /** Host name used as the authority of item GUIDs (tag: URIs); defaults to SITE_URL's host. Never change it once feeds are public. */
  GUID_AUTHORITY?: string;
  /** Seconds a built index is reused inside one isolate. */
  INDEX_TTL?: string;
  /** Seconds feeds and pages may be cached (Cache-Control max-age). */
  CACHE_MAX_AGE?: string;
  /** Secret: bearer token for `POST /admin/reindex` and `POST /admin/changes`; both are disabled while unset. */
  ADMIN_TOKEN?: string;
  /** What the public feeds' items carry: `full` (default) or `summary`. Partners have terms of their own (`_partners.yaml`). */
  PUBLIC_CONTENT?: string;
  /** Comma-separated http(s) URLs of WebSub hubs the main and topic feeds name and notify; empty: none. */
  WEBSUB_HUBS?: string;
  /** Days a withdrawn article stays in the Atom feeds as an RFC 6721 tombstone (default 30). */
  TOMBSTONE_DAYS?: string;
  /** Least severe log level written: `info` (default: one line per request), `warn` or `error`. */
  LOG_LEVEL?: string;
}

/** The Worker's bindings: the configuration variables, and the bucket when it is bound rather than reached over S3. */
export interface Env extends ConfigVariables {
  /**
   * The articles' R2 bucket, bound in wrangler.toml (`[[r2_buckets]]`,
   * `binding = "ARTICLES_BUCKET"`). When bound it is the store: the Worker
   * reads and writes through the binding, and the S3_* settings other than
   * S3_PREFIX are not read.
   */
  ARTICLES_BUCKET?: R2BucketBinding;
}

/**
 * The name of every configuration variable, complete by construction (the
 * compiler refuses a table that misses a field of {@link ConfigVariables}):
 * the local service passes each one set in its environment on to the Worker.
 */
export const CONFIG_VARIABLE_NAMES = Object.keys({
  S3_ENDPOINT: true,
  S3_REGION: true,
  S3_BUCKET: true,
  S3_PREFIX: true,
  S3_FORCE_PATH_STYLE: true,
  S3_ACCESS_KEY_ID: true,
  S3_SECRET_ACCESS_KEY: true,
  FEED_TITLE: true,
  FEED_DESCRIPTION: true,
  FEED_LANGUAGE: true,
  FEED_AUTHOR: true,
  SITE_URL: true,
  FEED_LIMIT: true,
  GUID_AUTHORITY: true,
  INDEX_TTL: true,
  CACHE_MAX_AGE: true,
  ADMIN_TOKEN: true,
  PUBLIC_CONTENT: true,
  WEBSUB_HUBS: true,
  TOMBSTONE_DAYS: true,
  LOG_LEVEL: true,
} satisfies Record<keyof ConfigVariables, true>) as (keyof ConfigVariables)[];

/** Where the bucket is: an S3-compatible bucket reached over HTTP (S3_*), or an R2 bucket bound to the Worker (ARTICLES_BUCKET). */
export type StoreLocation = { s3: S3StoreConfig; r2?: undefined } | { r2: R2BucketBinding; s3?: undefined };

/**
 * What every invocation needs to reach the index, request or not (cron,
 * queue, webhook): the store, where the articles are, and the index rules.
 */
export type StoreSettings = StoreLocation & {
  prefix: string;
  /** Language of articles that neither declare nor reveal one (FEED_LANGUAGE): parser input. */
  defaultLanguage: string;
  indexTtlSeconds: number;
  /**
   * WebSub hubs (WEBSUB_HUBS), normalised absolute URLs: every invocation
   * that changes the index notifies them, request or not (cron, queue).
   */
  websubHubs: readonly string[];
  /** Days a withdrawn article is announced as a tombstone (TOMBSTONE_DAYS): the index prunes older ones. */
  tombstoneDays: number;
  /** Least severe log level written. */
  logLevel: LogLevel;
};

/** Configuration of one request: the store settings plus what the site publishes, with defaults applied. */
export type Config = StoreSettings & {
  feed: {
    title: string;
    description: string;
    author: string;
    language: string;
    /** Absolute base URL without trailing slash. */
    siteUrl: string;
    limit: number;
    guidAuthority: string;
  };
  cacheMaxAgeSeconds: number;
  /** Empty when the admin endpoints are disabled. */
  adminToken: string;
  /** What the public feeds' items carry (PUBLIC_CONTENT). */
  publicContent: "full" | "summary";
};

/** A configuration value is missing or malformed; the message names the variable, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the settings that need no request (the store and the index).
 * @throws {ConfigError} when a required value is missing or malformed.
 */
export function loadStoreSettings(env: Env): StoreSettings {
  const known = storeSettingsByEnv.get(env);
  if (known !== undefined) return known;
  const settings = Object.freeze(readStoreSettings(env));
  storeSettingsByEnv.set(env, settings);
  return settings;
}

/**
 * Store settings already read, by environment object. The runtime hands the
 * same environment to every invocation of an isolate and never changes it,
 * so each request need not validate the settings again (URL parsing among
 * them). Only settings that were read without error are kept: a bad one is
 * refused again on every request, with its message.
 */
const storeSettingsByEnv = new WeakMap<Env, StoreSettings>();

function readStoreSettings(env: Env): StoreSettings {
  return {
    ...storeLocation(env),
    prefix: normalisePrefix(text(env.S3_PREFIX)),
    defaultLanguage: text(env.FEED_LANGUAGE) || "en",
    indexTtlSeconds: integer(env.INDEX_TTL, "INDEX_TTL", 60, 0, 86_400),
    websubHubs: hubList(env.WEBSUB_HUBS),
    tombstoneDays: integer(env.TOMBSTONE_DAYS, "TOMBSTONE_DAYS", 30, 0, 3650),
    logLevel: logLevel(env.LOG_LEVEL),
  };
}

/**
 * The one place that decides which store the Worker uses: the R2 binding
 * ARTICLES_BUCKET when it is bound, else the S3 settings (then required).
 * A variable of that name (a string, e.g. from `[vars]` or `.dev.vars`) is
 * refused rather than ignored: whoever set it meant a binding.
 */
function storeLocation(env: Env): StoreLocation {
  const binding: unknown = env.ARTICLES_BUCKET;
  if (binding !== undefined) {
    if (!isR2Binding(binding)) throw new ConfigError("ARTICLES_BUCKET must be an R2 bucket binding ([[r2_buckets]] in wrangler.toml), not a variable");
    return { r2: binding };
  }
  const bucket = text(env.S3_BUCKET);
  if (!bucket) throw new ConfigError("S3_BUCKET is not set");
  const accessKeyId = text(env.S3_ACCESS_KEY_ID);
  const secretAccessKey = text(env.S3_SECRET_ACCESS_KEY);
  if (!accessKeyId || !secretAccessKey) throw new ConfigError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set");
  const endpoint = text(env.S3_ENDPOINT);
  if (endpoint && !isHttpUrl(endpoint)) throw new ConfigError("S3_ENDPOINT must be an http(s) URL");
  return {
    s3: {
      endpoint,
      region: text(env.S3_REGION) || "auto",
      bucket,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: flag(env.S3_FORCE_PATH_STYLE, "S3_FORCE_PATH_STYLE", endpoint !== ""),
    },
  };
}

/** Whether `value` has the calls the R2 store makes (the runtime exposes no class to test against). */
function isR2Binding(value: unknown): value is R2BucketBinding {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ["get", "put", "list", "delete"].every((name) => typeof candidate[name] === "function");
}

/**
 * The S3 settings of `settings`, for code that reaches the bucket only over
 * S3: the command-line tools run outside Workers, where there is no binding.
 * @throws {ConfigError} when the store is an R2 binding.
 */
export function s3Settings(settings: StoreSettings): S3StoreConfig {
  if (settings.s3 === undefined) throw new ConfigError("this needs the S3_* settings: an R2 binding (ARTICLES_BUCKET) is reachable only from the Worker");
  return settings.s3;
}

/** At most this many hubs: each costs a subrequest per change (see `app/websub.ts`). */
const MAX_HUBS = 5;

/** WEBSUB_HUBS: comma-separated http(s) URLs, in their normalised form, duplicates dropped. */
function hubList(value: string | undefined): string[] {
  const hubs: string[] = [];
  for (const part of text(value).split(",")) {
    const candidate = part.trim();
    if (candidate === "") continue;
    if (!isHttpUrl(candidate)) throw new ConfigError("WEBSUB_HUBS must be a comma-separated list of http(s) URLs");
    const normalised = new URL(candidate).href;
    if (!hubs.includes(normalised)) hubs.push(normalised);
  }
  if (hubs.length > MAX_HUBS) throw new ConfigError(`WEBSUB_HUBS may name at most ${MAX_HUBS} hubs`);
  return hubs;
}

/**
 * Reads the configuration for a request to `requestUrl`.
 *
 * Links and GUIDs must not depend on the host name a request came in by: a
 * Worker reachable as `*.workers.dev` and on a custom domain would otherwise
 * publish two sets of GUIDs, and a forged `Host` would put its name into every
 * link. So without SITE_URL only a loopback origin (local development) may
 * stand in for it; any other request fails with a message naming SITE_URL.
 * @throws {ConfigError} when a required value is missing or malformed.
 */
export function loadConfig(env: Env, requestUrl: string): Config {
  // With SITE_URL set the request's URL plays no part: read once per environment, as the store settings are.
  const known = configByEnv.get(env);
  if (known !== undefined) return known;
  const config = readConfig(env, requestUrl);
  if (!text(env.SITE_URL)) return config;
  const shared = Object.freeze({ ...config, feed: Object.freeze(config.feed) });
  configByEnv.set(env, shared);
  return shared;
}

/** Configurations already read, by environment object (only those with SITE_URL set: see {@link loadConfig}). */
const configByEnv = new WeakMap<Env, Config>();

function readConfig(env: Env, requestUrl: string): Config {
  const store = loadStoreSettings(env);
  const configuredSite = text(env.SITE_URL);
  if (configuredSite && !isHttpUrl(configuredSite)) throw new ConfigError("SITE_URL must be an http(s) URL");
  const requestOrigin = new URL(requestUrl);
  if (!configuredSite && !isLoopbackHost(requestOrigin.hostname)) {
    throw new ConfigError("SITE_URL must be set to the public URL of the service");
  }
  const siteUrl = (configuredSite || requestOrigin.origin).replace(/\/+$/, "");

  return {
    ...store,
    feed: {
      title: text(env.FEED_TITLE) || "News feed",
      author: text(env.FEED_AUTHOR) || text(env.FEED_TITLE) || "News feed",
      description: text(env.FEED_DESCRIPTION) || "The latest articles",
      language: store.defaultLanguage,
      siteUrl,
      limit: integer(env.FEED_LIMIT, "FEED_LIMIT", 50, 1, 100),
      guidAuthority: text(env.GUID_AUTHORITY) || new URL(siteUrl).hostname,
    },
    cacheMaxAgeSeconds: integer(env.CACHE_MAX_AGE, "CACHE_MAX_AGE", 300, 0, 86_400),
    adminToken: text(env.ADMIN_TOKEN),
    publicContent: oneOf(env.PUBLIC_CONTENT, "PUBLIC_CONTENT", ["full", "summary"] as const, "full"),
  };
}

/** Loopback names and addresses (RFC 6761 §6.3 `localhost`, 127.0.0.0/8, `::1`). */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === "[::1]";
}

function text(value: string | undefined): string {
  return (value ?? "").trim();
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `articles` and `articles/` both mean the folder `articles/`; empty means the whole bucket. */
function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "");
  return trimmed && !trimmed.endsWith("/") ? `${trimmed}/` : trimmed;
}

function logLevel(value: string | undefined): LogLevel {
  const raw = text(value).toLowerCase();
  if (raw === "") return "info";
  if (!isLogLevel(raw)) throw new ConfigError("LOG_LEVEL must be info, warn or error");
  return raw;
}

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  const raw = text(value).toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new ConfigError(`${name} must be true or false`);
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(value).toLowerCase();
  if (raw === "") return fallback;
  const found = allowed.find((option) => option === raw);
  if (found === undefined) throw new ConfigError(`${name} must be ${allowed.join(" or ")}`);
  return found;
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  const raw = text(value);
  if (!raw) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return parsed;
}
