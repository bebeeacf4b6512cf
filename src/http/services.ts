/**
 * What a request handler works with: the configuration, the (metered) store
 * and the index reader, created once per request from the Worker's bindings.
 */
import type { Context } from "hono";
import { loadConfig, type Config, type Env } from "../config";
import { rebuildIndex, type RebuildReport } from "../index/build";
import { clearIndexCache, createIndexReader, type IndexReader } from "../index/reader";
import type { IndexHead } from "../index/schema";
import { clearRenderedDocuments } from "./memory-cache";
import { meterStore, type MeteredStore } from "../store/metered";
import { createS3Store } from "../store/s3";

/** Per-request services. */
export interface Services {
  config: Config;
  store: MeteredStore;
  index: IndexReader;
}

/** Hono's type parameters for this app. */
export interface AppEnv {
  Bindings: Env;
  Variables: { services?: Services };
}

/**
 * Services for the Worker environment `env`; `requestUrl` supplies the site URL
 * when SITE_URL is not configured.
 * @throws {ConfigError} when the configuration is incomplete.
 */
export function createServices(env: Env, requestUrl: string): Services {
  const config = loadConfig(env, requestUrl);
  const store = meterStore(createS3Store(config.s3));
  const index = createIndexReader(store, {
    articlePrefix: config.prefix,
    ttlSeconds: config.indexTtlSeconds,
    cacheKey: storeIdentity(config),
  });
  return { config, store, index };
}

/** The request's services, created on first use (so routes that need no store never read its configuration). */
export function services(c: Context<AppEnv>): Services {
  const existing = c.get("services");
  if (existing) return existing;
  const created = createServices(c.env, c.req.url);
  c.set("services", created);
  return created;
}

/** Identifies one bucket+prefix, so isolates serving several never mix their indexes. */
function storeIdentity(config: Config): string {
  return `${config.s3.endpoint}|${config.s3.bucket}|${config.prefix}`;
}

const rebuildsInFlight = new Map<string, Promise<RebuildReport>>();

/**
 * The index head; when the bucket has never been indexed (a fresh deployment
 * before its first scheduled run), builds the index first. Concurrent requests
 * in one isolate share one build.
 */
export async function indexHead(svc: Services): Promise<IndexHead> {
  const head = await svc.index.head();
  if (head) return head;
  await rebuildOnce(svc);
  const built = await svc.index.head();
  if (!built) throw new Error("index head missing right after a rebuild");
  return built;
}

/** Runs one rebuild of the index for this store, sharing it with concurrent callers. */
export async function rebuildOnce(svc: Services): Promise<RebuildReport> {
  const identity = storeIdentity(svc.config);
  let running = rebuildsInFlight.get(identity);
  if (!running) {
    running = rebuildIndex(svc.store, {
      articlePrefix: svc.config.prefix,
      defaultLanguage: svc.config.feed.language,
      log: (message) => console.warn(message),
    }).finally(() => {
      rebuildsInFlight.delete(identity);
      clearIndexCache();
      clearRenderedDocuments();
    });
    rebuildsInFlight.set(identity, running);
  }
  return running;
}
