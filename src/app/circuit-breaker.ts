/**
 * A circuit breaker for the store on the request path ("Release It!",
 * Nygard): after a few consecutive failures, calls fail at once for a
 * cool-down instead of each waiting for its timeout; then one probe call is
 * let through (half-open), and its outcome closes or re-opens the circuit.
 *
 * Why: while the store hangs, every request would otherwise hold its
 * connection for the full timeout. Failing fast lets a request answer the
 * last good copy or a 503 at once, and spares the store a flood of retries
 * while it recovers.
 *
 * A failure counts only when no other call succeeded while it was under way:
 * a call that times out while others are answered met congestion (a busy
 * isolate, a queue of requests) or one bad object, not a store that is down,
 * and opening the circuit then would turn a slow moment into an outage.
 * Such a call is tried once more, since the store is evidently up.
 */
import { type ArticleStore, StoreError } from "../store/store";

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one probe through, in milliseconds. */
  coolDownMs: number;
  /** Clock in milliseconds (the application's, so tests control it). */
  now: () => number;
}

/** `closed`: calls go through; `open`: calls fail at once; `half-open`: one probe is under way. */
export type CircuitState = "closed" | "open" | "half-open";

/** One store's breaker. Not tied to a store object: it outlives the per-request store wrappers. */
export class CircuitBreaker {
  private failures = 0;
  /** Successes so far: a call notes the count when it starts (see {@link begin}). */
  private successes = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** The state now (an open circuit whose cool-down is over reads as half-open). */
  get state(): CircuitState {
    if (this.openedAt === null) return "closed";
    if (this.probing || this.options.now() - this.openedAt >= this.options.coolDownMs) return "half-open";
    return "open";
  }

  /** True once the store failed recently (any consecutive failure, or the circuit is not closed). */
  get degraded(): boolean {
    return this.failures > 0 || this.openedAt !== null;
  }

  /**
   * Whether a call may go to the store now. In half-open state exactly one
   * caller gets `true` (the probe) until it reports its outcome.
   */
  allow(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** A call starts: the token to hand to {@link failed} if it fails. */
  begin(): number {
    return this.successes;
  }

  /** True when another call succeeded since the call holding `token` (from {@link begin}) started. */
  answeredSince(token: number): boolean {
    return this.successes > token;
  }

  /** The store answered (a "not found" counts: the store is up). */
  succeeded(): void {
    this.successes++;
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  /**
   * The store failed (error, refusal or timeout). With the token of
   * {@link begin}, a failure during which another call succeeded does not count.
   */
  failed(startedAt?: number): void {
    this.probing = false;
    if (startedAt !== undefined && this.answeredSince(startedAt) && this.openedAt === null) return;
    this.failures++;
    if (this.openedAt !== null || this.failures >= this.options.failureThreshold) this.openedAt = this.options.now();
  }
}

/** The error of a call the open circuit refused without asking the store. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor() {
    super("the store failed repeatedly; calls are refused during the cool-down");
  }
}

/**
 * `store` behind `breaker`: refused calls reject at once with a
 * {@link StoreError} (whose cause is a {@link CircuitOpenError}); a
 * `StoreError` of the store counts as a failure, every answer as a success.
 * A call that failed while another succeeded does not count and is tried once
 * more (the store is up: the call met congestion); while the store hangs no
 * call succeeds, so nothing is retried and the deadline holds.
 */
export function guardStore(store: ArticleStore, breaker: CircuitBreaker): ArticleStore {
  async function guarded<T>(operation: StoreError["operation"], key: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (!breaker.allow()) throw new StoreError(operation, key, { cause: new CircuitOpenError() });
      const started = breaker.begin();
      try {
        const result = await call();
        breaker.succeeded();
        return result;
      } catch (error) {
        if (!(error instanceof StoreError)) {
          breaker.succeeded(); // Not the store's fault (a bug above it): do not hold the store responsible.
          throw error;
        }
        const congested = breaker.answeredSince(started);
        breaker.failed(started);
        if (!congested || attempt > 1) throw error;
      }
    }
  }
  return {
    list: (prefix, options) => guarded("list", prefix, () => store.list(prefix, options)),
    listPage: (prefix, options) => guarded("list", prefix, () => store.listPage(prefix, options)),
    get: (key) => guarded("get", key, () => store.get(key)),
    put: (key, body, options) => guarded("put", key, () => store.put(key, body, options)),
    delete: (key) => guarded("delete", key, () => store.delete(key)),
    deleteMany: (keys) => guarded("delete", keys[0] ?? "", () => store.deleteMany(keys)),
  };
}
