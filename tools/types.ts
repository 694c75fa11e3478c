/**
 * The published argument and output types of each resource, with the descriptions of its fields
 * as JSDoc, written from the zod schemas (`npm run types:gen` writes src/<vendor>/types.generated.ts).
 *
 * `z.input` / `z.output` already give the types, but TypeScript drops a schema's descriptions on
 * the way: an editor shows `name?: string` and nothing about what it does. pulumi-command does the
 * same from one declaration (its `Annotate` methods become the SDKs' doc comments).
 *
 * What each field becomes:
 * - optional (`?`) exactly where z.input makes it optional: `.optional()`, `.default()`,
 *   `.prefault()`, `.catch()` (zod's `optin`);
 * - an enum or literal as a TypeScript literal union; a transform as its input side (the program
 *   writes that), unless the pipe ends in an enum or literal: then those literals;
 * - in the output props, an input the state always holds (required, or defaulted) as
 *   `pulumi.Output<T>`, any other as `pulumi.Output<T | undefined>` (the property itself is always
 *   there: every output key is registered, core/resource.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { factsOf, outputKeys, type FieldFacts } from "../src/core/fields";
import * as cxifSchema from "../src/cxif/schema";
import * as cxif from "../src/cxif";
import * as czertainlySchema from "../src/czertainly/schema";
import * as czertainly from "../src/czertainly";
import * as nevisidmSchema from "../src/nevisidm/schema";
import * as nevisidm from "../src/nevisidm";
import * as scmSchema from "../src/scm/schema";
import * as scm from "../src/scm";
import * as vcfSchema from "../src/vcf/schema";
import * as vcf from "../src/vcf";

export const COMMAND = "npm run types:gen";

export interface ResourceSchemas {
  /** The resource's kind: `ScepProfile` gives `ScepProfileArgs` and `ScepProfileOutputProps`. */
  kind: string;
  args: z.ZodType;
  /** The computed outputs; without them only the args are written. */
  outputs?: z.ZodType;
}

type Def = { type: string; [k: string]: any };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const zod = (s: z.ZodType) => (s as unknown as { _zod: { optin?: string; optout?: string } })._zod;

/** Optional in the program's arguments, as z.input has it. */
const optionalIn = (s: z.ZodType): boolean => zod(s).optin !== undefined;
/** Possibly absent from the state: an input that is neither required nor defaulted, or an optional output. */
const maybeAbsent = (s: z.ZodType): boolean => zod(s).optin === "optional" || zod(s).optout === "optional";

type Side = "args" | "outputs";

const IDENT_RE = /^[A-Za-z_$][\w$]*$/;
const keyText = (k: string) => (IDENT_RE.test(k) ? k : JSON.stringify(k));

/** The literals a pipe ends in, when it ends in an enum or literal (through its wrappers). */
function literalsOf(s: z.ZodType): string | undefined {
  const d = defOf(s);
  switch (d.type) {
    case "enum":
      return Object.values(d.entries as Record<string, string | number>).map((v) => JSON.stringify(v)).join(" | ");
    case "literal":
      return (d.values as unknown[]).map((v) => (v === undefined ? "undefined" : JSON.stringify(v))).join(" | ");
    case "pipe":
      return literalsOf(d.out);
    case "readonly":
    case "nonoptional":
      return literalsOf(d.innerType);
    default:
      return undefined;
  }
}

/** The lines of a JSDoc block for `facts` (none without a description), indented by `pad`. */
function jsdoc(facts: FieldFacts | undefined, schema: z.ZodType, side: Side, pad: string): string[] {
  if (!facts?.description) return [];
  const lines = facts.description.split("\n");
  const notes: string[] = [];
  if (facts.secret) notes.push("Secret: the engine stores it encrypted and shows it as [secret].");
  if (side === "args") {
    if (facts.replaceOnChange) notes.push("Changing it replaces the resource.");
    if (facts.writeOnly) notes.push("Write-only: the API never answers it back, so a read cannot verify it.");
    if (facts.local) notes.push("Never sent to the vendor's API.");
    if (facts.createOnly) notes.push("Read at create only: changing it later changes nothing.");
    const dflt = defaultOf(schema);
    if (dflt !== undefined) notes.push(`@default ${dflt}`);
  }
  if (notes.length) lines.push("", ...notes);
  const safe = lines.flatMap((l) => wrapped(l.replace(/\*\//g, "*\\/"), WIDTH - pad.length - 3));
  if (safe.length === 1 && pad.length + safe[0].length + 7 <= WIDTH) return [`${pad}/** ${safe[0]} */`];
  return [`${pad}/**`, ...safe.map((l) => (l ? `${pad} * ${l}` : `${pad} *`)), `${pad} */`];
}

/** Doc comments wrap at this column, as an editor's hover shows them. */
const WIDTH = 100;

/** `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole). */
function wrapped(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}

/** The default a program gets when it leaves the field out, as JSON; undefined when there is none. */
function defaultOf(s: z.ZodType): string | undefined {
  for (let cur: z.ZodType | undefined = s; cur; ) {
    const d = defOf(cur);
    if (d.type === "default" || d.type === "prefault") {
      try {
        const v = typeof d.defaultValue === "function" ? d.defaultValue() : d.defaultValue;
        return v === undefined ? undefined : JSON.stringify(v);
      } catch {
        return undefined;
      }
    }
    cur = d.type === "optional" || d.type === "nullable" || d.type === "readonly" ? d.innerType : undefined;
  }
  return undefined;
}

class Renderer {
  private readonly seen = new Set<z.ZodType>();

  constructor(private readonly side: Side) {}

  /** A value's type: `pulumi.Input` around each level for args, plain for outputs. */
  wrap(t: string): string {
    return this.side === "args" ? `pulumi.Input<${t}>` : t;
  }

  /** The type of `s` at indentation `pad` (object members go one level deeper). */
  type(s: z.ZodType, pad: string): string {
    const d = defOf(s);
    switch (d.type) {
      case "string":
        return "string";
      case "number":
      case "int":
        return "number";
      case "boolean":
        return "boolean";
      case "bigint":
        return "bigint";
      case "null":
        return "null";
      case "undefined":
      case "void":
        return "undefined";
      case "never":
        return "never";
      case "date":
        return "Date";
      case "any":
        return "any";
      case "unknown":
      case "custom":
        return "unknown";
      case "enum":
      case "literal":
        return literalsOf(s)!;
      case "optional":
        // Of a property, `key?:` says it (property() unwraps it); inside an array or a union it is a value.
        return `${this.member(d.innerType, pad)} | undefined`;
      case "nullable":
        return `${this.member(d.innerType, pad)} | null`;
      case "default":
      case "prefault":
      case "catch":
      case "readonly":
      case "nonoptional":
        return this.type(d.innerType, pad);
      case "pipe": {
        const lit = literalsOf(d.out);
        if (lit) return lit;
        // A preprocess (transform first) is written as what it feeds; a transform as what it takes.
        if (defOf(d.in).type === "transform") return this.type(d.out, pad);
        if (this.side === "outputs" && defOf(d.out).type !== "transform") return this.type(d.out, pad);
        return this.type(d.in, pad);
      }
      case "transform":
        return "unknown";
      case "lazy": {
        if (this.seen.has(s)) return "unknown";
        this.seen.add(s);
        try {
          return this.type(d.getter(), pad);
        } finally {
          this.seen.delete(s);
        }
      }
      case "union":
        return (d.options as z.ZodType[]).map((o) => this.member(o, pad)).join(" | ");
      case "intersection":
        return `${this.member(d.left, pad)} & ${this.member(d.right, pad)}`;
      case "array":
        return `readonly ${this.element(d.element, pad)}[]`;
      case "tuple": {
        const items = (d.items as z.ZodType[]).map((i) => this.wrap(this.type(i, pad)));
        if (d.rest) items.push(`...${this.element(d.rest, pad)}[]`);
        return `readonly [${items.join(", ")}]`;
      }
      case "record":
        return `Record<${this.type(d.keyType, pad)}, ${this.wrap(this.type(d.valueType, pad))}>`;
      case "map":
        return `Map<${this.type(d.keyType, pad)}, ${this.type(d.valueType, pad)}>`;
      case "set":
        return `Set<${this.type(d.valueType, pad)}>`;
      case "object":
        return this.object(d, pad);
      default:
        // A zod type this generator does not know yet: say so rather than guess.
        throw new Error(`tools/types.ts: no TypeScript rendering for zod type '${d.type}'`);
    }
  }

  /** A type as one part of a union or intersection: parenthesized when it is itself one. */
  private member(s: z.ZodType, pad: string): string {
    const t = this.type(s, pad);
    return /^[\w$.<>, "'[\]-]+$/.test(t) || t.startsWith("{") || t.startsWith("pulumi.") ? t : `(${t})`;
  }

  private element(s: z.ZodType, pad: string): string {
    const t = this.wrap(this.type(s, pad));
    return this.side === "args" || /^[\w$.<>"]+$/.test(t) ? t : `(${t})`;
  }

  private object(d: Def, pad: string): string {
    const shape = d.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    const loose = d.catchall !== undefined && defOf(d.catchall).type !== "never";
    if (keys.length === 0 && !loose) return "{}";
    const inner = `${pad}  `;
    const lines = ["{"];
    for (const k of keys) lines.push(...this.property(k, shape[k], inner));
    if (loose) lines.push(`${inner}[key: string]: ${this.wrap(this.type(d.catchall, inner))};`);
    lines.push(`${pad}}`);
    return lines.join("\n");
  }

  /** One member of an object type, with its JSDoc. */
  property(k: string, s: z.ZodType, pad: string): string[] {
    const t = this.type(defOf(s).type === "optional" ? defOf(s).innerType : s, pad);
    const doc = jsdoc(factsOf(s), s, this.side, pad);
    if (this.side === "args") return [...doc, `${pad}${keyText(k)}${optionalIn(s) ? "?" : ""}: ${this.wrap(t)};`];
    return [...doc, `${pad}readonly ${keyText(k)}${maybeAbsent(s) ? "?" : ""}: ${t};`];
  }
}

const shapeAt = (s: z.ZodType): Record<string, z.ZodType> => {
  for (let cur: z.ZodType | undefined = s; cur; ) {
    const d = defOf(cur);
    if (d.type === "object") return d.shape;
    cur = d.type === "pipe" ? d.in : d.innerType;
  }
  throw new Error("tools/types.ts: an args or outputs schema must be an object schema");
};

function argsInterface(r: ResourceSchemas): string[] {
  const shape = shapeAt(r.args);
  const render = new Renderer("args");
  const lines = [`/** The arguments of \`new ${r.kind}(name, args)\`. */`, `export interface ${r.kind}Args {`];
  for (const [k, s] of Object.entries(shape)) lines.push(...render.property(k, s, "  "));
  lines.push("}");
  return lines;
}

/** The engine's own outputs of every custom resource; a schema key of that name is the same value. */
const RESOURCE_OWN = ["id", "urn"];

function outputsInterface(r: ResourceSchemas & { outputs: z.ZodType }): string[] {
  const args = shapeAt(r.args);
  const computed = shapeAt(r.outputs);
  const render = new Renderer("outputs");
  const lines = [
    `/** The outputs of a \`${r.kind}\`: the inputs the state holds (defaults filled), then what the API computes. */`,
    `export interface ${r.kind}OutputProps {`,
  ];
  for (const k of outputKeys(r.args, r.outputs)) {
    if (RESOURCE_OWN.includes(k)) continue;
    // An input the outputs schema declares again (one the server fills when the program leaves it
    // out) is typed as the output it always is.
    const s = k in computed ? computed[k] : args[k];
    const doc = jsdoc(factsOf(s), s, "outputs", "  ");
    const t = render.type(defOf(s).type === "optional" ? defOf(s).innerType : s, "  ");
    lines.push(...doc, `  readonly ${keyText(k)}: pulumi.Output<${maybeAbsent(s) ? `${t} | undefined` : t}>;`);
  }
  lines.push("}");
  return lines;
}

/** The text of one generated types file: the header, then each resource's interfaces. */
export function renderTypes(schemas: readonly ResourceSchemas[], source = "the resource schemas"): string {
  const out = [
    `// Generated by tools/types.ts from ${source} (\`${COMMAND}\`): do not edit by hand.`,
    "// The descriptions are the schema's field facts (src/core/fields.ts); change them there.",
    "",
    'import type * as pulumi from "@pulumi/pulumi";',
  ];
  for (const r of schemas) {
    out.push("", ...argsInterface(r));
    if (r.outputs) out.push("", ...outputsInterface({ ...r, outputs: r.outputs }));
  }
  return `${out.join("\n")}\n`;
}

/** The one resource class a vendor's index exports; its kind is the last part of its type token. */
function kindOf(index: Record<string, unknown>): string {
  const tokens = Object.values(index)
    .map((v) => (typeof v === "function" ? (v as { __pulumiType?: unknown }).__pulumiType : undefined))
    .filter((t): t is string => typeof t === "string");
  if (tokens.length !== 1) throw new Error(`tools/types.ts: expected one resource class, found ${tokens.length}`);
  return tokens[0].slice(tokens[0].lastIndexOf(":") + 1);
}

type SchemaModule = { argsSchema: z.ZodType; outputsSchema?: z.ZodType };
const VENDORS: Record<string, [SchemaModule, Record<string, unknown>]> = {
  scm: [scmSchema, scm],
  czertainly: [czertainlySchema, czertainly],
  vcf: [vcfSchema, vcf],
  cxif: [cxifSchema, cxif],
  nevisidm: [nevisidmSchema, nevisidm],
};

export interface VendorTypes {
  vendor: string;
  /** Relative to the repository root. */
  file: string;
  /** Whether the vendor's schema exports `outputsSchema` (else only the args are written). */
  hasOutputs: boolean;
  text: string;
}

/** Each vendor's generated file as a fresh render would write it. */
export function vendorTypes(): VendorTypes[] {
  return Object.entries(VENDORS).map(([vendor, [schema, index]]) => {
    const outputs = (schema as SchemaModule).outputsSchema;
    const r: ResourceSchemas = { kind: kindOf(index), args: schema.argsSchema, ...(outputs ? { outputs } : {}) };
    return { vendor, file: `src/${vendor}/types.generated.ts`, hasOutputs: outputs !== undefined, text: renderTypes([r], `src/${vendor}/schema.ts`) };
  });
}

if (require.main === module) {
  // dist/tools/types.js: the repository root is two levels up.
  const root = path.resolve(__dirname, "..", "..");
  for (const v of vendorTypes()) {
    fs.writeFileSync(path.join(root, v.file), v.text);
    console.log(`${v.file}${v.hasOutputs ? "" : " (args only: src/" + v.vendor + "/schema.ts exports no outputsSchema)"}`);
  }
}
