/**
 * Throughput of the feed Worker as a ratio of the static-bytes Worker's,
 * measured side by side: short rounds of load on one, then the other,
 * alternating which goes first (ABBA, so a drift of the machine's speed
 * favours neither), one Worker loaded at a time (two cores: the load
 * generator needs one). Each round pair gives a ratio; the run's figure is
 * their median. Each round also records the generator's CPU and each
 * workerd's, so the report can tell a Worker-bound run from a
 * generator-bound one.
 */
import type { LoadGenerator, LoadResult } from "./load-generator";
import { cpuSeconds } from "./process-stats";
import { median } from "./stats";

/** Above this share of one core the generator may be what limits the rate: the ratio says little. */
export const GENERATOR_BOUND_SHARE = 0.5;

/** A Worker under load. */
export interface LoadTarget {
  url: string;
  pid: number | null;
  /** Its requests so far by `Server-Timing` cache state (from its request log), when it logs them. */
  cacheStates?: () => Record<string, number>;
}

/** How long the last log lines of a run may take to arrive through workerd's stdout pipe. */
const LOG_SETTLE_MS = 500;

/** One round of one Worker. */
export interface Round {
  result: LoadResult;
  /** Share of one core the generator used. */
  generatorShare: number;
  /** Share of one core workerd used; null when its process is unknown. */
  workerdShare: number | null;
  /**
   * Share of one core this process used: mostly reading the feed Worker's
   * log lines from workerd's stdout, a cost of the harness (on Cloudflare
   * logs leave the machine) that competes with the Workers for the cores.
   */
  benchShare: number;
}

/** A whole comparison. */
export interface RatioRun {
  feed: Round[];
  baseline: Round[];
  /** feed / baseline per round pair. */
  ratios: number[];
  /** Median of {@link ratios}. */
  ratio: number;
  /** Wall time from the first round to the last, seconds. */
  wallSeconds: number;
  /** True when the generator's median share in either Worker's rounds passed {@link GENERATOR_BOUND_SHARE}. */
  generatorBound: boolean;
  /** The feed Worker's responses in the measured rounds by cache state (empty when it does not log them). */
  feedCache: Record<string, number>;
}

/** How to load both Workers. */
export interface RatioJob {
  path: string;
  headers?: Record<string, string>;
  connections: number;
  roundSeconds: number;
  /** Round pairs at least. */
  rounds: number;
  /** Keep going (up to `maxRounds`) until this much time has passed since the first round began, e.g. to cross an INDEX_TTL expiry. */
  minWallSeconds?: number;
  maxRounds?: number;
  /** One untimed round of each Worker first, this long. */
  warmupSeconds: number;
}

/** Compares `feed` with `baseline` under `job`'s load (see the module comment). */
export async function compareWithBaseline(generator: LoadGenerator, feed: LoadTarget, baseline: LoadTarget, job: RatioJob): Promise<RatioRun> {
  const round = async (target: LoadTarget, seconds: number): Promise<Round> => {
    const before = target.pid === null ? null : await cpuSeconds(target.pid);
    const ownBefore = process.cpuUsage();
    const result = await generator.run({
      baseUrl: target.url,
      paths: [job.path],
      ...(job.headers ? { headers: job.headers } : {}),
      connections: job.connections,
      durationSeconds: seconds,
    });
    const after = target.pid === null ? null : await cpuSeconds(target.pid);
    const own = process.cpuUsage(ownBefore);
    return {
      benchShare: (own.user + own.system) / 1e6 / result.seconds,
      result,
      generatorShare: result.generatorCpuSeconds / result.seconds,
      workerdShare: before === null || after === null ? null : (after - before) / result.seconds,
    };
  };
  await round(feed, job.warmupSeconds);
  await round(baseline, job.warmupSeconds);

  const states = () => ({ ...(feed.cacheStates?.() ?? {}) });
  const statesBefore = states();
  const run: RatioRun = { feed: [], baseline: [], ratios: [], ratio: Number.NaN, wallSeconds: 0, generatorBound: false, feedCache: {} };
  const started = performance.now();
  const maxRounds = Math.max(job.rounds, job.maxRounds ?? job.rounds);
  const elapsed = () => (performance.now() - started) / 1000;
  for (let i = 0; i < maxRounds && (i < job.rounds || elapsed() < (job.minWallSeconds ?? 0)); i++) {
    // ABBA: feed first in even rounds, baseline first in odd ones.
    const [first, second] = i % 2 === 0 ? [feed, baseline] : [baseline, feed];
    const a = await round(first, job.roundSeconds);
    const b = await round(second, job.roundSeconds);
    const [feedRound, baselineRound] = first === feed ? [a, b] : [b, a];
    run.feed.push(feedRound);
    run.baseline.push(baselineRound);
    run.ratios.push(feedRound.result.okPerSecond / baselineRound.result.okPerSecond);
  }
  run.wallSeconds = elapsed();
  await new Promise((resolve) => setTimeout(resolve, LOG_SETTLE_MS));
  for (const [state, count] of Object.entries(states())) {
    const measured = count - (statesBefore[state] ?? 0);
    if (measured > 0) run.feedCache[state] = measured;
  }
  run.ratio = median(run.ratios);
  run.generatorBound =
    median(run.feed.map((r) => r.generatorShare)) > GENERATOR_BOUND_SHARE || median(run.baseline.map((r) => r.generatorShare)) > GENERATOR_BOUND_SHARE;
  return run;
}
