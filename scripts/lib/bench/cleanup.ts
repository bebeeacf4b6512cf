/**
 * Tear-down for long benchmark runs: servers and temporary folders register
 * how to undo themselves, and are undone at the end, on an error and on
 * Ctrl-C alike, newest first (a Worker before the bucket it reads).
 */

type Task = () => Promise<void> | void;

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
      try {
        await task?.();
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return running;
}

/** On SIGINT/SIGTERM: clean up, then exit with 130/143 as shells expect. */
export function cleanupOnSignals(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping servers and removing temporary files...`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
