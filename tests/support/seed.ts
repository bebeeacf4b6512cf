/**
 * The one seed of every randomised (fast-check) test, so that any failure can
 * be replayed exactly:
 *
 * - `TEST_SEED=<n>` in the environment: that seed (replaying a failure);
 * - else, when `CI` is set: a fixed seed, so CI never fails by chance;
 * - else a fresh random seed per test process, so local runs keep exploring.
 *
 * A failing property names the seed and the command that replays it. Use
 * {@link checkProperty} instead of `fc.assert`. Node only (it reads
 * `process.env`): the randomised tests are unit tests.
 */
import fc from "fast-check";
import { expect } from "vitest";

/** The seed CI runs with. Any fixed number does; changing it changes which inputs CI tries. */
export const CI_SEED = 20_240_619;

/** Where the seed came from, for the failure message. */
type SeedSource = "TEST_SEED" | "CI" | "random";

/** Reads the seed from the environment; exported for its own tests. */
export function chooseSeed(env: Readonly<Record<string, string | undefined>>, random: () => number = Math.random): { seed: number; source: SeedSource } {
  const replay = env.TEST_SEED?.trim();
  if (replay !== undefined && replay !== "") {
    const seed = Number(replay);
    // fast-check seeds are 32-bit integers; anything else is a typo the user must see.
    if (!Number.isSafeInteger(seed) || seed < -0x8000_0000 || seed > 0xffff_ffff)
      throw new Error(`TEST_SEED must be a 32-bit integer, got ${JSON.stringify(replay)}`);
    return { seed: seed | 0, source: "TEST_SEED" };
  }
  const ci = env.CI?.trim().toLowerCase();
  if (ci !== undefined && ci !== "" && ci !== "false" && ci !== "0") return { seed: CI_SEED, source: "CI" };
  return { seed: Math.floor(random() * 0x1_0000_0000) | 0, source: "random" };
}

const chosen = chooseSeed(process.env);

/** The seed of this test process. */
export const TEST_SEED = chosen.seed;

/** The command that replays a failure of the test file `testPath`. */
export function replayCommand(seed: number, testPath: string | undefined): string {
  const file = testPath === undefined ? "" : ` ${relativeToProject(testPath)}`;
  return `TEST_SEED=${seed} npx vitest run --project unit${file}`;
}

function relativeToProject(path: string): string {
  const cwd = process.cwd().replace(/\\/g, "/");
  const normalised = path.replace(/\\/g, "/");
  return normalised.startsWith(`${cwd}/`) ? normalised.slice(cwd.length + 1) : normalised;
}

/**
 * `fc.assert` with the process seed. On failure the error message starts with
 * the seed, where it came from and the command that replays it, followed by
 * fast-check's own report (seed, path, counterexample, shrunk).
 */
export function checkProperty<Ts>(property: fc.IProperty<Ts>, params: Omit<fc.Parameters<Ts>, "seed" | "path"> = {}): void {
  try {
    fc.assert(property, { ...params, seed: TEST_SEED });
  } catch (error) {
    const report = error instanceof Error ? error.message : String(error);
    const replay = `Property failed with seed ${TEST_SEED} (from ${chosen.source}). Replay: ${replayCommand(TEST_SEED, expect.getState().testPath)}`;
    const wrapped = new Error(`${replay}\n${report}`, { cause: error });
    throw wrapped;
  }
}

/** {@link checkProperty} for an asynchronous property (`fc.asyncProperty`). */
export async function checkAsyncProperty<Ts>(property: fc.IAsyncProperty<Ts>, params: Omit<fc.Parameters<Ts>, "seed" | "path"> = {}): Promise<void> {
  try {
    await fc.assert(property, { ...params, seed: TEST_SEED });
  } catch (error) {
    const report = error instanceof Error ? error.message : String(error);
    const replay = `Property failed with seed ${TEST_SEED} (from ${chosen.source}). Replay: ${replayCommand(TEST_SEED, expect.getState().testPath)}`;
    throw new Error(`${replay}\n${report}`, { cause: error });
  }
}
