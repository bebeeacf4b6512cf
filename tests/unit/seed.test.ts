import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CI_SEED, checkProperty, chooseSeed, replayCommand, TEST_SEED } from "../support/seed";

describe("the shared test seed", () => {
  it("replays TEST_SEED first, then a fixed seed on CI, else a fresh one", () => {
    expect(chooseSeed({ TEST_SEED: "42", CI: "true" })).toEqual({ seed: 42, source: "TEST_SEED" });
    expect(chooseSeed({ TEST_SEED: "-1991953217" })).toEqual({ seed: -1991953217, source: "TEST_SEED" });
    expect(chooseSeed({ CI: "true" })).toEqual({ seed: CI_SEED, source: "CI" });
    expect(chooseSeed({ CI: "1", TEST_SEED: " " })).toEqual({ seed: CI_SEED, source: "CI" });
    expect(chooseSeed({ CI: "false" }, () => 0.5)).toEqual({ seed: 0x8000_0000 | 0, source: "random" });
    expect(chooseSeed({}, () => 0.25)).toEqual({ seed: 0x4000_0000, source: "random" });
  });

  it("refuses a TEST_SEED that is not a 32-bit integer", () => {
    for (const bad of ["abc", "1.5", "99999999999"]) expect(() => chooseSeed({ TEST_SEED: bad })).toThrow(/TEST_SEED/);
  });

  it("names the command that replays a failure", () => {
    expect(replayCommand(7, `${process.cwd()}/tests/unit/a.test.ts`)).toBe("TEST_SEED=7 npx vitest run --project unit tests/unit/a.test.ts");
  });

  it("prints the seed and the replay command when a property fails", () => {
    let message = "";
    try {
      checkProperty(fc.property(fc.integer(), (n) => n + 1 === n));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`Property failed with seed ${TEST_SEED}`);
    expect(message).toContain(`Replay: TEST_SEED=${TEST_SEED} npx vitest run --project unit tests/unit/seed.test.ts`);
    expect(message).toContain("Counterexample");
  });
});
