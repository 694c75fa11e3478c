/**
 * Turns what a discovery found into a Pulumi program: one resource per live object, each adopting
 * it by import id, its write-only secrets read from stack config. The text depends on nothing but
 * the objects (no clock, no host, no order of arrival), so the same tenant gives the same file.
 */

/** A write-only secret the API never answers: the program reads it from stack config. */
export class SecretRef {
  constructor(
    /** The stack config key (in the program's own namespace). */
    readonly key: string,
    /** What it is, for the `pulumi config set` comment: "the fixed SCEP challenge of 'gp-portal'". */
    readonly what: string,
    /** Declared only when the config has it (the API does not say whether the object has one). */
    readonly optional = false,
  ) {}
}

export interface Discovered {
  /** The object's own name, what the resource name is derived from. */
  name: string;
  /** What the output is sorted by (ties broken by import id). */
  sortKey: string;
  /** `adopt: "<import id>"`. */
  importId: string;
  /** Every input that reproduces the object, write-only secrets as `SecretRef`s. */
  inputs: Record<string, unknown>;
  /** Comment lines above the declaration (what could not be read, say). */
  notes?: string[];
}

export interface Discovery {
  objects: Discovered[];
  /** What was seen and left out, one line each ("the built-in Embedded identity provider …"). */
  skipped: string[];
  /** Where the objects were read, for the header ("folders 'A', 'B'"). */
  scope: string;
}

export interface VendorInfo {
  /** `scm`: the namespace the package exports, and the command's vendor word. */
  vendor: string;
  /** `ScepProfile`. */
  kind: string;
  /** "SCEP profile", for comments. */
  noun: string;
  /** Its plural, where an "s" will not do. */
  plural?: string;
}

/** A Pulumi resource name from an object's name: lower-case words joined by hyphens. */
export function slug(s: string): string {
  const t = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/([a-z\d])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z\d]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return t === "" ? "object" : t;
}

/** camelCase of a slug or words, for config keys. */
export function camel(...parts: string[]): string {
  const words = parts.flatMap((p) => slug(p).split("-")).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
}

/** Sorted, each with a resource name unique in the file (a clash gets `-2`, `-3`… in sorted order). */
export function named(objects: Discovered[]): Array<Discovered & { resourceName: string }> {
  const sorted = [...objects].sort((a, b) => cmp(a.sortKey, b.sortKey) || cmp(a.importId, b.importId));
  const taken = new Set<string>();
  return sorted.map((o) => {
    const base = slug(o.name);
    let n = base;
    for (let i = 2; taken.has(n); i++) n = `${base}-${i}`;
    taken.add(n);
    return { ...o, resourceName: n };
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A TypeScript expression for a value: an object literal for objects, config reads for secrets. */
export function literal(v: unknown, indent = ""): string {
  if (v instanceof SecretRef) return `config.${v.optional ? "getSecret" : "requireSecret"}(${JSON.stringify(v.key)})`;
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => `${inner}${literal(x, inner)},\n`).join("")}${indent}]`;
  }
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, x]) => `${inner}${IDENT.test(k) ? k : JSON.stringify(k)}: ${literal(x, inner)},\n`).join("")}${indent}}`;
  }
  throw new Error(`cannot write a ${typeof v} into the program`);
}

/** Every SecretRef in a value, in the order they are written. */
export function secretsIn(v: unknown, out: SecretRef[] = []): SecretRef[] {
  if (v instanceof SecretRef) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => secretsIn(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => secretsIn(x, out));
  return out;
}

/** Sets `value` at a dotted path (array indices as numbers), making objects on the way. */
export function put(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let o: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    if (o[p] === undefined || o[p] === null || typeof o[p] !== "object") o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

/** The `pulumi config set --secret` line for one secret (placeholder value in angle brackets). */
export function configSetLine(s: SecretRef): string {
  // Single quotes around the placeholder for the shell: none inside it.
  return `pulumi config set --secret ${s.key} '<${s.what.replace(/'/g, '"')}>'`;
}

export interface Rendered {
  /** The module's text. */
  text: string;
  /** The secrets the program reads, each once, in the order of the file. */
  secrets: SecretRef[];
}

/** The program: a header with the config to set, then one declaration per object. */
export function render(info: VendorInfo, d: Discovery): Rendered {
  const objs = named(d.objects);
  const secrets: SecretRef[] = [];
  const seen = new Set<string>();
  for (const o of objs) for (const s of secretsIn(o.inputs)) if (!seen.has(s.key)) (seen.add(s.key), secrets.push(s));
  const L: string[] = [];
  const cls = `${info.vendor}.${info.kind}`;
  L.push(`// Generated by \`trustplane discover ${info.vendor}\`: ${objs.length} ${nounOf(info, objs.length)} (${d.scope}), each adopted`);
  L.push("// by its import id at the first `pulumi up` (no object is created; the declared values are written");
  L.push(secrets.length ? "// where the live object differs, the write-only secrets below included)." : "// where the live object differs).");
  for (const s of d.skipped) L.push(`// Skipped: ${s}`);
  if (secrets.length) {
    L.push("//");
    L.push("// The API never answers these write-only secrets; set each in the stack's config first:");
    for (const s of secrets) L.push(`//   ${configSetLine(s)}${s.optional ? "   # only if it has one" : ""}`);
  }
  L.push("");
  if (secrets.length) L.push('import * as pulumi from "@pulumi/pulumi";');
  L.push(`import { ${info.vendor} } from "trustplane";`);
  L.push("");
  if (secrets.length) {
    L.push("const config = new pulumi.Config();");
    L.push("");
  }
  for (const o of objs) {
    for (const n of o.notes ?? []) L.push(`// ${n}`);
    const args = { ...o.inputs, adopt: o.importId };
    L.push(`new ${cls}(${JSON.stringify(o.resourceName)}, ${literal(args)});`);
    L.push("");
  }
  if (objs.length === 0) L.push(`// No ${info.noun} to adopt.`, "export {};", "");
  return { text: L.join("\n"), secrets };
}

export function nounOf(info: VendorInfo, n: number): string {
  return n === 1 ? info.noun : (info.plural ?? `${info.noun}s`);
}
