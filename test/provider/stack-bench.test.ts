/**
 * Issue 17's two program-side benchmarks, run small: what is checked is what does not depend on
 * the machine. Registration: every round of each side registered its resources, and the floor
 * declaring our output keys really declares them. Stacks: every preview, up, refresh and destroy
 * of ours and of the engine floor succeeded through the real engine, memory of both hosts was
 * read, the floor's provider text is at least as long as ours, and the chart is one SVG with a
 * line per side and operation.
 */
import { describe, expect, it, vi } from "vitest";
import type * as Chart from "../../tools/chart";
import type * as Registration from "../../tools/registration";
import type * as StackBench from "../../tools/stack-bench";
import { requireDist } from "../helpers";

vi.setConfig({ testTimeout: 240_000 });

const registration: typeof Registration = requireDist("./dist/tools/registration.js");
const stackBench: typeof StackBench = requireDist("./dist/tools/stack-bench.js");
const chart: typeof Chart = requireDist("./dist/tools/chart.js");

describe("the registration benchmark, one small round", () => {
  it("times ours, the SDK floor and the floor with our output keys, each in its own process, the last in the first rounds only", () => {
    const r = registration.registrationBench(10, 2, 1);
    expect(r.rounds.map((x) => x.side)).toEqual(["ours", "floor", "floor-outputs", "floor", "ours"]);
    for (const x of r.rounds) {
      expect(x.resources).toBe(10);
      expect(x.msPerResource).toBeGreaterThan(0);
      expect(x.cpuMsPerResource).toBeGreaterThan(0);
    }
    expect(r.ratio).toBeGreaterThan(0);
  });

  it("times each process's batches on their own, and counts each process by the median of its batches", () => {
    const r = registration.registrationBench(10, 2, 0, 3);
    // Two processes a side, three batches each, in the order they ran.
    expect(r.rounds.map((x) => `${x.side} ${x.process} ${x.batch}`)).toEqual([
      "ours 0 1", "ours 0 2", "ours 0 3", "floor 1 1", "floor 1 2", "floor 1 3",
      "floor 2 1", "floor 2 2", "floor 2 3", "ours 3 1", "ours 3 2", "ours 3 3",
    ]);
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    const side = (s: string) => {
      const per = [...new Set(r.rounds.filter((x) => x.side === s).map((x) => x.process))].map((q) =>
        mid(r.rounds.filter((x) => x.process === q).map((x) => x.msPerResource)),
      );
      return (per[0] + per[1]) / 2;
    };
    expect(r.oursMsPerResource).toBeCloseTo(side("ours"), 9);
    expect(r.floorMsPerResource).toBeCloseTo(side("floor"), 9);
    expect(r.ratio).toBe(Math.round((side("ours") / side("floor")) * 1000) / 1000);
  });
});

describe("the stack benchmark through the real engine, five resources", () => {
  it("runs every operation of ours and of the floor, preview and refresh twice each in turn, the ceiling's refresh among them, reads both hosts' memory, and charts them", async () => {
    const { ops, rows } = await stackBench.stackBench({ sizes: [5], parallels: [0], latencyMs: 0, repeats: 2, ceiling: true });
    expect(ops.map((o) => `${o.side} ${o.verb} ${o.run} ${o.ok}`)).toEqual([
      "ours up 1 true",
      "floor up 1 true",
      "ours preview 1 true",
      "floor preview 1 true",
      "floor preview 2 true",
      "ours preview 2 true",
      "ours refresh 1 true",
      "floor refresh 1 true",
      "ceiling refresh 1 true",
      "floor refresh 2 true",
      "ceiling refresh 2 true",
      "ours refresh 2 true",
      "ours destroy 1 true",
      "floor destroy 1 true",
    ]);
    // The ceiling reads our objects with the bare requests, as many as ours sends, each time; the
    // floor sends none. Its state is ours but for the provider text, of the same length.
    const requests = (side: string, verb: string) => ops.filter((o) => o.side === side && o.verb === verb).map((o) => o.apiRequests);
    expect(requests("ours", "refresh")).toEqual([5, 5]);
    expect(requests("ceiling", "refresh")).toEqual([5, 5]);
    expect(requests("floor", "refresh")).toEqual([0, 0]);
    const bytes = (side: string) => ops.find((o) => o.side === side && o.verb === "refresh")!.stateBytes;
    expect(Math.abs(bytes("ceiling") / bytes("ours") - 1)).toBeLessThan(0.01);
    for (const o of ops) {
      expect(o.seconds).toBeGreaterThan(0);
      expect(o.languageHostPeakMb).toBeGreaterThan(0);
      // CPU by process: this one ran the program and the emulators; the CLI's reaped tree holds
      // the provider host's time, so it is at least what was sampled of the host.
      expect(o.thisProcessCpuMs).toBeGreaterThan(0);
      expect(o.cliCpuMs).toBeGreaterThanOrEqual(o.providerHostCpuMs!);
      expect(o.cliCpuMs).toBeGreaterThan(0);
    }
    // Every operation starts the provider host (a preview for check), so each has a reading.
    expect(ops.filter((o) => o.providerHostPeakMb === undefined)).toEqual([]);
    expect(rows.map((r) => r.verb)).toEqual(stackBench.VERBS);
    // A row is each side's median run, every run kept beside it.
    const refresh = rows.find((r) => r.verb === "refresh")!;
    expect(refresh.oursRuns).toHaveLength(2);
    expect(refresh.oursSeconds).toBe(Math.min(...refresh.oursRuns));
    expect(rows.find((r) => r.verb === "up")!.oursRuns).toHaveLength(1);
    expect(refresh.ceilingRuns).toHaveLength(2);
    expect(refresh.overheadVsCeiling).toBe(Math.round((refresh.oursSeconds / refresh.ceilingSeconds! - 1) * 1000) / 1000);
    expect(stackBench.stackTable(rows)).toContain("stack ceiling s");
    // Each side's CPU is the median of its runs, for every row; the ceiling's where it ran.
    const cpuRuns = (side: string) => ops.filter((o) => o.side === side && o.verb === "refresh").map((o) => o.thisProcessCpuMs);
    // (of two runs, the lower, as for the seconds)
    expect(refresh.cpu.ours!.thisProcess).toBe(Math.round(Math.min(...cpuRuns("ours")) / 10) / 100);
    expect(refresh.cpu.ceiling!.thisProcess).toBe(Math.round(Math.min(...cpuRuns("ceiling")) / 10) / 100);
    for (const r of rows) expect(Object.keys(r.cpu).sort()).toEqual(r.verb === "refresh" ? ["ceiling", "floor", "ours"] : ["floor", "ours"]);
    expect(stackBench.stackTable(rows)).toContain("CPU s, ours: this process / CLI and plugins (provider host)");
    expect(stackBench.stackSummary(rows).join("\n")).toMatch(/CPU over the floor's at 5 resources.*refresh default: this process [+-][\d.]+ s, the CLI and plugins [+-][\d.]+ s.*\(the ceiling: this process/);
    const svg = chart.stackChart(rows, "t");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(8);
  });

  it("gives the floor a provider whose text is at least as long as ours", async () => {
    const { serializeFunction } = requireDist("@pulumi/pulumi/runtime/closure/serializeClosure");
    const p = await stackBench.floorProviderOfLength(2300);
    expect((await serializeFunction(() => p, { allowSecrets: true })).text.length).toBeGreaterThanOrEqual(2300);
  });
});
