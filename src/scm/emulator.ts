/**
 * Strata Cloud Manager emulator: the auth service's token endpoint and the config identity
 * gateway's `/scep-profiles`, as the vendor documents them (shared/specs/scm-identity-services and
 * scm-auth-service OpenAPI documents, shared/reference/scm-vcf.md section 1):
 * - tokens: HTTP basic client credentials, `scope=tsg_id:<TSG>`, 15-minute lifetime;
 * - every API call needs a bearer token for the TSG, else 401 E016;
 * - validation failures are 400 E003 "Invalid Object" with the reasons in `details`;
 * - a name is unique within its container: 409 E006 "Name Not Unique";
 * - unknown ids: 404 E005 "Object Not Present"; a referenced profile cannot go: 409 E009;
 * - secret fields (fixed challenge, OTP password) are answered encrypted, never in plaintext;
 * - list needs a container query parameter and pages with limit/offset.
 * The gateway answers under both the current (`/config/identity/v1`) and legacy (`/sse/config/v1`) bases.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { basicOf, bearerOf, Emulator, TokenIssuer, UniqueIndex, type EmuRequest, type EmuResponse, type EmulatorOptions } from "../core/emulator";
import { BUILT_IN_CERTS, FQDN_RE, URI_RE } from "./schema";

export const TOKEN_PATH = "/auth/v1/oauth2/access_token";
export const API_BASE = "/config/identity/v1";
const BASES = [API_BASE, "/sse/config/v1"];

export interface ScmEmulatorOptions extends EmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  tsgId?: string;
  tokenLifetimeSeconds?: number;
}

export interface StoredProfile {
  id: string;
  [k: string]: unknown;
}

export interface ScmEmulatorState {
  profiles: Map<string, StoredProfile>;
  /** Objects that reference a profile (GlobalProtect portals, certificate profiles…): delete answers 409 E009. */
  references: Map<string, string[]>;
  /** Plaintext behind each ciphertext this emulator handed out, so tests can check what was written. */
  plaintextOf: Map<string, string>;
}

export interface ScmEmulator {
  emu: Emulator;
  url: string;
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  tsgId: string;
  state: ScmEmulatorState;
  tokens: TokenIssuer;
  stop(): Promise<void>;
}

const CONTAINER_RE = /^[a-zA-Z\d\-_. ]+$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The properties of the document's `scep-profiles` schema (`id` read-only). The document does not
 * say `additionalProperties: false`; that the API refuses other keys as an invalid object rather
 * than storing or dropping them is [inferred] from PAN-OS config validation, and is the stricter
 * reading, so a client that sends a key the document does not define hears about it.
 */
const PROFILE_KEYS = new Set([
  "id", "folder", "snippet", "device", "name", "scep_challenge", "ca_identity_name", "subject", "algorithm", "digest",
  "fingerprint", "certificate_attributes", "use_as_digital_signature", "use_for_key_encipherment", "scep_url",
  "scep_ca_cert", "scep_client_cert",
]);
const KEY = randomBytes(16);
const ENCRYPTED_PREFIX = "-AQ==";

function errorBody(code: string, message: string, details: unknown = {}) {
  return { _errors: [{ code, message, details }], _request_id: randomUUID() };
}

function err(status: number, code: string, message: string, details?: unknown): EmuResponse {
  const body = errorBody(code, message, details);
  return { status, body, headers: { "x-request-id": body._request_id } };
}

/** PAN-OS style ciphertext: a fresh salt per write, so the same secret written twice differs. */
function encrypt(state: ScmEmulatorState, plain: string): string {
  const salt = randomBytes(6).toString("base64");
  const c = `${ENCRYPTED_PREFIX}${salt}${createHmac("sha256", KEY).update(salt + plain).digest("base64")}`;
  state.plaintextOf.set(c, plain);
  return c;
}

/** Validation as the spec's `scep-profiles` schema and the seed page state it. */
export function validateProfile(b: unknown): string[] {
  const problems: string[] = [];
  if (!b || typeof b !== "object" || Array.isArray(b)) return ["body must be a JSON object"];
  const o = b as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!PROFILE_KEYS.has(k)) problems.push(`${k}: not a property of scep-profiles`);
  const containers = ["folder", "snippet", "device"].filter((k) => o[k] !== undefined);
  if (containers.length !== 1) problems.push("exactly one of folder, snippet, device is required");
  for (const k of containers) {
    const v = o[k];
    if (typeof v !== "string" || v.length > 64 || !CONTAINER_RE.test(v)) problems.push(`${k}: must match ^[a-zA-Z\\d-_\\. ]+$ and be at most 64 characters`);
  }
  if (typeof o.name !== "string" || o.name.length === 0 || o.name.length > 31) problems.push("name: required, at most 31 characters");
  const ch = o.scep_challenge as Record<string, unknown> | undefined;
  if (!ch || typeof ch !== "object") problems.push("scep_challenge: required");
  else {
    const kinds = ["none", "fixed", "dynamic"].filter((k) => ch[k] !== undefined);
    if (kinds.length !== 1) problems.push("scep_challenge: exactly one of none, fixed, dynamic");
    if (ch.fixed !== undefined && (typeof ch.fixed !== "string" || ch.fixed.length > 1024)) problems.push("scep_challenge.fixed: at most 1024 characters");
    if (ch.dynamic !== undefined) {
      const d = ch.dynamic as Record<string, unknown>;
      for (const f of ["otp_server_url", "username", "password"]) {
        if (d[f] !== undefined && (typeof d[f] !== "string" || (d[f] as string).length > 255)) problems.push(`scep_challenge.dynamic.${f}: at most 255 characters`);
      }
      if (typeof d.otp_server_url === "string" && !URI_RE.test(d.otp_server_url)) problems.push("scep_challenge.dynamic.otp_server_url: format uri");
      for (const k of Object.keys(d)) if (!["otp_server_url", "username", "password"].includes(k)) problems.push(`scep_challenge.dynamic.${k}: not a property`);
    }
  }
  for (const f of ["ca_identity_name", "subject", "scep_url"]) if (typeof o[f] !== "string" || !o[f]) problems.push(`${f}: required`);
  const bits = (o.algorithm as { rsa?: { rsa_nbits?: unknown } } | undefined)?.rsa?.rsa_nbits;
  if (!["1024", "2048", "3072"].includes(bits as string)) problems.push("algorithm.rsa.rsa_nbits: one of '1024', '2048', '3072'");
  if (!["sha1", "sha256", "sha384", "sha512"].includes(o.digest as string)) problems.push("digest: one of sha1, sha256, sha384, sha512");
  const ca = o.certificate_attributes as Record<string, unknown> | undefined;
  if (ca !== undefined) {
    const kinds = ["rfc822name", "dnsname", "uniform_resource_identifier"].filter((k) => ca[k] !== undefined);
    if (kinds.length !== 1) problems.push("certificate_attributes: exactly one of rfc822name, dnsname, uniform_resource_identifier");
    if (typeof ca.rfc822name === "string" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(ca.rfc822name)) problems.push("certificate_attributes.rfc822name: format email");
    if (typeof ca.uniform_resource_identifier === "string" && !URI_RE.test(ca.uniform_resource_identifier)) problems.push("certificate_attributes.uniform_resource_identifier: format uri");
    if (ca.dnsname !== undefined && (typeof ca.dnsname !== "string" || !FQDN_RE.test(ca.dnsname))) problems.push("certificate_attributes.dnsname: format fqdn");
  }
  if (typeof o.scep_url === "string" && !URI_RE.test(o.scep_url)) problems.push("scep_url: format uri");
  for (const f of ["scep_ca_cert", "scep_client_cert"]) {
    if (o[f] !== undefined && !(BUILT_IN_CERTS as readonly unknown[]).includes(o[f])) problems.push(`${f}: one of ${BUILT_IN_CERTS.join(", ")}`);
  }
  for (const f of ["use_as_digital_signature", "use_for_key_encipherment"]) {
    if (o[f] !== undefined && typeof o[f] !== "boolean") problems.push(`${f}: boolean`);
  }
  return problems;
}

function isContentType(req: EmuRequest, type: string): boolean {
  return String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === type;
}

/** The seed's "E003 Input Format Mismatch: input-format=json" for a body that is not declared JSON. */
function formatMismatch(req: EmuRequest): EmuResponse {
  return err(400, "E003", "Input Format Mismatch: input-format=json", { "content-type": String(req.headers["content-type"] ?? "(none)") });
}

function containerKey(o: Record<string, unknown>): string {
  for (const k of ["folder", "snippet", "device"]) if (o[k] !== undefined) return `${k}:${o[k]}`;
  return "";
}

export async function startScmEmulator(opts: ScmEmulatorOptions = {}): Promise<ScmEmulator> {
  const clientId = opts.clientId ?? "svc-acct@1234567890.iam.panserviceaccount.com";
  const clientSecret = opts.clientSecret ?? `emu-secret-${randomUUID()}`;
  const tsgId = opts.tsgId ?? "1234567890";
  const tokens = new TokenIssuer(opts.tokenLifetimeSeconds ?? 900);
  const state: ScmEmulatorState = { profiles: new Map(), references: new Map(), plaintextOf: new Map() };
  // Names are unique within a folder, snippet or device.
  const nameKey = (o: Record<string, unknown>) => `${containerKey(o)}\u0000${String(o.name)}`;
  const names = new UniqueIndex<StoredProfile>(state.profiles, nameKey);

  const store = (id: string, body: Record<string, unknown>): StoredProfile => {
    const p: StoredProfile = { ...structuredClone(body), id };
    delete (p as Record<string, unknown>)._request_id;
    const ch = p.scep_challenge as Record<string, unknown>;
    if (typeof ch.fixed === "string") ch.fixed = encrypt(state, ch.fixed);
    const dyn = ch.dynamic as Record<string, unknown> | undefined;
    if (dyn && typeof dyn.password === "string") dyn.password = encrypt(state, dyn.password);
    if (ch.none !== undefined) ch.none = {};
    if (p.subject === undefined) p.subject = "CN=$USERNAME";
    state.profiles.set(id, p);
    names.claim(id);
    return p;
  };

  const route = (req: EmuRequest, emu: Emulator): EmuResponse => {
    if (req.path === TOKEN_PATH) {
      if (req.method !== "POST") return err(405, "E012", "Method Not Supported");
      // The auth service's document takes the token request as a form only.
      if (!isContentType(req, "application/x-www-form-urlencoded")) return { status: 400, body: { error: "invalid_request", error_description: "content type must be application/x-www-form-urlencoded" } };
      // Palo Alto's own clients send the id and secret unencoded (Go SDK `SetBasicAuth`, `curl -u`);
      // whether the service would also accept a form-encoded `%40` is not documented, so it is refused.
      const cred = basicOf(req.headers, "as-is");
      if (!cred || cred[0] !== clientId || cred[1] !== clientSecret) return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
      const form = new URLSearchParams(req.rawBody);
      if (form.get("grant_type") !== "client_credentials") return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" } };
      if (form.get("scope") !== `tsg_id:${tsgId}`) return { status: 400, body: { error: "invalid_scope", error_description: `no role on ${form.get("scope") ?? "(no scope)"}` } };
      const t = tokens.issue(tsgId);
      return { status: 200, body: { access_token: t.token, token_type: "Bearer", expires_in: t.expiresIn, scope: `tsg_id:${tsgId}` } };
    }
    const base = BASES.find((b) => req.path === b + "/scep-profiles" || req.path.startsWith(b + "/scep-profiles/"));
    if (!base) return err(404, "E005", "Object Not Present", { path: req.path });
    const token = bearerOf(req.headers);
    if (!token) return err(401, "E016", "Not Authenticated");
    if (emu.consumeTokenExpiry()) {
      tokens.revoke(token);
      return err(401, "E016", "Key Expired");
    }
    if (tokens.verify(token) !== tsgId) return err(401, "E016", "Invalid Credential");

    const rest = req.path.slice((base + "/scep-profiles").length);
    if (rest === "" || rest === "/") {
      if (req.method === "GET") return list(req);
      if (req.method === "POST") {
        if (req.body === undefined) return err(400, "E003", "Missing Body");
        if (!isContentType(req, "application/json")) return formatMismatch(req);
        const problems = validateProfile(req.body);
        if (problems.length) return err(400, "E003", "Invalid Object", { errors: problems });
        const b = req.body as Record<string, unknown>;
        if (nameTaken(b, undefined)) return err(409, "E006", "Name Not Unique", { name: b.name });
        return { status: 201, body: present(store(randomUUID(), b)) };
      }
      return err(405, "E012", "Method Not Supported");
    }
    const id = decodeURIComponent(rest.slice(1));
    // The document's path parameter is `format: uuid`, with 400 among the answers.
    if (!UUID_RE.test(id)) return err(400, "E003", "Invalid Path Parameter: id must be a UUID", { id });
    const existing = state.profiles.get(id);
    switch (req.method) {
      case "GET":
        return existing ? { status: 200, body: present(existing) } : err(404, "E005", "Object Not Present");
      case "PUT": {
        if (!existing) return err(404, "E005", "Object Not Present");
        if (req.body === undefined) return err(400, "E003", "Missing Body");
        if (!isContentType(req, "application/json")) return formatMismatch(req);
        const problems = validateProfile(req.body);
        if (problems.length) return err(400, "E003", "Invalid Object", { errors: problems });
        const b = req.body as Record<string, unknown>;
        if (containerKey(b) !== containerKey(existing)) return err(400, "E012", "Action Not Supported: move");
        if (nameTaken(b, id)) return err(409, "E006", "Name Not Unique", { name: b.name });
        return { status: 200, body: present(store(id, b)) };
      }
      case "DELETE": {
        if (!existing) return err(404, "E005", "Object Not Present");
        const refs = state.references.get(id);
        if (refs?.length) return err(409, "E009", "Reference Not Zero", { references: refs });
        state.profiles.delete(id);
        return { status: 200 };
      }
      default:
        return err(405, "E012", "Method Not Supported");
    }
  };

  const nameTaken = (b: Record<string, unknown>, self: string | undefined) => names.holder(nameKey(b), self) !== undefined;

  const list = (req: EmuRequest): EmuResponse => {
    const filters = ["folder", "snippet", "device"].filter((k) => req.query.has(k));
    if (filters.length !== 1) return err(400, "E003", "Missing Query Parameter: folder");
    const k = filters[0];
    const limit = Number(req.query.get("limit") ?? 200);
    const offset = Number(req.query.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return err(400, "E003", `Invalid Query Parameter: limit=${req.query.get("limit")}`);
    const name = req.query.get("name");
    const all = [...state.profiles.values()].filter((p) => p[k] === req.query.get(k) && (name === null || p.name === name));
    return { status: 200, body: { data: all.slice(offset, offset + limit).map(present), limit, offset, total: all.length } };
  };

  const emu = new Emulator(route, opts);
  const url = await emu.start();
  return {
    emu,
    url,
    apiUrl: url + API_BASE,
    tokenUrl: url + TOKEN_PATH,
    clientId,
    clientSecret,
    tsgId,
    state,
    tokens,
    stop: () => emu.stop(),
  };
}

function present(p: StoredProfile): StoredProfile {
  return structuredClone(p);
}
