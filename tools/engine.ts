/**
 * The real Pulumi engine, driven through the Automation API: what the lifecycle tests, the
 * examples' tests and the demo run a program with. The CLI is the one `tools/pulumi-cli/ensure.sh`
 * finds or builds; the backend is a local folder (`file://`), secrets use a passphrase, and the
 * engine is told not to call home or fetch plugins (see `engineEnv`).
 *
 * The program is an inline program (a function run in this process, which the Automation API
 * serves to the engine as its language host), so no `pulumi-language-nodejs` plugin is needed;
 * the dynamic-provider host the engine starts for our resources is the SDK's own
 * `pulumi-resource-pulumi-nodejs`, found on PATH.
 *
 * A run returns what a person reading the engine's output would see, in a form tests can assert
 * on: one step per resource with the engine's own operation and changed keys, the error messages
 * the engine printed, the stack outputs (secret ones masked), the engine's text output and the
 * exported state.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { cpuMs } from "./proc";

const ROOT = path.resolve(__dirname, "..", "..");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key that marks a secret value on the wire (pulumi/pulumi sdk/go/common/resource/sig/sig.go). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

export type Verb = "preview" | "up" | "refresh" | "destroy";

export interface ConfigValue {
  value: string;
  secret?: boolean;
}

/** The operation a step did, in the engine's own terms, with a replacement's parts folded into `replace`. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "import" | "refresh" | "read" | "discard";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  /** Top-level keys the engine reported as changed (its `diffs`), sorted. */
  changed?: string[];
  /** Keys whose change forces a replacement. */
  replaceKeys?: string[];
  /** A refresh found the object gone from the API. */
  gone?: boolean;
  /** The engine's error for this resource, if the step failed. */
  error?: string;
  /** The engine's raw operations for this URN, in order (e.g. create-replacement, replace, delete-replaced). */
  ops: string[];
}

export interface RunOptions {
  /** The folder the engine runs the program in: the dynamic-provider host's working directory. */
  workDir: string;
  /** The local backend's folder (`file://` URL); one per test file keeps stacks apart. */
  backendDir: string;
  project: string;
  stack: string;
  program: () => unknown;
  /** Stack config, full keys (`trustplane:scmClientId`, `<project>:name`); replaces what was set. */
  config?: Record<string, ConfigValue>;
  passphrase?: string;
  /** Each line of the engine's own text output. */
  out?: (line: string) => void;
  /** `--expect-no-changes`: the engine fails the run if it would change anything. */
  expectNoChanges?: boolean;
  /** `--refresh` before a preview, up or destroy. */
  refresh?: boolean;
  /** Extra engine environment (e.g. TRUSTPLANE_* settings for the provider host). */
  env?: Record<string, string>;
  /** `--target` URNs. */
  target?: string[];
  /**
   * The engine's own log at its most verbose, to stderr (`--logtostderr -v=9 --logflow`): every
   * line lands in `lines`, so a test can scan what a user running with `-v=9` would see.
   */
  verbose?: boolean;
  /** `refresh --clear-pending-creates`: forget creates an interrupted run left pending. */
  clearPendingCreates?: boolean;
  /** `--continue-on-error` for up and destroy: after a failed step, the engine still starts the others. */
  continueOnError?: boolean;
  /** Skip the `pulumi stack export` after the operation (`state` is then ""): a caller that does not read it. */
  noExport?: boolean;
  /**
   * Skip reading the stack outputs after an `up` or `refresh` (`outputs` and `rawOutputs` are
   * then empty): each read is a CLI run that decrypts with the passphrase.
   */
  noOutputs?: boolean;
  /** `--parallel N` for every verb (unset: the engine's default). */
  parallel?: number;
  /**
   * The work dir holds the project's own Pulumi.yaml and Pulumi.<stack>.yaml (an example): use
   * them as they are, and set only the given config keys on top of the stack file's.
   */
  projectFile?: boolean;
}

export interface RunResult {
  ok: boolean;
  steps: Step[];
  /** Every error the engine reported: per-resource diagnostics and the command's own failure. */
  errors: string[];
  /** Stack outputs as the engine shows them: secret ones "[secret]", unknown ones "(unknown)". */
  outputs: Record<string, unknown>;
  /** Stack outputs with secret values (only after up), for tests of the wiring. */
  rawOutputs: Record<string, unknown>;
  /** Every line the engine printed (stdout and stderr). */
  lines: string[];
  /** Steps per operation, for this package's resources (not the stack or provider resources). */
  counts: Record<string, number>;
  /** The engine's own summary (`resourceChanges`), the stack resource included. */
  summary: Record<string, number>;
  /** `pulumi stack export` after the run (secrets encrypted, as the backend stores them). */
  state: string;
  /** The exported deployment's resources (without the stack and provider resources). */
  resources: any[];
  /** Diagnostics the engine and the provider host logged that were neither errors nor debug. */
  diagnostics: string[];
  /** Debug-level diagnostics (shown by the engine only under `--debug`). */
  debug: string[];
  /** CPU time spent while the operation ran (the export after it excluded). */
  cpu: OperationCpu;
}

/**
 * CPU time, ms, over one operation: this process (the inline program's language host, the
 * Automation API reading the engine's events, and whatever else runs in it, such as emulators),
 * and the processes it started and reaped meanwhile: the CLI with its plugins, the dynamic-provider
 * host among them (the kernel adds a child's time to its parent's when the parent waits for it,
 * pulumi-resource-pulumi-nodejs's shell waits for the host, the Automation API waits for the CLI),
 * and the Automation API's own CLI run after the operation (its `stack history` read, in
 * `Stack.refresh` and the others of @pulumi/pulumi automation/stack.ts).
 */
export interface OperationCpu {
  thisProcessMs: number;
  /** Undefined where there is no /proc (not Linux). */
  childrenMs?: number;
}

/** This process's CPU and its reaped children's so far, ms. */
function cpuSoFar(): OperationCpu {
  const u = process.cpuUsage();
  return { thisProcessMs: (u.user + u.system) / 1000, childrenMs: cpuMs("self", "children") };
}

let cliPath: string | undefined;

/** The Pulumi CLI binary: built from source on first use (see tools/pulumi-cli/ensure.sh). */
export function pulumiCli(): string {
  if (!cliPath) {
    cliPath = execFileSync("bash", [path.join(ROOT, "tools", "pulumi-cli", "ensure.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  }
  return cliPath;
}

export function pulumiVersion(): string {
  return execFileSync(pulumiCli(), ["version"], { encoding: "utf8", env: engineEnv() }).trim();
}

let linkDir: string | undefined;

/**
 * A `node_modules` folder where `trustplane` resolves to this checkout, as `npm install trustplane`
 * would make it for a user's project: the serialized provider stubs `require("trustplane/provider")`
 * inside the dynamic-provider host, which resolves like a module in the program's folder.
 */
function trustplaneModules(): string {
  if (!linkDir) {
    linkDir = fs.mkdtempSync(path.join(os.tmpdir(), "trustplane-modules-"));
    fs.mkdirSync(path.join(linkDir, "node_modules"));
    fs.symlinkSync(ROOT, path.join(linkDir, "node_modules", "trustplane"), "dir");
  }
  return path.join(linkDir, "node_modules");
}

/**
 * The environment the CLI runs in. PATH puts first the Node 22 that `npm ci` installed (the
 * dynamic-provider host runs on it) and the SDK's `pulumi-resource-pulumi-nodejs`; the engine
 * looks plugins up on PATH when they are not installed in PULUMI_HOME
 * (pulumi/pulumi sdk/go/common/workspace/plugins.go, GetPluginPath).
 */
export function engineEnv(extra: Record<string, string> = {}): Record<string, string> {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const home = path.join(ROOT, ".trustplane", "pulumi-home");
  fs.mkdirSync(home, { recursive: true });
  return {
    PATH: [path.join(ROOT, "node_modules", ".bin"), sdkDir, path.dirname(pulumiCli()), process.env.PATH ?? ""].join(path.delimiter),
    NODE_PATH: [trustplaneModules(), path.join(ROOT, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
    PULUMI_HOME: home,
    // Offline and quiet: no update check, no plugin downloads, no prompts, no colour codes.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

function shortType(type: string): string {
  return type.replace(/^pulumi-nodejs:dynamic\//, "");
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

const FOLD: Record<string, StepOp> = {
  "create-replacement": "replace",
  "delete-replaced": "replace",
  replace: "replace",
  "discard-replaced": "discard",
  "read-replacement": "read",
  "import-replacement": "import",
};

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Top-level keys whose values differ (engine keys such as `__provider` left out). */
function changedKeys(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): string[] {
  if (!a || !b) return [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !k.startsWith("__") && canonical(a[k]) !== canonical(b[k]));
}

function addChanged(s: Step, keys: string[]): void {
  if (keys.length) s.changed = [...new Set([...(s.changed ?? []), ...keys])].sort();
}

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

/** How the engine shows an output value: secrets masked, unknowns as "(unknown)". */
function shown(v: unknown): unknown {
  if (v === UNKNOWN) return "(unknown)";
  // A secret in an event's outputs is the SDK's secret envelope with its value masked.
  if (v && typeof v === "object" && SECRET_SIG_KEY in v) return "[secret]";
  if (Array.isArray(v)) return v.map(shown);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shown(x)]));
  return v;
}

const stacks = new Map<string, { stack: automation.Stack; config?: string }>();

async function stackFor(o: RunOptions): Promise<automation.Stack> {
  const key = [o.backendDir, o.project, o.stack, o.workDir].join("\0");
  let entry = stacks.get(key);
  if (!entry) {
    fs.mkdirSync(o.backendDir, { recursive: true });
    const pulumiCommand = await automation.PulumiCommand.get({ root: path.dirname(path.dirname(pulumiCli())), skipVersionCheck: true });
    const ws = await automation.LocalWorkspace.create({
      workDir: o.workDir,
      pulumiCommand,
      program: o.program as automation.PulumiFn,
      envVars: engineEnv({ PULUMI_BACKEND_URL: `file://${o.backendDir}`, PULUMI_CONFIG_PASSPHRASE: o.passphrase ?? "trustplane-test" }),
      ...(o.projectFile ? {} : { projectSettings: { name: o.project, runtime: "nodejs", backend: { url: `file://${o.backendDir}` } }, secretsProvider: "passphrase" }),
    });
    const stack = await automation.Stack.createOrSelect(o.stack, ws);
    entry = { stack };
    stacks.set(key, entry);
  }
  entry.stack.workspace.program = o.program as automation.PulumiFn;
  const cfgText = JSON.stringify(o.config ?? {});
  if (entry.config !== cfgText && o.projectFile) {
    if (o.config && Object.keys(o.config).length) await entry.stack.setAllConfig(o.config);
    entry.config = cfgText;
  } else if (entry.config !== cfgText) {
    const current = await entry.stack.getAllConfig();
    const stale = Object.keys(current).filter((k) => !(o.config && k in o.config));
    if (stale.length) await entry.stack.removeAllConfig(stale);
    if (o.config && Object.keys(o.config).length) await entry.stack.setAllConfig(o.config);
    entry.config = cfgText;
  }
  return entry.stack;
}

/** Runs one engine operation on the stack and gathers what it showed. */
export async function run(verb: Verb, o: RunOptions): Promise<RunResult> {
  const stack = await stackFor(o);
  const steps = new Map<string, Step>();
  const errors: string[] = [];
  const diagnostics: string[] = [];
  const debug: string[] = [];
  const lines: string[] = [];
  let stackOutputs: Record<string, unknown> = {};
  let summary: Record<string, number> = {};

  const onOutput = (text: string) => {
    for (const l of stripAnsi(text).split("\n")) {
      if (l === "") continue;
      lines.push(l);
      o.out?.(l);
    }
  };
  const onEvent = (e: automation.EngineEvent) => {
    const meta = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
    if (meta) {
      if (meta.type === "pulumi:pulumi:Stack") {
        const outs = meta.new?.outputs;
        if (outs) stackOutputs = outs;
        return;
      }
      if (meta.type.startsWith("pulumi:providers:")) return;
      let s = steps.get(meta.urn);
      if (!s) {
        s = { op: FOLD[meta.op] ?? (meta.op as StepOp), urn: meta.urn, type: shortType(meta.type), name: nameOf(meta.urn), ops: [] };
        steps.set(meta.urn, s);
      }
      if (e.resourcePreEvent) {
        s.ops.push(meta.op);
        const folded = FOLD[meta.op] ?? (meta.op as StepOp);
        // A replacement is announced as create-replacement, replace, delete-replaced: keep "replace".
        if (s.op !== "replace") s.op = folded;
        const rk = Object.entries(meta.detailedDiff ?? {}).filter(([, d]) => String(d.diffKind).endsWith("replace")).map(([k]) => k.split(/[.[]/)[0]);
        if (rk.length) s.replaceKeys = [...new Set(rk)].sort();
        // A dynamic provider's Diff reports no changed keys (the SDK's host sets none), so the
        // engine's display diffs the old and new inputs itself; so do we, at the top level.
        const changed = meta.diffs?.length ? meta.diffs : changedKeys(meta.old?.inputs, meta.new?.inputs);
        addChanged(s, changed);
      } else if (verb === "refresh" && meta.op !== "refresh") {
        // A refresh announces each resource as "refresh" and reports what it found in the
        // outputs event: "update" where the live object differs from the state, "delete" where it is gone.
        s.ops.push(`refresh:${meta.op}`);
        if (meta.op === "delete") s.gone = true;
        else addChanged(s, changedKeys(meta.old?.outputs, meta.new?.outputs));
      }
    }
    if (e.diagnosticEvent) {
      const d = e.diagnosticEvent;
      const msg = stripAnsi(d.message).trim();
      // The SDK logs every RegisterResource answer at debug level with its values resolved,
      // secrets included (pulumi/pulumi sdk/nodejs/runtime/resource.ts); the engine shows those
      // lines only under `--debug`. They are the SDK's, not ours, and kept apart.
      if ((d.severity as string) === "debug") debug.push(msg);
      else if (d.severity === "error") {
        errors.push(msg);
        if (d.urn && steps.has(d.urn)) steps.get(d.urn)!.error = msg;
        else if (d.urn) {
          steps.set(d.urn, { op: "same", urn: d.urn, type: "", name: nameOf(d.urn), ops: [], error: msg });
        }
      } else diagnostics.push(msg);
    }
    if (e.resOpFailedEvent) {
      const m = e.resOpFailedEvent.metadata;
      const s = steps.get(m.urn);
      if (s && !s.error) s.error = `${m.op} failed`;
    }
    if (e.summaryEvent) summary = { ...(e.summaryEvent.resourceChanges as Record<string, number>) };
  };

  const common = {
    onOutput,
    onEvent,
    color: "never" as const,
    ...(o.target ? { target: o.target } : {}),
    ...(o.parallel ? { parallel: o.parallel } : {}),
    ...(o.verbose ? { logVerbosity: 9, logToStdErr: true, logFlow: true, onError: onOutput } : {}),
  };
  let ok = true;
  const extraEnv = o.env ?? {};
  const saved = Object.fromEntries(Object.keys(extraEnv).map((k) => [k, stack.workspace.envVars[k]]));
  Object.assign(stack.workspace.envVars, extraEnv);
  const cpu0 = cpuSoFar();
  try {
    if (verb === "preview") await stack.preview({ ...common, expectNoChanges: o.expectNoChanges, refresh: o.refresh, diff: false });
    else if (verb === "up") await stack.up({ ...common, expectNoChanges: o.expectNoChanges, refresh: o.refresh, continueOnError: o.continueOnError });
    else if (verb === "refresh") await stack.refresh({ ...common, expectNoChanges: o.expectNoChanges, clearPendingCreates: o.clearPendingCreates });
    else await stack.destroy({ ...common, refresh: o.refresh, continueOnError: o.continueOnError });
  } catch (err) {
    ok = false;
    const text = stripAnsi(String((err as Error).message ?? err));
    errors.push(text);
    for (const l of text.split("\n")) if (l.trim()) lines.push(l);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete stack.workspace.envVars[k];
      else stack.workspace.envVars[k] = v;
    }
  }

  const cpu1 = cpuSoFar();
  const cpu: OperationCpu = {
    thisProcessMs: Math.round(cpu1.thisProcessMs - cpu0.thisProcessMs),
    ...(cpu1.childrenMs !== undefined && cpu0.childrenMs !== undefined ? { childrenMs: cpu1.childrenMs - cpu0.childrenMs } : {}),
  };

  // As `pulumi stack export` prints it: secrets stay ciphertext. (The Automation API's own
  // exportStack passes --show-secrets.)
  const state = o.noExport
    ? ""
    : execFileSync(pulumiCli(), ["stack", "export", "--stack", o.stack], {
        cwd: o.workDir,
        encoding: "utf8",
        env: { ...process.env, ...stack.workspace.envVars },
        maxBuffer: 256 * 1024 * 1024,
      });
  const exported = state ? JSON.parse(state) : {};
  const resources = ((exported.deployment as any)?.resources ?? []).filter(
    (r: any) => r.type !== "pulumi:pulumi:Stack" && !String(r.type).startsWith("pulumi:providers:"),
  );
  let rawOutputs: Record<string, unknown> = {};
  if ((verb === "up" || verb === "refresh") && !o.noOutputs) {
    const outs = await stack.outputs();
    rawOutputs = Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, v.value]));
    stackOutputs = Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
  }
  // A refresh that found a resource as the state has it announces "refresh" and reports
  // nothing more: that is no change, as the engine's summary counts it.
  if (verb === "refresh") for (const s of steps.values()) if (s.op === "refresh" && !s.changed && !s.gone && !s.error) s.op = "same";
  const counts: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0, refresh: 0 };
  for (const s of steps.values()) counts[s.op] = (counts[s.op] ?? 0) + 1;
  return {
    ok,
    steps: [...steps.values()],
    summary,
    errors,
    outputs: shown(stackOutputs) as Record<string, unknown>,
    rawOutputs,
    lines,
    counts,
    state,
    resources,
    diagnostics,
    debug,
    cpu,
  };
}

/** `pulumi stack import` of `state` (a `pulumi stack export` text, as `run` gives it) into the stack of `o`. */
export async function importState(o: RunOptions, state: string): Promise<void> {
  const stack = await stackFor(o);
  await stack.importStack(JSON.parse(state));
}

/** `pulumi cancel`: on a local backend, removes the lock a killed run left behind. */
export async function cancel(o: RunOptions): Promise<void> {
  await (await stackFor(o)).cancel();
}

/** The stack's config as the engine decrypts it (`pulumi config --show-secrets`). */
export async function stackConfig(o: RunOptions): Promise<Record<string, ConfigValue>> {
  const all = await (await stackFor(o)).getAllConfig();
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { value: v.value, secret: v.secret }]));
}

/** Forgets the cached workspaces (a test that removes a backend folder calls this). */
export function forgetStacks(): void {
  stacks.clear();
}
