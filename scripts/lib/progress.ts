/**
 * Progress of a long step on stderr: a redrawn bar on a terminal when there is
 * enough work to watch, otherwise plain lines at most every few seconds, so
 * logs of CI runs and pipes stay readable.
 */

/** Receives the running count of a step. */
export interface Progress {
  update(done: number, total: number): void;
  /** Ends the step: the bar's line is finished, a last plain line is written if any was. */
  finish(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where to write (default `process.stderr`). */
  stream?: NodeJS.WriteStream;
  /** Below this many items no bar is drawn (default 50). */
  barThreshold?: number;
  /** Minimum time between two plain lines, in ms (default 2000). */
  lineIntervalMs?: number;
}

const BAR_WIDTH = 30;

/** A progress reporter for the step called `label` (e.g. "upload"). */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const threshold = options.barThreshold ?? 50;
  const interval = options.lineIntervalMs ?? 2_000;
  let lastLine = 0;
  let lastBar = "";
  let printed = false;
  let drawn = false;
  let last: { done: number; total: number } | null = null;

  const plain = (done: number, total: number): void => {
    stream.write(`${label}: ${done}/${total}\n`);
  };

  return {
    update(done, total) {
      last = { done, total };
      if (stream.isTTY && total > threshold) {
        const filled = Math.round((done / total) * BAR_WIDTH);
        const percent = String(Math.floor((done / total) * 100)).padStart(3);
        const bar = `\r${label} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${percent}%`;
        // Redraw only when the bar moves: thousands of writes per second would slow the step itself.
        if (bar !== lastBar || done === total) stream.write(`${bar} ${done}/${total}`);
        lastBar = bar;
        drawn = true;
        return;
      }
      // Plain lines only for steps long enough to wonder about: the first one after `interval`.
      const now = Date.now();
      if (lastLine === 0) lastLine = now;
      if (now - lastLine >= interval && done < total) {
        lastLine = now;
        printed = true;
        plain(done, total);
      }
    },
    finish() {
      if (drawn) stream.write("\n");
      else if (last !== null && printed) plain(last.done, last.total);
      drawn = printed = false;
      last = null;
      lastLine = 0;
      lastBar = "";
    },
  };
}
