/**
 * Wire mapping as zod codecs (`decode` reads the API's answer into program spelling, `encode`
 * writes a request), one helper for the common case: the same fields under the API's spelling
 * of their names. Only the odd fields (a value that changes shape, a name the API spells its own
 * way) are written out by the vendor. Keys are renamed one object level at a time: a nested
 * object gets its own codec inside the wire schema, and a record's keys (profile names, property
 * names) are the user's and never renamed.
 */
import { z } from "zod";
import { hasEffects, projectOnto, shapeOf, unknownKeysOf } from "./fields";

/** `scepChallenge` → `scep_challenge`. */
export const snakeCase = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** `targetConnectionDescriptorName` → `target-connection-descriptor-name`. */
export const kebabCase = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

type Obj = Record<string, unknown>;

/**
 * The value without `undefined` anywhere in it (the engine's protobuf Struct cannot carry one, and
 * a request body should not name a field it does not set). Arrays keep their length.
 */
export function defined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(defined) as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    // for…in rather than Object.entries: no pair arrays per key (this runs on every body and
    // answer); with Object.prototype as the prototype it visits the own keys only.
    const o: Obj = {};
    for (const k in v) {
      const x = (v as Obj)[k];
      if (x !== undefined) o[k] = defined(x);
    }
    return o as T;
  }
  return v;
}

export interface RenameOptions<W, P> {
  /** The API's spelling of a program key; `(k) => k` when it is the same. */
  wireName: (programKey: string) => string;
  /** Program keys the codec leaves out of the wire (local inputs, the id). */
  skip?: readonly string[];
  /** Program key → wire key where the API's name is not `wireName(key)`. */
  rename?: Readonly<Record<string, string>>;
  /** After the renaming: fix the odd program fields, given the wire object. */
  decode?: (renamed: Obj, wire: W) => Obj;
  /** After the renaming: fix the odd wire fields, given the program object. */
  encode?: (renamed: Obj, program: P) => Obj;
}

/**
 * A codec between `wire` (the API's object) and `program` (ours) that renames each key of
 * `program`'s shape, then lets the vendor fix the odd fields. Undefined keys are dropped both ways.
 */
export function renamingCodec<W extends z.ZodType, P extends z.ZodObject>(wire: W, program: P, o: RenameOptions<z.output<W>, z.output<P>>) {
  // Each key's wire name, worked out once: the renaming runs on every request and answer.
  const names = Object.keys(program.shape)
    .filter((k) => !o.skip?.includes(k))
    .map((k) => [k, o.rename?.[k] ?? o.wireName(k)] as const);
  // A closed wire schema (a request body the API refuses unknown keys in) must declare every name
  // the renaming writes: checked here, once, so that `write` may write without the wire pass.
  const wireShape = shapeOf(wire);
  if (wireShape && unknownKeysOf(wire) === "refuse") {
    const unknown = names.filter(([, name]) => !(name in wireShape)).map(([, name]) => name);
    if (unknown.length) throw new Error(`renamingCodec: the closed wire schema has no key ${unknown.join(", ")}`);
  }
  const transforms = {
    decode: (w: z.output<W>) => {
      const src = w as Obj;
      const out: Obj = {};
      for (const [k, name] of names) out[k] = src[name];
      return defined(o.decode ? o.decode(out, w) : out) as z.input<P>;
    },
    encode: (p: z.input<P>) => {
      const src = p as Obj;
      const out: Obj = {};
      for (const [k, name] of names) out[name] = src[k];
      return defined(o.encode ? o.encode(out, p as z.output<P>) : out) as z.output<W>;
    },
  };
  const checked = z.codec<z.ZodCustom<z.output<W>, z.output<W>>, P>(z.custom<z.output<W>>(() => true), program, transforms);
  const programPassChangesNothing = !hasEffects(program);
  return Object.assign(z.codec(wire, program, transforms), {
    /**
     * The same mapping, its wire side taken as already read: for an answer the client has just
     * parsed with `wire` (`expectAnswer`), so that each answer is checked once, not twice (in a
     * host CPU profile, zod was about a quarter of our code's CPU per read: docs/benchmark.md). The program side
     * is still parsed, its defaults and transforms applied. Encoding through it leaves the body
     * unchecked against `wire`: only for a loose wire schema, which could not refuse a key the
     * renaming would not write anyway (a closed one is written by `write`).
     */
    checked,
    /**
     * `z.decode(checked, w)` for an answer the client read with `wire`, without the pass over the
     * program side where it could only cut keys: a program side with no defaults, transforms or
     * checks (`hasEffects`), whose fields are no narrower than the wire fields the decode takes
     * them from, which the vendor vouches for (its tests compare the two on its answers). The keys
     * are cut as that pass cuts them (`projectOnto`). Where the program side has effects, it is
     * parsed. The pass was one of three over each of VCF's answers in a host that has just woken
     * (docs/benchmark.md, "Fewer passes over each answer").
     */
    read: (w: z.output<W>): z.output<P> =>
      programPassChangesNothing ? projectOnto(program, transforms.decode(w) as Obj) : z.decode(checked, w),
    /**
     * The request body for a program object a schema at least as strict as `program` read already
     * (the state: the args schema read it in check), by the renaming alone, no zod pass on either
     * side. Its keys are the renaming's, which a closed `wire` was checked to declare when the
     * codec was made; its values passed the args schema; what the vendor's `encode` adds, and the
     * whole body, each vendor's OpenAPI contract test checks against the API's own document. Two
     * passes (the program side, then the closed wire side) were about 75 µs before each of
     * CZERTAINLY's POSTs and PUTs in a host that has just woken (docs/benchmark.md, "Fewer passes
     * over each answer").
     */
    write: (p: z.output<P>): z.output<W> => transforms.encode(p as z.input<P>),
  });
}
