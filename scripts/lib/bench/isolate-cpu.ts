/**
 * CPU time of the user Worker's isolate in workerd, from V8's sampling CPU
 * profiler through workerd's inspector (`Profiler.start` / `Profiler.stop`).
 * This is the time Workers bills as CPU: the isolate's JavaScript, the
 * runtime's native code it calls (`(program)`) and its garbage collection,
 * without the waits for the store, the HTTP stack or Miniflare's own
 * services that a process-level figure includes.
 *
 * How the profile is read: V8 samples the isolate only while a thread holds
 * its lock; workerd lets go of the lock whenever the Worker awaits I/O, and an
 * idle isolate yields one or two samples a second. So the time between two
 * samples (`timeDeltas`) spans, besides running time, every wait in between,
 * and the sum of the deltas is close to wall time. Each delta is therefore
 * capped at {@link GAP_FACTOR} sampling intervals: a delta that long holds a
 * wait, and counts as at most that much running. Checked against a Worker
 * burning CPU in a loop (its process's CPU without the profiler, less the
 * floor of a trivial request, as the truth): with no waits the capped sum
 * matched within 3%; split by ten timer waits a request, it read some 20%
 * low (each wait loses running time at its edges), where the plain sum of
 * deltas read nearly three times high and the count of samples times the
 * interval a third low (the sampler falls behind its interval). A feed
 * request waits a handful of times (the store, the response stream), so its
 * figure may read a little low; the profiler's own sampling cost, which
 * lands in the deltas, pulls the other way.
 */
import type { IsolateInspector } from "./inspector";

/** A delta of more than this many sampling intervals is taken to contain a wait, and counts as this many intervals. */
const GAP_FACTOR = 2;
/** A profile of many requests arrives in one message; give it time on a busy machine. */
const STOP_TIMEOUT_MS = 60_000;

/** The parts of a V8 `Profiler.Profile` this module reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  /** Microseconds since the previous sample (the first: since the profile's start). */
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** CPU of one profile, in microseconds. */
export interface ProfileCpu {
  /** Running time: JavaScript, native code and garbage collection (capped deltas of every sample but `(idle)`). */
  cpuUs: number;
  /** Of which garbage collection. */
  gcUs: number;
  /** Samples taken (the idle ones included). */
  samples: number;
  /** Deltas that were capped as waits. */
  gaps: number;
  /** The profile's wall time. */
  wallUs: number;
}

/** Reads the running time out of `profile`, sampled every `intervalUs` (see the module comment for why deltas are capped). */
export function cpuOfProfile(profile: CpuProfile, intervalUs: number): ProfileCpu {
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const cap = GAP_FACTOR * intervalUs;
  let cpuUs = 0;
  let gcUs = 0;
  let gaps = 0;
  // The first delta runs from Profiler.start, not from a sample: it says nothing about running time.
  for (let i = 1; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    if (delta > cap) gaps++;
    const name = names.get(profile.samples[i] as number);
    if (name === "(idle)") continue;
    const running = Math.min(Math.max(delta, 0), cap);
    cpuUs += running;
    if (name === "(garbage collector)") gcUs += running;
  }
  return { cpuUs, gcUs, samples: profile.samples.length, gaps, wallUs: profile.endTime - profile.startTime };
}

/**
 * Profiles the isolate while `work` runs, sampling every `intervalUs`
 * microseconds. Null when the profiler could not be started or read (an
 * inspector that went away): the caller reports the figure missing.
 */
export async function profileIsolateCpu(inspector: IsolateInspector, work: () => Promise<void>, intervalUs: number): Promise<ProfileCpu | null> {
  if ((await inspector.call("Profiler.enable")) === null) return null;
  // The interval must be set while no profile is running.
  await inspector.call("Profiler.setSamplingInterval", { interval: intervalUs });
  if ((await inspector.call("Profiler.start")) === null) return null;
  let stopped: { profile?: CpuProfile } | null = null;
  try {
    await work();
  } finally {
    // Stopped even when the work failed: a running profiler would slow every later measurement of this Worker.
    stopped = (await inspector.call("Profiler.stop", {}, STOP_TIMEOUT_MS)) as { profile?: CpuProfile } | null;
  }
  await inspector.call("Profiler.disable");
  return stopped?.profile ? cpuOfProfile(stopped.profile, intervalUs) : null;
}
