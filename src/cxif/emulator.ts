/**
 * Oracle CX Industries Framework ("Fabric") emulator: the identity domain's OAuth token endpoint
 * and the admin API's `/admin/scimConfigurations`, as the vendor documents them.
 *
 * Sources: `shared/seeds/003_77555b9006218b62.txt` (the vendor's page for
 * `PUT /admin/scimConfigurations/{id}`, with its request/response example) and
 * `shared/reference/czertainly-nevisidm-cxif.md` §3 (cited below as "ref §3.x"):
 * - tokens: OCI IAM identity domain `POST /oauth2/v1/token`, client credentials (HTTP basic or
 *   form fields), the framework scope `<Industries Framework URL>urn:opc:resource:consumer::all`
 *   (ref §3.5); errors in the OAuth `{error, error_description}` shape;
 * - every admin call needs a bearer token carrying the `::all` scope: 401 otherwise, 403 for a
 *   token of the narrower `::SelfService` scope that Digital Assistant setups use (ref §3.5);
 * - every failure is a TM Forum `Error` object {code, reason, message, status, referenceError,
 *   @type} (ref §3.4);
 * - the schema's enums and the MAP → target-attribute-name rule answer 400 (seed page, ref §3.3);
 * - the server fills `attribute-type: STRING`, `mode: FORWARD`, `required: false`, the namespace
 *   and `target-connection-descriptor-href` (seed example response, ref §3.3);
 * - ids are server-assigned opaque 16-character strings (seed example `flytxtjmbfz9cj2b`);
 * - PUT replaces, PATCH takes an RFC 6902 JSON Patch whose pointers escape `/` and `~` in profile
 *   names and schema URNs (ref §3.2, §3.7); DELETE answers 204, unknown ids 404.
 *
 * The identity domain is a separate host in a real tenant; here both live on one origin, so
 * `tokenUrl` and `url` differ only by path.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Emulator, TokenIssuer, UniqueIndex, basicOf, bearerOf, type EmuRequest, type EmuResponse, type EmulatorOptions } from "../core/emulator";

export const TOKEN_PATH = "/oauth2/v1/token";
export const CONFIGS_PATH = "/admin/scimConfigurations";
/** The framework scope's resource part (ref §3.5); the audience (the framework URL) is prefixed. */
export const ADMIN_SCOPE_SUFFIX = "urn:opc:resource:consumer::all";
const SELF_SERVICE_SCOPE_SUFFIX = "urn:opc:resource:consumer::SelfService";
const DOCS = "https://docs.oracle.com/en/industries/communications/launch-cloud-service/25d/cxif-rest-api";

export const ATTRIBUTE_TYPES = ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "DATETIMESTRING", "OBJECT"] as const;
export const CUSTOM_MODES = ["FORWARD", "SWALLOW", "MAP"] as const;
export const RFC7643_MODES = ["FORWARD", "SWALLOW"] as const;

/** A SCIM configuration as the server stores and answers it (wire form, kebab-case). */
export interface WireScimConfiguration {
  id: string;
  "target-connection-descriptor-name": string;
  "target-connection-descriptor-namespace": string;
  "target-connection-descriptor-href": string;
  profiles: Record<string, WireProfile>;
}

export interface WireProfile {
  "group-assignment"?: string[];
  "scim-rfc7643-mapping"?: Record<string, string>;
  "scim-custom-attr-mapping"?: Record<string, WireCustomAttr[]>;
}

export interface WireCustomAttr {
  "attribute-name": string;
  "attribute-type"?: string;
  mode?: string;
  required?: boolean;
  "target-attribute-name"?: string;
}

export interface CxifEmulatorOptions extends EmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime; OCI identity domains default to 3600 s for client-credentials tokens. */
  tokenLifetimeSeconds?: number;
  /** Namespace the server fills when a request names none (the seed example answers `dx-prod`). */
  defaultNamespace?: string;
  /** Configurations present at start, in wire form; ids are kept. */
  seed?: WireScimConfiguration[];
  /**
   * How a create answers. The create operation is inferred (ref §3.2): its siblings answer 201
   * with the object, but an answer carrying only `Location` is as plausible, and a client must
   * cope with both. Default "object".
   */
  createAnswer?: "object" | "location";
  /**
   * The tenant's connection descriptors (ref §3.6). When given, a configuration must target one
   * of them: another namespace/name is a 400, and a request without a namespace gets the namespace
   * of the one descriptor of that name [inferred: the seed's PUT example sends no namespace and
   * its answer holds the descriptor's]. Without it, any name is taken and `defaultNamespace` fills.
   */
  connectionDescriptors?: Array<{ name: string; namespace: string }>;
  /**
   * Prefix of the href the server answers (default ""): "" gives the seed's relative
   * `/connectionDescriptors/{name}`; a base URL or another path prefix stands for a server behind
   * another base [inferred possible].
   */
  hrefBase?: string;
}

export interface CxifEmulatorState {
  configurations: Map<string, WireScimConfiguration>;
}

export interface CxifEmulator {
  emu: Emulator;
  /** The framework host (`CXIF_HOST`): admin paths start here. */
  url: string;
  /** The identity domain's token endpoint (`CXIF_TOKEN_URL`). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The scope to request (`CXIF_SCOPE`): the framework URL followed by `urn:opc:resource:consumer::all`. */
  scope: string;
  /** The Digital Assistant style scope: valid at the token endpoint, refused by the admin API (403). */
  selfServiceScope: string;
  state: CxifEmulatorState;
  tokens: TokenIssuer;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Errors (ref §3.4)
// ---------------------------------------------------------------------------------------------

const REASONS: Record<number, [code: string, reason: string]> = {
  400: ["INVALID_REQUEST", "Bad Request"],
  401: ["UNAUTHORIZED", "Unauthorized"],
  403: ["FORBIDDEN", "Forbidden"],
  404: ["NOT_FOUND", "Not Found"],
  405: ["METHOD_NOT_ALLOWED", "Method Not Allowed"],
  409: ["CONFLICT", "Conflict"],
  415: ["UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type"],
};

/**
 * A TM Forum `Error`. The vendor publishes the shape but not its `code` values, so these codes are
 * ours (unverified): a client must branch on the HTTP status, never on `code`.
 */
export function tmfError(status: number, message: string, page = "op-admin-scimconfigurations-id-get.html", headers: Record<string, string> = {}): EmuResponse {
  const [code, reason] = REASONS[status] ?? ["INTERNAL_ERROR", "Internal Server Error"];
  return {
    status,
    headers,
    body: { "@type": "Error", code, reason, message, status: String(status), referenceError: `${DOCS}/${page}` },
  };
}

// ---------------------------------------------------------------------------------------------
// Validation (the seed page's schema, ref §3.3)
// ---------------------------------------------------------------------------------------------

const ROOT_KEYS = new Set(["id", "target-connection-descriptor-name", "target-connection-descriptor-namespace", "target-connection-descriptor-href", "profiles"]);
const PROFILE_KEYS = new Set(["group-assignment", "scim-rfc7643-mapping", "scim-custom-attr-mapping"]);
const ITEM_KEYS = new Set(["attribute-name", "attribute-type", "mode", "required", "target-attribute-name"]);
const HREF_RE = /^\/connectionDescriptors\/([^/]+)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const key = (k: string) => JSON.stringify(k);

/**
 * Problems with a configuration body, each prefixed with its path. Unknown fields are refused
 * rather than dropped: a client that sends camelCase keys must hear about it, not lose its mapping.
 */
export function validateConfiguration(b: unknown): string[] {
  if (!isObject(b)) return ["the body must be a JSON object"];
  const problems: string[] = [];
  for (const k of Object.keys(b)) if (!ROOT_KEYS.has(k)) problems.push(`${k}: unrecognized field`);
  const name = b["target-connection-descriptor-name"];
  const ns = b["target-connection-descriptor-namespace"];
  const href = b["target-connection-descriptor-href"];
  for (const [f, v] of [["target-connection-descriptor-name", name], ["target-connection-descriptor-namespace", ns], ["target-connection-descriptor-href", href]] as const) {
    if (v !== undefined && (typeof v !== "string" || v.length === 0)) problems.push(`${f}: must be a non-empty string`);
  }
  // "Match One Schema" on the descriptor block: the target is named by name(+namespace) or by href (ref §3.3).
  if (name === undefined && href === undefined) problems.push("target-connection-descriptor-name: required unless target-connection-descriptor-href is given");
  if (typeof href === "string" && href.length > 0) {
    const m = HREF_RE.exec(href);
    if (!m) problems.push("target-connection-descriptor-href: must look like /connectionDescriptors/{name}");
    else if (typeof name === "string" && decodeURIComponent(m[1]) !== name) problems.push(`target-connection-descriptor-href: names descriptor ${key(decodeURIComponent(m[1]))} but target-connection-descriptor-name is ${key(name)}`);
  }
  const profiles = b.profiles;
  if (profiles === undefined) return problems;
  if (!isObject(profiles)) return [...problems, "profiles: must be an object keyed by profile name"];
  for (const [pname, p] of Object.entries(profiles)) {
    const at = `profiles[${key(pname)}]`;
    if (pname.length === 0) problems.push(`${at}: a profile name must not be empty`);
    if (!isObject(p)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    for (const k of Object.keys(p)) if (!PROFILE_KEYS.has(k)) problems.push(`${at}.${k}: unrecognized field`);
    const groups = p["group-assignment"];
    if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== "string" || g.length === 0))) {
      problems.push(`${at}.group-assignment: must be an array of group names`);
    }
    const rfc = p["scim-rfc7643-mapping"];
    if (rfc !== undefined) {
      if (!isObject(rfc)) problems.push(`${at}.scim-rfc7643-mapping: must be an object of attribute → FORWARD | SWALLOW`);
      else
        for (const [attr, mode] of Object.entries(rfc)) {
          if (mode !== null && !(RFC7643_MODES as readonly unknown[]).includes(mode)) problems.push(`${at}.scim-rfc7643-mapping[${key(attr)}]: must be one of ${RFC7643_MODES.join(", ")}`);
        }
    }
    const custom = p["scim-custom-attr-mapping"];
    if (custom === undefined) continue;
    if (!isObject(custom)) {
      problems.push(`${at}.scim-custom-attr-mapping: must be an object of schema URN → list of attribute mappings`);
      continue;
    }
    for (const [urn, items] of Object.entries(custom)) {
      const uat = `${at}.scim-custom-attr-mapping[${key(urn)}]`;
      if (!Array.isArray(items)) {
        problems.push(`${uat}: must be an array`);
        continue;
      }
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const iat = `${uat}[${i}]`;
        if (!isObject(it)) return problems.push(`${iat}: must be an object`);
        for (const k of Object.keys(it)) if (!ITEM_KEYS.has(k)) problems.push(`${iat}.${k}: unrecognized field`);
        const an = it["attribute-name"];
        if (typeof an !== "string" || an.length === 0) problems.push(`${iat}.attribute-name: required`);
        else if (seen.has(an)) problems.push(`${iat}.attribute-name: ${key(an)} is mapped twice under this schema`);
        else seen.add(an);
        const t = it["attribute-type"];
        if (t !== undefined && !(ATTRIBUTE_TYPES as readonly unknown[]).includes(t)) problems.push(`${iat}.attribute-type: must be one of ${ATTRIBUTE_TYPES.join(", ")}`);
        const mode = it.mode;
        if (mode !== undefined && !(CUSTOM_MODES as readonly unknown[]).includes(mode)) problems.push(`${iat}.mode: must be one of ${CUSTOM_MODES.join(", ")}`);
        if (it.required !== undefined && typeof it.required !== "boolean") problems.push(`${iat}.required: must be a boolean`);
        const target = it["target-attribute-name"];
        if (target !== undefined && (typeof target !== "string" || target.length === 0)) problems.push(`${iat}.target-attribute-name: must be a non-empty string`);
        if (mode === "MAP" && target === undefined) problems.push(`${iat}.target-attribute-name: required when mode is MAP`);
      });
    }
  }
  return problems;
}

/** Server-side defaults as the seed's example response shows them filled in. */
function normalise(b: Record<string, unknown>, id: string, namespaceOf: (name: string) => string, hrefBase: string): WireScimConfiguration {
  const href = b["target-connection-descriptor-href"] as string | undefined;
  const name = (b["target-connection-descriptor-name"] as string | undefined) ?? decodeURIComponent(HREF_RE.exec(href!)![1]);
  const profiles: Record<string, WireProfile> = {};
  for (const [pname, p] of Object.entries((b.profiles ?? {}) as Record<string, WireProfile>)) {
    const out: WireProfile = {};
    if (p["group-assignment"] !== undefined) out["group-assignment"] = [...p["group-assignment"]];
    if (p["scim-rfc7643-mapping"] !== undefined) {
      out["scim-rfc7643-mapping"] = Object.fromEntries(Object.entries(p["scim-rfc7643-mapping"]).map(([a, m]) => [a, m ?? "FORWARD"]));
    }
    if (p["scim-custom-attr-mapping"] !== undefined) {
      out["scim-custom-attr-mapping"] = Object.fromEntries(
        Object.entries(p["scim-custom-attr-mapping"]).map(([urn, items]) => [
          urn,
          items.map((it) => ({
            "attribute-name": it["attribute-name"],
            "attribute-type": it["attribute-type"] ?? "STRING",
            required: it.required ?? false,
            mode: it.mode ?? "FORWARD",
            ...(it["target-attribute-name"] !== undefined ? { "target-attribute-name": it["target-attribute-name"] } : {}),
          })),
        ]),
      );
    }
    profiles[pname] = out;
  }
  return {
    id,
    "target-connection-descriptor-name": name,
    "target-connection-descriptor-namespace": (b["target-connection-descriptor-namespace"] as string | undefined) ?? namespaceOf(name),
    "target-connection-descriptor-href": `${hrefBase}/connectionDescriptors/${encodeURIComponent(name)}`,
    profiles,
  };
}

/** Opaque lower-case alphanumeric id of the seed example's length (`flytxtjmbfz9cj2b`). */
function newId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(16)].map((x) => alphabet[x % alphabet.length]).join("");
}

// ---------------------------------------------------------------------------------------------
// JSON Patch (RFC 6902) with JSON Pointer (RFC 6901) for the documented PATCH (ref §3.2)
// ---------------------------------------------------------------------------------------------

class PatchError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** `/profiles/a~1b/x` → ["profiles", "a/b", "x"]: `~1` is `/`, `~0` is `~`, in that order. */
export function parsePointer(p: unknown): string[] {
  if (typeof p !== "string" || (p !== "" && !p.startsWith("/"))) throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  if (p === "") return [];
  return p
    .slice(1)
    .split("/")
    .map((s) => {
      if (/~[^01]|~$/.test(s)) throw new PatchError(`invalid escape in JSON pointer ${JSON.stringify(p)}`);
      return s.replace(/~1/g, "/").replace(/~0/g, "~");
    });
}

function parentOf(doc: unknown, tokens: string[], pointer: string): [Record<string, unknown> | unknown[], string] {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(t) && Number(t) < cur.length) cur = cur[Number(t)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new PatchError(`path ${pointer} does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError(`path ${pointer} does not exist`);
  return [cur, tokens[tokens.length - 1]];
}

function getAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const [parent, last] = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    if (!/^(0|[1-9]\d*)$/.test(last) || Number(last) >= parent.length) throw new PatchError(`path ${pointer} does not exist`);
    return parent[Number(last)];
  }
  if (!Object.prototype.hasOwnProperty.call(parent, last)) throw new PatchError(`path ${pointer} does not exist`);
  return parent[last];
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError("cannot remove the whole document");
  const [parent, last] = parentOf(doc, tokens, pointer);
  const old = getAt(doc, pointer);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return old;
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const [parent, last] = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    if (replace) {
      getAt(doc, pointer);
      parent[Number(last)] = value;
    } else if (last === "-") parent.push(value);
    else if (/^(0|[1-9]\d*)$/.test(last) && Number(last) <= parent.length) parent.splice(Number(last), 0, value);
    else throw new PatchError(`path ${pointer} is out of bounds`);
  } else {
    if (replace) getAt(doc, pointer);
    parent[last] = value;
  }
  return doc;
}

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError("a JSON Patch body must be an array of operations");
  let d = structuredClone(doc);
  for (const [i, op] of ops.entries()) {
    if (!isObject(op)) throw new PatchError(`operation ${i}: must be an object`);
    const path = op.path as string;
    switch (op.op) {
      case "add":
      case "replace":
        if (!("value" in op)) throw new PatchError(`operation ${i}: value is required`);
        d = addAt(d, path, structuredClone(op.value), op.op === "replace");
        break;
      case "remove":
        removeAt(d, path);
        break;
      case "move": {
        if (typeof op.from === "string" && (path === op.from || path.startsWith(op.from + "/"))) throw new PatchError(`operation ${i}: cannot move a value into itself`);
        const v = removeAt(d, op.from as string);
        d = addAt(d, path, v, false);
        break;
      }
      case "copy":
        d = addAt(d, path, structuredClone(getAt(d, op.from as string)), false);
        break;
      case "test":
        if (JSON.stringify(getAt(d, path)) !== JSON.stringify(op.value)) throw new PatchError(`operation ${i}: test failed at ${path}`, 409);
        break;
      default:
        throw new PatchError(`operation ${i}: op must be one of add, remove, replace, move, copy, test`);
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export async function startCxifEmulator(opts: CxifEmulatorOptions = {}): Promise<CxifEmulator> {
  const clientId = opts.clientId ?? "cxif-admin-rest-api-integration";
  const clientSecret = opts.clientSecret ?? `emu-${randomUUID()}`;
  const defaultNamespace = opts.defaultNamespace ?? "dx-prod";
  const namespaceOf = (name: string): string => {
    const hits = (opts.connectionDescriptors ?? []).filter((d) => d.name === name);
    return hits.length === 1 ? hits[0].namespace : defaultNamespace;
  };
  const tokens = new TokenIssuer(opts.tokenLifetimeSeconds ?? 3600);
  const state: CxifEmulatorState = { configurations: new Map() };
  const descriptorKey = (c: WireScimConfiguration) => `${c["target-connection-descriptor-namespace"]}\u0000${c["target-connection-descriptor-name"]}`;
  const descriptors = new UniqueIndex<WireScimConfiguration>(state.configurations, descriptorKey);
  for (const c of opts.seed ?? []) {
    state.configurations.set(c.id, structuredClone(c));
    descriptors.claim(c.id);
  }
  // The scope's audience is the framework URL, known only once the server listens.
  let scope = "";
  let selfServiceScope = "";

  const token = (req: EmuRequest): EmuResponse => {
    if (req.method !== "POST") return { status: 405, body: { error: "invalid_request", error_description: "Use POST" } };
    const form = new URLSearchParams(req.rawBody);
    // Identity domains accept client_secret_basic and client_secret_post. That the basic form is
    // form-decoded (RFC 6749 §2.3.1) is inferred from the RFC, not from an Oracle document.
    const cred = basicOf(req.headers, "form-urlencoded") ?? [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
    if (cred[0] !== clientId || cred[1] !== clientSecret) return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed." } };
    if (form.get("grant_type") !== "client_credentials") return { status: 400, body: { error: "unsupported_grant_type", error_description: `Grant type ${form.get("grant_type") ?? "(none)"} is not supported for this client.` } };
    const requested = form.get("scope");
    if (requested !== scope && requested !== selfServiceScope) return { status: 400, body: { error: "invalid_scope", error_description: "The requested scope is invalid, unknown, or malformed." } };
    const t = tokens.issue(requested);
    return { status: 200, body: { access_token: t.token, token_type: "Bearer", expires_in: t.expiresIn } };
  };

  /** undefined when the caller may use the admin API, else the TM Forum answer. */
  const authenticate = (req: EmuRequest, emu: Emulator): EmuResponse | undefined => {
    const challenge = { "www-authenticate": 'Bearer error="invalid_token"' };
    const bearer = bearerOf(req.headers);
    if (!bearer) return tmfError(401, "An access token is required: Authorization: Bearer <token> from the identity domain", undefined, { "www-authenticate": "Bearer" });
    if (emu.consumeTokenExpiry()) {
      tokens.revoke(bearer);
      return tmfError(401, "The access token has expired", undefined, challenge);
    }
    const granted = tokens.verify(bearer);
    if (granted === undefined) return tmfError(401, "The access token is invalid or has expired", undefined, challenge);
    if (granted !== scope) return tmfError(403, `The access token's scope does not allow administration; request ${ADMIN_SCOPE_SUFFIX}`);
    return undefined;
  };

  const jsonBody = (req: EmuRequest, patch: boolean): EmuResponse | undefined => {
    const ct = String(req.headers["content-type"] ?? "");
    const ok = patch ? /^application\/(json-patch\+)?json\b/i.test(ct) : /^application\/json\b/i.test(ct);
    if (!ok) return tmfError(415, `Content-Type ${ct || "(none)"} is not supported; send ${patch ? "application/json-patch+json" : "application/json"}`);
    if (req.rawBody.length === 0) return tmfError(400, "A request body is required");
    if (typeof req.body === "string") return tmfError(400, "The request body is not valid JSON");
    return undefined;
  };

  /** One configuration per target connection descriptor [inferred]: the user-management API resolves a profile by target IDM. */
  const conflict = (c: WireScimConfiguration): EmuResponse | undefined => {
    const holder = descriptors.holder(descriptorKey(c), c.id);
    if (holder !== undefined) {
      return tmfError(409, `SCIM configuration ${holder} already targets connection descriptor ${c["target-connection-descriptor-namespace"]}/${c["target-connection-descriptor-name"]}`);
    }
    return undefined;
  };

  const write = (id: string, body: unknown, status: number, extraHeaders: Record<string, string> = {}): EmuResponse => {
    const problems = validateConfiguration(body);
    const b = body as Record<string, unknown>;
    if (!problems.length && b.id !== undefined && b.id !== id) problems.push(`id: ${key(String(b.id))} does not match the configuration being written; the id is assigned by the server`);
    if (problems.length) return tmfError(400, problems.join("; "), "op-admin-scimconfigurations-id-put.html");
    const c = normalise(b, id, namespaceOf, opts.hrefBase ?? "");
    const known = opts.connectionDescriptors;
    if (known && !known.some((d) => d.name === c["target-connection-descriptor-name"] && d.namespace === c["target-connection-descriptor-namespace"])) {
      return tmfError(400, `target-connection-descriptor: no connection descriptor ${key(c["target-connection-descriptor-namespace"])}/${key(c["target-connection-descriptor-name"])}`, "op-admin-scimconfigurations-id-put.html");
    }
    const clash = conflict(c);
    if (clash) return clash;
    state.configurations.set(id, c);
    descriptors.claim(id);
    return { status, body: structuredClone(c), headers: extraHeaders };
  };

  const route = (req: EmuRequest, emu: Emulator): EmuResponse => {
    if (req.path === TOKEN_PATH) return token(req);
    if (req.path !== CONFIGS_PATH && !req.path.startsWith(CONFIGS_PATH + "/")) return tmfError(404, `No resource at ${req.path}`);
    const denied = authenticate(req, emu);
    if (denied) return denied;

    const rest = req.path.slice(CONFIGS_PATH.length);
    if (rest === "" || rest === "/") {
      if (req.method === "GET") return { status: 200, body: [...state.configurations.values()].map((c) => structuredClone(c)) };
      if (req.method === "POST") {
        const bad = jsonBody(req, false);
        if (bad) return bad;
        if (isObject(req.body) && req.body.id !== undefined) return tmfError(400, "id: assigned by the server; leave it out of a create");
        const id = newId();
        const created = write(id, req.body, 201, { location: `${CONFIGS_PATH}/${id}` });
        if (created.status === 201 && opts.createAnswer === "location") delete created.body;
        return created;
      }
      return tmfError(405, `${req.method} is not supported on ${CONFIGS_PATH}`);
    }
    const id = decodeURIComponent(rest.slice(1));
    const existing = state.configurations.get(id);
    const missing = () => tmfError(404, `SCIM configuration ${id} does not exist`);
    switch (req.method) {
      case "GET":
        return existing ? { status: 200, body: structuredClone(existing) } : missing();
      case "PUT": {
        if (!existing) return missing();
        return jsonBody(req, false) ?? write(id, req.body, 200);
      }
      case "PATCH": {
        if (!existing) return missing();
        const bad = jsonBody(req, true);
        if (bad) return bad;
        let patched: unknown;
        try {
          patched = applyJsonPatch(existing, req.body);
        } catch (e) {
          if (e instanceof PatchError) return tmfError(e.status, e.message, "op-admin-scimconfigurations-id-patch.html");
          throw e;
        }
        // A patched href left stale by a renamed descriptor is recomputed, as on create.
        if (isObject(patched) && patched["target-connection-descriptor-name"] !== existing["target-connection-descriptor-name"] && patched["target-connection-descriptor-href"] === existing["target-connection-descriptor-href"]) {
          delete patched["target-connection-descriptor-href"];
        }
        return write(id, patched, 200);
      }
      case "DELETE":
        if (!existing) return missing();
        state.configurations.delete(id);
        return { status: 204 };
      default:
        return tmfError(405, `${req.method} is not supported on ${CONFIGS_PATH}/{id}`);
    }
  };

  const emu = new Emulator(route, opts);
  const url = await emu.start();
  scope = `${url}/${ADMIN_SCOPE_SUFFIX}`;
  selfServiceScope = `${url}/${SELF_SERVICE_SCOPE_SUFFIX}`;
  return {
    emu,
    url,
    tokenUrl: url + TOKEN_PATH,
    clientId,
    clientSecret,
    scope,
    selfServiceScope,
    state,
    tokens,
    stop: () => emu.stop(),
  };
}
