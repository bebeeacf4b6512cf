/**
 * Typed configuration, read from the Worker's environment on every request
 * (vars from wrangler.toml, secrets from `wrangler secret put`, `--var` in
 * local development). There is no process-wide singleton: one isolate may
 * serve several environments in tests.
 */
import type { S3StoreConfig } from "./store/s3";

/** The Worker's bindings: every value is a string as Workers pass them. */
export interface Env {
  /** S3 endpoint URL; empty for AWS S3 itself. R2: `https://<account>.r2.cloudflarestorage.com`. */
  S3_ENDPOINT?: string;
  S3_REGION?: string;
  S3_BUCKET?: string;
  /** Key prefix (folder) under which the articles live, e.g. `articles/`. */
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
  /** Secret: bearer token for `POST /admin/reindex`; the endpoint is disabled while unset. */
  ADMIN_TOKEN?: string;
}

/** Configuration of one request, with defaults applied and values checked. */
export interface Config {
  s3: S3StoreConfig;
  prefix: string;
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
  indexTtlSeconds: number;
  cacheMaxAgeSeconds: number;
  /** Empty when the admin endpoint is disabled. */
  adminToken: string;
}

/** A configuration value is missing or malformed; the message names the variable, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the configuration for a request to `requestUrl`.
 * @throws {ConfigError} when a required value is missing or malformed.
 */
export function loadConfig(env: Env, requestUrl: string): Config {
  const bucket = text(env.S3_BUCKET);
  if (!bucket) throw new ConfigError("S3_BUCKET is not set");
  const accessKeyId = text(env.S3_ACCESS_KEY_ID);
  const secretAccessKey = text(env.S3_SECRET_ACCESS_KEY);
  if (!accessKeyId || !secretAccessKey) throw new ConfigError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set");
  const endpoint = text(env.S3_ENDPOINT);
  if (endpoint && !isHttpUrl(endpoint)) throw new ConfigError("S3_ENDPOINT must be an http(s) URL");

  const configuredSite = text(env.SITE_URL);
  if (configuredSite && !isHttpUrl(configuredSite)) throw new ConfigError("SITE_URL must be an http(s) URL");
  const siteUrl = (configuredSite || new URL(requestUrl).origin).replace(/\/+$/, "");

  return {
    s3: {
      endpoint,
      region: text(env.S3_REGION) || "auto",
      bucket,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: flag(env.S3_FORCE_PATH_STYLE, "S3_FORCE_PATH_STYLE", endpoint !== ""),
    },
    prefix: normalisePrefix(text(env.S3_PREFIX)),
    feed: {
      title: text(env.FEED_TITLE) || "News feed",
      author: text(env.FEED_AUTHOR) || text(env.FEED_TITLE) || "News feed",
      description: text(env.FEED_DESCRIPTION) || "The latest articles",
      language: text(env.FEED_LANGUAGE) || "en",
      siteUrl,
      limit: integer(env.FEED_LIMIT, "FEED_LIMIT", 50, 1, 100),
      guidAuthority: text(env.GUID_AUTHORITY) || new URL(siteUrl).hostname,
    },
    indexTtlSeconds: integer(env.INDEX_TTL, "INDEX_TTL", 60, 0, 86_400),
    cacheMaxAgeSeconds: integer(env.CACHE_MAX_AGE, "CACHE_MAX_AGE", 300, 0, 86_400),
    adminToken: text(env.ADMIN_TOKEN),
  };
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

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  const raw = text(value).toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new ConfigError(`${name} must be true or false`);
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
