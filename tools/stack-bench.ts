/**
 * Stacks through the real engine (tools/engine.ts): `pulumi preview`, `up`, `refresh` and
 * `destroy` of a stack of N resources, a mix of the five (N/5 each), against the five emulators
 * answering after a fixed latency, at the engine's default parallelism and at `--parallel 1`.
 *
 * Beside each, the engine floor: the same stack (same names, same type count, same inputs) of
 * do-nothing dynamic resources, one shared provider object, whose outputs are as large as ours
 * were in the same run (a padding output makes up the difference, per resource) and whose
 * `__provider` text is as long as ours. Each floor hook waits what the API costs at its best
 * (the API's minimum round trips for that operation × the latency; check and diff wait nothing,
 * as ours are offline), so the difference between the two is what our code costs, not the API.
 *
 * Order, for each size and parallelism: ours `up`, then the floor's (its outputs are padded to the
 * length of ours); `preview` (of the creates, on a stack of each side that is never brought up)
 * and `refresh`, each run `repeats` times, ours and the floor's in turn, the median counting;
 * then each side's `destroy`. The emulators run until both sides are done.
 *
 * With `ceiling` (`--stack-ceiling`), a third side for `refresh`: a copy of our stack whose
 * provider text is the stack ceiling's, which reads the same objects with the bare requests
 * through the same host and engine. What ours costs over it is our code; what it costs over the
 * floor is the HTTP exchange (the host's client and the emulators, on the same cores) and the
 * inputs a read answers.
 *
 * An operation's time runs from the engine's first printed line to its last (its summary): the
 * workspace set-up before and the `pulumi stack export` tools/engine.ts runs after are not counted. Peak memory: this process
 * (the inline program's language host; it also holds the emulators), sampled every 100 ms, and the
 * provider host (the node process of `pulumi-resource-pulumi-nodejs` under this process), its
 * VmHWM read from /proc while it runs. CPU: this process's and the CLI's with its plugins over the
 * operation (tools/engine.ts `OperationCpu`), and the provider host's as last sampled: on this
 * 2-core machine the engine, the provider host and the emulators share the cores, so a side's wall
 * time follows the CPU of all three.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumiType from "@pulumi/pulumi";
import { CEILING_ID_MARK, stackCeilingProvider, TARGETS, type BenchEnv } from "./bench";
import { importState, run, type ConfigValue, type RunOptions, type Verb } from "./engine";
import { descendantPids } from "./host";
import { cpuMs, peakRssMb } from "./proc";

const PKG_ROOT = path.resolve(__dirname, "..", "..");
export const VERBS: Verb[] = ["preview", "up", "refresh", "destroy"];

export interface StackOp {
  size: number;
  /** 0: the engine's default. */
  parallel: number;
  /** `ceiling`: our stack's objects refreshed through `stackCeilingProvider` (with `ceiling` set; refresh only). */
  side: "ours" | "floor" | "ceiling";
  verb: Verb;
  /** Which run of this operation, from 1: `preview` and `refresh` are run `repeats` times, ours and the floor's in turn. */
  run: number;
  seconds: number;
  msPerResource: number;
  ok: boolean;
  /** Peak RSS of this process (the language host) during the operation, MB. */
  languageHostPeakMb: number;
  /** Peak RSS (VmHWM) of the provider host during the operation, MB; undefined if none ran. */
  providerHostPeakMb?: number;
  /** CPU time of the provider host as last sampled (a lower bound), ms. */
  providerHostCpuMs?: number;
  /** Length of `pulumi stack export` after the operation (the floor's should be about ours); 0 after a preview or a destroy, which are not exported. */
  stateBytes: number;
  /** Requests the emulators answered during the operation, token requests aside (the floor's: 0). */
  apiRequests: number;
  /** CPU time over the operation (tools/engine.ts `OperationCpu`): this process (the language host and the emulators), ms. */
  thisProcessCpuMs: number;
  /** The CLI and the processes under it, the provider host included, ms (undefined without /proc). */
  cliCpuMs?: number;
}

/** The vendor module and class of each benchmark target. */
const CLASS: Record<string, [string, string]> = {
  "scm:ScepProfile": ["scm", "ScepProfile"],
  "czertainly:ScepProfile": ["czertainly", "ScepProfile"],
  "vcf:IdentityProvider": ["vcf", "IdentityProvider"],
  "cxif:ScimConfiguration": ["cxif", "ScimConfiguration"],
  "nevisidm:ProfileProperties": ["nevisidm", "ProfileProperties"],
};

/** Pids of this process's descendants whose command line runs the SDK's dynamic-provider host. */
function providerHostPids(): number[] {
  return descendantPids([process.pid]).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider");
    } catch {
      return false;
    }
  });
}

/** Samples both memories while `f` runs. */
async function watched<T>(f: () => Promise<T>): Promise<[T, number, number | undefined, number | undefined]> {
  let lang = process.memoryUsage.rss();
  const hosts = new Map<number, number>();
  const cpu = new Map<number, number>();
  const sample = () => {
    lang = Math.max(lang, process.memoryUsage.rss());
    for (const pid of providerHostPids()) {
      const mb = peakRssMb(pid);
      if (mb !== undefined) hosts.set(pid, Math.max(hosts.get(pid) ?? 0, mb));
      const c = cpuMs(pid);
      if (c !== undefined) cpu.set(pid, c);
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const r = await f();
    // The host's CPU time as last seen (up to 100 ms before it exited): a lower bound.
    return [r, Math.round(lang / 2 ** 20), hosts.size ? Math.max(...hosts.values()) : undefined, cpu.size ? [...cpu.values()].reduce((a, b) => a + b, 0) : undefined];
  } finally {
    clearInterval(timer);
  }
}

/**
 * The floor's provider: one object for the whole stack, doing nothing but waiting what the API
 * costs at best. `pad` stretches its serialized text to the length of ours.
 */
export function floorProvider(pad: string): pulumiType.dynamic.ResourceProvider {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const outs = (inputs: any) => ({ ...inputs, padding: "x".repeat(Math.max(0, inputs.padTo ?? 0)) });
  return {
    check: async (_olds, news) => ({ inputs: news }),
    diff: async () => ({ changes: false }),
    create: async (inputs) => {
      await wait(inputs.waitMs.create);
      return { id: Math.random().toString(36).slice(2), outs: outs(inputs) };
    },
    read: async (id, props) => {
      await wait(props.waitMs.read);
      return { id, props };
    },
    update: async (_id, _olds, news) => {
      await wait(news.waitMs.update);
      return { outs: outs(news) };
    },
    delete: async (_id, props) => {
      await wait(props.waitMs.delete);
    },
    // Carried in the closure only so that the text is as long as ours (referenced, so serialized).
    ...{ configure: async () => void pad.length },
  };
}

/** The floor's provider, its serialized text as long as `length` (ours: about 2.3 KB). */
export async function floorProviderOfLength(length: number): Promise<pulumiType.dynamic.ResourceProvider> {
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const size = async (p: pulumiType.dynamic.ResourceProvider) => ((await serializeFunction(() => p, { allowSecrets: true })).text as string).length;
  const bare = await size(floorProvider(""));
  return floorProvider("p".repeat(Math.max(0, length - bare)));
}

interface Started {
  envs: { type: string; env: BenchEnv }[];
  config: Record<string, ConfigValue>;
}

async function startEmulators(size: number, latencyMs: number): Promise<Started> {
  const per = Math.ceil(size / TARGETS.length);
  const envs: Started["envs"] = [];
  const config: Record<string, ConfigValue> = {};
  for (const t of TARGETS) {
    const env = await t.start(latencyMs, per);
    envs.push({ type: t.type, env });
    Object.assign(config, env.config);
  }
  return { envs, config };
}

export interface StackBenchOptions {
  sizes: number[];
  /** 0 = the engine's default. */
  parallels: number[];
  latencyMs: number;
  progress?: (line: string) => void;
  /** Each operation's figures appended as a JSON line as soon as it is measured (a long run cut short keeps them). */
  opsFile?: string;
  /**
   * Runs of `preview` and `refresh` per side (1 if unset): each leaves the stack as it found it, so
   * they are run again, ours and the floor's in turn, and the median counts. One run of a
   * 1-2 s operation moved by 10-40 % between runs here (docs/benchmark.md), more than the
   * difference it is to judge.
   */
  repeats?: number;
  /**
   * Also refresh a copy of our stack whose `__provider` is the stack ceiling's (`stackCeilingProvider`
   * in tools/bench.ts): the same objects read with the bare requests through the same host and
   * engine, in turn with ours and the floor. A diagnostic of what of ours over the floor is the
   * HTTP exchange itself; off by default (it is three more refreshes per size and parallelism).
   */
  ceiling?: boolean;
  /**
   * `PULUMI_SKIP_CHECKPOINTS=true` for every operation of every side (`--stack-skip-checkpoints`):
   * a diagnostic of where time grows with the stack, never the verdict. By default the engine
   * writes the whole snapshot to the backend when a step that changes the state begins and when
   * it ends (pkg/backend/snapshot.go, `SnapshotManager.defaultServiceLoop`: `saveSnapshot` on
   * every mutation; test/provider/skip-checkpoints.test.ts sees the write at a create's start), so
   * an `up` of n resources serializes and writes about 2n snapshots of up to n resources each. With the
   * variable set it writes once, when the operation ends (`unsafeServiceLoop`), which a user
   * should not run with: a crash mid-operation then loses every step's record, the creates
   * included. Both sides run alike, so the floor still judges ours.
   */
  skipCheckpoints?: boolean;
}

export interface StackRow {
  size: number;
  parallel: number;
  verb: Verb;
  oursSeconds: number;
  floorSeconds: number;
  oursMsPerResource: number;
  floorMsPerResource: number;
  /** ours / floor − 1, of the medians. */
  overhead: number;
  /** Every run's seconds, where the operation was run more than once. */
  oursRuns: number[];
  floorRuns: number[];
  /** The stack ceiling's median and runs (`refresh`, with `ceiling` set), and ours / it − 1. */
  ceilingSeconds?: number;
  ceilingRuns?: number[];
  overheadVsCeiling?: number;
  oursLanguageHostPeakMb: number;
  floorLanguageHostPeakMb: number;
  oursProviderHostPeakMb?: number;
  floorProviderHostPeakMb?: number;
  /** Each side's CPU by process, the median of its runs. */
  cpu: Partial<Record<StackOp["side"], SideCpu>>;
}

/** CPU seconds of one side's operation, by process (see `StackOp`). */
export interface SideCpu {
  /** This process: the language host, and the emulators answering ours' requests. */
  thisProcess: number;
  /** The CLI and what runs under it, the provider host included (undefined without /proc). */
  cli?: number;
  /** The provider host alone, as last sampled (a lower bound). */
  providerHost?: number;
}

export async function stackBench(o: StackBenchOptions): Promise<{ ops: StackOp[]; rows: StackRow[] }> {
  const progress = o.progress ?? (() => undefined);
  const tp = require(path.join(PKG_ROOT, "dist/src/index.js"));
  const pulumi: typeof pulumiType = require("@pulumi/pulumi");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trustplane-stack-bench-"));
  const ops: StackOp[] = [];
  const record = (op: StackOp) => {
    ops.push(op);
    if (o.opsFile) fs.appendFileSync(o.opsFile, JSON.stringify(op) + "\n");
  };
  const ourProviderLength = fs.readFileSync(path.join(PKG_ROOT, "test/fixtures/provider-closure/scm.ScepProfile.txt"), "utf8").length;
  try {
    // One untimed preview of a small stack of each side first: this process's first program run
    // loads and compiles what every later one reuses, and the first side timed would pay it alone.
    await warmUp(root, o.latencyMs, tp, pulumi, ourProviderLength);
    for (const size of o.sizes) {
      for (const parallel of o.parallels) {
        const label = `${size} resources, ${parallel ? `--parallel ${parallel}` : "default parallelism"}`;
        const base = (side: string): Omit<RunOptions, "program"> => {
          const workDir = path.join(root, `${side}-${size}-p${parallel}`);
          fs.mkdirSync(workDir, { recursive: true });
          return {
            workDir, backendDir: path.join(workDir, "backend"), project: "stackbench", stack: `${side}-${size}-p${parallel}`,
            ...(parallel ? { parallel } : {}),
            ...(o.skipCheckpoints ? { env: { PULUMI_SKIP_CHECKPOINTS: "true" } } : {}),
          };
        };
        // Ours, against fresh emulators.
        const started = await startEmulators(size, o.latencyMs);
        const per = Math.ceil(size / TARGETS.length);
        const names: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
        for (let i = 0; i < size; i++) {
          const { type, env } = started.envs[i % TARGETS.length];
          names.push({ type, name: `${type.replace(":", "-")}-${Math.floor(i / TARGETS.length)}`, inputs: env.inputs(Math.floor(i / TARGETS.length)) });
        }
        if (per * TARGETS.length < size) throw new Error("unreachable");
        const ours = () => {
          for (const r of names) {
            const [mod, cls] = CLASS[r.type];
            new tp[mod][cls](r.name, r.inputs);
          }
        };
        const repeats = Math.max(1, o.repeats ?? 1);
        // The stack's outputs are not read here (the program exports none): no CLI run for them.
        const oursB = { ...base("ours"), program: ours, config: started.config, noOutputs: true };
        const step = async (side: StackOp["side"], verb: Verb, b: RunOptions, run = 1) => {
          progress(`stack bench: ${label}: ${side} ${verb}${repeats > 1 && (verb === "preview" || verb === "refresh") ? ` (run ${run} of ${repeats})` : ""}…`);
          const answered = () => started.envs.reduce((n, { env }) => n + env.emu.requests.filter((r) => !env.tokenPath.test(r.path)).length, 0);
          const before = answered();
          const op = await timedOp(verb, b);
          record({ size, parallel, side, verb, run, ...op.figures, apiRequests: answered() - before });
          if (!op.ok) throw new Error(`${side} ${verb} (${label}) failed: ${op.errors.slice(0, 3).join("; ")}`);
          return op;
        };
        try {
          // Ours is brought up first: the floor's outputs are padded to the length of ours.
          const up = await step("ours", "up", oursB);
          // Without __provider: the floor's outputs carry their own.
          const sizeOf = (outs: Record<string, unknown>) => JSON.stringify({ ...outs, __provider: undefined }).length;
          const outputSizes = new Map<string, number>(up.resources.map((r: any) => [r.urn.slice(r.urn.lastIndexOf("::") + 2), sizeOf(r.outputs ?? {})]));
          // The floor: the same names and inputs, do-nothing hooks waiting the API's best.
          const provider = await floorProviderOfLength(ourProviderLength);
          const floor = () => {
            for (const r of names) {
              const env = started.envs.find((e) => e.type === r.type)!.env;
              const m = env.minimum;
              const waitMs = { create: m.create * o.latencyMs, read: m.read * o.latencyMs, update: m.update * o.latencyMs, delete: m.delete * o.latencyMs };
              const props = { ...r.inputs, waitMs, padTo: 0 };
              // `,"padding":""` is 14 characters.
              props.padTo = (outputSizes.get(r.name) ?? 0) - JSON.stringify(props).length - 14;
              new (pulumi.dynamic.Resource as any)(provider, r.name, props, {}, "floor", r.type.split(":")[1]);
            }
          };
          const floorB = { ...base("floor"), program: floor, noOutputs: true };
          await step("floor", "up", floorB);
          // The ceiling: a copy of our stack's state, every resource's provider replaced by the
          // ceiling's for its type (padded to our text's length). It reads our objects; it never
          // writes, so it is not destroyed.
          const ceilingB = o.ceiling ? { ...base("ceiling"), program: () => {}, noOutputs: true } : undefined;
          if (ceilingB) await importState(ceilingB, ceilingState(up.state, started.envs, oursB.stack, ceilingB.stack));
          // A preview of the creates, on a stack of each side that is never brought up, so it
          // can be run again; then refreshes of the stacks that are up. In turn, first one side
          // then the other, so both see the machine as it is at the time.
          // Each side first in turn (the ceiling, where there is one, in refreshes only).
          const sides = (run: number, ceiling?: RunOptions): [StackOp["side"], RunOptions][] => {
            const all: [StackOp["side"], RunOptions][] = [["ours", oursB], ["floor", floorB], ...(ceiling ? [["ceiling", ceiling] as [StackOp["side"], RunOptions]] : [])];
            const k = (run - 1) % all.length;
            return [...all.slice(k), ...all.slice(0, k)];
          };
          // A preview leaves no state to export (the export is outside the timed span, but each
          // took a CLI run, and the default benchmark run is to stay under 6 minutes).
          const previewOf = (b: RunOptions, side: string): RunOptions => ({ ...b, ...base(`${side}preview`), noExport: true });
          const destroyOf = (b: RunOptions): RunOptions => ({ ...b, noExport: true });
          for (let run = 1; run <= repeats; run++) for (const [side, b] of sides(run)) await step(side, "preview", previewOf(b, side), run);
          for (let run = 1; run <= repeats; run++) for (const [side, b] of sides(run, ceilingB)) await step(side, "refresh", b, run);
          await step("ours", "destroy", destroyOf(oursB));
          await step("floor", "destroy", destroyOf(floorB));
        } finally {
          for (const { env } of started.envs) await env.stop();
        }
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return { ops, rows: stackRows(ops) };
}

/**
 * Our stack's exported state as the ceiling's: each resource's `__provider` replaced by the
 * ceiling provider's text for its type (the type's read, padded to our text's length), the URNs
 * renamed to the ceiling's stack. Nothing else changes, so the engine carries the same state.
 */
function ceilingState(state: string, envs: Started["envs"], from: string, to: string): string {
  // URNs name their stack, and an import refuses another stack's.
  const exported = JSON.parse(state.split(`urn:pulumi:${from}::`).join(`urn:pulumi:${to}::`));
  const texts = new Map<string, string>();
  for (const r of exported.deployment?.resources ?? []) {
    const type = String(r.type).replace(/^pulumi-nodejs:dynamic\//, "");
    const env = envs.find((e) => e.type === type)?.env;
    if (!env || !r.id) continue;
    let text = texts.get(type);
    if (text === undefined) {
      const inputKeys = Object.keys(r.inputs).filter((k) => !k.startsWith("__"));
      text = stackCeilingProvider(String(r.inputs.__provider).length, { plan: env.bare.readPlan(CEILING_ID_MARK), inputKeys, bareIdOf: env.bareIdOf });
      texts.set(type, text);
    }
    r.inputs.__provider = text;
    r.outputs.__provider = text;
  }
  return JSON.stringify(exported);
}

async function warmUp(root: string, latencyMs: number, tp: any, pulumi: typeof pulumiType, providerLength: number): Promise<void> {
  const started = await startEmulators(5, latencyMs);
  try {
    const provider = await floorProviderOfLength(providerLength);
    const programs = {
      ours: () => started.envs.forEach(({ type, env }) => new tp[CLASS[type][0]][CLASS[type][1]](`warm-${type.replace(":", "-")}`, env.inputs(0))),
      floor: () => started.envs.forEach(({ type, env }) => new (pulumi.dynamic.Resource as any)(provider, `warm-${type.replace(":", "-")}`, { ...env.inputs(0), waitMs: { create: 0, read: 0, update: 0, delete: 0 }, padTo: 0 }, {}, "floor", type.split(":")[1])),
    };
    for (const [side, program] of Object.entries(programs)) {
      const workDir = path.join(root, `warm-${side}`);
      fs.mkdirSync(workDir, { recursive: true });
      const r = await run("preview", { workDir, backendDir: path.join(workDir, "backend"), project: "stackbench", stack: `warm-${side}`, program, config: started.config });
      if (!r.ok) throw new Error(`warm-up preview (${side}) failed: ${r.errors.slice(0, 3).join("; ")}`);
    }
  } finally {
    for (const { env } of started.envs) await env.stop();
  }
}

async function timedOp(verb: Verb, b: RunOptions) {
  // From the engine's first printed line to its last: the workspace and stack set-up that
  // tools/engine.ts does before the first operation on a stack, and the export after each, are out.
  let first: number | undefined;
  let last = 0;
  const [r, lang, host, hostCpu] = await watched(() => run(verb, { ...b, out: () => void ((last = performance.now()), (first ??= last)) }));
  const t0 = first ?? last;
  const size = Number(b.stack.split("-")[1]);
  const seconds = (last - t0) / 1000;
  return {
    ok: r.ok,
    errors: r.errors,
    resources: r.resources,
    /** `pulumi stack export` after the operation. */
    state: r.state,
    figures: {
      seconds: round(seconds, 2), msPerResource: round((seconds * 1000) / size, 2), ok: r.ok, stateBytes: r.state.length, languageHostPeakMb: lang,
      ...(host !== undefined ? { providerHostPeakMb: host } : {}), ...(hostCpu !== undefined ? { providerHostCpuMs: hostCpu } : {}),
      thisProcessCpuMs: r.cpu.thisProcessMs, ...(r.cpu.childrenMs !== undefined ? { cliCpuMs: r.cpu.childrenMs } : {}),
    },
  };
}

function round(n: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

/** The middle value (the lower of the two middle ones for an even count). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** One row per size, parallelism and operation: the median of each side's runs. */
export function stackRows(ops: StackOp[]): StackRow[] {
  const rows: StackRow[] = [];
  const runsOf = (side: StackOp["side"], o: StackOp) => ops.filter((x) => x.side === side && x.size === o.size && x.parallel === o.parallel && x.verb === o.verb);
  for (const o of ops.filter((x) => x.side === "ours" && (x.run ?? 1) === 1)) {
    const ours = runsOf("ours", o);
    const floor = runsOf("floor", o);
    const ceiling = runsOf("ceiling", o);
    if (floor.length === 0) continue;
    const oursSeconds = median(ours.map((x) => x.seconds));
    const floorSeconds = median(floor.map((x) => x.seconds));
    const ceilingSeconds = ceiling.length ? median(ceiling.map((x) => x.seconds)) : undefined;
    // A figure of each run that has it (a provider host's, say, where one was seen).
    const known = (xs: StackOp[], k: "providerHostCpuMs" | "cliCpuMs" | "languageHostPeakMb" | "providerHostPeakMb") =>
      xs.map((x) => x[k]).filter((x): x is number => x !== undefined);
    const cpuOf = (xs: StackOp[]): SideCpu | undefined => {
      if (xs.length === 0) return undefined;
      const [host, cli] = [known(xs, "providerHostCpuMs"), known(xs, "cliCpuMs")];
      return {
        thisProcess: round(median(xs.map((x) => x.thisProcessCpuMs)) / 1000, 2),
        ...(cli.length ? { cli: round(median(cli) / 1000, 2) } : {}),
        ...(host.length ? { providerHost: round(median(host) / 1000, 2) } : {}),
      };
    };
    const peak = (xs: StackOp[], k: "languageHostPeakMb" | "providerHostPeakMb") => {
      const v = known(xs, k);
      return v.length ? Math.max(...v) : undefined;
    };
    rows.push({
      size: o.size, parallel: o.parallel, verb: o.verb,
      oursSeconds, floorSeconds, oursMsPerResource: round((oursSeconds * 1000) / o.size, 2), floorMsPerResource: round((floorSeconds * 1000) / o.size, 2),
      overhead: round(oursSeconds / floorSeconds - 1),
      oursRuns: ours.map((x) => x.seconds), floorRuns: floor.map((x) => x.seconds),
      ...(ceilingSeconds !== undefined ? { ceilingSeconds, ceilingRuns: ceiling.map((x) => x.seconds), overheadVsCeiling: round(oursSeconds / ceilingSeconds - 1) } : {}),
      oursLanguageHostPeakMb: peak(ours, "languageHostPeakMb")!, floorLanguageHostPeakMb: peak(floor, "languageHostPeakMb")!,
      oursProviderHostPeakMb: peak(ours, "providerHostPeakMb"), floorProviderHostPeakMb: peak(floor, "providerHostPeakMb"),
      cpu: { ours: cpuOf(ours), floor: cpuOf(floor), ...(ceiling.length ? { ceiling: cpuOf(ceiling) } : {}) },
    });
  }
  // In the order a reader expects, whatever order they were run in.
  return rows.sort((a, b) => a.size - b.size || a.parallel - b.parallel || VERBS.indexOf(a.verb) - VERBS.indexOf(b.verb));
}

export const STACK_TARGET = { overhead: 0.1, growthFor10x: 10.5 };

/** Markdown table of the stack rows. */
export function stackTable(rows: StackRow[]): string {
  const lines = [
    "| resources | parallel | op | ours s | floor s | ours ms/resource | floor ms/resource | overhead | runs, ours / floor s | language host peak MB (floor) | provider host peak MB (floor) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const runs = r.oursRuns.length > 1 || r.floorRuns.length > 1 ? `${r.oursRuns.join(", ")} / ${r.floorRuns.join(", ")}` : "1";
    lines.push(
      `| ${r.size} | ${r.parallel || "default"} | ${r.verb} | ${r.oursSeconds} | ${r.floorSeconds} | ${r.oursMsPerResource} | ${r.floorMsPerResource} | ${(r.overhead * 100).toFixed(1)} % | ${runs} | ${r.oursLanguageHostPeakMb} (${r.floorLanguageHostPeakMb}) | ${r.oursProviderHostPeakMb ?? "n/a"} (${r.floorProviderHostPeakMb ?? "n/a"}) |`,
    );
  }
  // CPU by process, the median run of each side: this process holds the emulators, whose work a
  // vendor's server would do elsewhere; the CLI's share includes the provider host's.
  const cpu = (c?: SideCpu) => (c ? `${c.thisProcess} / ${c.cli ?? "n/a"} (${c.providerHost ?? "n/a"})` : "");
  const ceilingCpu = rows.some((r) => r.cpu.ceiling);
  lines.push(
    "",
    `| resources | parallel | op | CPU s, ours: this process / CLI and plugins (provider host) | floor |${ceilingCpu ? " stack ceiling |" : ""}`,
    `|---|---|---|---|---|${ceilingCpu ? "---|" : ""}`,
  );
  for (const r of rows) lines.push(`| ${r.size} | ${r.parallel || "default"} | ${r.verb} | ${cpu(r.cpu.ours)} | ${cpu(r.cpu.floor)} |${ceilingCpu ? ` ${cpu(r.cpu.ceiling)} |` : ""}`);
  const withCeiling = rows.filter((r) => r.ceilingSeconds !== undefined);
  if (withCeiling.length) {
    lines.push("", "| resources | parallel | op | ours s | stack ceiling s | ours over the ceiling | ceiling runs s |", "|---|---|---|---|---|---|---|");
    for (const r of withCeiling) lines.push(`| ${r.size} | ${r.parallel || "default"} | ${r.verb} | ${r.oursSeconds} | ${r.ceilingSeconds} | ${(r.overheadVsCeiling! * 100).toFixed(1)} % | ${r.ceilingRuns!.join(", ")} |`);
  }
  return lines.join("\n");
}

/**
 * The stack targets: overhead over the floor at the largest size, and growth from the smallest
 * size to the largest (ours, seconds), against the ratio of sizes scaled from the 10.5x-for-10x goal.
 */
export function stackSummary(rows: StackRow[]): string[] {
  if (rows.length === 0) return [];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  const atLarge = rows.filter((r) => r.size === large);
  const misses = atLarge.filter((r) => r.overhead > STACK_TARGET.overhead);
  const ceiling = atLarge.filter((r) => r.overheadVsCeiling !== undefined);
  const lines = [
    `stack targets (through the real engine):`,
    `- overhead over the engine floor ≤ ${STACK_TARGET.overhead * 100} % at ${large} resources: ${atLarge.length - misses.length} of ${atLarge.length}${misses.length ? ` (misses: ${misses.map((r) => `${r.verb} ${r.parallel ? `-p${r.parallel}` : "default"} ${(r.overhead * 100).toFixed(1)} %`).join(", ")})` : ""}`,
  ];
  if (ceiling.length) {
    lines.push(
      `- (diagnostic) ours over the stack ceiling, the same reads sent bare through the same host, at ${large} resources: ${ceiling.map((r) => `${r.verb} ${r.parallel ? `-p${r.parallel}` : "default"} ${(r.overheadVsCeiling! * 100).toFixed(1)} % (the ceiling over the floor ${((r.ceilingSeconds! / r.floorSeconds - 1) * 100).toFixed(1)} %)`).join(", ")}`,
    );
  }
  // Where the CPU over the floor went, per process: a 2-core machine shares it between the engine,
  // the provider host and the emulators, so a side's wall time follows the machine's total CPU.
  const more = (c: SideCpu | undefined, f: SideCpu | undefined) => {
    if (!c || !f) return "n/a";
    const d = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "n/a" : `${a - b >= 0 ? "+" : ""}${round(a - b, 2)} s`);
    const host = c.providerHost !== undefined && f.providerHost !== undefined ? `, the provider host ${d(c.providerHost, f.providerHost)}` : "";
    return `this process ${d(c.thisProcess, f.thisProcess)}, the CLI and plugins ${d(c.cli, f.cli)}${host}`;
  };
  lines.push(
    `- (diagnostic) CPU over the floor's at ${large} resources, median runs (this process holds the emulators): ${atLarge.map((r) => `${r.verb} ${r.parallel ? `-p${r.parallel}` : "default"}: ${more(r.cpu.ours, r.cpu.floor)}${r.cpu.ceiling ? ` (the ceiling: ${more(r.cpu.ceiling, r.cpu.floor)})` : ""}`).join("; ")}`,
  );
  if (large > small) {
    const limit = round((STACK_TARGET.growthFor10x / 10) * (large / small), 2);
    const growth = atLarge.map((r) => {
      const s = rows.find((x) => x.size === small && x.parallel === r.parallel && x.verb === r.verb)!;
      return { r, g: round(r.oursSeconds / s.oursSeconds, 2), fg: round(r.floorSeconds / s.floorSeconds, 2) };
    });
    const gm = growth.filter((x) => x.g > limit);
    lines.push(
      `- growth from ${small} to ${large} resources (${large / small}x) ≤ ${limit}x: ${growth.length - gm.length} of ${growth.length}; ours ${growth.map((x) => `${x.r.verb} ${x.r.parallel ? "-p1" : "default"} ${x.g}x (floor ${x.fg}x)`).join(", ")}`,
    );
  }
  return lines;
}
