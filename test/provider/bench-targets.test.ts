/**
 * The benchmark's verdict line per target: counts what meets each one on the 20 ms run and names
 * what misses by how much (a ratio of 1.1528 is a miss, though two decimals would print 1.15).
 */
import { describe, expect, it } from "vitest";
import { targetSummary, type BenchRow } from "../../tools/bench";

const op = (ratioP50: number, roundTrips = 1, minimum = 1, ceilingRatioP50 = 1.05) => ({ hostP50: 0, hostP95: 0, bareP50: 0, bareP95: 0, ratioP50, ceilingP50: 0, ceilingRatioP50, roundTrips, minimum });
const row = (resource: string, latencyMs: number, r: Partial<BenchRow> = {}, ratios = [1.1, 1.1, 1.1, 1.1]): BenchRow => ({
  resource, latencyMs, tokenFetches: 1, expectedTokenFetches: 1, parallel: 500, hostOpsPerSec: 1, bareOpsPerSec: 1, throughputRatio: 0.9, hooksOpsPerSec: 1, hooksRatio: 0.95, hostFloorOpsPerSec: 1, hostCeilingOpsPerSec: 1, ceilingRatio: 0.85, coldStartMs: 1,
  ops: { create: op(ratios[0]), read: op(ratios[1]), update: op(ratios[2]), delete: op(ratios[3]) },
  ...r,
});

describe("targetSummary", () => {
  it("counts the 20 ms rows only and names each miss with its figure", () => {
    const lines = targetSummary([
      row("a", 20, {}, [1.1, 1.153, 1.15, 1.0]),
      row("b", 20, { tokenFetches: 2, throughputRatio: 0.75, hooksRatio: 0.79, ceilingRatio: 0.7, ops: { create: op(1.1, 2, 1), read: op(1.1, 1, 1, 1.16), update: op(1.1), delete: op(1.1) } }),
      row("c", 0, { throughputRatio: 0.1 }, [9, 9, 9, 9]),
    ]);
    expect(lines).toEqual([
      "targets at 20 ms:",
      "- p50 ratio ≤ 1.15: 7 of 8 (misses: a read 1.153)",
      "  (through the host, a provider sending only the bare requests: 7 of 8 (misses: b read 1.16))",
      "- round trips at the API minimum: 7 of 8 (misses: b create 2 for 1)",
      "- token fetches as expected (one per credential, none for static tokens): 1 of 2 (misses: b 2 for 1)",
      "- throughput ≥ 0.8× the bare loop: 1 of 2 (misses: b 0.75)",
      "  (without the host, the provider's hooks in-process: 1 of 2 (misses: b 0.79))",
      "  (through the host, a provider sending only the bare requests: 1 of 2 (misses: b 0.7))",
    ]);
  });

  it("says nothing when the run had no 20 ms rows", () => {
    expect(targetSummary([row("c", 0)])).toEqual([]);
  });
});
