/**
 * Memory and CPU of a process from Linux /proc, for the benchmarks: the
 * workerd process's resident memory and CPU (per request, per round of
 * load), and which workerd process belongs to a Worker just started.
 */
import { readdir, readFile } from "node:fs/promises";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** Resident memory of `pid` in bytes, or null when it is gone. */
export async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) `pid` used so far, or null when it is gone. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Pids of the direct children of `parent` (started by any of its threads) whose command name is `name`. */
export async function childrenNamed(parent: number, name: string): Promise<number[]> {
  const threads = await readdir(`/proc/${parent}/task`).catch(() => [] as string[]);
  const pids = new Set<number>();
  for (const thread of threads) {
    const list = await readFile(`/proc/${parent}/task/${thread}/children`, "utf8").catch(() => "");
    for (const pid of list.trim().split(/\s+/).filter(Boolean)) pids.add(Number(pid));
  }
  const matches: number[] = [];
  for (const pid of pids) {
    const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
    if (comm.trim() === name) matches.push(pid);
  }
  return matches;
}
