/**
 * The offline lifecycle driver: does with a Pulumi program's dynamic resources what the Pulumi
 * engine does, on a machine without the Pulumi CLI. The program runs under
 * `pulumi.runtime.setMocks`; each resource it registers is handed, `__provider` and all, to the
 * real dynamic-provider host over gRPC: Configure, Check, Diff, then Create / Update / replace,
 * Read for refresh and import, Delete for destroy and for resources the program dropped. State is
 * a JSON file per stack with secrets encrypted.
 *
 * It is a test and demo driver, not a Pulumi replacement: no parents, aliases, protect or
 * transformations; resources are ordered by when the program registered them (which follows
 * their data dependencies) and deleted in reverse.
 */
import * as path from "node:path";
import { InitFailedError, ProviderHost, trace, type Props } from "./host";
import { secretOutputs } from "./index";
import { SECRET_SIG, SECRET_SIG_KEY, StateFile, type ResourceState, type StackState } from "./statefile";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";

export type Verb = "preview" | "up" | "refresh" | "destroy";

export interface ConfigValue {
  value: string;
  secret?: boolean;
}

/** A program: a module path (its exports are the stack outputs) or a function returning them. */
export type Program = string | (() => unknown);

export interface RunOptions {
  /** The Pulumi project directory: the host's working directory. */
  projectDir: string;
  program: Program;
  project: string;
  stack: string;
  stateFile: string;
  /** Stack config, full keys (`trustplane:scmClientId`, `<project>:name`). */
  config?: Record<string, ConfigValue>;
  /** Encrypts secrets in the state file; PULUMI_CONFIG_PASSPHRASE by default. */
  passphrase?: string;
  /** Each printed line (the plan, the outputs, errors). Defaults to stdout. */
  out?: (line: string) => void;
}

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "import" | "refresh" | "read-gone";

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  changed?: string[];
  error?: string;
}

export interface RunResult {
  ok: boolean;
  steps: Step[];
  errors: string[];
  /** Stack outputs as printed: secret ones are "[secret]", unknown ones "(unknown)". */
  outputs: Record<string, unknown>;
  /** Stack outputs with secret values, for tests of the wiring. */
  rawOutputs: Record<string, unknown>;
  lines: string[];
  counts: Record<StepOp, number>;
  host: { startupMs: number; log: string[] };
}

const SYMBOL: Record<StepOp, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  import: "=",
  refresh: "~",
  "read-gone": "-",
};

function shortType(type: string): string {
  return type.replace(/^pulumi-nodejs:dynamic\//, "");
}

function urnOf(project: string, stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/* ------------------------ values between program, host and state ------------------------ */

function isSecretWrapper(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Props)[SECRET_SIG_KEY] === SECRET_SIG && "value" in (v as Props);
}

/**
 * The program's view (secret wrappers, `Unknown` objects) → the host's view (plain values, the
 * unknown sentinel), noting which top-level keys carried a secret. The host does not accept
 * secrets (its Configure says so), so, as the engine does, we strip them and re-mark outputs.
 */
function toHost(inputs: Props, isUnknown: (v: unknown) => boolean): { plain: Props; secretKeys: string[] } {
  const secretKeys: string[] = [];
  const conv = (v: unknown, top?: string): unknown => {
    if (isUnknown(v)) return UNKNOWN;
    if (isSecretWrapper(v)) {
      if (top) secretKeys.push(top);
      return conv(v.value, top);
    }
    if (Array.isArray(v)) return v.map((x) => conv(x, top));
    if (v && typeof v === "object") {
      const o: Props = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = conv(x, top);
      return o;
    }
    return v;
  };
  const plain: Props = {};
  for (const [k, v] of Object.entries(inputs)) if (v !== undefined) plain[k] = conv(v, k);
  return { plain, secretKeys: [...new Set(secretKeys)] };
}

function withoutProvider(p: Props): Props {
  const { [PROVIDER_KEY]: _p, ...rest } = p;
  return rest;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => (v as Props)[k] !== undefined)
        .map((k) => [k, canon((v as Props)[k])]),
    );
  return v;
}

function changedKeys(olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(withoutProvider(olds)), ...Object.keys(withoutProvider(news))]);
  return [...keys].filter((k) => !deepEqual(olds[k], news[k])).sort();
}

/* --------------------------------------- the run --------------------------------------- */

export async function run(verb: Verb, o: RunOptions): Promise<RunResult> {
  const lines: string[] = [];
  const print = (l: string) => {
    lines.push(l);
    (o.out ?? ((x: string) => process.stdout.write(x + "\n")))(l);
  };
  const passphrase = o.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined) throw new Error("set PULUMI_CONFIG_PASSPHRASE (it encrypts the secrets in the stack's state file)");
  const sf = new StateFile(o.stateFile, passphrase);
  const state = sf.load(o.project, o.stack);
  const config = o.config ?? {};
  trace("run-start", { verb, project: o.project, stack: o.stack });
  const host = await ProviderHost.start({ cwd: o.projectDir, project: o.project });
  const steps: Step[] = [];
  const errors: string[] = [];
  let outputs: Record<string, unknown> = {};
  let rawOutputs: Record<string, unknown> = {};
  try {
    await host.configure(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])));
    const title = { preview: "Previewing update", up: "Updating", refresh: "Refreshing", destroy: "Destroying" }[verb];
    print(`${title} (${o.stack}):`);
    if (verb === "refresh") await refresh(state, host, steps, errors, print);
    else if (verb === "destroy") await destroy(state, host, steps, errors, print);
    else ({ outputs, rawOutputs } = await deploy(verb === "preview", o, state, host, steps, errors, print));
    if (verb !== "preview") sf.save(state);
  } finally {
    await host.stop();
    trace("run-end", { verb, project: o.project, host: host.pid });
  }
  const counts = Object.fromEntries(Object.keys(SYMBOL).map((k) => [k, steps.filter((s) => s.op === k).length])) as Record<StepOp, number>;
  const PAST: Record<StepOp, string> = {
    create: "created", update: "updated", replace: "replaced", delete: "deleted", import: "imported",
    refresh: "refreshed with drift", "read-gone": "gone (deleted outside Pulumi)", same: "unchanged",
  };
  const summary = (["create", "update", "replace", "delete", "import", "refresh", "read-gone", "same"] as StepOp[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${verb === "preview" && k !== "same" ? `to ${k}` : PAST[k]}`);
  print(`Resources: ${summary.length ? summary.join(", ") : "no changes"}`);
  if (errors.length) {
    print(`Errors (${errors.length}):`);
    for (const e of errors) print(`  error: ${e.replace(/\n/g, "\n    ")}`);
  }
  return { ok: errors.length === 0, steps, errors, outputs, rawOutputs, lines, counts, host: { startupMs: host.startupMs, log: host.log } };
}

function printStep(print: (l: string) => void, s: Step): void {
  const diff = s.changed?.length ? ` [diff: ${s.changed.map((k) => `~${k}`).join(", ")}]` : "";
  print(`  ${SYMBOL[s.op].padEnd(2)} ${shortType(s.type)} ${s.name} ${s.op}${diff}${s.error ? " FAILED" : ""}`);
}

async function refresh(state: StackState, host: ProviderHost, steps: Step[], errors: string[], print: (l: string) => void) {
  await Promise.all(
    state.resources.map(async (r) => {
      try {
        const res = await host.read(r.urn, r.id, r.outputs, r.inputs);
        if (!res.id) {
          state.resources = state.resources.filter((x) => x !== r);
          const s: Step = { op: "read-gone", urn: r.urn, type: r.type, name: r.name };
          steps.push(s);
          printStep(print, s);
          return;
        }
        const changed = changedKeys(r.outputs, res.props);
        r.id = res.id;
        r.outputs = res.props;
        if (res.inputs) r.inputs = res.inputs;
        const s: Step = { op: changed.length ? "refresh" : "same", urn: r.urn, type: r.type, name: r.name, changed };
        steps.push(s);
        if (changed.length) printStep(print, s);
      } catch (e) {
        errors.push(`${shortType(r.type)} ${r.name}: refresh failed: ${(e as Error).message}`);
      }
    }),
  );
}

async function destroy(state: StackState, host: ProviderHost, steps: Step[], errors: string[], print: (l: string) => void) {
  for (const r of [...state.resources].reverse()) {
    const s: Step = { op: "delete", urn: r.urn, type: r.type, name: r.name };
    try {
      await host.delete(r.urn, r.id, r.outputs);
      state.resources = state.resources.filter((x) => x !== r);
    } catch (e) {
      s.error = (e as Error).message;
      errors.push(`${shortType(r.type)} ${r.name}: delete failed: ${s.error}`);
    }
    steps.push(s);
    printStep(print, s);
  }
  state.outputs = {};
  state.secretOutputs = [];
}

/** preview and up: run the program and take each registered resource through its steps. */
async function deploy(
  preview: boolean,
  o: RunOptions,
  state: StackState,
  host: ProviderHost,
  steps: Step[],
  errors: string[],
  print: (l: string) => void,
): Promise<{ outputs: Record<string, unknown>; rawOutputs: Record<string, unknown> }> {
  const programDir = typeof o.program === "string" ? path.dirname(path.resolve(o.program)) : o.projectDir;
  // Drive the SDK instance the program itself resolves, or the mocks would not be seen.
  const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [programDir, __dirname] }));
  const outputMod = require(require.resolve("@pulumi/pulumi/output", { paths: [programDir, __dirname] }));
  const isUnknown = (v: unknown) => outputMod.isUnknown(v);

  // The stack config the program's `new pulumi.Config()` reads (the SDK caches it, so set it, not the env).
  const config = o.config ?? {};
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])),
    Object.entries(config).filter(([, v]) => v.secret).map(([k]) => k),
  );

  const seen = new Set<string>();
  const next: ResourceState[] = [];
  const pendingDeletes: ResourceState[] = [];
  const pending: Promise<unknown>[] = [];
  const byUrn = new Map(state.resources.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));

  const toProgram = (r: { outputs: Props; secretKeys: string[] }): Props => {
    const out: Props = {};
    for (const [k, v] of Object.entries(withoutProvider(r.outputs))) {
      out[k] = r.secretKeys.includes(k) ? { [SECRET_SIG_KEY]: SECRET_SIG, value: v } : v;
    }
    return out;
  };

  const register = async (args: { type: string; name: string; inputs: Props; id?: string }): Promise<{ id: string; state: Props }> => {
    const urn = urnOf(o.project, o.stack, args.type, args.name);
    if (seen.has(urn)) throw new Error(`duplicate resource URN ${urn}`);
    seen.add(urn);
    const { plain, secretKeys: inputSecrets } = toHost(args.inputs, isUnknown);
    const secretKeys = [...new Set([...inputSecrets, ...secretOutputs(args.type)])];
    const old = byUrn.get(urn);
    const step: Step = { op: "same", urn, type: args.type, name: args.name };
    steps.push(step);
    // On a failure the state keeps its object as it was, unless that object no longer stands for
    // the URN: deleted before its replacement, or succeeded by a half-made one already recorded.
    let superseded = false;
    const fail = (msg: string): never => {
      step.error = msg;
      errors.push(`${shortType(args.type)} ${args.name}: ${msg}`);
      printStep(print, step);
      if (old && !superseded) next.push(old);
      throw new Error(`${args.name}: ${msg}`);
    };

    // Import: adopt an existing object; its inputs must match the program's (as `pulumi import` demands).
    if (args.id && !old) {
      step.op = "import";
      const read = await host.read(urn, args.id, { [PROVIDER_KEY]: plain[PROVIDER_KEY] }, {}).catch((e) => fail(`import read failed: ${e.message}`));
      if (!read.id) fail(`resource to import (id ${args.id}) does not exist`);
      const readInputs = { ...(read.inputs ?? read.props), [PROVIDER_KEY]: plain[PROVIDER_KEY] };
      const checked = await host.check(urn, readInputs, plain);
      if (checked.failures.length) fail(checked.failures.map((f) => f.reason).join("; "));
      const d = await host.diff(urn, read.id, { ...read.props, [PROVIDER_KEY]: plain[PROVIDER_KEY] }, checked.inputs);
      if (d.changes === "some") {
        fail(`inputs to import do not match the existing resource: [${changedKeys(readInputs, checked.inputs).join(", ")}]; make the program match it, or import without those properties`);
      }
      const r: ResourceState = { urn, type: args.type, name: args.name, id: read.id, inputs: checked.inputs, outputs: { ...read.props, [PROVIDER_KEY]: plain[PROVIDER_KEY] }, secretKeys };
      next.push(r);
      printStep(print, step);
      return { id: r.id, state: toProgram(r) };
    }

    const checked = await host.check(urn, old?.inputs ?? {}, plain);
    if (checked.failures.length) fail(`check failed:\n${checked.failures.map((f) => `${f.reason}`).join("\n")}`);
    const inputs = checked.inputs;

    /**
     * `replacing`: the object this one replaces, deleted after it only once the replacement exists
     * (as the engine marks the old one pending delete only after its CreateReplacement step). If
     * the create fails outright, the old object is still the stack's and must be neither deleted
     * nor dropped.
     */
    const create = async (replacing?: ResourceState): Promise<ResourceState> => {
      if (preview) {
        // Not created yet: the id is unknown to the program (the SDK reads "" as unknown in a preview).
        return { urn, type: args.type, name: args.name, id: "", inputs, outputs: { ...inputs }, secretKeys };
      }
      try {
        const c = await host.create(urn, inputs);
        if (replacing) pendingDeletes.push(replacing);
        return { urn, type: args.type, name: args.name, id: c.id, inputs, outputs: c.outs, secretKeys };
      } catch (e) {
        if (e instanceof InitFailedError && e.id) {
          // The object exists: keep it in state, so it is neither orphaned nor created twice. It
          // is the stack's object now; the one it replaces goes as after a full create.
          next.push({ urn, type: args.type, name: args.name, id: e.id, inputs, outputs: { ...e.properties, [PROVIDER_KEY]: inputs[PROVIDER_KEY] }, secretKeys, initErrors: e.reasons });
          if (replacing) pendingDeletes.push(replacing);
          superseded = true;
          return fail(`create partially failed: ${e.message}`);
        }
        return fail(`create failed: ${(e as Error).message}`);
      }
    };

    let result: ResourceState;
    if (!old) {
      step.op = "create";
      result = await create();
    } else {
      const d = await host.diff(urn, old.id, old.outputs, inputs);
      step.changed = changedKeys(old.inputs, inputs);
      if (d.changes === "none" && !old.initErrors) {
        step.changed = undefined;
        result = old;
        result.inputs = inputs;
      } else if (d.replaces.length > 0) {
        step.op = "replace";
        step.changed = d.replaces;
        if (d.deleteBeforeReplace) {
          if (!preview) {
            await host.delete(urn, old.id, old.outputs).catch((e) => fail(`delete (before replace) failed: ${e.message}`));
          }
          // The old object is gone: a failed create leaves nothing of it to keep, and the next up
          // creates it.
          superseded = !preview;
          result = await create();
        } else {
          result = await create(old);
        }
      } else {
        step.op = "update";
        if (preview) {
          result = { ...old, inputs, outputs: { ...old.outputs, ...inputs }, secretKeys };
        } else {
          try {
            const outs = await host.update(urn, old.id, old.outputs, inputs);
            result = { urn, type: args.type, name: args.name, id: old.id, inputs, outputs: outs, secretKeys };
          } catch (e) {
            if (e instanceof InitFailedError) {
              // The half-updated object replaces the old entry (one entry per URN), as the engine records it.
              next.push({ ...old, inputs, outputs: { ...e.properties, [PROVIDER_KEY]: inputs[PROVIDER_KEY] }, initErrors: e.reasons });
              superseded = true;
              return fail(`update partially failed: ${e.message}`);
            }
            return fail(`update failed: ${(e as Error).message}`);
          }
        }
      }
    }
    next.push(result);
    if (step.op !== "same") printStep(print, step);
    return { id: result.id, state: toProgram(result) };
  };

  await pulumi.runtime.setMocks(
    {
      newResource: (args: { type: string; name: string; inputs: Props; id?: string }) => {
        const p = register(args);
        pending.push(p.catch(() => undefined));
        return p;
      },
      call: async () => ({}),
    },
    o.project,
    o.stack,
    preview,
  );

  // A failed registration rejects promises inside the SDK that nobody awaits; the failure is
  // already recorded as a step error, so keep it from crashing the run.
  const onRejection = (e: unknown) => {
    const msg = (e as Error)?.message ?? String(e);
    if (!errors.some((x) => msg.includes(x.split(": ").slice(1).join(": ").slice(0, 60)))) errors.push(`the program failed: ${msg}`);
  };
  process.on("unhandledRejection", onRejection);
  let exported: unknown;
  try {
    if (typeof o.program === "string") {
      const resolved = require.resolve(path.resolve(o.program));
      delete require.cache[resolved];
      exported = require(resolved);
    } else {
      exported = await o.program();
    }
  } catch (e) {
    errors.push(`the program failed: ${(e as Error).stack ?? e}`);
  }
  trace("program-ran", { project: o.project });
  const resolvedOutputs = await resolveOutputs(pulumi, exported, errors);
  trace("outputs-resolved", { project: o.project });
  // Registrations still in flight (resources no output depends on) are part of the run too.
  const settings = require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [programDir, __dirname] }));
  await settings.waitForRPCs?.().catch(() => undefined);
  trace("rpcs-done", { project: o.project });
  for (let n = -1; n !== pending.length; ) {
    n = pending.length;
    await Promise.all(pending);
  }
  await new Promise((r) => setImmediate(r));
  process.off("unhandledRejection", onRejection);

  // Resources in the state that the program no longer declares, and replaced ones, go last,
  // in reverse order of creation so dependents go before what they depend on.
  const dropped = state.resources.filter((r) => !r.pendingDelete && !seen.has(r.urn));
  for (const r of [...dropped].reverse()) {
    const s: Step = { op: "delete", urn: r.urn, type: r.type, name: r.name };
    if (!preview) {
      try {
        await host.delete(r.urn, r.id, r.outputs);
      } catch (e) {
        s.error = (e as Error).message;
        errors.push(`${shortType(r.type)} ${r.name}: delete failed: ${s.error}`);
        next.push(r);
      }
    }
    steps.push(s);
    printStep(print, s);
  }
  // Replaced objects: this run's, and earlier runs' whose delete failed. One that cannot be
  // deleted now stays in the state, so it is neither forgotten nor left behind in the API.
  const leftOver = state.resources.filter((r) => r.pendingDelete);
  for (const r of [...leftOver, ...pendingDeletes]) {
    if (preview) {
      const s: Step = { op: "delete", urn: r.urn, type: r.type, name: r.name };
      steps.push(s);
      printStep(print, s);
      continue;
    }
    try {
      await host.delete(r.urn, r.id, r.outputs);
    } catch (e) {
      errors.push(`${shortType(r.type)} ${r.name}: delete of the replaced object (id ${r.id}) failed, kept in the state for the next up or destroy: ${(e as Error).message}`);
      next.push({ ...r, pendingDelete: true });
    }
  }

  // Keep the state's order: surviving resources where they were, new ones after.
  const order = new Map(state.resources.map((r, i) => [r.urn, i]));
  next.sort((a, b) => (order.get(a.urn) ?? Infinity) - (order.get(b.urn) ?? Infinity));
  if (!preview) {
    state.resources = next;
    state.outputs = resolvedOutputs.values;
    state.secretOutputs = resolvedOutputs.secret;
  }
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resolvedOutputs.values)) {
    shown[k] = resolvedOutputs.unknown.includes(k) ? "(unknown)" : resolvedOutputs.secret.includes(k) ? "[secret]" : v;
  }
  if (Object.keys(shown).length) {
    print("Outputs:");
    for (const [k, v] of Object.entries(shown)) print(`    ${k}: ${typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v, null, 0)}`);
  }
  return { outputs: shown, rawOutputs: resolvedOutputs.values };
}

/** The program's exports, resolved; which are secret, which are not known until apply. */
async function resolveOutputs(
  pulumi: any,
  exported: unknown,
  errors: string[],
): Promise<{ values: Record<string, unknown>; secret: string[]; unknown: string[] }> {
  const values: Record<string, unknown> = {};
  const secret: string[] = [];
  const unknown: string[] = [];
  if (!exported || typeof exported !== "object") return { values, secret, unknown };
  for (const [k, v] of Object.entries(exported as Record<string, unknown>)) {
    if (k === "__esModule" || typeof v === "function") continue;
    try {
      const out = pulumi.output(v);
      const [known, isSecret, value] = await Promise.all([out.isKnown, out.isSecret, out.promise(true)]);
      if (!known) unknown.push(k);
      if (isSecret) secret.push(k);
      values[k] = known ? stripUnknown(value) : UNKNOWN;
    } catch (e) {
      errors.push(`stack output ${k}: ${(e as Error).message}`);
    }
  }
  return { values, secret, unknown };
}

function stripUnknown(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}
