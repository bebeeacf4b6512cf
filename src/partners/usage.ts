/**
 * A partner's request budget and its usage record, over two optional
 * platform bindings (wrangler.toml):
 *
 * - Workers Rate Limiting (`[[ratelimits]]`): a binding's limit and period
 *   are fixed in its configuration and `limit()` takes only a key, so each
 *   budget is a binding of its own, named `PARTNER_RATE_LIMIT_<N>` for N
 *   requests per minute, and the partner id is the key. A partner whose
 *   budget has no binding is not limited (and the log says so once).
 * - Workers Analytics Engine (`[[analytics_engine_datasets]]`, binding
 *   `PARTNER_USAGE`): one data point per partner request.
 *
 * One structured log line per partner request is written either way. No
 * token ever reaches a key, a data point or a log line: only the partner id.
 */
import type { Partner } from "./definition";

/**
 * The part of a Rate Limiting binding used here (workers-types `RateLimit`,
 * spelled out so that the command-line tools, compiled without the Workers
 * types, share this module).
 */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** The part of a Workers Analytics Engine dataset used here (workers-types `AnalyticsEngineDataset`). */
export interface UsageDataset {
  writeDataPoint(point: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

/** The bindings partner feeds use; every one is optional. */
export interface PartnerBindings {
  /** Workers Analytics Engine dataset receiving one data point per partner request. */
  PARTNER_USAGE?: UsageDataset;
  /** Rate Limiting bindings: `PARTNER_RATE_LIMIT_120` limits each partner with `requests_per_minute: 120`. */
  [name: `PARTNER_RATE_LIMIT_${number}`]: RateLimitBinding | undefined;
}

/**
 * Seconds a refused client should wait: the bindings count in fixed windows
 * of the configured period (60 s for per-minute budgets), so within one
 * period the budget is back.
 */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/** The binding name that enforces a budget of `requestsPerMinute`. */
export function rateLimitBindingName(requestsPerMinute: number): `PARTNER_RATE_LIMIT_${number}` {
  return `PARTNER_RATE_LIMIT_${requestsPerMinute}`;
}

/**
 * False when the partner has spent its budget for now. True when it has
 * none, or when its budget has no binding (`notice` is told so).
 */
export async function withinBudget(bindings: PartnerBindings, partner: Partner, notice: (message: string) => void): Promise<boolean> {
  if (partner.requestsPerMinute === null) return true;
  const name = rateLimitBindingName(partner.requestsPerMinute);
  const binding = bindings[name];
  if (!binding || typeof binding.limit !== "function") {
    notice(`partner "${partner.id}": requests_per_minute ${partner.requestsPerMinute} is not enforced, no rate limiting binding ${name} is configured`);
    return true;
  }
  const outcome = await binding.limit({ key: partner.id });
  return outcome.success;
}

/** What is recorded of one partner request. */
export interface UsageRecord {
  partner: string;
  /** How the token came: in the path (`/p/<token>/…`) or in an `Authorization: Bearer` header. */
  access: "path" | "header";
  method: string;
  /** The route's path without the token prefix. */
  route: string;
  status: number;
  /** Body bytes sent (0 for HEAD and 304). */
  bytes: number;
}

/** Writes the usage log line, and the Analytics Engine data point when the dataset is bound. */
export function recordUsage(bindings: PartnerBindings, record: UsageRecord): void {
  console.log(JSON.stringify({ event: "partner_request", ...record }));
  // Analytics Engine: one index (the sampling key), blobs for text, doubles for numbers.
  bindings.PARTNER_USAGE?.writeDataPoint({
    indexes: [record.partner],
    blobs: [record.partner, record.access, record.method, record.route],
    doubles: [record.status, record.bytes],
  });
}
