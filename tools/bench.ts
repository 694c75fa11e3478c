#!/usr/bin/env node
/**
 * `npm run bench`: what the provider costs on top of the HTTP calls it has to make.
 *
 * For each resource, against its emulator on loopback (in this process):
 * - per-operation latency (p50/p95) of Create/Read/Update/Delete through the real dynamic-provider
 *   host over gRPC (the round trip only: requests are marshalled before and answers unmarshalled
 *   after the timer), versus a bare undici call of the same requests to the same emulator, and,
 *   as a diagnostic, through the host with a provider that sends only those requests with our
 *   provider's properties (`ceilingProvider`); one lifecycle of each in turn so that all see the
 *   same machine;
 * - HTTP round trips per operation (token fetches excluded) against the API's minimum;
 * - token fetches per run (one per credential; none where the token is static);
 * - throughput: N creates in parallel through the host versus the bare client at the same
 *   concurrency and the same connection pool, median of alternating rounds after a warm-up one;
 *   beside them, as diagnostics, the same creates through the provider's hooks in this process
 *   (no host), through the host with a do-nothing provider (the host alone), and through the host
 *   with the ceiling provider (the most a provider with these outputs reaches through it);
 * - host cold start (spawn → listening → Configure → first Check and Create answered) and the
 *   host's peak resident memory.
 * The emulator answers after a fixed delay standing for a real API's latency (20 ms); `--latency
 * 20,0` adds a run with no delay (the host's own cost). Prints tables and writes bench-results/.
 * Then (issue 17) registration of 300 resources in a program under setMocks against the SDK floor
 * (tools/registration.ts), and stacks through the real engine against the engine floor
 * (tools/stack-bench.ts), with a chart (tools/chart.ts).
 * Options: --iterations N (40), --parallel N (500), --latency 20 (20,0 adds the 0 ms run), --only <name part>,
 * --parts hooks,registration,stack, --registration N (300), --stack-sizes 20,100 (issue 17's full
 * sizes: 100,500,1000), --stack-parallel 0,1 (0: the engine's default), --stack-repeats 3 (runs of
 * each preview and refresh per side, the median counting; 1 for the full sizes), --stack-ceiling (also
 * refresh a copy of our stack through the stack ceiling, `stackCeilingProvider`: a diagnostic),
 * --stack-skip-checkpoints (every stack operation with PULUMI_SKIP_CHECKPOINTS=true: a diagnostic of
 * what the engine's state write after each step costs, tools/stack-bench.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Agent, request } from "undici";
import type { Emulator } from "../src/core/emulator";
import type { StackConfig } from "../src/core/testkit";
import { stackChart } from "./chart";
import { ProviderHost, type PreparedCall, type Props } from "./host";
import { peakRssMb } from "./proc";
import { REGISTRATION_TARGET, registrationBench, type RegistrationResult } from "./registration";
import { stackBench, stackSummary, stackTable, type StackOp, type StackRow } from "./stack-bench";
import { median } from "./stats";

const PKG_ROOT = path.resolve(__dirname, "..", "..");

/**
 * The bare client's connection pool: keep-alive, and as many connections per origin as the
 * provider's transport allows (src/core/transport.ts), so the throughput ratio measures what the
 * host costs rather than a difference in pool size.
 */
export const POOL_CONNECTIONS = 64;
const bareAgent = new Agent({ connections: POOL_CONNECTIONS, keepAliveTimeout: 10_000 });

/** What the benchmark needs from one vendor. */
export interface BenchTarget {
  name: string;
  type: string;
  /**
   * Starts the emulator with `latencyMs` before every answer; `objects` is how many distinct
   * objects the run will make (indices 0..objects-1), for APIs whose objects must pre-exist.
   */
  start(latencyMs: number, objects: number): Promise<BenchEnv>;
}

export interface BenchEnv {
  emu: Emulator;
  /** The stack config naming the emulator, from its testkit (secret settings marked). */
  config: StackConfig;
  /** Program-side inputs for the i-th object (no __provider). */
  inputs(i: number): Props;
  /** The same object with one field changed. */
  changed(inputs: Props): Props;
  /** Paths matching token endpoints, excluded from round-trip counts. */
  tokenPath: RegExp;
  /** Token requests the bare client made while starting (not the provider's). */
  bareTokenFetches: number;
  /** Token fetches a run should cost the provider: one per credential, none for a static token. */
  expectedTokenFetches: number;
  /** Minimum API round trips per operation. */
  minimum: Record<Op, number>;
  bare: BareClient;
  /** The bare client's id of the object our resource `id` names, where they differ (nevisIDM's `<client>/<profile>`). */
  bareIdOf?: (id: string) => string;
  stop(): Promise<void>;
}

/**
 * One request of a bare operation, as data, so that the same requests can be sent from this process
 * (the bare loop) and from inside the host (the ceiling provider, see `ceilingProvider`).
 * `{id}` in a later step's URL stands for the id the first answer carries in `idField`.
 */
export interface BareStep {
  method: string;
  url: string;
  token: string;
  body?: unknown;
}

// A type rather than an interface, so that a plan is a property bag the host call can carry.
export type BarePlan = {
  steps: BareStep[];
  /** Where the first answer carries the new object's id… */
  idField?: string;
  /** …or the id, where the caller names the object (nevisIDM's profile). */
  id?: string;
};

/**
 * Sends a plan's requests one after the other and answers the object's id. Self-contained (its
 * text is also the ceiling provider's code), so it takes undici's `request` and the pool as
 * arguments and uses nothing else from this module.
 */
export async function runPlan(plan: BarePlan, send: typeof request, dispatcher: Agent): Promise<string> {
  let id = plan.id;
  for (const step of plan.steps) {
    const url = id === undefined ? step.url : step.url.replace("{id}", encodeURIComponent(id));
    const r = await send(url, {
      method: step.method as "GET",
      dispatcher,
      headers: { authorization: `Bearer ${step.token}`, accept: "application/json", ...(step.body === undefined ? {} : { "content-type": "application/json" }) },
      body: step.body === undefined ? undefined : JSON.stringify(step.body),
    });
    const text = await r.body.text();
    if (r.statusCode >= 400) throw new Error(`${step.method} ${url}: HTTP ${r.statusCode} ${text}`);
    if (id === undefined && plan.idField) id = String(JSON.parse(text)[plan.idField]);
  }
  if (id === undefined) throw new Error(`no id in the answer to ${plan.steps[0]?.method} ${plan.steps[0]?.url}`);
  return id;
}

/** The requests the provider makes for each operation, as data. */
export interface BarePlans {
  createPlan(i: number): BarePlan;
  readPlan(id: string): BarePlan;
  updatePlan(id: string, i: number): BarePlan;
  deletePlan(id: string): BarePlan;
}

/** The same requests, sent with bare undici from this process. */
export interface BareClient extends BarePlans {
  create(i: number): Promise<string>;
  read(id: string): Promise<void>;
  update(id: string, i: number): Promise<void>;
  delete(id: string): Promise<void>;
}

function bareClient(plans: BarePlans): BareClient {
  const run = (plan: BarePlan) => runPlan(plan, request, bareAgent);
  return {
    ...plans,
    create: (i) => run(plans.createPlan(i)),
    read: async (id) => void (await run(plans.readPlan(id))),
    update: async (id, i) => void (await run(plans.updatePlan(id, i))),
    delete: async (id) => void (await run(plans.deletePlan(id))),
  };
}

type Op = "create" | "read" | "update" | "delete";
const OPS: Op[] = ["create", "read", "update", "delete"];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * A 90 % interval for p50(a) − p50(b): each side resampled with replacement, `draws` times (a
 * bootstrap), the 5th and 95th percentiles of the differences. The seed is fixed, so a run's
 * report follows from its timings alone. Reported beside a p50 miss: with 40 lifecycles a side
 * the p50 of one operation moves by about ±0.2 ms from run to run (docs/benchmark.md), so an
 * interval that reaches under the 0.3 ms line says the miss may be this run's noise.
 */
export function p50DiffInterval(a: number[], b: number[], draws = 2000, seed = 1): [number, number] {
  // mulberry32: small, and the same numbers on every machine.
  let t = seed >>> 0;
  const random = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const resample = (xs: number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]);
  const diffs = Array.from({ length: draws }, () => pct(resample(a), 50) - pct(resample(b), 50)).sort((x, y) => x - y);
  const at = (q: number) => diffs[Math.min(draws - 1, Math.floor(q * draws))];
  return [round(at(0.05)), round(at(0.95))];
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

/**
 * The `__provider` text Pulumi would store for this resource type, made in a child process: the
 * SDK's closure serializer loads every built-in module (`domain` included, which slows every
 * event emitter after it), and the benchmark's own process stands for the engine, which has none
 * of that.
 */
export function serializedProvider(target: BenchTarget, inputs: Props): string {
  const script = `
    const pulumi = require("@pulumi/pulumi");
    const [vendor, cls] = ${JSON.stringify(target.type)}.split(":");
    pulumi.runtime.setMocks({
      newResource: async (a) => { process.stdout.write(JSON.stringify(a.inputs.__provider)); process.exit(0); },
      call: async () => ({}),
    }, "bench", "bench", true).then(() => new (require(${JSON.stringify(path.join(PKG_ROOT, "dist/src/index.js"))})[vendor][cls])("bench", ${JSON.stringify(inputs)}));
    setTimeout(() => { console.error("could not serialize the provider"); process.exit(1); }, 30000);
  `;
  // Its exit status is not looked at: the SDK exits non-zero on the mock's unfinished promises.
  const r = spawnSync(process.execPath, ["-e", script], { cwd: PKG_ROOT, encoding: "utf8" });
  let text: unknown;
  try {
    text = JSON.parse(r.stdout);
  } catch {
    text = undefined;
  }
  if (typeof text !== "string" || !text.includes("trustplane/provider")) {
    throw new Error(`could not serialize the provider of ${target.type}: ${r.stderr || r.error?.message}`);
  }
  return text;
}

export interface BenchRow {
  resource: string;
  latencyMs: number;
  ops: Record<
    Op,
    {
      hostP50: number;
      hostP95: number;
      bareP50: number;
      bareP95: number;
      ratioP50: number;
      /** The same operation through the host with `ceilingProvider` and our properties: the best a provider can do there. */
      ceilingP50: number;
      ceilingRatioP50: number;
      /** `p50DiffInterval` of ours against the ceiling, ms (runs before 2026-12-07 08:30 UTC have none). */
      ceilingDiffInterval?: [number, number];
      roundTrips: number;
      minimum: number;
    }
  >;
  tokenFetches: number;
  expectedTokenFetches: number;
  parallel: number;
  hostOpsPerSec: number;
  bareOpsPerSec: number;
  throughputRatio: number;
  /** The same creates through the provider's hooks in this process, without the host. */
  hooksOpsPerSec: number;
  hooksRatio: number;
  /** Creates through the host with a provider that makes no call at all: the host alone. */
  hostFloorOpsPerSec: number;
  /**
   * Creates through the host with a provider that sends only the bare client's requests and
   * answers our provider's properties back (`ceilingProvider`): the most a provider with these
   * outputs reaches through this host, and its ratio to the bare loop.
   */
  hostCeilingOpsPerSec: number;
  ceilingRatio: number;
  /**
   * Ours over the ceiling, the throughput target (issue 17): in each counted round the ceiling's
   * time over ours, the two run back to back; the median of the rounds.
   */
  throughputVsCeiling: number;
  coldStartMs: number;
  hostPeakMb?: number;
  /**
   * Each sequential lifecycle's time per path and operation, ms, in the order run: what the p50s
   * above were taken from, kept so that runs can be pooled (`poolRuns`; runs before 7a59fe3
   * have none).
   */
  samples?: Record<Path, Record<Op, number[]>>;
  /** The ceiling's time over ours in each counted round, in the order run: `throughputVsCeiling` is their median. Kept for pooling, as `samples` (runs before d0dbc43 have none). */
  throughputRounds?: number[];
}

type Path = "ours" | "bare" | "ceiling";

/** The paths of the `n`-th sequential lifecycle, in order: ours and the ceiling swap places every other one, the bare client between them. */
export function lifecycleOrder(n: number): Path[] {
  return n % 2 === 0 ? ["ours", "bare", "ceiling"] : ["ceiling", "bare", "ours"];
}

/**
 * Alternating rounds of parallel creates through each path, after the warm-up ones. Four, so that
 * ours and the ceiling each go first in half of them (`throughputOrder`): over the day's runs on
 * 2026-12-07 (three counted rounds, ours first in the middle one), the side that went first was
 * slower for four resources of five, ours' ratio in that round 0.94–1.04 where it was 0.97–1.27
 * in the other two (docs/benchmark.md, "The order of the throughput rounds"), so three rounds
 * favoured ours.
 */
export const THROUGHPUT_ROUNDS = 4;
export const WARMUP_ROUNDS = 1;

/** Which of ours and the ceiling sends its creates first in throughput round `round` (the warm-up is round 0). */
export function throughputOrder(round: number): ["ours", "ceiling"] | ["ceiling", "ours"] {
  return round % 2 === 0 ? ["ours", "ceiling"] : ["ceiling", "ours"];
}

/** Provider code with a trailing comment that brings its text to `length` characters. */
function padded(code: string, length: number): string {
  return `${code}\n//${"-".repeat(Math.max(0, length - code.length - 3))}`;
}

/**
 * A dynamic provider whose create answers at once, padded to `length` so that the host marshals
 * as much text per call as it does for the real one (`__provider` travels in every request and
 * answer): what the host costs per create with nothing of ours in it.
 */
export function noopProvider(length: number): string {
  return padded(`let n = 0; exports.handler = () => ({ create: async (inputs) => { const { __provider, ...outs } = inputs; return { id: "noop-" + n++, outs }; } });`, length);
}

/** The lines of a ceiling provider's text that send a `BarePlan` from inside the host: undici's request, a pool the size of ours, `runPlan`. */
const SENDS_PLANS = [
  `const { Agent, request } = require("undici");`,
  `const pool = new Agent({ connections: ${POOL_CONNECTIONS}, keepAliveTimeout: 10_000 });`,
  `const runPlan = ${runPlan.toString()};`,
];

/**
 * A dynamic provider whose every operation sends the bare client's requests for it (the `__plan`
 * the benchmark adds to the properties) with undici on a pool of the same size, and answers the
 * properties it was given as its outputs (and, from a read, as its inputs too, as ours does). The
 * benchmark gives it our provider's own inputs and state, so the host marshals as much as for
 * ours: what is left between the two is our provider's code. Where this one misses a target, no
 * provider with these outputs meets it through this host on this machine. Padded like
 * `noopProvider`.
 *
 * `computed`: our outputs that are not among the inputs (an id, a fingerprint, the server's
 * fields), as one of our creates answered them. A create or update answers them too, beside the
 * inputs it was given: a provider with these outputs has them to marshal. Until 2026-12-02 it
 * answered the inputs alone, and the host's marshalling of what ours answers beyond them (3 to
 * 35 µs a create, measured in process) was counted against ours.
 */
export function ceilingProvider(length: number, computed: Props = {}): string {
  const code = [
    ...SENDS_PLANS,
    `const computed = ${JSON.stringify(computed)};`,
    `const send = async ({ __plan, __provider, ...rest }) => [await runPlan(__plan, request, pool), rest];`,
    `exports.handler = () => ({`,
    `  create: async (inputs) => { const [id, rest] = await send(inputs); return { id, outs: { ...computed, ...rest } }; },`,
    `  read: async (id, props) => { const [, rest] = await send(props); return { id, props: rest, inputs: rest }; },`,
    `  update: async (id, olds, news) => { const [, rest] = await send(news); return { outs: { ...computed, ...rest } }; },`,
    `  delete: async (id, props) => void (await send(props)),`,
    `});`,
  ].join("\n");
  return padded(code, length);
}

/** What `stackCeilingProvider` reads an object of one resource type with. */
export interface CeilingRead {
  /** The bare client's read plan of an object named `CEILING_ID_MARK` (the mark is replaced by each object's id). */
  plan: BarePlan;
  /** Our input keys of the type: what the ceiling answers as the inputs, as ours answers them. */
  inputKeys: string[];
  /** `BenchEnv.bareIdOf` where the type has one. */
  bareIdOf?: (id: string) => string;
}

/** Stands for the object's id in a `CeilingRead` plan (letters and digits, so no encoding changes it). */
export const CEILING_ID_MARK = "ceilingidmark0";

/**
 * The stack benchmark's ceiling for `refresh` (tools/stack-bench.ts), one text per resource type:
 * a provider whose read sends the bare client's request for the object (the type's plan, its token
 * and URL in the text) and answers the state it was given as the outputs and our input keys of it
 * as the inputs, as ours answers both. Put in place of our `__provider` in a copy of our stack, it
 * reads our objects through the same host and engine with nothing of ours in between, and the
 * state is ours byte for byte but for that text. No check or diff: the engine diffs the inputs
 * itself (a refresh asks the provider for a diff of each resource, pkg/resource/deploy/step.go
 * `RefreshStep.Apply`). Padded like `noopProvider`.
 */
export function stackCeilingProvider(length: number, read: CeilingRead): string {
  const code = [
    ...SENDS_PLANS,
    `const plan = ${JSON.stringify(read.plan)};`,
    `const inputKeys = ${JSON.stringify(read.inputKeys)};`,
    `const bareIdOf = ${read.bareIdOf ? read.bareIdOf.toString() : "(id) => id"};`,
    `exports.handler = () => ({`,
    `  read: async (id, props) => {`,
    `    const bid = bareIdOf(id);`,
    `    await runPlan({ ...plan, id: bid, steps: plan.steps.map((s) => ({ ...s, url: s.url.replace(${JSON.stringify(CEILING_ID_MARK)}, encodeURIComponent(bid)) })) }, request, pool);`,
    `    const { __provider, ...rest } = props;`,
    `    return { id, props: rest, inputs: Object.fromEntries(inputKeys.filter((k) => k in rest).map((k) => [k, rest[k]])) };`,
    `  },`,
    `});`,
  ].join("\n");
  return padded(code, length);
}

/**
 * The provider's hooks loaded in this process and configured as the host configures them. Only
 * `trustplane/provider` and the vendor's modules load: no Pulumi SDK.
 */
async function inProcessHooks(target: BenchTarget, env: BenchEnv) {
  const provider: typeof import("../provider/index") = require("../provider/index");
  await provider.configure({ config: { get: (k: string) => env.config[k]?.value } } as never);
  return provider.hooks(target.type);
}

/**
 * Objects one run makes: the cold-start one, the bare client's first, the sequential ones, and
 * the parallel ones (host, bare, in-process and the host's ceiling, warm-up rounds included).
 */
export function objectsFor(iterations: number, parallel: number): number {
  return 2 + 3 * iterations + 4 * parallel * (WARMUP_ROUNDS + THROUGHPUT_ROUNDS);
}

export async function benchOne(target: BenchTarget, latencyMs: number, iterations: number, parallel: number): Promise<BenchRow> {
  const env = await target.start(latencyMs, objectsFor(iterations, parallel));
  let next = 0;
  const fresh = () => next++;
  const host = await ProviderHost.start({ cwd: PKG_ROOT, project: "bench" });
  try {
    const provider = serializedProvider(target, env.inputs(0));
    const urn = (i: number) => `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/${target.type}::r${i}`;
    const withProvider = (p: Props) => ({ ...p, __provider: provider });
    // Cold start: spawn → listening (host.startupMs), then Configure, the first Check and Create.
    const t0 = process.hrtime.bigint();
    await host.configure(configValues(env.config));
    const k0 = fresh();
    const first = await host.check(urn(k0), {}, withProvider(env.inputs(k0)));
    if (first.failures.length) throw new Error(`${target.name}: check failed: ${JSON.stringify(first.failures)}`);
    const c0 = await host.create(urn(k0), first.inputs);
    const coldStartMs = host.startupMs + Number(process.hrtime.bigint() - t0) / 1e6;
    await host.delete(urn(k0), c0.id, c0.outs);

    const apiCount = () => env.emu.requests.filter((r) => !env.tokenPath.test(r.path)).length;
    const hostT: Record<Op, number[]> = { create: [], read: [], update: [], delete: [] };
    const bareT: Record<Op, number[]> = { create: [], read: [], update: [], delete: [] };
    const ceilingT: Record<Op, number[]> = { create: [], read: [], update: [], delete: [] };
    // What our create answered beyond its inputs (the cold start's), for the ceiling to answer too.
    const computed = Object.fromEntries(Object.entries(c0.outs).filter(([k]) => !(k in first.inputs) && k !== "__provider"));
    const ceiling = ceilingProvider(provider.length, computed);
    if (ceiling.length > provider.length) process.stderr.write(`bench: ${target.name}: the ceiling provider's text is ${ceiling.length} characters, ours ${provider.length}\n`);
    // Our provider's properties, sent to the ceiling provider with the requests it is to make.
    const viaCeiling = (props: Props, plan?: BarePlan) => ({ ...props, __provider: ceiling, ...(plan ? { __plan: plan } : {}) });
    const trips: Record<Op, number> = { create: 0, read: 0, update: 0, delete: 0 };
    await env.bare.delete(await env.bare.create(fresh())); // the bare client's first connection
    // Only the round trip to the host is timed, with the API requests it made: each request is
    // marshalled before and each answer unmarshalled after (see `prepareCreate`), as the Go
    // engine's own protobuf work is no part of what the provider costs.
    const timedCall = async <T>(call: PreparedCall<T>): Promise<[number, T]> => {
      const [ms, answer] = await timed(() => call.send());
      return [ms, call.decode(answer)];
    };
    const timedSend = async <T>(op: Op, call: PreparedCall<T>): Promise<[number, T]> => {
      const before = apiCount();
      const answer = await timedCall(call);
      trips[op] += apiCount() - before;
      return answer;
    };
    // One lifecycle through the host, one through the bare client and one through the host with
    // the ceiling provider, in turn, so that all paths see the same machine, whatever else it is
    // doing at the time. Ours and the ceiling swap places every other lifecycle (the bare one
    // stays between them): what an operation follows moved its p50 by up to 0.5 ms in a scratch
    // run of 2026-12-07 (a create through the host just after the other provider's lifecycle, or
    // just after a check), so a fixed order would hand one side that every time.
    // Ours' state after its create and after its update, as the ceiling's lifecycle sends it (an
    // earlier lifecycle's where the ceiling goes first: the same keys and sizes).
    let last = { created: c0.outs, updated: c0.outs };
    for (let n = 0; n < iterations; n++) {
      const i = fresh();
      const checked = (await host.check(urn(i), {}, withProvider(env.inputs(i)))).inputs;
      const news = (await host.check(urn(i), checked, withProvider(env.changed(env.inputs(i))))).inputs;
      const ours = async () => {
        const [tc, created] = await timedSend("create", host.prepareCreate(urn(i), checked));
        const [tr] = await timedSend("read", host.prepareRead(urn(i), created.id, created.outs, checked));
        const [tu, outs] = await timedSend("update", host.prepareUpdate(urn(i), created.id, created.outs, news));
        const [td] = await timedSend("delete", host.prepareDelete(urn(i), created.id, outs));
        hostT.create.push(tc);
        hostT.read.push(tr);
        hostT.update.push(tu);
        hostT.delete.push(td);
        last = { created: created.outs, updated: outs };
      };
      const bare = async () => {
        const j = fresh();
        const [bc, id] = await timed(() => env.bare.create(j));
        const [br] = await timed(() => env.bare.read(id));
        const [bu] = await timed(() => env.bare.update(id, j));
        const [bd] = await timed(() => env.bare.delete(id));
        bareT.create.push(bc);
        bareT.read.push(br);
        bareT.update.push(bu);
        bareT.delete.push(bd);
      };
      // The same lifecycle's properties, ours, through the ceiling provider (its objects are its own).
      const ceiling = async () => {
        const k = fresh();
        const { created, updated } = last;
        const [cc, { id: cid }] = await timedCall(host.prepareCreate(urn(k), viaCeiling(checked, env.bare.createPlan(k))));
        const [cr] = await timedCall(host.prepareRead(urn(k), cid, viaCeiling(created, env.bare.readPlan(cid)), viaCeiling(checked)));
        const [cu] = await timedCall(host.prepareUpdate(urn(k), cid, viaCeiling(created), viaCeiling(news, env.bare.updatePlan(cid, k))));
        const [cd] = await timedCall(host.prepareDelete(urn(k), cid, viaCeiling(updated, env.bare.deletePlan(cid))));
        ceilingT.create.push(cc);
        ceilingT.read.push(cr);
        ceilingT.update.push(cu);
        ceilingT.delete.push(cd);
      };
      const lifecycles = { ours, bare, ceiling };
      for (const path of lifecycleOrder(n)) await lifecycles[path]();
    }
    // Throughput: `parallel` creates at once through the host and through the host with the
    // ceiling provider (back to back, in turn first), then through the bare client, then through
    // the provider's hooks loaded in this process (no host: what the provider's own code costs,
    // so that the host's share can be told apart), then through the host with the do-nothing
    // provider, in rounds; the median round of each counts, and for ours over the ceiling the
    // median of the rounds' ratios. The first round of each is a warm-up and is not counted: the host's cold
    // start is its own figure, and a JIT still compiling the host's protobuf code is not the
    // steady state a run of hundreds of resources spends its time in. What they create is left to
    // the emulator, which is stopped at the end.
    const hooks = await inProcessHooks(target, env);
    const tokenCount = () => env.emu.requests.filter((r) => env.tokenPath.test(r.path)).length;
    let hookTokenFetches = 0;
    const hostMs: number[] = [];
    const bareMs: number[] = [];
    const hooksMs: number[] = [];
    const floorMs: number[] = [];
    const ceilingMs: number[] = [];
    const floorProvider = noopProvider(provider.length);
    // Creates sent to the host at once: the time until the last answer; every answer must carry an id.
    const allAtOnce = async (path: string, calls: PreparedCall<{ id: string }>[]): Promise<number> => {
      const [ms, answers] = await timed(() => Promise.all(calls.map((c) => c.send())));
      const made = answers.filter((a, n) => calls[n].decode(a).id).length;
      if (made !== calls.length) throw new Error(`${target.name}: ${calls.length - made} of ${calls.length} parallel creates ${path} answered without an id`);
      return ms;
    };
    for (let round = 0; round < WARMUP_ROUNDS + THROUGHPUT_ROUNDS; round++) {
      const counted = round >= WARMUP_ROUNDS;
      const hostIdx = Array.from({ length: parallel }, fresh);
      const checkedAll = await Promise.all(hostIdx.map((i) => host.check(urn(i), {}, withProvider(env.inputs(i))).then((r) => r.inputs)));
      const ceilingIdx = Array.from({ length: parallel }, fresh);
      const ours = () => allAtOnce("through the host", checkedAll.map((c, n) => host.prepareCreate(urn(hostIdx[n]), c)));
      const best = () => allAtOnce("through the ceiling provider", ceilingIdx.map((i, n) => host.prepareCreate(urn(i), viaCeiling(checkedAll[n], env.bare.createPlan(i)))));
      // Ours and the ceiling back to back, first one then the other in turn: the throughput
      // verdict is their ratio within a round (the median of the rounds), so both see the same
      // machine; apart, the ceiling alone moved by up to 40 % between runs.
      let ms = 0;
      let cms = 0;
      for (const side of throughputOrder(round)) {
        if (side === "ours") ms = await ours();
        else cms = await best();
      }
      if (counted) {
        hostMs.push(ms);
        ceilingMs.push(cms);
      }

      const bareIdx = Array.from({ length: parallel }, fresh);
      const [bms] = await timed(() => Promise.all(bareIdx.map((i) => env.bare.create(i))));
      if (counted) bareMs.push(bms);

      const hookIdx = Array.from({ length: parallel }, fresh);
      const hookInputs = await Promise.all(hookIdx.map(async (i) => (await hooks.check({}, env.inputs(i))).inputs));
      const tokensBefore = tokenCount();
      const [hms, results] = await timed(() => Promise.all(hookInputs.map((i) => hooks.create(i))));
      hookTokenFetches += tokenCount() - tokensBefore;
      if (counted) hooksMs.push(hms);
      if (results.filter((r) => r.id).length !== parallel) throw new Error(`${target.name}: an in-process create answered without an id`);

      const floor = Array.from({ length: parallel }, (_, n) => host.prepareCreate(urn(-1 - n - round * parallel), { ...env.inputs(n), __provider: floorProvider }));
      const fms = await allAtOnce("through the do-nothing provider", floor);
      if (counted) floorMs.push(fms);

    }
    // Every token the host fetched in the whole run (the bare client's and the in-process hooks'
    // own are not counted).
    const tokenFetches = tokenCount() - env.bareTokenFetches - hookTokenFetches;

    const hostPeakMb = host.pid ? peakRssMb(host.pid) : undefined;
    const ops = Object.fromEntries(
      OPS.map((op) => [
        op,
        {
          hostP50: round(pct(hostT[op], 50)),
          hostP95: round(pct(hostT[op], 95)),
          bareP50: round(pct(bareT[op], 50)),
          bareP95: round(pct(bareT[op], 95)),
          // Three decimals: at two, 1.1528 would print as the target's 1.15.
          ratioP50: round(pct(hostT[op], 50) / pct(bareT[op], 50), 3),
          ceilingP50: round(pct(ceilingT[op], 50)),
          ceilingRatioP50: round(pct(ceilingT[op], 50) / pct(bareT[op], 50), 3),
          ceilingDiffInterval: p50DiffInterval(hostT[op], ceilingT[op]),
          roundTrips: round(trips[op] / iterations),
          minimum: env.minimum[op],
        },
      ]),
    ) as BenchRow["ops"];
    const throughputRounds = ceilingMs.map((c, r) => round(c / hostMs[r], 3));
    return {
      resource: target.name,
      latencyMs,
      ops,
      tokenFetches,
      expectedTokenFetches: env.expectedTokenFetches,
      parallel,
      hostOpsPerSec: Math.round((parallel / median(hostMs)) * 1000),
      bareOpsPerSec: Math.round((parallel / median(bareMs)) * 1000),
      throughputRatio: round(median(bareMs) / median(hostMs), 3),
      hooksOpsPerSec: Math.round((parallel / median(hooksMs)) * 1000),
      hostFloorOpsPerSec: Math.round((parallel / median(floorMs)) * 1000),
      hostCeilingOpsPerSec: Math.round((parallel / median(ceilingMs)) * 1000),
      ceilingRatio: round(median(bareMs) / median(ceilingMs), 3),
      // The median of the rounds as kept, so that a run's verdict is what `--pool` says of it alone
      // (with four rounds, the mean of two unrounded ratios may round to another last digit).
      throughputVsCeiling: round(median(throughputRounds), 3),
      throughputRounds,
      hooksRatio: round(median(bareMs) / median(hooksMs), 3),
      coldStartMs: Math.round(coldStartMs),
      hostPeakMb,
      // Microseconds are as fine as the timings mean anything; the file stays small.
      samples: { ours: roundAll(hostT), bare: roundAll(bareT), ceiling: roundAll(ceilingT) },
    };
  } finally {
    await host.stop();
    await env.stop();
  }
}

/** Stack config as the engine hands it to Configure: the values alone. */
export function configValues(config: StackConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]));
}

function round(n: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

function roundAll(t: Record<Op, number[]>): Record<Op, number[]> {
  return Object.fromEntries(OPS.map((op) => [op, t[op].map((x) => round(x, 3))])) as Record<Op, number[]>;
}

/** nevisIDM profiles the benchmark seeds: one per object a run makes. */
const profileOf = (i: number) => `bench-p${i}`;

/** Logs in the way a vendor's token endpoint wants (client credentials, form-encoded). */
/**
 * The bare client's token request. `basic` is how the vendor's own clients put the credentials in
 * HTTP Basic: RFC 6749 form-encodes them first; Palo Alto's clients send them as they are.
 */
async function clientCredentials(tokenUrl: string, clientId: string, clientSecret: string, scope: string, basic: "form" | "as-is" = "form"): Promise<string> {
  const userinfo = basic === "as-is" ? `${clientId}:${clientSecret}` : `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  const r = await request(tokenUrl, {
    method: "POST",
    dispatcher: bareAgent,
    headers: {
      authorization: `Basic ${Buffer.from(userinfo).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
  });
  const t = (await r.body.json()) as { access_token?: string };
  if (r.statusCode !== 200 || !t.access_token) throw new Error(`token request to ${tokenUrl} answered HTTP ${r.statusCode}`);
  return t.access_token;
}

const enc = encodeURIComponent;

export const TARGETS: BenchTarget[] = [
  {
    name: "scm.ScepProfile",
    type: "scm:ScepProfile",
    async start(latencyMs) {
      const { scmTestkit } = await import("../src/scm/testkit");
      const e = await scmTestkit.start({ latencyMs });
      const token = await clientCredentials(e.tokenUrl, e.clientId, e.clientSecret, `tsg_id:${e.tsgId}`, "as-is");
      const wire = (i: number, digest = "sha256") => ({
        folder: "Bench", name: `bench-${i}`, scep_challenge: { none: {} }, ca_identity_name: "CA", subject: "CN=$USERNAME",
        algorithm: { rsa: { rsa_nbits: "2048" } }, digest, scep_url: "https://scep.example.com/scep",
      });
      const base = `${e.apiUrl}/scep-profiles`;
      return {
        emu: e.emu,
        config: scmTestkit.stackConfig(e),
        inputs: (i) => ({
          folder: "Bench", name: `bench-${i}`, scepChallenge: { none: {} }, caIdentityName: "CA",
          algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://scep.example.com/scep",
        }),
        changed: (p) => ({ ...p, digest: "sha512" }),
        tokenPath: /oauth2/,
        bareTokenFetches: 1,
        expectedTokenFetches: 1,
        minimum: { create: 1, read: 1, update: 1, delete: 1 },
        bare: bareClient({
          createPlan: (i) => ({ steps: [{ method: "POST", url: base, token, body: wire(i) }], idField: "id" }),
          readPlan: (id) => ({ steps: [{ method: "GET", url: `${base}/${enc(id)}`, token }], id }),
          updatePlan: (id, i) => ({ steps: [{ method: "PUT", url: `${base}/${enc(id)}`, token, body: wire(i, "sha512") }], id }),
          deletePlan: (id) => ({ steps: [{ method: "DELETE", url: `${base}/${enc(id)}`, token }], id }),
        }),
        stop: () => e.stop(),
      };
    },
  },
  {
    // Core creates a profile disabled: enabling it is a PATCH, and no write answer carries the CA
    // certificate the outputs expose, so a create is POST + PATCH enable + GET and an update
    // PUT + GET. The token is a static bearer (no token endpoint).
    name: "czertainly.ScepProfile",
    type: "czertainly:ScepProfile",
    async start(latencyMs) {
      const { SEED } = await import("../src/czertainly/emulator");
      const { czertainlyTestkit } = await import("../src/czertainly/testkit");
      const c = await czertainlyTestkit.start({ latencyMs });
      const P = `${c.url}/v1/scepProfiles`;
      const common = {
        issueCertificateAttributes: [], caCertificateUuid: SEED.rsaCaUuid, customAttributes: [],
        includeCaCertificate: false, includeCaCertificateChain: false, enableIntune: false,
      };
      return {
        emu: c.emu,
        config: czertainlyTestkit.stackConfig(c),
        inputs: (i) => ({ name: `bench-${i}`, description: "bench", caCertificateUuid: SEED.rsaCaUuid }),
        changed: (p) => ({ ...p, description: "bench, changed" }),
        tokenPath: /^$/,
        bareTokenFetches: 0,
        expectedTokenFetches: 0,
        minimum: { create: 3, read: 1, update: 2, delete: 1 },
        bare: bareClient({
          createPlan: (i) => ({
            steps: [
              { method: "POST", url: P, token: c.token, body: { name: `bench-${i}`, description: "bench", ...common } },
              { method: "PATCH", url: `${P}/{id}/enable`, token: c.token },
              { method: "GET", url: `${P}/{id}`, token: c.token },
            ],
            idField: "uuid",
          }),
          readPlan: (id) => ({ steps: [{ method: "GET", url: `${P}/${id}`, token: c.token }], id }),
          updatePlan: (id) => ({
            steps: [
              { method: "PUT", url: `${P}/${id}`, token: c.token, body: { description: "bench, changed", renewalThreshold: 0, ...common } },
              { method: "GET", url: `${P}/${id}`, token: c.token },
            ],
            id,
          }),
          deletePlan: (id) => ({ steps: [{ method: "DELETE", url: `${P}/${id}`, token: c.token }], id }),
        }),
        stop: () => c.stop(),
      };
    },
  },
  {
    // The add answers the provider; a PATCH answers 204 without a body, so an update reads back.
    name: "vcf.IdentityProvider",
    type: "vcf:IdentityProvider",
    async start(latencyMs) {
      const { vcfTestkit } = await import("../src/vcf/testkit");
      const type = "Generic OIDC";
      const v = await vcfTestkit.start({ latencyMs, extraTypes: { [type]: { ldap: false, oidc: true } } });
      const login = await request(`${v.url}/v1/tokens`, {
        method: "POST",
        dispatcher: bareAgent,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: v.username, password: v.password }),
      }).then((r) => r.body.json() as Promise<{ accessToken: string }>);
      const token = login.accessToken;
      const discoveryEndpoint = "https://idp.example.com/.well-known/openid-configuration";
      const oidc = (clientId: string) => ({ clientId, clientSecret: "bench-secret", discoveryEndpoint });
      const P = `${v.url}/v1/identity-providers`;
      return {
        emu: v.emu,
        config: vcfTestkit.stackConfig(v),
        inputs: (i) => ({ name: `bench-${i}`, type, oidc: oidc("bench") }),
        changed: (p) => ({ ...p, oidc: oidc("bench-changed") }),
        tokenPath: /^\/v1\/tokens/,
        bareTokenFetches: 1,
        expectedTokenFetches: 1,
        minimum: { create: 1, read: 1, update: 2, delete: 1 },
        bare: bareClient({
          createPlan: (i) => ({ steps: [{ method: "POST", url: P, token, body: { name: `bench-${i}`, type, oidc: oidc("bench") } }], idField: "id" }),
          readPlan: (id) => ({ steps: [{ method: "GET", url: `${P}/${id}`, token }], id }),
          updatePlan: (id, i) => ({
            steps: [
              { method: "PATCH", url: `${P}/${id}`, token, body: { name: `bench-${i}`, type, oidc: oidc("bench-changed") } },
              { method: "GET", url: `${P}/${id}`, token },
            ],
            id,
          }),
          deletePlan: (id) => ({ steps: [{ method: "DELETE", url: `${P}/${id}`, token }], id }),
        }),
        stop: () => v.stop(),
      };
    },
  },
  {
    name: "cxif.ScimConfiguration",
    type: "cxif:ScimConfiguration",
    async start(latencyMs) {
      const { cxifTestkit } = await import("../src/cxif/testkit");
      const x = await cxifTestkit.start({ latencyMs });
      const token = await clientCredentials(x.tokenUrl, x.clientId, x.clientSecret, x.scope);
      const P = `${x.url}/admin/scimConfigurations`;
      const wire = (i: number, group: string) => ({
        "target-connection-descriptor-name": `bench-${i}`,
        profiles: { Subscriber: { "group-assignment": [group], "scim-rfc7643-mapping": {}, "scim-custom-attr-mapping": {} } },
      });
      return {
        emu: x.emu,
        config: cxifTestkit.stackConfig(x),
        inputs: (i) => ({ targetConnectionDescriptorName: `bench-${i}`, profiles: { Subscriber: { groupAssignment: ["bench"] } } }),
        changed: (p) => ({ ...p, profiles: { Subscriber: { groupAssignment: ["bench-changed"] } } }),
        tokenPath: /^\/oauth2\//,
        bareTokenFetches: 1,
        expectedTokenFetches: 1,
        minimum: { create: 1, read: 1, update: 1, delete: 1 },
        bare: bareClient({
          createPlan: (i) => ({ steps: [{ method: "POST", url: P, token, body: wire(i, "bench") }], idField: "id" }),
          readPlan: (id) => ({ steps: [{ method: "GET", url: `${P}/${enc(id)}`, token }], id }),
          updatePlan: (id, i) => ({
            steps: [{ method: "PUT", url: `${P}/${enc(id)}`, token, body: { ...wire(i, "bench-changed"), "target-connection-descriptor-namespace": "dx-prod" } }],
            id,
          }),
          deletePlan: (id) => ({ steps: [{ method: "DELETE", url: `${P}/${enc(id)}`, token }], id }),
        }),
        stop: () => x.stop(),
      };
    },
  },
  {
    // The resource owns some values of an existing profile: create, update and delete are each
    // one PATCH of those keys, read one GET. Every object needs its own profile, seeded here.
    // The token is a static bearer (a technical user's).
    name: "nevisidm.ProfileProperties",
    type: "nevisidm:ProfileProperties",
    async start(latencyMs, objects) {
      const { nevisidmTestkit } = await import("../src/nevisidm/testkit");
      const profiles = Array.from({ length: objects }, (_, i) => ({ extId: profileOf(i) }));
      const n = await nevisidmTestkit.start({
        latencyMs,
        clients: { bench: { properties: [{ name: "cost_center", stringMaxLen: 32 }, { name: "department", allowedValues: ["Sales", "Finance"] }], profiles } },
      });
      const P = (profile: string) => `${n.url}/nevisidm/api/core/v1/bench/profiles/${enc(profile)}/properties`;
      return {
        emu: n.emu,
        config: nevisidmTestkit.stackConfig(n),
        inputs: (i) => ({ clientExtId: "bench", profileExtId: profileOf(i), properties: { cost_center: `CC-${i}`, department: "Sales" } }),
        changed: (p) => ({ ...p, properties: { ...(p.properties as Props), department: "Finance" } }),
        tokenPath: /^$/,
        bareTokenFetches: 0,
        expectedTokenFetches: 0,
        minimum: { create: 1, read: 1, update: 1, delete: 1 },
        bare: bareClient({
          createPlan: (i) => ({ steps: [{ method: "PATCH", url: P(profileOf(i)), token: n.token, body: { cost_center: `CC-${i}`, department: "Sales" } }], id: profileOf(i) }),
          readPlan: (id) => ({ steps: [{ method: "GET", url: P(id), token: n.token }], id }),
          updatePlan: (id) => ({ steps: [{ method: "PATCH", url: P(id), token: n.token, body: { department: "Finance" } }], id }),
          deletePlan: (id) => ({ steps: [{ method: "PATCH", url: P(id), token: n.token, body: { cost_center: null, department: null } }], id }),
        }),
        // Ours names the object `<clientExtId>/<profileExtId>` (src/nevisidm/provider.ts, parseId).
        bareIdOf: (id) => id.slice(id.indexOf("/") + 1),
        stop: () => n.stop(),
      };
    },
  },
];

/** Markdown tables, one pair per API latency: per-operation figures, then per-run figures. */
export function table(rows: BenchRow[]): string {
  const lines: string[] = [];
  for (const latency of [...new Set(rows.map((r) => r.latencyMs))]) {
    const rs = rows.filter((r) => r.latencyMs === latency);
    lines.push(`### Emulator latency ${latency} ms`, "");
    lines.push("| resource | op | host p50 / p95 ms | bare p50 / p95 ms | ratio p50 | host ceiling p50 ms (ratio) | round trips (API minimum) |");
    lines.push("|---|---|---|---|---|---|---|");
    for (const r of rs) {
      for (const op of OPS) {
        const o = r.ops[op];
        lines.push(`| ${r.resource} | ${op} | ${o.hostP50} / ${o.hostP95} | ${o.bareP50} / ${o.bareP95} | ${o.ratioP50} | ${o.ceilingP50} (${o.ceilingRatioP50}) | ${o.roundTrips} (${o.minimum}) |`);
      }
    }
    lines.push("");
    lines.push("| resource | token fetches (expected) | parallel creates | host ops/s | host ceiling ops/s (ratio to bare) | ours / ceiling | bare ops/s | throughput ratio to bare | hooks in-process ops/s (ratio) | host floor ops/s | host cold start ms | host peak MB |");
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rs) {
      lines.push(
        `| ${r.resource} | ${r.tokenFetches} (${r.expectedTokenFetches}) | ${r.parallel} | ${r.hostOpsPerSec} | ${r.hostCeilingOpsPerSec} (${r.ceilingRatio}) | ${r.throughputVsCeiling} | ${r.bareOpsPerSec} | ${r.throughputRatio} | ${r.hooksOpsPerSec} (${r.hooksRatio}) | ${r.hostFloorOpsPerSec} | ${r.coldStartMs} | ${r.hostPeakMb ?? "n/a"} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** The targets the benchmark answers to, all on the run with a 20 ms API. */
export const TARGETS_AT_MS = 20;
/**
 * Our code is judged against the host ceiling (issue 17): the same host with a provider that only
 * sends the bare requests and answers our properties, so what is left is ours. The ratios to the
 * bare undici loop are reported beside, not judged: they measure the host as much as us.
 */
export const TARGET = { ceilingThroughput: 0.95, ceilingP50Ms: 0.3, ratioP50: 1.15, throughputRatio: 0.8 };

/**
 * One line per target, on the 20 ms rows: how many operations or resources meet it, and which miss
 * by how much, so a run says plainly where it stands instead of leaving it to a reading of the table.
 */
export function targetSummary(rows: BenchRow[]): string[] {
  const rs = rows.filter((r) => r.latencyMs === TARGETS_AT_MS);
  if (rs.length === 0) return [];
  const ops = rs.flatMap((r) => OPS.map((op) => ({ name: `${r.resource} ${op}`, ...r.ops[op] })));
  const count = <T>(xs: T[], ok: (x: T) => boolean, miss: (x: T) => string) => {
    const misses = xs.filter((x) => !ok(x));
    return `${xs.length - misses.length} of ${xs.length}${misses.length ? ` (misses: ${misses.map(miss).join(", ")})` : ""}`;
  };
  const ms = (x: number) => Math.round(x * 100) / 100;
  const signed = (x: number) => `${x >= 0 ? "+" : ""}${ms(x)}`;
  return [
    `targets at ${TARGETS_AT_MS} ms (against the host ceiling: the same host, a provider sending only the bare requests):`,
    `- p50 within ${TARGET.ceilingP50Ms} ms of the ceiling's: ${count(ops, (o) => o.hostP50 - o.ceilingP50 <= TARGET.ceilingP50Ms + 1e-9, (o) => `${o.name} +${ms(o.hostP50 - o.ceilingP50)} ms${o.ceilingDiffInterval ? ` (90 % interval ${signed(o.ceilingDiffInterval[0])} to ${signed(o.ceilingDiffInterval[1])})` : ""}`)}`,
    `- throughput ≥ ${TARGET.ceilingThroughput}× the ceiling's: ${count(rs, (r) => r.throughputVsCeiling >= TARGET.ceilingThroughput, (r) => `${r.resource} ${r.throughputVsCeiling}`)}`,
    `- round trips at the API minimum: ${count(ops, (o) => o.roundTrips === o.minimum, (o) => `${o.name} ${o.roundTrips} for ${o.minimum}`)}`,
    `- token fetches as expected (one per credential, none for static tokens): ${count(rs, (r) => r.tokenFetches === r.expectedTokenFetches, (r) => `${r.resource} ${r.tokenFetches} for ${r.expectedTokenFetches}`)}`,
    // Reported, not judged: against the bare undici loop, which no provider through this host reaches.
    `reported against the bare undici loop (the host's cost and ours):`,
    `  p50 ratio ≤ ${TARGET.ratioP50}: ${count(ops, (o) => o.ratioP50 <= TARGET.ratioP50, (o) => `${o.name} ${o.ratioP50}`)}; the ceiling: ${count(ops, (o) => o.ceilingRatioP50 <= TARGET.ratioP50, (o) => `${o.name} ${o.ceilingRatioP50}`)}`,
    `  throughput ≥ ${TARGET.throughputRatio}× the bare loop: ${count(rs, (r) => r.throughputRatio >= TARGET.throughputRatio, (r) => `${r.resource} ${r.throughputRatio}`)}; the ceiling: ${count(rs, (r) => r.ceilingRatio >= TARGET.throughputRatio, (r) => `${r.resource} ${r.ceilingRatio}`)}; the hooks in-process: ${count(rs, (r) => r.hooksRatio >= TARGET.throughputRatio, (r) => `${r.resource} ${r.hooksRatio}`)}`,
  ];
}

/** One operation's p50s over the lifecycles of several runs together (`poolRuns`). */
export interface PooledOp {
  resource: string;
  op: Op;
  /** Runs that kept this resource's lifecycles. */
  runs: number;
  /** Lifecycles a side, all runs together. */
  lifecycles: number;
  oursP50: number;
  ceilingP50: number;
  /** Ours' p50 minus the ceiling's, ms, and its 90 % interval (`p50DiffInterval`). */
  diff: number;
  interval: [number, number];
}

/**
 * The p50 verdict over several runs at once: each operation's lifecycles from every run that kept
 * them (`samples`), ours and the ceiling's pooled apiece, then the p50 difference and 90 %
 * interval one run reports. At 40 lifecycles a side, one run's difference moves by about ±0.3 ms
 * between runs of the same code (docs/benchmark.md), as wide as the target itself, and the
 * default run has no room for more; three runs give 120 a side. Within a run, ours and the
 * ceiling's lifecycles took turns on the same machine, so every run adds as many to each side.
 */
export function poolRuns(runs: BenchRow[][]): PooledOp[] {
  return [...rowsByResource(runs, (r) => r.samples !== undefined)].flatMap(([resource, rows]) =>
    OPS.map((op) => {
      const ours = rows.flatMap((r) => r.samples!.ours[op]);
      const ceiling = rows.flatMap((r) => r.samples!.ceiling[op]);
      const [o, c] = [pct(ours, 50), pct(ceiling, 50)];
      return { resource, op, runs: rows.length, lifecycles: ours.length, oursP50: round(o), ceilingP50: round(c), diff: round(o - c), interval: p50DiffInterval(ours, ceiling) };
    }),
  );
}

/** Each resource's rows at the targets' latency from every run, those that kept what `kept` asks for; resources in the order first met. */
function rowsByResource(runs: BenchRow[][], kept: (r: BenchRow) => boolean): Map<string, BenchRow[]> {
  const by = new Map<string, BenchRow[]>();
  for (const r of runs.flat()) if (r.latencyMs === TARGETS_AT_MS && kept(r)) by.set(r.resource, [...(by.get(r.resource) ?? []), r]);
  return by;
}

/** One resource's throughput over the counted rounds of several runs together (`poolThroughput`). */
export interface PooledThroughput {
  resource: string;
  runs: number;
  rounds: number;
  /** The median over every round of the ceiling's time over ours. */
  ratio: number;
}

/**
 * The throughput verdict over several runs: each resource's rounds from every run that kept them
 * (`throughputRounds`), the median of their ratios, as one run takes the median of its own. A
 * round is ours and the ceiling back to back, so each ratio stands on its own machine.
 */
export function poolThroughput(runs: BenchRow[][]): PooledThroughput[] {
  return [...rowsByResource(runs, (r) => Boolean(r.throughputRounds?.length))].map(([resource, rows]) => {
    const ratios = rows.flatMap((r) => r.throughputRounds!);
    return { resource, runs: rows.length, rounds: ratios.length, ratio: round(median(ratios), 3) };
  });
}

/** The pooled verdicts: a table of the p50s, how many operations meet the p50 target and which miss beyond their interval, then throughput. */
export function pooledSummary(pooled: PooledOp[], throughput: PooledThroughput[] = []): string[] {
  if (pooled.length === 0) return ["no run kept its lifecycles (bench.json `samples`): nothing to pool"];
  const limit = TARGET.ceilingP50Ms;
  const signed = (x: number) => `${x >= 0 ? "+" : ""}${x}`;
  const runs = [...new Set(pooled.map((p) => p.runs))].join(" or ");
  const verdict = (p: PooledOp) => (p.diff <= limit + 1e-9 ? "met" : p.interval[0] > limit ? "missed, the interval wholly above the target" : "missed, the interval reaches the target");
  const missed = pooled.filter((p) => p.diff > limit + 1e-9);
  const clear = missed.filter((p) => p.interval[0] > limit);
  return [
    `### p50 against the host ceiling, ${runs} runs pooled (${TARGETS_AT_MS} ms API latency)`,
    "",
    "| resource | op | lifecycles a side | ours p50 ms | ceiling p50 ms | ours − ceiling ms (90 % interval) | within " + limit + " ms |",
    "|---|---|---|---|---|---|---|",
    ...pooled.map((p) => `| ${p.resource} | ${p.op} | ${p.lifecycles} | ${p.oursP50} | ${p.ceilingP50} | ${signed(p.diff)} (${signed(p.interval[0])} to ${signed(p.interval[1])}) | ${verdict(p)} |`),
    "",
    `- p50 within ${limit} ms of the ceiling's, runs pooled: ${pooled.length - missed.length} of ${pooled.length}` +
      (missed.length ? ` (misses: ${missed.map((p) => `${p.resource} ${p.op} ${signed(p.diff)} ms`).join(", ")})` : ""),
    `- misses whose 90 % interval lies wholly above ${limit} ms: ${clear.length}${clear.length ? ` (${clear.map((p) => `${p.resource} ${p.op}`).join(", ")})` : ""}`,
    ...(throughput.length
      ? [
          `- throughput ≥ ${TARGET.ceilingThroughput}× the ceiling's, the median of every run's rounds: ${throughput.filter((t) => t.ratio >= TARGET.ceilingThroughput).length} of ${throughput.length} (` +
            throughput.map((t) => `${t.resource} ${t.ratio} over ${t.rounds} rounds`).join(", ") +
            ")",
        ]
      : []),
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const iterations = Number(arg("--iterations") ?? 40);
  const parallel = Number(arg("--parallel") ?? 500);
  const only = arg("--only");
  // 0 ms (the host's own cost, a diagnostic) is left to `--latency 20,0`: with the registration
  // and stack parts the default run would pass 6 minutes on this 2-core machine.
  const latencies = (arg("--latency") ?? "20").split(",").map(Number);
  const parts = (arg("--parts") ?? "hooks,registration,stack").split(",");
  const registrationCount = Number(arg("--registration") ?? 300);
  // The full sizes of issue 17 (100,500,1000) took 33 minutes here (docs/benchmark.md); the default run stays under 6.
  const stackSizes = (arg("--stack-sizes") ?? DEFAULT_STACK_SIZES).split(",").map(Number);
  const stackParallels = (arg("--stack-parallel") ?? "0,1").split(",").map(Number);
  // Runs of each preview and refresh per side, the median counting (1 for the full sizes: a
  // refresh of 1,000 at --parallel 1 takes half a minute).
  const stackRepeats = Number(arg("--stack-repeats") ?? DEFAULT_STACK_REPEATS);
  // A diagnostic (tools/stack-bench.ts, `skipCheckpoints`): the engine writes the state once per
  // operation instead of after every step. Off by default; the report says when it was on.
  const skipCheckpoints = args.includes("--stack-skip-checkpoints");
  if (args.includes("--pool")) {
    // `--pool a.json b.json ...`: the p50 verdict over the lifecycles of runs already made.
    const files = args.slice(args.indexOf("--pool") + 1).filter((a) => !a.startsWith("--"));
    const runs = files.map((f) => (JSON.parse(fs.readFileSync(f, "utf8")) as { rows?: BenchRow[] }).rows ?? []);
    const text = [...pooledSummary(poolRuns(runs), poolThroughput(runs)), "", `pooled: ${files.join(", ")}`];
    fs.mkdirSync(path.join(PKG_ROOT, "bench-results"), { recursive: true });
    fs.writeFileSync(path.join(PKG_ROOT, "bench-results", "pooled.md"), text.join("\n") + "\n");
    process.stdout.write(text.join("\n") + "\n");
    return;
  }
  const progress = (l: string) => process.stderr.write(`[${Math.round((Date.now() - started) / 1000)} s] ${l}\n`);
  const rows: BenchRow[] = [];
  const started = Date.now();
  if (parts.includes("hooks")) {
    for (const latency of latencies) {
      for (const t of TARGETS.filter((x) => !only || x.name.includes(only))) {
        progress(`bench: ${t.name} at ${latency} ms API latency…`);
        rows.push(await benchOne(t, latency, iterations, parallel));
      }
    }
  }
  let registration: RegistrationResult | undefined;
  if (parts.includes("registration")) {
    progress(`bench: registering ${registrationCount} resources under setMocks, ours and the SDK floor…`);
    registration = registrationBench(registrationCount, REGISTRATION_ROUNDS, REGISTRATION_DIAGNOSTIC_ROUNDS, REGISTRATION_BATCHES);
  }
  let stack: { ops: StackOp[]; rows: StackRow[] } | undefined;
  if (parts.includes("stack")) {
    const opsFile = path.join(PKG_ROOT, "bench-results", "stack-ops.jsonl");
    fs.mkdirSync(path.dirname(opsFile), { recursive: true });
    fs.writeFileSync(opsFile, "");
    stack = await stackBench({ sizes: stackSizes, parallels: stackParallels, latencyMs: TARGETS_AT_MS, progress, opsFile, repeats: stackRepeats, ceiling: args.includes("--stack-ceiling"), skipCheckpoints });
  }
  const out = path.join(PKG_ROOT, "bench-results");
  fs.mkdirSync(out, { recursive: true });
  const meta = {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    iterations, parallel, poolConnections: POOL_CONNECTIONS, stackSizes, stackParallels, stackRepeats, skipCheckpoints, seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.writeFileSync(path.join(out, "bench.json"), JSON.stringify({ ...meta, rows, registration, stack }, null, 2));
  const text: string[] = [];
  if (rows.length) text.push(table(rows), ...targetSummary(rows), "");
  if (registration) text.push(...registrationSummary(registration), "");
  if (stack) {
    const heading = `### Stacks through the real engine (${TARGETS_AT_MS} ms API latency${skipCheckpoints ? "; PULUMI_SKIP_CHECKPOINTS=true, a diagnostic: state written once per operation" : ""})`;
    text.push(heading, "", stackTable(stack.rows), "", ...stackSummary(stack.rows), "");
    fs.writeFileSync(path.join(out, "stack.svg"), stackChart(stack.rows, `pulumi preview / up / refresh / destroy: ms per resource (${meta.date.slice(0, 16)}Z)`));
  }
  text.push(
    `${iterations} sequential lifecycles and ${parallel} parallel creates per resource; Node ${process.version}, ${meta.cpus} CPUs, load average ${meta.loadAverage.join(" ")} at the end; ${meta.seconds} s.`,
    `written: bench-results/bench.json, bench-results/bench.md${stack ? ", bench-results/stack.svg" : ""}`,
  );
  fs.writeFileSync(path.join(out, "bench.md"), text.join("\n") + "\n");
  process.stdout.write(text.join("\n") + "\n");
}

export const DEFAULT_STACK_SIZES = "20,100";
export const DEFAULT_STACK_REPEATS = 3;
// Four fresh processes each of ours and the floor, each timing three batches of the 300 (one
// batch each in five processes until late on 2026-12-07, three before that): one window per
// process moved by ±20 % between processes of a side, and the two further windows cost less than
// a fifth process would (tools/registration.ts, docs/benchmark.md).
const REGISTRATION_ROUNDS = 4;
const REGISTRATION_BATCHES = 3;
// The floor declaring our output keys is a diagnostic (what the SDK's work per declared output
// costs), steady at 0.59-0.67 of ours in the runs of 2026-12-07: one round, to keep the default
// run under 6 minutes.
const REGISTRATION_DIAGNOSTIC_ROUNDS = 1;

/** The registration verdict: ours against the SDK floor of the same run. */
export function registrationSummary(r: RegistrationResult): string[] {
  const ok = r.ratio <= REGISTRATION_TARGET;
  return [
    `### Registration under setMocks (${r.resources} resources, a mix of the five; median of ${REGISTRATION_ROUNDS} fresh processes each for ours and the floor, ${REGISTRATION_DIAGNOSTIC_ROUNDS} for the diagnostic, each process the median of ${REGISTRATION_BATCHES} batches)`,
    "",
    "| side | wall ms per resource | CPU ms per resource |",
    "|---|---|---|",
    // The median of an even count of processes is a mean of two, printed to the microsecond.
    `| ours | ${round(r.oursMsPerResource, 3)} | ${round(r.oursCpuMsPerResource, 3)} |`,
    `| SDK floor (same inputs, one provider object per type) | ${round(r.floorMsPerResource, 3)} | ${round(r.floorCpuMsPerResource, 3)} |`,
    `| SDK floor declaring our output keys | ${round(r.floorOutputsMsPerResource, 3)} | ${round(r.floorOutputsCpuMsPerResource, 3)} |`,
    "",
    `- registration ≤ ${REGISTRATION_TARGET}× the SDK floor: ${ok ? "met" : "missed"}: ${r.ratio}× wall (${r.cpuRatio}× CPU); against the floor declaring the same output keys ${r.ratioVsOutputs}× wall (${r.cpuRatioVsOutputs}× CPU)`,
  ];
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`bench failed: ${(e as Error).stack}`);
      process.exit(1);
    },
  );
}
