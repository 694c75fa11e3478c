/**
 * A field's facts, declared once beside the field in the zod schema, and every list derived from
 * them: secret paths, secret outputs, replace-on-change keys, write-only paths, local keys, the
 * keys diff compares, the output keys a resource registers, and the reference docs
 * (tools/docs.ts). terraform-plugin-framework declares `Sensitive` and `RequiresReplace` beside
 * the attribute the same way; nothing here is a second list to keep in step by hand.
 *
 *   name: field(z.string().min(1), { description: "The profile's name.", replaceOnChange: true }),
 *
 * The facts live in a zod registry keyed by the schema object. A field is usually wrapped
 * (`.optional()`, `.default()`), which makes a new schema object; the walk below looks for facts
 * on the outermost schema first and then on each wrapped one, so `field(x, f).optional()` and
 * `field(x.optional(), f)` mean the same.
 */
import { z } from "zod";

export interface FieldFacts {
  /** What the field is and does, for a person: the reference docs and the published types. */
  description: string;
  /** Holds a secret: redacted from every message, its output stored encrypted and shown as [secret]. */
  secret?: boolean;
  /** A change needs a new object: the API cannot change it in place. */
  replaceOnChange?: boolean;
  /**
   * The API takes it and never answers it back (or answers it only as ciphertext): a read cannot
   * verify it, so after an import it is taken as declared and listed in `unverified`
   * (core/writeonly.ts) until an update writes it.
   */
  writeOnly?: boolean;
  /** The program's alone: never sent to the vendor (credentials, delete behaviour). */
  local?: boolean;
  /** Read by create only: diff ignores it and the outputs do not hold it (`adopt`). */
  createOnly?: boolean;
}

/** Every field's facts. */
export const fieldFacts = z.registry<FieldFacts>();

/** Declares `schema`'s facts; returns `schema` itself, so it reads inline in a shape. */
export function field<S extends z.ZodType>(schema: S, facts: FieldFacts): S {
  fieldFacts.add(schema, facts);
  return schema;
}

type Def = { type: string; [k: string]: any };
/** zod's definition of a schema: its kind (`type`) and parts. */
export const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The kinds of schema that wrap one other (`innerType`) and change only presence or defaults. */
export const WRAPPER_TYPES: readonly string[] = ["optional", "nullable", "default", "prefault", "readonly", "nonoptional", "catch"];

/** The schema inside optional / default / nullable / readonly / pipe wrappers, one level. */
function inner(s: z.ZodType): z.ZodType | undefined {
  const d = defOf(s);
  if (WRAPPER_TYPES.includes(d.type)) return d.innerType;
  switch (d.type) {
    case "pipe":
      // A transform's input side is the shape the program writes.
      return defOf(d.in).type === "transform" ? d.out : d.in;
    default:
      return undefined;
  }
}

/** The facts declared on `s` or on a schema it wraps; undefined when there are none. */
export function factsOf(s: z.ZodType): FieldFacts | undefined {
  for (let cur: z.ZodType | undefined = s; cur; cur = inner(cur)) {
    const f = fieldFacts.get(cur);
    if (f) return f;
  }
  return undefined;
}

/** The object schema's definition at the core of `s` (through wrappers and refinements), or undefined. */
function objectDefOf(s: z.ZodType): Def | undefined {
  for (let cur: z.ZodType | undefined = s; cur; cur = inner(cur)) {
    const d = defOf(cur);
    if (d.type === "object") return d;
  }
  return undefined;
}

/** The object shape at the core of `s` (through wrappers and refinements), or undefined. */
export function shapeOf(s: z.ZodType): Record<string, z.ZodType> | undefined {
  return objectDefOf(s)?.shape as Record<string, z.ZodType> | undefined;
}

/**
 * What a parse with the object schema at the core of `s` does with keys its shape does not
 * declare: drops them (`z.object`), keeps them (`z.looseObject`, a catchall) or refuses them
 * (`z.strictObject`); undefined for a schema that is no object.
 */
export function unknownKeysOf(s: z.ZodType): "strip" | "keep" | "refuse" | undefined {
  const d = objectDefOf(s);
  if (!d) return undefined;
  if (d.catchall === undefined) return "strip";
  return defOf(d.catchall).type === "never" ? "refuse" : "keep";
}

/** Kinds of schema whose parse can change a value or refuse one its type allows. */
const EFFECT_TYPES: readonly string[] = ["pipe", "transform", "default", "prefault", "catch", "custom", "lazy", "promise", "success", "nonoptional"];

/**
 * Whether parsing with `s` could give anything but its input cut to its shape: a default, a
 * transform or a refinement (a check) anywhere in it. Wrappers, objects, arrays, records, unions
 * and tuples are looked into.
 */
export function hasEffects(s: z.ZodType): boolean {
  const d = defOf(s);
  if (EFFECT_TYPES.includes(d.type) || (Array.isArray(d.checks) && d.checks.length > 0)) return true;
  const parts: z.ZodType[] = [
    ...(d.innerType ? [d.innerType] : []),
    ...(d.element ? [d.element] : []),
    ...(d.keyType ? [d.keyType] : []),
    ...(d.valueType ? [d.valueType] : []),
    ...(d.catchall ? [d.catchall] : []),
    ...(Array.isArray(d.options) ? d.options : []),
    ...(Array.isArray(d.items) ? d.items : []),
    ...(d.rest ? [d.rest] : []),
    ...(d.shape ? Object.values(d.shape as Record<string, z.ZodType>) : []),
  ];
  return parts.some(hasEffects);
}

/**
 * `value` cut to the keys `schema` declares, at every object level its shape describes (a loose
 * object keeps the keys it does not declare, as its parse does; arrays and records are taken
 * whole), undefined values left out: what parsing `value` again with `schema` gives, without the
 * pass, for a value already read with a schema of the same fields that lets unknown keys through
 * (a vendor's loose wire schema). Nothing is checked: the caller vouches that `value` was, and
 * that `schema` has no effects (`hasEffects`).
 */
export function projectOnto<S extends z.ZodType>(schema: S, value: Record<string, unknown>): z.output<S> {
  return project(projectionOf(schema), value) as z.output<S>;
}

/** What `projectOnto` needs of a schema, worked out once per schema: it runs on every answer. */
interface Projection {
  keys: readonly string[];
  keepsUnknown: boolean;
  /** The keys whose schema is an object, with its own projection. */
  nested: ReadonlyMap<string, Projection>;
}

const projections = new WeakMap<z.ZodType, Projection>();

function projectionOf(schema: z.ZodType): Projection {
  let p = projections.get(schema);
  if (p) return p;
  const shape = shapeOf(schema) ?? {};
  const nested = new Map<string, Projection>();
  for (const [k, s] of Object.entries(shape)) if (shapeOf(s)) nested.set(k, projectionOf(s));
  p = { keys: Object.keys(shape), keepsUnknown: unknownKeysOf(schema) === "keep", nested };
  projections.set(schema, p);
  return p;
}

function project(p: Projection, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of p.keepsUnknown ? Object.keys(value) : p.keys) {
    const v = value[k];
    if (v === undefined) continue;
    const n = p.nested.get(k);
    out[k] = n && v !== null && typeof v === "object" && !Array.isArray(v) ? project(n, v as Record<string, unknown>) : v;
  }
  return out;
}

export interface FieldEntry {
  /** Dotted path from the top of the schema: `connection.clientSecret`. */
  path: string;
  schema: z.ZodType;
  facts: FieldFacts | undefined;
}

/**
 * Every field of an object schema, depth first, objects inside objects included (records and
 * arrays are leaves: their facts are the whole value's).
 */
export function fieldsOf(schema: z.ZodType, at = ""): FieldEntry[] {
  const shape = shapeOf(schema);
  if (!shape) return [];
  const out: FieldEntry[] = [];
  for (const [k, s] of Object.entries(shape)) {
    const path = at ? `${at}.${k}` : k;
    out.push({ path, schema: s, facts: factsOf(s) });
    out.push(...fieldsOf(s, path));
  }
  return out;
}

/** The fields above `path` pass their facts down: a secret object's leaves are all secret. */
function inherited(entries: FieldEntry[], path: string, fact: keyof FieldFacts): boolean {
  return entries.some((e) => e.facts?.[fact] === true && (path === e.path || path.startsWith(`${e.path}.`)));
}

function pathsWith(schema: z.ZodType, fact: keyof FieldFacts): string[] {
  const all = fieldsOf(schema);
  // Only the outermost marked path: registerSecretsAt and the write-only helpers walk below it.
  return all.filter((e) => e.facts?.[fact] === true && !all.some((o) => o !== e && o.facts?.[fact] === true && e.path.startsWith(`${o.path}.`))).map((e) => e.path);
}

/** Dotted paths of the secret values (their redaction is registered at each hook). */
export function secretPaths(schema: z.ZodType): string[] {
  return pathsWith(schema, "secret");
}

/** Dotted paths the API never answers back (or answers only as ciphertext). */
export function writeOnlyPaths(schema: z.ZodType): string[] {
  return pathsWith(schema, "writeOnly");
}

const topKeys = (schema: z.ZodType): string[] => Object.keys(shapeOf(schema) ?? {});

/**
 * The top-level output keys that hold a secret anywhere at or below them: the engine stores them
 * encrypted and shows them as [secret] (`additionalSecretOutputs`), whatever the program marked.
 */
export function secretOutputs(...schemas: z.ZodType[]): string[] {
  const out: string[] = [];
  for (const s of schemas) {
    const all = fieldsOf(s);
    for (const k of topKeys(s)) {
      if (all.some((e) => e.facts?.secret === true && (e.path === k || e.path.startsWith(`${k}.`))) && !out.includes(k)) out.push(k);
    }
  }
  return out;
}

function topKeysWith(schema: z.ZodType, fact: keyof FieldFacts): string[] {
  const shape = shapeOf(schema) ?? {};
  return Object.keys(shape).filter((k) => factsOf(shape[k])?.[fact] === true);
}

/** Top-level inputs whose change needs a new object. */
export function replaceOnChangeKeys(schema: z.ZodType): string[] {
  return topKeysWith(schema, "replaceOnChange");
}

/** Top-level inputs never sent to the vendor. */
export function localKeys(schema: z.ZodType): string[] {
  return topKeysWith(schema, "local");
}

/** Top-level inputs read by create only (`adopt`). */
export function createOnlyKeys(schema: z.ZodType): string[] {
  return topKeysWith(schema, "createOnly");
}

/** The inputs diff compares and the state holds: every top-level input but the create-only ones. */
export function comparedKeys(schema: z.ZodType): string[] {
  const skip = createOnlyKeys(schema);
  return topKeys(schema).filter((k) => !skip.includes(k));
}

/**
 * Every output key a resource registers: the inputs the state holds, then the computed outputs
 * (the engine reports only the output keys a resource declared at registration).
 */
export function outputKeys(args: z.ZodType, computed?: z.ZodType): string[] {
  const keys = comparedKeys(args);
  for (const k of computed ? topKeys(computed) : []) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** Whether `path` (dotted) is marked `fact`, itself or through a field above it. */
export function hasFact(schema: z.ZodType, path: string, fact: keyof FieldFacts): boolean {
  return inherited(fieldsOf(schema), path, fact);
}

/** Every field whose description is missing: the docs test names them. */
export function undescribed(schema: z.ZodType): string[] {
  return fieldsOf(schema).filter((e) => !e.facts?.description).map((e) => e.path);
}

type Key<S extends z.ZodType> = Extract<keyof z.output<S>, string>;

/**
 * Every list a resource derives from its facts, in one call its schema makes in plain sight:
 *   export const { secretPaths: SECRET_PATHS, ... } = fieldLists(argsSchema, outputsSchema);
 */
export function fieldLists<A extends z.ZodType, O extends z.ZodType>(args: A, outputs: O) {
  const inputKeys = comparedKeys(args) as Key<A>[];
  const local = localKeys(args) as Key<A>[];
  return {
    /** Dotted input paths that hold a secret (registered for redaction at every hook). */
    secretPaths: secretPaths(args),
    /** Output keys that can hold a secret: stored encrypted, shown as [secret]. */
    secretOutputs: secretOutputs(args, outputs) as (Key<A> | Key<O>)[],
    /** Input paths the API never answers back (core/writeonly.ts). */
    writeOnlyPaths: writeOnlyPaths(args),
    /** Inputs whose change needs a new object. */
    replaceOnChange: replaceOnChangeKeys(args) as Key<A>[],
    /** Inputs never sent to the vendor, `adopt` included. */
    localKeys: local,
    /** The local inputs the state holds (a change of only these writes nothing). */
    localStateKeys: local.filter((k) => inputKeys.includes(k)),
    /** The inputs the state holds and diff compares (all but `adopt`). */
    inputKeys,
    /** Every output key the resource registers: the inputs the state holds, then the computed outputs. */
    outputKeys: outputKeys(args, outputs) as (Key<A> | Key<O>)[],
  };
}
