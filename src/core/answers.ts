/**
 * An API answer checked against its zod wire schema without a zod pass, where the schema allows:
 * the schema stays the one statement of the answer's shape, and zod stays the judge of anything
 * this file cannot decide.
 *
 * Why: a hook waits about as long for the API as the API takes, and after 20 ms of waiting a zod
 * parse of CZERTAINLY's 964-byte detail took 150–220 µs on this machine (its code and data no
 * longer in the caches), against 20–30 µs for a walk of plain closures over the same fields
 * (docs/benchmark.md, "Where CZERTAINLY's p50 goes"). The host ceiling reads no answer at all.
 *
 * What is done here: each schema is turned once into a tree of small checks, for the kinds of
 * schema wire answers are made of (strings, finite numbers, booleans, null, literals, enums,
 * unknown, optional and nullable, plain unions, arrays, records keyed by plain strings, objects).
 * A value passes only where zod would accept it and give back the same value: no default,
 * transform, coercion, format, refinement or length check anywhere (a schema with one is never
 * compiled), and no key an object's schema would strip. A value that does not pass, and every schema that holds something
 * else, goes to zod, so errors and every result that differs from the input are still zod's.
 *
 * A codec (`z.codec`, one wire side and one program side) whose two sides both compile is read the
 * same way through its decode: the wire side's check, the decode, the program side's check; and a
 * request body is written through its encode the other way round (`encodeRequest`). Where a side
 * refuses, the transform notes an issue, throws or answers a promise, zod decides. The transforms
 * are handed the value itself rather than zod's equal copy of it, so they must not change their
 * input (none here does), and the caller gets what the transform answered rather than zod's copy
 * of it. nevisIDM's answer and PATCH body are such a codec: after 20 ms of waiting, its answer
 * took 98–103 µs through zod and 28–34 µs so, its body 137 µs and 37 µs (docs/benchmark.md).
 */
import { z } from "zod";
import { defOf, unknownKeysOf } from "./fields";

type Check = (v: unknown) => boolean;

const compiled = new WeakMap<z.ZodType, Check | null>();

/** The schema's check, or null where it holds a kind this file leaves to zod. Made once per schema. */
export function quickCheckOf(schema: z.ZodType): Check | null {
  let c = compiled.get(schema);
  if (c === undefined) {
    c = compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** An object as JSON.parse makes them: zod would answer a copy of any other kind of object, so those go to zod. */
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.getPrototypeOf(v) === Object.prototype;
};

function compile(s: z.ZodType): Check | null {
  const d = defOf(s);
  // A refinement, a length or pattern check, a coercion or a string/number format: zod's to judge.
  if ((Array.isArray(d.checks) && d.checks.length > 0) || d.coerce || d.format !== undefined || d.check !== undefined) return null;
  switch (d.type) {
    case "string":
      return (v) => typeof v === "string";
    case "number":
      // zod's number refuses NaN and the infinities.
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "null":
      return (v) => v === null;
    case "unknown":
    case "any":
      return () => true;
    case "literal": {
      const values: readonly unknown[] = d.values;
      return (v) => values.includes(v);
    }
    case "enum": {
      const values = Object.values(d.entries as Record<string, unknown>);
      return (v) => values.includes(v);
    }
    case "optional": {
      const inner = compile(d.innerType);
      return inner && ((v) => v === undefined || inner(v));
    }
    case "nullable": {
      const inner = compile(d.innerType);
      return inner && ((v) => v === null || inner(v));
    }
    case "array": {
      const element = compile(d.element);
      return element && ((v) => Array.isArray(v) && v.every(element));
    }
    case "record": {
      // Keys as plain strings only: an enum key makes the record exhaustive, a checked key may refuse.
      const key = defOf(d.keyType);
      const value = compile(d.valueType);
      if (key.type !== "string" || compile(d.keyType) === null || !value) return null;
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const k in v) if (k === "__proto__" || !value(v[k])) return false;
        return true;
      };
    }
    case "union": {
      // A plain union answers the first option that takes the value, and every option here gives
      // it back as it is. A discriminated union tries only the option its key names, and an
      // exclusive one (xor) refuses a value two options take: zod's to judge.
      if (d.discriminator !== undefined || d.inclusive !== undefined) return null;
      const options = (d.options as z.ZodType[]).map(compile);
      if (options.some((o) => o === null)) return null;
      const all = options as Check[];
      return (v) => all.some((o) => o(v));
    }
    case "object": {
      const shape = d.shape as Record<string, z.ZodType>;
      const keys = Object.keys(shape);
      const checks: Check[] = [];
      for (const k of keys) {
        const c = compile(shape[k]);
        if (!c) return null;
        checks.push(c);
      }
      // Unknown keys: a plain object strips them (the value would change) and a strict one refuses
      // them, so a value with one goes to zod; a loose one (any other catchall) checks each of them.
      const keeps = unknownKeysOf(s) === "keep";
      const catchall = keeps ? compile(d.catchall) : undefined;
      if (keeps && !catchall) return null;
      const known = new Set(keys);
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (let i = 0; i < keys.length; i++) if (!checks[i](v[keys[i]])) return false;
        for (const k in v) {
          if (known.has(k)) continue;
          if (!catchall || k === "__proto__" || !catchall(v[k])) return false;
        }
        return true;
      };
    }
    default:
      return null;
  }
}

/** What a quick parse answers when it cannot decide: the caller asks zod. */
const UNDECIDED: unique symbol = Symbol("undecided");
/** The value zod would answer, or UNDECIDED. */
type Parse = (v: unknown) => unknown;

/** A codec's sides and transforms (`z.codec` makes a pipe that carries both transforms). */
interface Codec {
  in: z.ZodType;
  out: z.ZodType;
  transform: Transform;
  reverseTransform: Transform;
}
function codecOf(s: z.ZodType): Codec | undefined {
  const d = defOf(s);
  return d.type === "pipe" && typeof d.transform === "function" && typeof d.reverseTransform === "function" ? (d as unknown as Codec) : undefined;
}
/** zod hands a codec's transform the parse state (value and issues), where a transform may note an issue. */
type Transform = (v: unknown, state: { value: unknown; issues: unknown[] }) => unknown;

/** `from`'s check, the transform, `to`'s check: what zod's pass through a codec answers, or UNDECIDED. */
function through(from: Check, transform: Transform, to: Check): Parse {
  return (v) => {
    if (!from(v)) return UNDECIDED;
    const state = { value: v, issues: [] as unknown[] };
    let out: unknown;
    try {
      out = transform(v, state);
    } catch {
      // zod runs it again, and throws what it throws.
      return UNDECIDED;
    }
    return state.issues.length === 0 && !(out instanceof Promise) && to(out) ? out : UNDECIDED;
  };
}

const decoders = new WeakMap<z.ZodType, Parse>();
const encoders = new WeakMap<z.ZodType, Parse>();
/** The parse of a schema that does not compile: zod decides every value. */
const undecided: Parse = () => UNDECIDED;

function cached(m: WeakMap<z.ZodType, Parse>, schema: z.ZodType, make: () => Parse | null): Parse {
  let p = m.get(schema);
  if (p === undefined) {
    p = make() ?? undecided;
    m.set(schema, p);
  }
  return p;
}

/** How `schema.parse` is answered without zod where it can be (a codec through its decode). */
function decoderOf(schema: z.ZodType): Parse {
  return cached(decoders, schema, () => {
    const codec = codecOf(schema);
    if (codec) {
      const [wire, program] = [quickCheckOf(codec.in), quickCheckOf(codec.out)];
      return wire && program && through(wire, codec.transform, program);
    }
    const check = quickCheckOf(schema);
    return check && ((v) => (check(v) ? v : UNDECIDED));
  });
}

/** How `z.encode(codec, v)` is answered without zod where it can be (a codec whose two sides compile). */
function encoderOf(schema: z.ZodType): Parse {
  return cached(encoders, schema, () => {
    const codec = codecOf(schema);
    if (!codec) return null;
    const [wire, program] = [quickCheckOf(codec.in), quickCheckOf(codec.out)];
    return wire && program && through(program, codec.reverseTransform, wire);
  });
}

/** Whether `schema.parse(v)` is answered without zod (for tests: the hot paths must take it). */
export function decodesQuickly(schema: z.ZodType, v: unknown): boolean {
  return decoderOf(schema)(v) !== UNDECIDED;
}

/** Whether `z.encode(codec, v)` is answered without zod (for tests). */
export function encodesQuickly(codec: z.ZodType, v: unknown): boolean {
  return encoderOf(codec)(v) !== UNDECIDED;
}

/**
 * `schema.safeParse(v)`, without the zod pass where the quick check passes: then zod would answer
 * a copy of `v` equal to it, and `v` itself is answered (for an answer, the body JSON.parse made,
 * which nothing else holds); for a codec, what its decode answered. Anything else is zod's answer.
 */
export function safeParseAnswer<T>(schema: z.ZodType<T>, v: unknown): { success: true; data: T } | { success: false; error: z.ZodError } {
  const data = decoderOf(schema)(v);
  if (data !== UNDECIDED) return { success: true, data: data as T };
  const r = schema.safeParse(v);
  return r.success ? { success: true, data: r.data } : { success: false, error: r.error };
}

/** `schema.parse(v)`, the same way: the quick answer where there is one, else zod's result or its error. */
export function parseAnswer<T>(schema: z.ZodType<T>, v: unknown): T {
  const data = decoderOf(schema)(v);
  return data !== UNDECIDED ? (data as T) : schema.parse(v);
}

/** `z.encode(codec, v)`, a request body, without the zod passes where both sides compile; else zod's body or its error. */
export function encodeRequest<C extends z.ZodType>(codec: C, v: z.output<C>): z.input<C> {
  const body = encoderOf(codec)(v);
  return body !== UNDECIDED ? (body as z.input<C>) : z.encode(codec, v);
}
