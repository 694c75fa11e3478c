#!/usr/bin/env node
/**
 * `npm run bench`: what the provider costs on top of the HTTP calls it has to make.
 *
 * For each resource, against its emulator on loopback:
 * - per-operation latency (p50/p95) of Create/Read/Update/Delete through the real dynamic-provider
 *   host over gRPC, versus a bare undici call of the same requests to the same emulator;
 * - HTTP round trips per operation (token fetches excluded) against the API's minimum;
 * - token fetches per run;
 * - throughput: N creates in parallel through the host versus the bare loop at the same concurrency;
 * - host cold start (spawn → listening → first create answered) and the host's peak memory.
 * It runs twice: the emulator answering after a fixed delay standing for a real API's latency
 * (20 ms), and with no delay (the host's own cost). Prints tables and writes bench-results/bench.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { request } from "undici";
import type { Emulator } from "../src/core/emulator";
import { ProviderHost, type Props } from "./host";

const PKG_ROOT = path.resolve(__dirname, "..", "..");

/** What the benchmark needs from one vendor. */
export interface BenchTarget {
  name: string;
  type: string;
  /** Starts the emulator; returns what the host's Configure needs and a bare client. */
  start(latencyMs: number): Promise<BenchEnv>;
}

export interface BenchEnv {
  emu: Emulator;
  config: Record<string, string>;
  /** Program-side inputs for the i-th object (no __provider). */
  inputs(i: number): Props;
  /** The same object with one field changed. */
  changed(inputs: Props): Props;
  /** Paths matching token endpoints, excluded from round-trip counts. */
  tokenPath: RegExp;
  /** Token requests the bare client made while starting (not the provider's). */
  bareTokenFetches: number;
  /** Minimum API round trips per operation. */
  minimum: Record<Op, number>;
  bare: BareClient;
  stop(): Promise<void>;
}

export interface BareClient {
  create(i: number): Promise<string>;
  read(id: string): Promise<void>;
  update(id: string, i: number): Promise<void>;
  delete(id: string): Promise<void>;
}

type Op = "create" | "read" | "update" | "delete";
const OPS: Op[] = ["create", "read", "update", "delete"];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

/** The `__provider` text Pulumi would store for this resource type. */
async function serializedProvider(target: BenchTarget, inputs: Props): Promise<string> {
  const pulumi = require("@pulumi/pulumi");
  let captured = "";
  await pulumi.runtime.setMocks(
    {
      newResource: async (a: { inputs: Props }) => {
        captured = String(a.inputs.__provider);
        return { id: "bench", state: {} };
      },
      call: async () => ({}),
    },
    "bench",
    "bench",
    true,
  );
  const [vendor, cls] = target.type.split(":");
  const mod = require(path.join(PKG_ROOT, "dist/src/index.js"))[vendor];
  new mod[cls]("bench", inputs);
  for (let i = 0; i < 100 && !captured; i++) await new Promise((r) => setTimeout(r, 10));
  if (!captured) throw new Error(`could not serialize the provider of ${target.type}`);
  return captured;
}

function peakRssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export interface BenchRow {
  resource: string;
  latencyMs: number;
  ops: Record<Op, { hostP50: number; hostP95: number; bareP50: number; bareP95: number; ratioP50: number; roundTrips: number; minimum: number }>;
  tokenFetches: number;
  parallel: number;
  hostOpsPerSec: number;
  bareOpsPerSec: number;
  throughputRatio: number;
  coldStartMs: number;
  hostPeakMb?: number;
}

export async function benchOne(target: BenchTarget, latencyMs: number, iterations: number, parallel: number): Promise<BenchRow> {
  const env = await target.start(latencyMs);
  const host = await ProviderHost.start({ cwd: PKG_ROOT, project: "bench" });
  try {
    const provider = await serializedProvider(target, env.inputs(0));
    const urn = (i: number) => `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/${target.type}::r${i}`;
    const withProvider = (p: Props) => ({ ...p, __provider: provider });
    const t0 = Date.now();
    await host.configure(env.config);
    const first = await host.check(urn(-1), {}, withProvider(env.inputs(-1)));
    const c0 = await host.create(urn(-1), first.inputs);
    const coldStartMs = host.startupMs + (Date.now() - t0);
    await host.delete(urn(-1), c0.id, c0.outs);

    const apiCount = () => env.emu.requests.filter((r) => !env.tokenPath.test(r.path)).length;
    const hostT: Record<Op, number[]> = { create: [], read: [], update: [], delete: [] };
    const trips: Record<Op, number> = { create: 0, read: 0, update: 0, delete: 0 };
    for (let i = 0; i < iterations; i++) {
      const checked = (await host.check(urn(i), {}, withProvider(env.inputs(i)))).inputs;
      let n = apiCount();
      const [tc, created] = await timed(() => host.create(urn(i), checked));
      trips.create += apiCount() - n;
      n = apiCount();
      const [tr] = await timed(() => host.read(urn(i), created.id, created.outs, checked));
      trips.read += apiCount() - n;
      const news = (await host.check(urn(i), checked, withProvider(env.changed(env.inputs(i))))).inputs;
      n = apiCount();
      const [tu, outs] = await timed(() => host.update(urn(i), created.id, created.outs, news));
      trips.update += apiCount() - n;
      n = apiCount();
      const [td] = await timed(() => host.delete(urn(i), created.id, outs));
      trips.delete += apiCount() - n;
      hostT.create.push(tc);
      hostT.read.push(tr);
      hostT.update.push(tu);
      hostT.delete.push(td);
    }
    // Every token the host fetched while doing all of the above (the bare client's is its own).
    const tokenFetches = env.emu.requests.filter((r) => env.tokenPath.test(r.path)).length - env.bareTokenFetches;
    const bareT: Record<Op, number[]> = { create: [], read: [], update: [], delete: [] };
    await env.bare.delete(await env.bare.create(-2)); // warm the bare client's connection and token
    for (let i = 0; i < iterations; i++) {
      const [tc, id] = await timed(() => env.bare.create(10_000 + i));
      const [tr] = await timed(() => env.bare.read(id));
      const [tu] = await timed(() => env.bare.update(id, 10_000 + i));
      const [td] = await timed(() => env.bare.delete(id));
      bareT.create.push(tc);
      bareT.read.push(tr);
      bareT.update.push(tu);
      bareT.delete.push(td);
    }

    // Throughput: `parallel` creates at once, then as many deletes, through each path.
    const checkedAll = await Promise.all(
      Array.from({ length: parallel }, (_, i) => host.check(urn(50_000 + i), {}, withProvider(env.inputs(50_000 + i))).then((r) => r.inputs)),
    );
    const [hostMs, made] = await timed(() => Promise.all(checkedAll.map((c, i) => host.create(urn(50_000 + i), c))));
    await Promise.all(made.map((m, i) => host.delete(urn(50_000 + i), m.id, m.outs)));
    const [bareMs, ids] = await timed(() => Promise.all(Array.from({ length: parallel }, (_, i) => env.bare.create(90_000 + i))));
    await Promise.all(ids.map((id) => env.bare.delete(id)));

    const hostPeakMb = peakRssMb(host.pid);
    const ops = Object.fromEntries(
      OPS.map((op) => [
        op,
        {
          hostP50: round(pct(hostT[op], 50)),
          hostP95: round(pct(hostT[op], 95)),
          bareP50: round(pct(bareT[op], 50)),
          bareP95: round(pct(bareT[op], 95)),
          ratioP50: round(pct(hostT[op], 50) / pct(bareT[op], 50)),
          roundTrips: round(trips[op] / iterations),
          minimum: env.minimum[op],
        },
      ]),
    ) as BenchRow["ops"];
    return {
      resource: target.name,
      latencyMs,
      ops,
      tokenFetches,
      parallel,
      hostOpsPerSec: round((parallel / hostMs) * 1000),
      bareOpsPerSec: round((parallel / bareMs) * 1000),
      throughputRatio: round(bareMs / hostMs),
      coldStartMs: Math.round(coldStartMs),
      hostPeakMb,
    };
  } finally {
    await host.stop();
    await env.stop();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Bare undici JSON call with a bearer token: the floor the provider is measured against. */
export async function bareJson(method: string, url: string, token: string, body?: unknown): Promise<any> {
  const r = await request(url, {
    method: method as "GET",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.body.text();
  if (r.statusCode >= 400) throw new Error(`${method} ${url}: HTTP ${r.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export const TARGETS: BenchTarget[] = [
  {
    name: "scm.ScepProfile",
    type: "scm:ScepProfile",
    async start(latencyMs) {
      const { startScmEmulator } = await import("../src/scm/emulator");
      const e = await startScmEmulator({ latencyMs });
      const tok = await request(e.tokenUrl, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${e.clientId}:${e.clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: `grant_type=client_credentials&scope=tsg_id:${e.tsgId}`,
      }).then((r) => r.body.json() as Promise<{ access_token: string }>);
      const wire = (i: number, digest = "sha256") => ({
        folder: "Bench", name: `bench-${i}`, scep_challenge: { none: {} }, ca_identity_name: "CA", subject: "CN=$USERNAME",
        algorithm: { rsa: { rsa_nbits: "2048" } }, digest, scep_url: "https://scep.example.com/scep",
      });
      const base = `${e.apiUrl}/scep-profiles`;
      return {
        emu: e.emu,
        config: {
          "trustplane:scmClientId": e.clientId,
          "trustplane:scmClientSecret": e.clientSecret,
          "trustplane:scmTsgId": e.tsgId,
          "trustplane:scmTokenUrl": e.tokenUrl,
          "trustplane:scmApiUrl": e.apiUrl,
        },
        inputs: (i) => ({
          folder: "Bench", name: `bench-${i}`, scepChallenge: { none: {} }, caIdentityName: "CA",
          algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://scep.example.com/scep",
        }),
        changed: (p) => ({ ...p, digest: "sha512" }),
        tokenPath: /oauth2/,
        bareTokenFetches: 1,
        minimum: { create: 1, read: 1, update: 1, delete: 1 },
        bare: {
          create: async (i) => (await bareJson("POST", base, tok.access_token, wire(i))).id,
          read: async (id) => void (await bareJson("GET", `${base}/${id}`, tok.access_token)),
          update: async (id, i) => void (await bareJson("PUT", `${base}/${id}`, tok.access_token, wire(i, "sha512"))),
          delete: async (id) => void (await bareJson("DELETE", `${base}/${id}`, tok.access_token)),
        },
        stop: () => e.stop(),
      };
    },
  },
];

export function table(rows: BenchRow[]): string {
  const lines: string[] = [];
  lines.push("| resource | API latency | op | host p50 / p95 ms | bare p50 / p95 ms | ratio p50 | round trips (min) |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    for (const op of OPS) {
      const o = r.ops[op];
      lines.push(`| ${r.resource} | ${r.latencyMs} ms | ${op} | ${o.hostP50} / ${o.hostP95} | ${o.bareP50} / ${o.bareP95} | ${o.ratioP50} | ${o.roundTrips} (${o.minimum}) |`);
    }
  }
  lines.push("");
  lines.push("| resource | API latency | token fetches | parallel | host ops/s | bare ops/s | throughput ratio | host cold start ms | host peak MB |");
  lines.push("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    lines.push(`| ${r.resource} | ${r.latencyMs} ms | ${r.tokenFetches} | ${r.parallel} | ${r.hostOpsPerSec} | ${r.bareOpsPerSec} | ${r.throughputRatio} | ${r.coldStartMs} | ${r.hostPeakMb ?? "n/a"} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const num = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const iterations = num("--iterations", 60);
  const parallel = num("--parallel", 200);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const rows: BenchRow[] = [];
  for (const latency of [20, 0]) {
    for (const t of TARGETS.filter((x) => !only || x.name.includes(only))) {
      process.stderr.write(`bench: ${t.name} at ${latency} ms API latency…\n`);
      rows.push(await benchOne(t, latency, iterations, parallel));
    }
  }
  const out = path.join(PKG_ROOT, "bench-results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "bench.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, iterations, parallel, rows }, null, 2));
  process.stdout.write(table(rows) + "\n\nwritten: bench-results/bench.json\n");
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
