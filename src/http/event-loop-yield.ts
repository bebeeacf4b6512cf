/**
 * A request that goes past the memory fast path pauses for one timer tick
 * before its work (routing, the edge cache, store reads, a render of several
 * milliseconds of CPU), so that the runtime's event loop gets to wait on its
 * sockets at least once per such request.
 *
 * Why: the Workers runtime runs an isolate's requests on one event loop that
 * reads the operating system's sockets only when it has nothing else to do,
 * and whose clock (timers, `Date.now()`) advances only then. Under sustained
 * load of renders the loop never runs dry: connections whose next request had
 * not arrived when it looked are not read for seconds, and when the loop
 * finally waits, its HTTP server's five-second keep-alive timers, started on
 * the stale clock, all expire at once and close every such connection (a
 * burst of resets under load, reproduced with a twelve-line Worker that only
 * burns CPU). A timer only fires after the loop has waited, so a request
 * waiting on one lets the loop run dry once all requests in flight do, which
 * keeps its clock current and serves waiting connections in turn. A
 * millisecond per uncached request is small next to a store read; memory
 * answers (microseconds each) never pause.
 */

/** The pause, ms: the shortest delay that needs the clock to advance, which only a wait of the loop does. */
export const EVENT_LOOP_YIELD_MS = 1;

/** The Workers runtime's scheduler (workers-types `Scheduler`); absent outside Workers (Node, the unit tests). */
const runtimeScheduler = (globalThis as { scheduler?: { wait(ms: number): Promise<void> } }).scheduler;

/**
 * Resolves after one timer tick of at least {@link EVENT_LOOP_YIELD_MS}: the
 * runtime's own timer (`scheduler.wait`) where there is one, because with
 * `nodejs_compat` a `setTimeout` also makes Node's timer object.
 */
export function yieldToEventLoop(): Promise<void> {
  return runtimeScheduler !== undefined ? runtimeScheduler.wait(EVENT_LOOP_YIELD_MS) : new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_YIELD_MS));
}
