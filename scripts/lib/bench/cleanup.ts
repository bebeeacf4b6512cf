/**
 * Tear-down for long benchmark runs: servers and temporary folders register
 * how to undo themselves, and are undone at the end, on an error and on
 * Ctrl-C alike, newest first (a Worker before the bucket it reads).
 */
import { oneLineError } from "../cli-errors";

type Task = () => Promise<void> | void;

/**
 * How long one task may take. After Ctrl-C the terminal has signalled workerd
 * too, and disposing a Worker whose process is already gone can wait forever;
 * with nothing else pending Node would then exit before the temporary folders
 * are removed. The timer both bounds the wait and keeps the process alive.
 */
const TASK_TIMEOUT_MS = 10_000;

const tasks: Task[] = [];
let running: Promise<void> | null = null;

/** Registers `task`; returns a function that runs it now (and only once) instead of at the end. */
export function onCleanup(task: Task): () => Promise<void> {
  let done = false;
  const once: Task = async () => {
    if (done) return;
    done = true;
    await task();
  };
  tasks.push(once);
  return async () => {
    const index = tasks.indexOf(once);
    if (index >= 0) tasks.splice(index, 1);
    await once();
  };
}

/** Runs every registered task, newest first; a failing task does not stop the others. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (tasks.length > 0) {
      const task = tasks.pop();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([Promise.resolve().then(task), new Promise<void>((done) => (timer = setTimeout(done, TASK_TIMEOUT_MS)))]);
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return running;
}

/**
 * On SIGINT/SIGTERM: clean up, then exit with 130/143 as shells expect.
 * Further signals during the clean-up are ignored rather than fatal: on
 * Ctrl-C the terminal signals the whole process group, and tsx relays the
 * signal once more, so a second one arrives at once.
 */
export function cleanupOnSignals(): void {
  let stopping = false;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping servers and removing temporary files...`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}

/**
 * Runs a benchmark's `main` as a command: clean-up on signals and at the end,
 * its exit code as the process's, a failure as one line named after `command`.
 */
export function runBenchmark(command: string, main: () => Promise<number>): void {
  cleanupOnSignals();
  main()
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        console.error(`${command}: ${oneLineError(error)}`);
        if (process.env.BENCH_VERBOSE && error instanceof Error) console.error(error.stack);
        process.exitCode = 1;
      },
    )
    .finally(() => cleanupAll());
}
