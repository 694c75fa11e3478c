/**
 * The benchmark end to end, small: every resource's lifecycles and parallel creates through the
 * real host, the bare loop, the host ceiling (every operation), the in-process hooks and the host
 * floor. The figures of a run this small say nothing about speed; what is checked is what does
 * not depend on the machine: each path made every object it was asked for (benchOne throws
 * otherwise), the provider made no more HTTP requests than the API needs, and it fetched one
 * token per credential.
 */
import { describe, expect, it } from "vitest";
import type * as Bench from "../../tools/bench";
import { requireDist } from "../helpers";

const bench: typeof Bench = requireDist("./dist/tools/bench.js");

describe("the benchmark, a small run at 0 ms", () => {
  for (const target of bench.TARGETS) {
    it(`${target.name}: every path makes its objects, at the API's minimum of round trips and one token per credential`, async () => {
      const row = await bench.benchOne(target, 0, 2, 8);
      for (const [op, o] of Object.entries(row.ops)) {
        expect({ op, trips: o.roundTrips }).toEqual({ op, trips: o.minimum });
        expect(o.ceilingP50).toBeGreaterThan(0);
      }
      expect(row.tokenFetches).toBe(row.expectedTokenFetches);
      for (const figure of [row.hostOpsPerSec, row.bareOpsPerSec, row.hooksOpsPerSec, row.hostFloorOpsPerSec, row.hostCeilingOpsPerSec]) {
        expect(figure).toBeGreaterThan(0);
      }
    });
  }
});

describe("ceilingProvider", () => {
  it("is as long as the provider it stands beside, and runs the same plan code as the bare loop", () => {
    const text = bench.ceilingProvider(4000);
    expect(text).toHaveLength(4000);
    expect(text).toContain(bench.runPlan.toString());
  });
});
