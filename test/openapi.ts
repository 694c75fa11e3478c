/**
 * Validates what crossed the wire against a vendor's own OpenAPI 3.0 document, so an emulator
 * cannot drift from the real API and the provider cannot send what the real API would refuse.
 *
 * OpenAPI 3.0 is not quite JSON Schema, so the document is adapted the way its meaning requires:
 * `nullable` becomes a type union; `readOnly` properties are neither required nor allowed to
 * matter in requests; and a `oneOf` whose branches each name one optional property (the SCM
 * document's `scep_challenge`, `certificate_attributes`: "one of these keys") gets that property
 * required in each branch, since as written every object would match all branches and fail.
 *
 * With `closedRequests`, a request object may hold only the properties its schema (with its
 * `oneOf`/`anyOf`/`allOf` branches) defines: the documents do not say `additionalProperties:
 * false`, but a key they do not define (`__provider`, a camelCase spelling) is not something the
 * vendor reads, so the provider must not send it.
 */
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as fs from "node:fs";
import * as yaml from "js-yaml";

type Json = any;

export interface Exchange {
  method: string;
  path: string;
  body: unknown;
  status: number;
  responseBody?: unknown;
}

export class OpenApiContract {
  private doc: Json;
  private ajv: Ajv;
  private cache = new Map<string, ValidateFunction>();

  constructor(
    file: string,
    /** Path prefix of the server URL the emulator serves under (e.g. "/config/identity/v1"). */
    private readonly basePath = "",
    private readonly opts: { closedRequests?: boolean } = {},
  ) {
    this.doc = yaml.load(fs.readFileSync(file, "utf8"));
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const f of ["password", "int32", "int64", "float", "double", "byte", "binary"]) this.ajv.addFormat(f, true);
    // A fully qualified host name: two or more dot-separated labels (RFC 1123).
    this.ajv.addFormat("fqdn", /^(?=.{1,253}\.?$)(?:[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?\.)+[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?\.?$/i);
  }

  private deref(node: Json, seen = new Set<string>()): Json {
    if (Array.isArray(node)) return node.map((n) => this.deref(n, seen));
    if (!node || typeof node !== "object") return node;
    if (typeof node.$ref === "string") {
      if (seen.has(node.$ref)) return {};
      const target = node.$ref
        .replace(/^#\//, "")
        .split("/")
        .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], this.doc);
      return this.deref(target, new Set([...seen, node.$ref]));
    }
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = this.deref(v, seen);
    return out;
  }

  private adapt(s: Json, mode: "request" | "response", branch = false): Json {
    if (Array.isArray(s)) return s.map((x) => this.adapt(x, mode, branch));
    if (!s || typeof s !== "object") return s;
    const out: Json = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === "properties") {
        out.properties = {};
        for (const [pk, pv] of Object.entries(v as Json)) {
          if (mode === "request" && (pv as Json)?.readOnly) continue;
          out.properties[pk] = this.adapt(pv, mode);
        }
      } else out[k] = this.adapt(v, mode, k === "oneOf" || k === "anyOf" || k === "allOf");
    }
    if (mode === "request" && this.opts.closedRequests && !branch && s.additionalProperties === undefined) {
      const names = new Set<string>(Object.keys(out.properties ?? {}));
      for (const b of [...(out.oneOf ?? []), ...(out.anyOf ?? []), ...(out.allOf ?? [])]) for (const n of Object.keys(b?.properties ?? {})) names.add(n);
      if (names.size > 0) out.propertyNames = { enum: [...names] };
    }
    if (mode === "request" && Array.isArray(out.required) && s.properties) {
      out.required = out.required.filter((r: string) => !s.properties[r]?.readOnly);
    }
    if (out.nullable) {
      delete out.nullable;
      if (out.type) out.type = [].concat(out.type, "null");
    }
    if (Array.isArray(out.oneOf) && out.oneOf.every((b: Json) => b.properties && Object.keys(b.properties).length === 1 && !b.required)) {
      out.oneOf = out.oneOf.map((b: Json) => ({ ...b, required: Object.keys(b.properties) }));
    }
    delete out.example;
    delete out.examples;
    return out;
  }

  private operation(method: string, path: string): { template: string; op: Json } | undefined {
    const rel = path.startsWith(this.basePath) ? path.slice(this.basePath.length) : path;
    for (const [template, item] of Object.entries(this.doc.paths as Json)) {
      const re = new RegExp("^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, "[^/]+") + "/?$");
      const op = (item as Json)[method.toLowerCase()];
      if (op && re.test(rel)) return { template, op };
    }
    return undefined;
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(schema);
      this.cache.set(key, v);
    }
    return v;
  }

  /** Problems with one exchange; empty when it conforms. */
  check(x: Exchange): string[] {
    const found = this.operation(x.method, x.path);
    if (!found) return [`${x.method} ${x.path}: no such operation in the OpenAPI document`];
    const problems: string[] = [];
    const where = `${x.method} ${found.template}`;
    const reqSchema = found.op.requestBody?.content?.["application/json"]?.schema;
    if (reqSchema && x.body !== undefined) {
      const v = this.validator(`req ${where}`, this.adapt(this.deref(reqSchema), "request"));
      if (!v(x.body)) problems.push(`${where} request: ${this.ajv.errorsText(v.errors)}`);
    }
    const responses = found.op.responses ?? {};
    const resp = responses[String(x.status)] ?? responses.default;
    if (!resp && x.status > 0) problems.push(`${where}: status ${x.status} is not documented`);
    const respSchema = this.deref(resp ?? {})?.content?.["application/json"]?.schema;
    if (respSchema && x.responseBody !== undefined) {
      const v = this.validator(`res ${where} ${x.status}`, this.adapt(this.deref(respSchema), "response"));
      if (!v(x.responseBody)) problems.push(`${where} ${x.status} response: ${this.ajv.errorsText(v.errors)}`);
    }
    return problems;
  }
}
