/**
 * The benchmark end to end, small: every resource's lifecycles and parallel creates through the
 * real host, the bare loop, the host ceiling (every operation), the in-process hooks and the host
 * floor. The figures of a run this small say nothing about speed; what is checked is what does
 * not depend on the machine: each path made every object it was asked for (benchOne throws
 * otherwise), the provider made no more HTTP requests than the API needs, and it fetched one
 * token per credential.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import Module from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type * as Bench from "../../tools/bench";
import type * as Stats from "../../tools/stats";
import { ROOT, requireDist } from "../helpers";

const bench: typeof Bench = requireDist("./dist/tools/bench.js");
const stats: typeof Stats = requireDist("./dist/tools/stats.js");

describe("the benchmark, a small run at 0 ms", () => {
  for (const target of bench.TARGETS) {
    it(`${target.name}: every path makes its objects, at the API's minimum of round trips and one token per credential`, async () => {
      const row = await bench.benchOne(target, 0, 2, 8);
      for (const [op, o] of Object.entries(row.ops)) {
        expect({ op, trips: o.roundTrips }).toEqual({ op, trips: o.minimum });
        expect(o.ceilingP50).toBeGreaterThan(0);
        // The interval of ours' p50 over the ceiling's, from the same timings.
        const [lo, hi] = o.ceilingDiffInterval!;
        expect(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi).toBe(true);
      }
      // Every lifecycle's timings are kept, per path, for pooling runs: two lifecycles, two of each.
      for (const side of ["ours", "bare", "ceiling"] as const) {
        for (const op of ["create", "read", "update", "delete"] as const) {
          expect({ side, op, n: row.samples![side][op].length, timed: row.samples![side][op].every((x) => x > 0) }).toEqual({ side, op, n: 2, timed: true });
        }
      }
      // Each counted round's ratio is kept, and the verdict's figure is their median, to the
      // thousandth they are kept to (what `--pool` says of this run alone).
      expect(row.throughputRounds).toHaveLength(bench.THROUGHPUT_ROUNDS);
      expect(Math.round(stats.median(row.throughputRounds!) * 1000) / 1000).toBe(row.throughputVsCeiling);
      expect(row.tokenFetches).toBe(row.expectedTokenFetches);
      for (const figure of [row.hostOpsPerSec, row.bareOpsPerSec, row.hooksOpsPerSec, row.hostFloorOpsPerSec, row.hostCeilingOpsPerSec]) {
        expect(figure).toBeGreaterThan(0);
      }
    });
  }
});

describe("lifecycleOrder", () => {
  it("swaps ours and the ceiling every other lifecycle, the bare client between them", () => {
    expect([0, 1, 2, 3].map((n) => bench.lifecycleOrder(n).join(" "))).toEqual(["ours bare ceiling", "ceiling bare ours", "ours bare ceiling", "ceiling bare ours"]);
  });
});

describe("ceilingProvider", () => {
  it("is as long as the provider it stands beside, and runs the same plan code as the bare loop", () => {
    const text = bench.ceilingProvider(4000);
    expect(text).toHaveLength(4000);
    expect(text).toContain(bench.runPlan.toString());
  });
});

describe("ceilingProvider's answers", () => {
  it("answers our computed outputs beside the inputs from a create and an update, after sending the plan's requests", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ id: "obj-1" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
      const computed = { fingerprint: "ab:cd", profileId: "p-0", createdAt: "2026-12-02T00:00:00Z" };
      const text = bench.ceilingProvider(4000, computed);
      expect(text).toHaveLength(4000);
      // Loaded as the host loads a provider's text: a module whose `handler` makes the provider.
      const m = new Module(path.join(ROOT, "ceiling.js"));
      m.paths = (Module as unknown as { _nodeModulePaths(p: string): string[] })._nodeModulePaths(ROOT);
      (m as unknown as { _compile(c: string, f: string): void })._compile(text, path.join(ROOT, "ceiling.js"));
      const provider = (m.exports as { handler(): Record<string, (...a: unknown[]) => Promise<any>> }).handler();
      const inputs = { name: "n", digest: "sha256" };
      const created = await provider.create({ ...inputs, __provider: "x", __plan: { steps: [{ method: "POST", url: base, token: "t", body: inputs }], idField: "id" } });
      expect(created).toEqual({ id: "obj-1", outs: { ...computed, ...inputs } });
      const updated = await provider.update("obj-1", {}, { ...inputs, digest: "sha512", __provider: "x", __plan: { steps: [{ method: "PUT", url: `${base}/{id}`, token: "t" }], id: "obj-1" } });
      expect(updated).toEqual({ outs: { ...computed, ...inputs, digest: "sha512" } });
      expect(seen).toEqual(["POST /things", "PUT /things/obj-1"]);
    } finally {
      server.close();
    }
  });
});
