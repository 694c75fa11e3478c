/**
 * What every discovery test does: seed a vendor's emulator through the resource's own hooks, run
 * the shipped command (`node dist/src/discover/cli.js`) against a real Pulumi stack's config,
 * type-check the program it wrote with tsc against this package's types, and run that program
 * through the real engine (preview: only the adoptions; up: no POST; preview again: no changes).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "vitest";
import { requireDist, ROOT, stackFixture, tmpDir } from "../helpers";
import { runEngine } from "../recorder";

const NODE = path.join(ROOT, "node_modules", ".bin", "node");
const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");

export type Config = Record<string, { value: string; secret?: boolean }>;

/** The resource's own check then create, as the engine would run them: how the tenant gets its objects. */
export async function seed(vendor: string, connection: Record<string, unknown>, args: Record<string, unknown>[]): Promise<string[]> {
  const { hooks } = requireDist(`./dist/src/${vendor}/provider.js`);
  const ids: string[] = [];
  for (const a of args) {
    const c = await hooks.check({}, { ...a, connection });
    if (c.failures?.length) throw new Error(`seed ${JSON.stringify(a)}: ${JSON.stringify(c.failures)}`);
    const r = await hooks.create(c.inputs);
    ids.push(r.id);
  }
  return ids;
}

function pulumiEnv(backendDir: string): Record<string, string> {
  const { engineEnv } = requireDist("./dist/tools/engine.js");
  return engineEnv({ PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: "discover-passphrase" });
}

/** A Pulumi project folder with a stack whose config holds `config`, set with the real CLI. */
export function stackWithConfig(config: Config, stack = "tenant"): { dir: string; stack: string; env: Record<string, string> } {
  const { pulumiCli } = requireDist("./dist/tools/engine.js");
  const dir = tmpDir("trustplane-discover-stack-");
  const backend = path.join(dir, ".backend");
  fs.mkdirSync(backend);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: adopt-tenant\nruntime: nodejs\n");
  const env = pulumiEnv(backend);
  const cli = (args: string[]) => execFileSync(pulumiCli(), args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  cli(["stack", "init", stack]);
  for (const [k, v] of Object.entries(config)) cli(["config", "set", ...(v.secret ? ["--secret"] : ["--plaintext"]), "--stack", stack, k, v.value]);
  return { dir, stack, env: { PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE, TRUSTPLANE_PULUMI: pulumiCli() } };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `trustplane discover …` as a user runs it: the compiled bin in a child process. Asynchronous:
 * the emulator answers from this process, so its event loop must keep running meanwhile.
 */
export function discoverCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const bin = path.join(ROOT, "dist", "src", "discover", "cli.js");
  // No vendor settings leak in from the test's own environment.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SCM|CZERTAINLY|VCF|CXIF|NEVISIDM|TRUSTPLANE)_/.test(k)));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [bin, ...args], { env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** The `pulumi config set --secret <key> '<…>'` lines the command printed to stderr: key → what. */
export function secretKeys(stderr: string): string[] {
  return [...stderr.matchAll(/pulumi config set --secret (\S+) '/g)].map((m) => m[1]);
}

/** A folder holding the program as `index.ts`, where `trustplane` resolves to this checkout. */
export function programDir(text: string): string {
  const dir = tmpDir("trustplane-discovered-");
  fs.writeFileSync(path.join(dir, "index.ts"), text);
  const nm = path.join(dir, "node_modules");
  fs.mkdirSync(path.join(nm, "@pulumi"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(nm, "trustplane"), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi"), path.join(nm, "@pulumi", "pulumi"), "dir");
  return dir;
}

/** tsc on the program, strict, against the package's published types (dist/src/index.d.ts). */
export function typecheck(dir: string): { ok: boolean; output: string } {
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "commonjs", moduleResolution: "node10", strict: true, noEmit: true, skipLibCheck: true,
        types: ["node"], typeRoots: [path.join(ROOT, "node_modules", "@types")],
        baseUrl: ".", paths: { trustplane: [path.join(ROOT, "dist", "src", "index.d.ts")] },
      },
      files: ["index.ts"],
    }),
  );
  const r = spawnSync(NODE, [TSC, "-p", dir], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** The program compiled to CommonJS beside its source, and a Pulumi program function that runs it afresh each time. */
export function loadable(dir: string): () => unknown {
  const ts = requireDist("typescript");
  const src = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const file = path.join(dir, "index.js");
  fs.writeFileSync(file, js);
  const req = createRequire(file);
  return () => {
    delete req.cache[file];
    return req(file);
  };
}

export interface AdoptionCheck {
  /** The vendor's emulator request log. */
  requests: () => Array<{ method: string; path: string }>;
  /** The path of the objects' collection, to count POSTs to it. */
  collection: string;
  /** The ids the adoptions must end up with. */
  liveIds: string[];
  /** Trustplane config for the engine's stack (credentials). */
  config: Config;
  /** Values for the secret keys the command printed; undefined leaves an optional one unset. */
  secretValue: (key: string) => string | undefined;
  project?: string;
}

/** preview (only creates), up (no POST, every id adopted), preview again (no changes), destroy not run. */
export async function adoptThroughEngine(dir: string, c: AdoptionCheck) {
  const fx = stackFixture();
  const project = c.project ?? "adopt-tenant";
  const text = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
  const keys = [...new Set([...text.matchAll(/config\.(?:require|get)Secret\("([^"]+)"\)/g)].map((m) => m[1]))];
  const config: Config = { ...c.config };
  for (const k of keys) {
    const v = c.secretValue(k);
    if (v !== undefined) config[`${project}:${k}`] = { value: v, secret: true };
  }
  const o = { projectDir: fx.dir, stateFile: fx.stateFile, program: loadable(dir), project, stack: "adopt", config, passphrase: "p", out: () => undefined };
  const preview = await runEngine("preview", o);
  expect(preview.errors).toEqual([]);
  expect(preview.steps.length).toBe(c.liveIds.length);
  expect(preview.steps.map((s: any) => s.op)).toEqual(c.liveIds.map(() => "create"));
  const posts = () => c.requests().filter((r) => r.method === "POST" && r.path.endsWith(c.collection)).length;
  const before = posts();
  const up = await runEngine("up", o);
  expect(up.errors).toEqual([]);
  expect(up.counts.create).toBe(c.liveIds.length);
  expect(posts()).toBe(before);
  expect(up.resources.map((r: any) => r.id).sort()).toEqual([...c.liveIds].sort());
  const again = await runEngine("preview", { ...o, expectNoChanges: true });
  expect(again.errors).toEqual([]);
  expect(again.steps.every((s: any) => s.op === "same")).toBe(true);
  return { preview, up, again, config };
}
