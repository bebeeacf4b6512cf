/** The machine a benchmark ran on, for the report: figures mean little without it. */
import { cpus, platform, release } from "node:os";

/** One line: os, cpu model, cores, Node version. */
export function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim().replace(/\s+/g, " ") ?? "unknown cpu";
  return `${platform()} ${release()}, ${model}, ${cores.length} cores, Node ${process.version}`;
}
