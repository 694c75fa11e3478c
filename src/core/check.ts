/**
 * `check` for every resource: zod validation that a person can act on, tolerant of the values
 * the engine does not know yet during preview.
 *
 * During `pulumi preview` an input that comes from another resource's output arrives as the
 * engine's unknown sentinel. Such an input cannot be validated yet, and neither can a rule that
 * spans it (exactly one of folder/snippet/device when `folder` is unknown), so issues at, above
 * or below an unknown path are dropped; everything else is still checked.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { defOf, WRAPPER_TYPES } from "./fields";
import { endpointFailures, type SettingSpec } from "./settings";

/** The engine's wire form of "not known until apply" (pulumi/sdk runtime `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult<T> {
  inputs: T;
  failures: CheckFailure[];
}

type Path = (string | number)[];

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** Paths of every unknown value inside `v`. */
export function unknownPaths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (isUnknown(v)) out.push(at);
  else if (Array.isArray(v)) v.forEach((x, i) => unknownPaths(x, [...at, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) unknownPaths(x, [...at, k], out);
  return out;
}

export function containsUnknown(v: unknown): boolean {
  return unknownPaths(v).length > 0;
}

function related(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

/** `scepChallenge.dynamic.password`, `profiles["a/b"].groups[0]`: the property path a user reads. */
export function propertyPath(path: Path): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripUndefined);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = stripUndefined(x);
    return o;
  }
  return v;
}

/**
 * Validates `news` with `schema` (the engine's `__provider` is gone already: core/engine.ts). On success the inputs are the schema's
 * output (defaults filled, spellings normalised) so that diffs are stable; when unknowns block
 * a full parse, every known part is still normalised (`normaliseKnown`) and only the checkable
 * issues are reported, so a preview's changed keys are the update's wherever the unknowns allow.
 */
export function checkInputs<S extends z.ZodType>(schema: S, news: Record<string, unknown>): CheckResult<Record<string, unknown>> {
  const given = news;
  const unknowns = unknownPaths(given);
  const parsed = schema.safeParse(given);
  // Checked before the schema's verdict: a record schema drops such a key without an issue.
  const failures: CheckFailure[] = [...prototypeKeyFailures(given), ...refusedSecretFailures(given)];
  if (parsed.success && failures.length === 0) {
    return { inputs: stripUndefined(parsed.data) as Record<string, unknown>, failures: [] };
  }
  if (parsed.success) return { inputs: stripUndefined(given) as Record<string, unknown>, failures };
  const refused = refusedSecretFailures(given).map((f) => [f.property]);
  for (const issue of parsed.error.issues) {
    const path = issue.path as Path;
    if (unknowns.some((u) => related(u, path))) continue;
    if (refused.some((r) => related(r, path))) continue;
    failures.push(toFailure(issue, path));
  }
  return { inputs: stripUndefined(normaliseKnown(schema, given)) as Record<string, unknown>, failures: dedupe(failures) };
}


/**
 * `v` with each part the schema can parse on its own parsed (defaults filled, spellings
 * normalised), walking objects, records and arrays down to the parts that hold an unknown.
 * A part with an unknown inside a transform (the whole of it is rewritten) or a part that does
 * not parse alone stays as given: its issue, if any, is reported by the full parse.
 *
 * Without this, a preview whose inputs hold one unknown compared the raw inputs with the
 * normalised state and listed changes (`~algorithm`, `~subject`: 2048 against "2048", a default
 * left out) that the update, with everything known, then did not make.
 */
export function normaliseKnown(schema: z.ZodType, v: unknown): unknown {
  if (isUnknown(v)) return v;
  if (!containsUnknown(v)) {
    const r = schema.safeParse(v);
    return r.success ? r.data : v;
  }
  const def = defOf(schema);
  if (WRAPPER_TYPES.includes(def.type) && def.type !== "catch") return normaliseKnown(def.innerType, v);
  switch (def.type) {
    case "object": {
      if (!v || typeof v !== "object" || Array.isArray(v)) return v;
      const shape = def.shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k in shape ? normaliseKnown(shape[k], x) : x;
      for (const [k, field] of Object.entries(shape)) {
        if ((v as Record<string, unknown>)[k] !== undefined) continue;
        // An absent key: its default, if the field has one.
        const r = field.safeParse(undefined);
        if (r.success && r.data !== undefined) out[k] = r.data;
      }
      return out;
    }
    case "record": {
      if (!v || typeof v !== "object" || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = normaliseKnown(def.valueType, x);
      return out;
    }
    case "array":
      return Array.isArray(v) ? v.map((x) => normaliseKnown(def.element, x)) : v;
    default:
      return v;
  }
}

/**
 * Inputs the resource class replaced because the program wrapped them in `pulumi.secret` where a
 * secret cannot go (they become the id: core/secrets.ts `refuseSecretIdInputs`), named with the
 * class's reason instead of the schema's "must be a string".
 */
function refusedSecretFailures(v: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const [k, x] of Object.entries(v ?? {})) {
    const reason = x && typeof x === "object" ? (x as { refusedSecret?: unknown }).refusedSecret : undefined;
    if (typeof reason === "string") out.push({ property: k, reason: `${k}: ${reason}` });
  }
  return out;
}

const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"];

/**
 * Keys no map of ours can hold: assigning `__proto__` sets an object's prototype instead of a
 * key, and `constructor` / `prototype` name its machinery, so a schema (zod's records included)
 * drops or misreads them silently. Each is named as a failure at its path instead.
 */
export function prototypeKeyFailures(v: unknown, at: Path = [], out: CheckFailure[] = []): CheckFailure[] {
  if (Array.isArray(v)) v.forEach((x, i) => prototypeKeyFailures(x, [...at, i], out));
  else if (v && typeof v === "object") {
    for (const k of Object.keys(v)) {
      const p = [...at, k];
      if (PROTOTYPE_KEYS.includes(k)) {
        const property = propertyPath(p);
        out.push({
          property,
          reason: `${property}: '${k}' cannot be used as a key: JavaScript objects take it for their prototype machinery, so it would be dropped or misread; rename it`,
        });
      } else prototypeKeyFailures((v as Record<string, unknown>)[k], p, out);
    }
  }
  return out;
}

function toFailure(issue: z.core.$ZodIssue, path: Path): CheckFailure {
  const property = propertyPath(path) || "(resource)";
  let reason = issue.message;
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    reason = `unknown propert${keys.length > 1 ? "ies" : "y"} ${keys.map((k) => `'${k}'`).join(", ")}: remove ${keys.length > 1 ? "them" : "it"} or check the spelling against the resource's documented inputs`;
  } else if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
    reason = `is required: ${issue.message.replace(/^Invalid input: /, "")}`;
  }
  return { property, reason: `${property}: ${reason}` };
}

function dedupe(fs: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return fs.filter((f) => (seen.has(f.reason) ? false : (seen.add(f.reason), true)));
}



/**
 * "Exactly one of" for zod `superRefine`: an unknown value counts as set, because it will be.
 * The issue is reported at the first key so its property path is something the user can find.
 */
export function exactlyOne(
  obj: Record<string, unknown>,
  keys: readonly string[],
  ctx: z.core.$RefinementCtx,
  at: (string | number)[] = [],
  what = "",
): void {
  const set = keys.filter((k) => obj[k] !== undefined && obj[k] !== null);
  if (set.length === 1) return;
  const list = keys.map((k) => `'${k}'`).join(", ");
  ctx.addIssue({
    code: "custom",
    path: set.length > 1 ? [...at, set[1]] : [...at, keys[0]],
    message:
      set.length === 0
        ? `set exactly one of ${list}${what}`
        : `set only one of ${list}${what}; found ${set.map((k) => `'${k}'`).join(" and ")}`,
  });
}

/**
 * The `check` hook of every resource: the secrets registered for redaction first (a failure
 * message may quote a value), the schema's verdict, and endpoint URLs that carry credentials
 * refused wherever they come from (input, stack config, environment).
 */
export function checkHook(
  schema: z.ZodType,
  o: { registerSecrets: (news: Record<string, unknown>) => void; settings: Record<string, SettingSpec> },
): (olds: Record<string, unknown>, news: Record<string, unknown>) => Promise<pulumi.dynamic.CheckResult> {
  return async (_olds, news) => {
    o.registerSecrets(news);
    const r = checkInputs(schema, news);
    return { ...r, failures: [...r.failures, ...endpointFailures(news.connection as Record<string, unknown> | undefined, o.settings)] };
  };
}
