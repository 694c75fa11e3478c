/**
 * The benchmark's verdict lines: our code judged against the host ceiling (p50 within 0.3 ms of
 * the ceiling's, throughput at least 0.95 of it) on the 20 ms run, naming what misses by how much;
 * the ratios to the bare loop reported beside (a ratio of 1.1528 is a miss, though two decimals
 * would print 1.15).
 */
import { describe, expect, it } from "vitest";
import { p50DiffInterval, targetSummary, type BenchRow } from "../../tools/bench";

const op = (ratioP50: number, roundTrips = 1, minimum = 1, ceilingRatioP50 = 1.05, hostP50 = 22, ceilingP50 = 21.9) => ({ hostP50, hostP95: 0, bareP50: 0, bareP95: 0, ratioP50, ceilingP50, ceilingRatioP50, roundTrips, minimum });
const row = (resource: string, latencyMs: number, r: Partial<BenchRow> = {}, ratios = [1.1, 1.1, 1.1, 1.1]): BenchRow => ({
  resource, latencyMs, tokenFetches: 1, expectedTokenFetches: 1, parallel: 500, hostOpsPerSec: 1, bareOpsPerSec: 1, throughputRatio: 0.9, hooksOpsPerSec: 1, hooksRatio: 0.95, hostFloorOpsPerSec: 1, hostCeilingOpsPerSec: 1, ceilingRatio: 0.85, throughputVsCeiling: 0.97, coldStartMs: 1,
  ops: { create: op(ratios[0]), read: op(ratios[1]), update: op(ratios[2]), delete: op(ratios[3]) },
  ...r,
});

describe("targetSummary", () => {
  it("judges the 20 ms rows against the ceiling, names each miss with its figure, and reports the bare ratios", () => {
    const lines = targetSummary([
      row("a", 20, {}, [1.1, 1.153, 1.15, 1.0]),
      row("b", 20, {
        tokenFetches: 2, throughputRatio: 0.75, hooksRatio: 0.79, ceilingRatio: 0.7, throughputVsCeiling: 0.94,
        ops: { create: op(1.1, 2, 1), read: op(1.1, 1, 1, 1.16, 23.5, 23.1), update: op(1.1, 1, 1, 1.05, 22.2, 21.9), delete: op(1.1) },
      }),
      row("c", 0, { throughputRatio: 0.1, throughputVsCeiling: 0.1 }, [9, 9, 9, 9]),
    ]);
    expect(lines).toEqual([
      "targets at 20 ms (against the host ceiling: the same host, a provider sending only the bare requests):",
      "- p50 within 0.3 ms of the ceiling's: 7 of 8 (misses: b read +0.4 ms)",
      "- throughput ≥ 0.95× the ceiling's: 1 of 2 (misses: b 0.94)",
      "- round trips at the API minimum: 7 of 8 (misses: b create 2 for 1)",
      "- token fetches as expected (one per credential, none for static tokens): 1 of 2 (misses: b 2 for 1)",
      "reported against the bare undici loop (the host's cost and ours):",
      "  p50 ratio ≤ 1.15: 7 of 8 (misses: a read 1.153); the ceiling: 7 of 8 (misses: b read 1.16)",
      "  throughput ≥ 0.8× the bare loop: 1 of 2 (misses: b 0.75); the ceiling: 1 of 2 (misses: b 0.7); the hooks in-process: 1 of 2 (misses: b 0.79)",
    ]);
  });

  it("gives a p50 miss its 90 % interval where the run measured one", () => {
    const read = { ...op(1.1, 1, 1, 1.16, 23.5, 23.1), ceilingDiffInterval: [-0.05, 0.81] as [number, number] };
    const lines = targetSummary([row("b", 20, { ops: { create: op(1.1), read, update: op(1.1), delete: op(1.1) } })]);
    expect(lines[1]).toBe("- p50 within 0.3 ms of the ceiling's: 3 of 4 (misses: b read +0.4 ms (90 % interval -0.05 to +0.81))");
  });

  it("says nothing when the run had no 20 ms rows", () => {
    expect(targetSummary([row("c", 0)])).toEqual([]);
  });
});

describe("p50DiffInterval", () => {
  const noisy = Array.from({ length: 40 }, (_, i) => 21 + ((i * 7) % 40) / 10);
  it("is exact where neither side varies", () => {
    expect(p50DiffInterval(Array(40).fill(23.5), Array(40).fill(23))).toEqual([0.5, 0.5]);
  });
  it("spans zero for two samples of the same timings, and moves with a shift of one side", () => {
    const [lo, hi] = p50DiffInterval(noisy, noisy);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    const [slo, shi] = p50DiffInterval(noisy.map((x) => x + 1), noisy);
    expect(slo).toBeCloseTo(lo + 1, 6);
    expect(shi).toBeCloseTo(hi + 1, 6);
  });
  it("is the same for the same timings (a fixed seed)", () => {
    expect(p50DiffInterval(noisy, noisy.map((x) => x - 0.2))).toEqual(p50DiffInterval(noisy, noisy.map((x) => x - 0.2)));
  });
});
