/**
 * CZERTAINLY Core emulator: the `/v1/scepProfiles` API and the RA-profile SCEP activation
 * endpoints, as Core 2.17.0 implements them (`../shared/reference/czertainly-nevisidm-cxif.md`
 * §1, read from the vendor's source, and the official OpenAPI documents in `../shared/specs/`).
 *
 * Served under the `/api` context path, so the base URL a client configures is
 * `http://127.0.0.1:<port>/api`, shaped like a real `https://<host>/api` (reference §1.2).
 *
 * Authentication, as Core accepts it (reference §1.2): a signed JWT bearer token whose `iss` is
 * the configured OAuth2 provider and which has not expired (the emulator signs its own, HS256,
 * with `issueToken`, and stands for that provider's token endpoint too: OAuth2 client
 * credentials at `TOKEN_PATH`), or a client certificate in the `ssl-client-cert` header, as a
 * TLS-terminating ingress sets it after verifying the client. A certificate presented in the TLS
 * handshake to Core's own port is not a login: Core disables Spring's x509 filter and reads only
 * the header (§1.2). No credentials → 401 with an empty body.
 *
 * Quirks reproduced on purpose, because a client must cope with them against the real server:
 * - create answers 201 with the full detail but without `caCertificate`, update answers with the
 *   previous CA certificate (§1.6 caveat): only a GET after a write is authoritative;
 * - new profiles are created disabled (§1.7 create step 7);
 * - the response says `renewThreshold` where the request says `renewalThreshold` (§1.6);
 * - PUT leaves `renewalThreshold` unchanged when null and writes `challengePassword` only when the
 *   profile already had one (§1.7 update table);
 * - 422 bodies are JSON arrays of strings, other errors `{"message"}` objects (§1.8);
 * - the dependent-RA-profile 422 on delete says "Dependent SCEP Profiles" while listing RA
 *   profiles (§1.7 delete);
 * - null fields are omitted from responses (§1.2, Jackson NON_NULL).
 *
 * The SCEP protocol endpoint (unauthenticated) answers `GetCACaps` only, enough to show whether a
 * profile's `scepUrl` serves.
 */
import { createHmac, createHash, randomBytes, randomUUID, timingSafeEqual, X509Certificate } from "node:crypto";
import { Emulator, UniqueIndex, basicOf, bearerOf, type EmulatorOptions, type EmuRequest, type EmuResponse } from "../core/emulator";
import {
  defaultSeed,
  type AuthorityRecord,
  type CertificateRecord,
  type ConnectorAttributeDefinition,
  type CustomAttributeDefinition,
  type CzertainlySeed,
  type RaProfileRecord,
  type StoredAttribute,
} from "./emulator-seed";

export { SEED, defaultSeed } from "./emulator-seed";
export type * from "./emulator-seed";

/** A SCEP profile as Core's `ScepProfile` entity holds it (secrets in clear: it is the server). */
export interface ScepProfileRecord {
  uuid: string;
  name: string;
  description?: string;
  enabled: boolean;
  raProfileUuid?: string;
  issueCertificateAttributes: StoredAttribute[];
  customAttributes: StoredAttribute[];
  caCertificateUuid: string;
  /** null/undefined: half of the certificate validity (reference §1.4). */
  renewalThreshold?: number;
  includeCaCertificate: boolean;
  includeCaCertificateChain: boolean;
  challengePassword?: string;
  enableIntune: boolean;
  intuneTenant?: string;
  intuneApplicationId?: string;
  intuneApplicationKey?: string;
  certificateAssociations?: {
    ownerUuid?: string;
    groupUuids?: string[];
    customAttributes: StoredAttribute[];
  };
}

/** The in-memory store; tests change it directly to make drift. */
export interface CzertainlyState {
  profiles: Map<string, ScepProfileRecord>;
  certificates: Map<string, CertificateRecord>;
  authorities: Map<string, AuthorityRecord>;
  raProfiles: Map<string, RaProfileRecord>;
  attributeDefinitions: CustomAttributeDefinition[];
}

/** RBAC grants as `<resource>:<action>` (`scepProfiles:delete`, `scepProfiles:*`, `*`). */
export type Permissions = Record<string, string[]>;

/**
 * Where the emulator answers OAuth2 client-credentials token requests, standing for the OAuth2
 * provider configured in Core. The Keycloak form of the path matches the default issuer's
 * (`…/realms/czertainly`); Core does not prescribe the provider, so the path is [inferred].
 */
export const TOKEN_PATH = "/realms/czertainly/protocol/openid-connect/token";

export interface CzertainlyEmulatorOptions extends EmulatorOptions {
  /** OAuth2 clients the provider knows (client id → secret); default one client, see the emulator's `clientId`. */
  oauthClients?: Record<string, string>;
  /** Lifetime of the tokens the token endpoint issues (default 300 s, Keycloak's default access token lifespan [unverified]). */
  tokenLifetimeSeconds?: number;
  /** The `iss` Core accepts (the issuer URL of its configured OAuth2 provider). */
  issuer?: string;
  /** Client certificates (PEM) that authenticate through the certificate header (never through the TLS handshake). */
  trustedClientCertificates?: string[];
  /** Core's `HEADER_NAME` (default `ssl-client-cert`); `false` is `HEADER_ENABLED=false`. */
  certificateHeader?: string | false;
  /** Per-subject grants; a subject not listed may do everything. */
  permissions?: Permissions;
  /** Replaces parts of the default seed (see `SEED` for what the default holds). */
  seed?: Partial<CzertainlySeed>;
}

export interface TokenOptions {
  subject?: string;
  lifetimeSeconds?: number;
  /** Sign for another issuer, to see Core reject an unknown `iss`. */
  issuer?: string;
}

export interface CzertainlyEmulator {
  emu: Emulator;
  /** Base URL including the `/api` context path. */
  url: string;
  state: CzertainlyState;
  issuer: string;
  /** A JWT valid for an hour, for the common case. */
  token: string;
  /** The OAuth2 provider's token endpoint (client credentials, HTTP Basic or form fields). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Tokens the token endpoint issued, for tests of caching and refresh. */
  tokensIssued(): number;
  issueToken(o?: TokenOptions): string;
  stop(): Promise<void>;
}

export async function startCzertainlyEmulator(opts: CzertainlyEmulatorOptions = {}): Promise<CzertainlyEmulator> {
  const seed = { ...defaultSeed(), ...(opts.seed ?? {}) };
  const state: CzertainlyState = {
    profiles: new Map(),
    certificates: new Map(seed.certificates.map((c) => [c.dto.uuid, structuredClone(c)])),
    authorities: new Map(seed.authorities.map((a) => [a.uuid, structuredClone(a)])),
    raProfiles: new Map(seed.raProfiles.map((r) => [r.uuid, structuredClone(r)])),
    attributeDefinitions: structuredClone(seed.attributeDefinitions),
  };
  const issuer = opts.issuer ?? "https://idp.emulator.invalid/realms/czertainly";
  const key = randomBytes(32);
  const clientId = "trustplane-pulumi";
  const clientSecret = `emu-${randomUUID()}`;
  const api = new CoreApi(state, { oauthClients: { [clientId]: clientSecret }, ...opts }, issuer, key);
  const emu = new Emulator((req, e) => api.handle(req, e), opts);
  const base = await emu.start();
  const issueToken = (o: TokenOptions = {}) => signJwt(key, o.issuer ?? issuer, o.subject ?? "admin", o.lifetimeSeconds ?? 3600);
  return {
    emu,
    url: `${base}/api`,
    state,
    issuer,
    token: issueToken(),
    tokenUrl: `${base}${TOKEN_PATH}`,
    clientId,
    clientSecret,
    tokensIssued: () => api.tokensIssued,
    issueToken,
    stop: () => emu.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// Errors, in Core's envelopes (reference §1.8)

class Fail {
  constructor(readonly res: EmuResponse) {}
}

const fail = {
  badRequest: (message: string) => new Fail({ status: 400, body: { message } }),
  unreadable: () => new Fail({ status: 400, body: { message: "Unable to read HTTP message" } }),
  notFound: (type: string, id: string) =>
    new Fail({ status: 404, body: { message: `Object of type '${type}' identified by ${id} is not found.` } }),
  conflict: (message: string) => new Fail({ status: 409, body: { message } }),
  /** `ValidationException`: a JSON array of strings, not an object. */
  validation: (...messages: string[]) => new Fail({ status: 422, body: messages }),
  forbidden: (action: string, resource: string) =>
    new Fail({
      status: 403,
      headers: { "content-type": "application/problem+json" },
      body: { statusCode: 403, code: "ACCESS_DENIED", message: `Access Denied. Required '${action}' permission for '${resource}'` },
    }),
};

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** RFC 3986 unreserved characters: the name is a path segment of the SCEP URL (reference §1.7, §1.9). */
const NAME_RE = /^[A-Za-z0-9\-._~]+$/;
const CONTENT_TYPES = ["string", "text", "integer", "boolean", "float", "date", "time", "datetime", "secret", "file", "credential", "codeblock", "object", "resource"];

/** `SecuredUUID.fromString`: a malformed UUID is an IllegalArgumentException, hence 400. */
function uuidParam(v: string): string {
  if (!UUID_RE.test(v)) throw fail.badRequest(`Invalid UUID string: ${v}`);
  return v.toLowerCase();
}

const RESOURCE_LABEL: Record<string, string> = { scepProfiles: "SCEP Profile", raProfiles: "RA Profile" };

// ---------------------------------------------------------------------------------------------
// Request bodies: what Jackson would accept (wrong JSON types are HttpMessageNotReadable → 400;
// unknown properties are ignored, reference §1.2)

interface ProfileBody {
  name?: string;
  description?: string;
  raProfileUuid?: string;
  issueCertificateAttributes?: StoredAttribute[];
  caCertificateUuid?: string;
  customAttributes?: StoredAttribute[];
  renewalThreshold?: number;
  includeCaCertificate: boolean;
  includeCaCertificateChain: boolean;
  challengePassword?: string;
  enableIntune?: boolean;
  intuneTenant?: string;
  intuneApplicationId?: string;
  intuneApplicationKey?: string;
  certificateAssociations?: { ownerUuid?: string; groupUuids?: string[]; customAttributes?: StoredAttribute[] };
}

function jsonBody(req: EmuRequest): unknown {
  if (req.rawBody.trim() === "") throw fail.unreadable(); // "Required request body is missing"
  try {
    return JSON.parse(req.rawBody);
  } catch {
    throw fail.unreadable();
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function optString(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v); // Jackson coerces scalars to String
  throw fail.unreadable();
}

function optBool(o: Record<string, unknown>, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw fail.unreadable();
}

function optInt(o: Record<string, unknown>, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw fail.unreadable();
  return n;
}

function optAttributes(o: Record<string, unknown>, k: string): StoredAttribute[] | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw fail.unreadable();
  return v.map((a) => {
    if (!isObj(a)) throw fail.unreadable();
    // Jackson `defaultImpl = RequestAttributeV2`: no version means v2 (reference §1.1).
    const version = a.version ?? "v2";
    if (version !== "v2" && version !== "v3") throw fail.unreadable();
    const contentType = optString(a, "contentType");
    if (contentType !== undefined && !CONTENT_TYPES.includes(contentType)) throw fail.unreadable();
    const content = a.content ?? [];
    if (!Array.isArray(content) || !content.every(isObj)) throw fail.unreadable();
    if (version === "v3" && !content.every((c) => typeof c.contentType === "string")) throw fail.unreadable();
    return {
      uuid: optString(a, "uuid") ?? "",
      name: optString(a, "name") ?? "",
      // ≤2.16 derived a missing content type from the content; 2.17 requires it, so default to string.
      contentType: contentType ?? "string",
      version,
      content: content as Array<Record<string, unknown>>,
    };
  });
}

function parseProfileBody(raw: unknown): ProfileBody {
  if (!isObj(raw)) throw fail.unreadable();
  let certificateAssociations: ProfileBody["certificateAssociations"];
  const ca = raw.certificateAssociations;
  if (ca !== undefined && ca !== null) {
    if (!isObj(ca)) throw fail.unreadable();
    const groups = ca.groupUuids;
    if (groups !== undefined && groups !== null && (!Array.isArray(groups) || !groups.every((g) => typeof g === "string"))) {
      throw fail.unreadable();
    }
    const owner = optString(ca, "ownerUuid");
    // Declared `format: uuid` and typed UUID in the DTO: Jackson rejects a malformed one.
    if (owner !== undefined && !UUID_RE.test(owner)) throw fail.unreadable();
    if (Array.isArray(groups) && !groups.every((g) => UUID_RE.test(g as string))) throw fail.unreadable();
    certificateAssociations = {
      ownerUuid: owner,
      groupUuids: (groups as string[] | null | undefined) ?? undefined,
      customAttributes: optAttributes(ca, "customAttributes"),
    };
  }
  return {
    name: optString(raw, "name"),
    description: optString(raw, "description"),
    raProfileUuid: optString(raw, "raProfileUuid"),
    issueCertificateAttributes: optAttributes(raw, "issueCertificateAttributes"),
    caCertificateUuid: optString(raw, "caCertificateUuid"),
    customAttributes: optAttributes(raw, "customAttributes"),
    renewalThreshold: optInt(raw, "renewalThreshold"),
    // Primitive booleans in the DTO: omitted or null is false (reference §1.4).
    includeCaCertificate: optBool(raw, "includeCaCertificate") ?? false,
    includeCaCertificateChain: optBool(raw, "includeCaCertificateChain") ?? false,
    challengePassword: optString(raw, "challengePassword"),
    enableIntune: optBool(raw, "enableIntune"),
    intuneTenant: optString(raw, "intuneTenant"),
    intuneApplicationId: optString(raw, "intuneApplicationId"),
    intuneApplicationKey: optString(raw, "intuneApplicationKey"),
    certificateAssociations,
  };
}

function uuidList(req: EmuRequest): string[] {
  const body = jsonBody(req);
  if (!Array.isArray(body) || !body.every((u) => typeof u === "string")) throw fail.unreadable();
  return body as string[];
}

const empty = (s: string | undefined): boolean => s === undefined || s === "";

// ---------------------------------------------------------------------------------------------
// Attribute content checks

function dataMatches(contentType: string, data: unknown): boolean {
  switch (contentType) {
    case "string":
    case "text":
    case "date":
    case "time":
    case "datetime":
      return typeof data === "string";
    case "integer":
      return typeof data === "number" && Number.isInteger(data);
    case "float":
      return typeof data === "number";
    case "boolean":
      return typeof data === "boolean";
    case "secret":
      return isObj(data);
    case "file":
      return isObj(data) && ["content", "fileName", "mimeType"].every((k) => typeof data[k] === "string");
    // The official document marks these properties required (CodeBlockAttributeContentData,
    // CredentialAttributeContentData); that Core refuses content without them, rather than
    // storing it, is [inferred] from that, and is the stricter reading.
    case "codeblock":
      return isObj(data) && typeof data.code === "string" && typeof data.language === "string";
    case "credential":
      return isObj(data) && ["uuid", "name", "kind"].every((k) => typeof data[k] === "string") && Array.isArray(data.attributes);
    case "resource":
      return isObj(data);
    default:
      return true; // object: any JSON
  }
}

/**
 * Secret content is write-only: answers carry its protection level, never the secret
 * (reference §1.11 counts secret-typed attribute content among the never-read-back values).
 */
function maskContent(contentType: string, content: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  if (contentType !== "secret") return structuredClone(content);
  return content.map((c) => {
    const data = isObj(c.data) ? c.data : {};
    return { ...c, data: { protectionLevel: (data.protectionLevel as string | undefined) ?? "encrypted" } };
  });
}

// ---------------------------------------------------------------------------------------------
// JWT (HS256): stands for the OAuth2 provider Core trusts; Core checks signature, `iss`, `exp`.

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString("base64url");
}

function signJwt(key: Buffer, iss: string, sub: string, lifetimeSeconds: number, extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ iss, sub, iat: now, exp: now + lifetimeSeconds, preferred_username: sub, ...extra }));
  const sig = createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

function verifyJwt(key: Buffer, issuer: string, token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const expected = createHmac("sha256", key).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], "base64url");
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  let claims: { iss?: string; sub?: string; exp?: number };
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (claims.iss !== issuer) return undefined;
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) return undefined;
  return claims.sub ?? "unknown";
}

/** Core URL-decodes the header and strips PEM armour and line breaks (reference §1.2). */
function certDer(value: string): Buffer | undefined {
  let text = value;
  try {
    text = decodeURIComponent(value);
  } catch {
    // not URL-encoded
  }
  const b64 = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/=]+$/.test(b64)) return undefined;
  const der = Buffer.from(b64, "base64");
  return der.length > 0 ? der : undefined;
}

function commonName(der: Buffer): string {
  try {
    const subject = new X509Certificate(der).subject;
    return /CN=([^\n,]+)/.exec(subject)?.[1] ?? subject;
  } catch {
    return createHash("sha256").update(der).digest("hex").slice(0, 16);
  }
}

// ---------------------------------------------------------------------------------------------

class CoreApi {
  private readonly trusted: Set<string>;
  /** SCEP profile names are unique across the platform. */
  private readonly profileNames: UniqueIndex<ScepProfileRecord>;
  private readonly headerName: string | undefined;

  constructor(
    private readonly state: CzertainlyState,
    private readonly opts: CzertainlyEmulatorOptions,
    private readonly issuer: string,
    private readonly key: Buffer,
  ) {
    this.profileNames = new UniqueIndex(state.profiles, (p) => p.name);
    this.trusted = new Set(
      (opts.trustedClientCertificates ?? []).map((pem) => {
        const der = certDer(pem);
        if (!der) throw new Error("trustedClientCertificates: not a PEM certificate");
        return createHash("sha256").update(der).digest("hex");
      }),
    );
    this.headerName = opts.certificateHeader === false ? undefined : (opts.certificateHeader ?? "ssl-client-cert").toLowerCase();
  }

  handle(req: EmuRequest, emu: Emulator): EmuResponse {
    try {
      return this.dispatch(req, emu);
    } catch (e) {
      if (e instanceof Fail) return e.res;
      throw e;
    }
  }

  /** The subject of the request's credentials, or undefined (→ 401, empty body). */
  private authenticate(req: EmuRequest): string | undefined {
    const token = bearerOf(req.headers);
    if (token) return verifyJwt(this.key, this.issuer, token);
    if (this.headerName) {
      const h = req.headers[this.headerName];
      const value = Array.isArray(h) ? h[0] : h;
      if (value) {
        const der = certDer(value);
        if (!der || !this.trusted.has(createHash("sha256").update(der).digest("hex"))) return undefined;
        return `cert:${commonName(der)}`;
      }
    }
    // A certificate from the TLS handshake (req.clientCertSubject) is deliberately not looked at:
    // Core authenticates certificates only from the header its ingress sets (§1.2).
    return undefined;
  }

  tokensIssued = 0;

  /** The OAuth2 provider's client-credentials grant (RFC 6749 §4.4), answering Core-acceptable JWTs. */
  private token(req: EmuRequest): EmuResponse {
    const oauthError = (status: number, error: string, description: string): EmuResponse => ({ status, body: { error, error_description: description } });
    if (req.method !== "POST") return oauthError(405, "invalid_request", "HTTP method not allowed");
    const ct = String(req.headers["content-type"] ?? "");
    if (!ct.startsWith("application/x-www-form-urlencoded")) return oauthError(400, "invalid_request", "content type must be application/x-www-form-urlencoded");
    const form = new URLSearchParams(req.rawBody);
    const cred = basicOf(req.headers, "form-urlencoded") ?? [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
    const clients = this.opts.oauthClients ?? {};
    if (!Object.hasOwn(clients, cred[0]) || clients[cred[0]] !== cred[1]) return oauthError(401, "invalid_client", "Invalid client or Invalid client credentials");
    if (form.get("grant_type") !== "client_credentials") return oauthError(400, "unsupported_grant_type", "Unsupported grant_type");
    const lifetime = this.opts.tokenLifetimeSeconds ?? 300;
    const audience = form.get("audience");
    this.tokensIssued++;
    const access = signJwt(this.key, this.issuer, `service-account-${cred[0]}`, lifetime, {
      azp: cred[0],
      ...(form.get("scope") ? { scope: form.get("scope") } : {}),
      ...(audience ? { aud: audience } : {}),
    });
    return { status: 200, body: { access_token: access, token_type: "Bearer", expires_in: lifetime, ...(form.get("scope") ? { scope: form.get("scope") } : {}) } };
  }

  private authorize(subject: string, resource: string, action: string): void {
    const grants = this.opts.permissions?.[subject];
    if (!grants) return;
    if (grants.includes("*") || grants.includes(`${resource}:*`) || grants.includes(`${resource}:${action}`)) return;
    throw fail.forbidden(action, RESOURCE_LABEL[resource] ?? resource);
  }

  /**
   * The routes, most specific first: Spring matches `/v1/scepProfiles/caCertificates` before
   * `/v1/scepProfiles/{uuid}`, and a literal that is not routed falls to `{uuid}` (→ 400 for a
   * malformed UUID, as Core answers `GET /v1/scepProfiles/enable`).
   */
  private readonly routes: Route[] = [
    route("GET", "v1/scepProfiles", "scepProfiles", "list", (r) => this.list(r.ctx)),
    route("POST", "v1/scepProfiles", "scepProfiles", "create", (r) => this.create(r.req, r.ctx)),
    route("GET", "v1/scepProfiles/caCertificates", "scepProfiles", "list", (r) => this.caCertificates(r.req)),
    route("DELETE", "v1/scepProfiles/delete", "scepProfiles", "delete", (r) => this.bulkDelete(r.req, false)),
    route("DELETE", "v1/scepProfiles/delete/force", "scepProfiles", "delete", (r) => this.bulkDelete(r.req, true)),
    route("PATCH", "v1/scepProfiles/enable", "scepProfiles", "enable", (r) => this.bulkEnable(r.req, true)),
    route("PATCH", "v1/scepProfiles/disable", "scepProfiles", "enable", (r) => this.bulkEnable(r.req, false)),
    route("GET", "v1/scepProfiles/:uuid", "scepProfiles", "detail", (r) => this.get(r.uuid("uuid"), r.ctx)),
    route("PUT", "v1/scepProfiles/:uuid", "scepProfiles", "update", (r) => this.update(r.uuid("uuid"), r.req, r.ctx)),
    route("DELETE", "v1/scepProfiles/:uuid", "scepProfiles", "delete", (r) => this.delete(r.uuid("uuid"))),
    route("PATCH", "v1/scepProfiles/:uuid/enable", "scepProfiles", "enable", (r) => this.setEnabled(r.uuid("uuid"), true)),
    route("PATCH", "v1/scepProfiles/:uuid/disable", "scepProfiles", "enable", (r) => this.setEnabled(r.uuid("uuid"), false)),
    route("PATCH", "v1/scepProfiles/:uuid/raProfiles/:ra", "scepProfiles", "update", (r) => this.switchRaProfile(r.uuid("uuid"), r.uuid("ra"))),
    route("GET", "v1/raProfiles", "raProfiles", "list", () => ({
      status: 200,
      body: [...this.state.raProfiles.values()].map((ra) => this.raProfileDto(ra)),
    })),
    route("GET", "v1/raProfiles/:ra", "raProfiles", "detail", (r) => ({ status: 200, body: this.raProfileDto(this.raProfile(r.uuid("ra"))) })),
    route("GET", "v1/authorities/:a/raProfiles/:ra", "raProfiles", "detail", (r) => ({
      status: 200,
      body: this.raProfileDto(this.raProfile(r.uuid("ra"), r.uuid("a"))),
    })),
    route("GET", "v1/authorities/:a/raProfiles/:ra/protocols/scep", "raProfiles", "detail", (r) => ({
      status: 200,
      body: this.raScepDetail(this.raProfile(r.uuid("ra"), r.uuid("a")), r.ctx),
    })),
    route("PATCH", "v1/authorities/:a/raProfiles/:ra/protocols/scep/activate/:scep", "raProfiles", "update", (r) =>
      this.activate(this.raProfile(r.uuid("ra"), r.uuid("a")), r.uuid("scep"), r.req, r.ctx),
    ),
    route("PATCH", "v1/authorities/:a/raProfiles/:ra/protocols/scep/deactivate", "raProfiles", "update", (r) => {
      const ra = this.raProfile(r.uuid("ra"), r.uuid("a"));
      ra.scepProfileUuid = undefined;
      ra.scepIssueAttributes = undefined;
      return { status: 204 };
    }),
  ];

  private dispatch(req: EmuRequest, emu: Emulator): EmuResponse {
    // The SCEP protocol itself is a `NoAuthController` (reference §1.9): devices have no token.
    const scep = /^\/api\/v1\/protocols\/scep\/(?:(raProfile)\/)?([^/]+)\/pkiclient\.exe$/.exec(req.path);
    if (scep) return this.scepProtocol(req, scep[1] !== undefined, decodeURIComponent(scep[2]));
    if (req.path === TOKEN_PATH) return this.token(req);
    // Spring Security runs before dispatch: any other path answers 401 without credentials.
    const subject = this.authenticate(req);
    if (!subject || emu.consumeTokenExpiry()) return { status: 401 };
    if (!req.path.startsWith("/api/")) return springNotFound(req.path);
    const seg = req.path
      .slice("/api/".length)
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
    let pathMatched = false;
    for (const r of this.routes) {
      const params = r.match(seg);
      if (!params) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      this.authorize(subject, r.resource, r.action);
      return r.handler({
        req,
        ctx: contextUrl(req, emu),
        uuid: (name) => uuidParam(params[name]),
      });
    }
    return pathMatched ? methodNotAllowed(req.method) : springNotFound(req.path);
  }

  // ---- SCEP profiles ------------------------------------------------------------------------

  private list(ctx: string): EmuResponse {
    return { status: 200, body: [...this.state.profiles.values()].map((p) => this.summary(p, ctx)) };
  }

  private get(uuid: string, ctx: string): EmuResponse {
    const p = this.profile(uuid);
    return { status: 200, body: this.detail(p, ctx, p.caCertificateUuid) };
  }

  /** Checks in the order `ScepProfileServiceImpl.createScepProfile` makes them (reference §1.7). */
  private create(req: EmuRequest, ctx: string): EmuResponse {
    const b = parseProfileBody(jsonBody(req));
    if (empty(b.name)) throw fail.validation("Name cannot be empty");
    const name = b.name as string;
    if (!NAME_RE.test(name)) {
      throw fail.validation("Name can contain only unreserved URI characters (alphanumeric, hyphen, period, underscore, and tilde)");
    }
    if (this.profileNames.holder(name) !== undefined) throw fail.conflict("SCEP Profile with same name already exists");
    this.checkCaCertificate(b.caCertificateUuid, b.enableIntune === true);
    this.checkIntune(b);
    const customAttributes = this.customAttributes(b.customAttributes, "scepProfiles");
    const associations = this.associations(b.certificateAssociations);
    let issueCertificateAttributes: StoredAttribute[] = [];
    if (!empty(b.raProfileUuid)) {
      const ra = this.raProfile(uuidParam(b.raProfileUuid as string));
      issueCertificateAttributes = this.issueAttributes(ra, b.issueCertificateAttributes);
    }
    // The name lands in a varchar(255) column: longer fails in the database, which Core's
    // catch-all answers as a 500 (inferred: the reference names the limit, not the failure).
    if (name.length > 255 || (b.description?.length ?? 0) > 255) {
      return { status: 500, body: { message: "Internal server error." } };
    }
    const p: ScepProfileRecord = {
      uuid: randomUUID(),
      name,
      description: b.description,
      enabled: false,
      raProfileUuid: empty(b.raProfileUuid) ? undefined : (b.raProfileUuid as string).toLowerCase(),
      issueCertificateAttributes,
      customAttributes,
      caCertificateUuid: (b.caCertificateUuid as string).toLowerCase(),
      renewalThreshold: b.renewalThreshold,
      includeCaCertificate: b.includeCaCertificate,
      includeCaCertificateChain: b.includeCaCertificateChain,
      challengePassword: empty(b.challengePassword) ? undefined : b.challengePassword,
      enableIntune: b.enableIntune ?? false,
      intuneTenant: b.intuneTenant,
      intuneApplicationId: b.intuneApplicationId,
      intuneApplicationKey: b.intuneApplicationKey,
      certificateAssociations: associations,
    };
    this.state.profiles.set(p.uuid, p);
    this.profileNames.claim(p.uuid);
    // The 201 body is built from the entity just saved, whose lazy `caCertificate` is not loaded.
    return {
      status: 201,
      headers: { location: `${ctx}/v1/scepProfiles/${p.uuid}` },
      body: this.detail(p, ctx, undefined),
    };
  }

  /** Field by field as `ScepProfileServiceImpl.editScepProfile` (reference §1.7 update table). */
  private update(uuid: string, req: EmuRequest, ctx: string): EmuResponse {
    const p = this.profile(uuid);
    const b = parseProfileBody(jsonBody(req));
    this.checkCaCertificate(b.caCertificateUuid, b.enableIntune === true);
    this.checkIntune(b);
    const customAttributes = this.customAttributes(b.customAttributes, "scepProfiles");
    const associations = this.associations(b.certificateAssociations);
    let ra: RaProfileRecord | undefined;
    let issueCertificateAttributes: StoredAttribute[] = [];
    if (!empty(b.raProfileUuid)) {
      ra = this.raProfile(uuidParam(b.raProfileUuid as string));
      issueCertificateAttributes = this.issueAttributes(ra, b.issueCertificateAttributes);
    }
    if ((b.description?.length ?? 0) > 255) return { status: 500, body: { message: "Internal server error." } };
    const previousCa = p.caCertificateUuid;
    p.description = b.description;
    p.raProfileUuid = ra?.uuid;
    p.issueCertificateAttributes = issueCertificateAttributes;
    p.customAttributes = customAttributes;
    p.caCertificateUuid = (b.caCertificateUuid as string).toLowerCase();
    // null keeps the stored threshold: it cannot be cleared back to null through PUT.
    if (b.renewalThreshold !== undefined) p.renewalThreshold = b.renewalThreshold;
    p.includeCaCertificate = b.includeCaCertificate;
    p.includeCaCertificateChain = b.includeCaCertificateChain;
    p.enableIntune = b.enableIntune ?? false;
    p.intuneTenant = b.intuneTenant;
    p.intuneApplicationId = b.intuneApplicationId;
    p.intuneApplicationKey = b.intuneApplicationKey;
    // Only a profile that already had a password gets it written (null clears it); a password
    // sent for a profile without one is ignored. Same from 2.8.0 to 2.17.0.
    if (p.challengePassword !== undefined) p.challengePassword = empty(b.challengePassword) ? undefined : b.challengePassword;
    p.certificateAssociations = associations;
    // The answer is built from the saved entity, whose CA relation still points at the old one.
    return { status: 200, body: this.detail(p, ctx, previousCa) };
  }

  private delete(uuid: string): EmuResponse {
    const p = this.profile(uuid);
    const dependents = this.dependents(p.uuid);
    if (dependents.length > 0) {
      throw fail.validation(`Dependent SCEP Profiles (${dependents.length}): ${dependents.map((r) => r.name).join(", ")}`);
    }
    this.state.profiles.delete(p.uuid);
    return { status: 204 };
  }

  private bulkDelete(req: EmuRequest, force: boolean): EmuResponse {
    const failures: Array<{ uuid: string; name: string; message: string }> = [];
    for (const id of uuidList(req)) {
      const p = UUID_RE.test(id) ? this.state.profiles.get(id.toLowerCase()) : undefined;
      if (!p) {
        failures.push({ uuid: id, name: "", message: `Object of type 'ScepProfile' identified by ${id} is not found.` });
        continue;
      }
      const dependents = this.dependents(p.uuid);
      if (dependents.length > 0 && !force) {
        failures.push({
          uuid: p.uuid,
          name: p.name,
          message: `Dependent SCEP Profiles (${dependents.length}): ${dependents.map((r) => r.name).join(", ")}`,
        });
        continue;
      }
      // Force delete first deactivates SCEP on every RA profile that uses the profile.
      for (const r of dependents) {
        r.scepProfileUuid = undefined;
        r.scepIssueAttributes = undefined;
      }
      this.state.profiles.delete(p.uuid);
    }
    return { status: 200, body: failures };
  }

  private setEnabled(uuid: string, enabled: boolean): EmuResponse {
    this.profile(uuid).enabled = enabled;
    return { status: 204 };
  }

  /** Unknown UUIDs are skipped silently (reference §1.3). */
  private bulkEnable(req: EmuRequest, enabled: boolean): EmuResponse {
    for (const id of uuidList(req)) {
      const p = UUID_RE.test(id) ? this.state.profiles.get(id.toLowerCase()) : undefined;
      if (p) p.enabled = enabled;
    }
    return { status: 204 };
  }

  private switchRaProfile(uuid: string, raUuid: string): EmuResponse {
    const p = this.profile(uuid);
    const ra = this.raProfile(raUuid);
    // Issue attributes belong to the old RA profile's connector; dropping them on a switch is
    // inferred (the reference documents the endpoint, not what happens to the old content).
    if (p.raProfileUuid !== ra.uuid) p.issueCertificateAttributes = [];
    p.raProfileUuid = ra.uuid;
    return { status: 204 };
  }

  /** `intuneEnabled` is a required query parameter (reference §1.3). */
  private caCertificates(req: EmuRequest): EmuResponse {
    const raw = req.query.get("intuneEnabled");
    if (raw === null) {
      throw fail.badRequest("Required request parameter 'intuneEnabled' for method parameter type Boolean is not present");
    }
    const v = raw.toLowerCase();
    const truthy = ["true", "on", "yes", "1"];
    if (![...truthy, "false", "off", "no", "0"].includes(v)) {
      throw fail.badRequest(`Failed to convert value of type 'java.lang.String' to required type 'java.lang.Boolean'; Invalid boolean value [${raw}]`);
    }
    const intune = truthy.includes(v);
    const eligible = [...this.state.certificates.values()].filter((c) => caAcceptable(c, intune)).map((c) => structuredClone(c.dto));
    return { status: 200, body: eligible };
  }

  /**
   * Enough of the SCEP protocol to show whether a profile's URL serves: `GetCACaps`. Core serves
   * it only for an enabled profile with an acceptable CA certificate and an enabled RA profile
   * (reference §1.9); the status and wording of a refusal are inferred.
   */
  private scepProtocol(req: EmuRequest, byRaProfile: boolean, name: string): EmuResponse {
    const refuse = (why: string): EmuResponse => ({ status: 400, body: { message: why } });
    let profile: ScepProfileRecord | undefined;
    let ra: RaProfileRecord | undefined;
    if (byRaProfile) {
      ra = [...this.state.raProfiles.values()].find((r) => r.name === name);
      if (!ra) return fail.notFound("RaProfile", name).res;
      profile = ra.scepProfileUuid ? this.state.profiles.get(ra.scepProfileUuid) : undefined;
      if (!profile) return refuse(`SCEP is not activated on RA Profile ${name}`);
    } else {
      profile = [...this.state.profiles.values()].find((p) => p.name === name);
      if (!profile) return fail.notFound("ScepProfile", name).res;
      ra = profile.raProfileUuid ? this.state.raProfiles.get(profile.raProfileUuid) : undefined;
      if (!ra) return refuse(`SCEP Profile ${name} has no default RA Profile`);
    }
    if (!profile.enabled) return refuse(`SCEP Profile ${profile.name} is not enabled`);
    if (!ra.enabled) return refuse(`RA Profile ${ra.name} is not enabled`);
    const ca = this.state.certificates.get(profile.caCertificateUuid);
    if (!ca || !caAcceptable(ca, profile.enableIntune)) return refuse(`CA Certificate of SCEP Profile ${profile.name} is not acceptable`);
    const operation = req.query.get("operation");
    if (operation !== "GetCACaps") return refuse(`Unsupported operation ${operation ?? "(none)"} in this emulator`);
    return {
      status: 200,
      raw: true,
      headers: { "content-type": "text/plain" },
      body: ["Renewal", "SHA-256", "AES", "POSTPKIOperation", "SCEPStandard"].join("\n"),
    };
  }

  // ---- RA profiles -------------------------------------------------------------------------

  private activate(ra: RaProfileRecord, scepUuid: string, req: EmuRequest, ctx: string): EmuResponse {
    const ct = String(req.headers["content-type"] ?? "");
    if (!ct.toLowerCase().includes("application/json")) {
      return { status: 415, body: { message: `Content-Type '${ct || "application/octet-stream"}' is not supported` } };
    }
    const body = jsonBody(req);
    if (!isObj(body)) throw fail.unreadable();
    const attrs = optAttributes(body, "issueCertificateAttributes");
    const profile = this.profile(scepUuid);
    const authority = this.state.authorities.get(ra.authorityUuid);
    // Activation validates issue attributes against the authority's connector (reference §1.9);
    // without one there is nothing to validate against. Message wording inferred.
    if (!authority?.connectorUuid) {
      throw fail.validation(`Cannot activate SCEP for RA Profile ${ra.name}: its authority has no connector`);
    }
    ra.scepIssueAttributes = this.issueAttributes(ra, attrs);
    ra.scepProfileUuid = profile.uuid;
    return { status: 200, body: this.raScepDetail(ra, ctx) };
  }

  private raScepDetail(ra: RaProfileRecord, ctx: string): Record<string, unknown> {
    const p = ra.scepProfileUuid ? this.state.profiles.get(ra.scepProfileUuid) : undefined;
    if (!p) return { scepAvailable: false };
    return {
      uuid: p.uuid,
      name: p.name,
      scepAvailable: true,
      url: `${ctx}/v1/protocols/scep/raProfile/${encodeURIComponent(ra.name)}/pkiclient.exe`,
      issueCertificateAttributes: this.responseIssueAttributes(ra, ra.scepIssueAttributes ?? []),
    };
  }

  private raProfileDto(r: RaProfileRecord): Record<string, unknown> {
    const a = this.state.authorities.get(r.authorityUuid);
    return compact({
      uuid: r.uuid,
      name: r.name,
      description: r.description,
      authorityInstanceUuid: r.authorityUuid,
      authorityInstanceName: a?.name,
      legacyAuthority: a ? !a.connectorUuid : undefined,
      enabled: r.enabled,
      attributes: [],
      customAttributes: [],
      enabledProtocols: r.scepProfileUuid ? ["SCEP"] : [],
    });
  }

  // ---- lookups and validation ----------------------------------------------------------------

  private profile(uuid: string): ScepProfileRecord {
    const p = this.state.profiles.get(uuid);
    if (!p) throw fail.notFound("ScepProfile", uuid);
    return p;
  }

  private raProfile(uuid: string, authorityUuid?: string): RaProfileRecord {
    const r = this.state.raProfiles.get(uuid);
    if (!r || (authorityUuid !== undefined && r.authorityUuid !== authorityUuid)) throw fail.notFound("RaProfile", uuid);
    return r;
  }

  private dependents(scepUuid: string): RaProfileRecord[] {
    return [...this.state.raProfiles.values()].filter((r) => r.scepProfileUuid === scepUuid);
  }

  private checkCaCertificate(uuid: string | undefined, intune: boolean): void {
    if (empty(uuid)) throw fail.validation("CA Certificate cannot be empty");
    const cert = this.state.certificates.get(uuidParam(uuid as string));
    if (!cert) throw fail.notFound("Certificate", uuid as string);
    if (!caAcceptable(cert, intune)) throw fail.validation("CA Certificate is not acceptable as SCEP CA certificate for this profile");
  }

  private checkIntune(b: ProfileBody): void {
    if (b.enableIntune === true && (empty(b.intuneTenant) || empty(b.intuneApplicationId) || empty(b.intuneApplicationKey))) {
      throw fail.validation("Invalid Intune configuration. Missing Intune tenant and/or intune app identification");
    }
  }

  /** Custom attributes are resolved by definition **name** (reference §1.5). */
  private customAttributes(attrs: StoredAttribute[] | undefined, resource: "scepProfiles" | "certificates"): StoredAttribute[] {
    return (attrs ?? []).map((a) => {
      const def = this.state.attributeDefinitions.find((d) => d.name === a.name && d.resources.includes(resource));
      if (!def) throw fail.notFound("AttributeDefinition", a.name);
      if (!a.content.every((c) => dataMatches(def.contentType, c.data))) {
        // AttributeException → 400 (reference §1.8).
        throw fail.badRequest(`Attribute content of '${def.name}' does not match its content type '${def.contentType}'`);
      }
      return { ...a, uuid: def.uuid, contentType: def.contentType };
    });
  }

  /** Issue attributes: by connector attribute uuid + name, validated like `mergeAndValidateIssueAttributes`. */
  private issueAttributes(ra: RaProfileRecord, attrs: StoredAttribute[] | undefined): StoredAttribute[] {
    const defs = this.state.authorities.get(ra.authorityUuid)?.issueAttributes ?? [];
    const given = attrs ?? [];
    const errors: string[] = [];
    for (const a of given) {
      const def = defs.find((d) => d.uuid === a.uuid && d.name === a.name);
      if (!def) errors.push(`Attribute ${a.name} (${a.uuid}) is not an issue attribute of RA Profile ${ra.name}`);
      else if (!a.content.every((c) => dataMatches(def.contentType, c.data))) errors.push(`Attribute ${a.name} has invalid content for type ${def.contentType}`);
    }
    for (const d of defs) if (d.required && !given.some((a) => a.uuid === d.uuid)) errors.push(`Required attribute ${d.name} not found in attributes`);
    if (errors.length > 0) throw fail.validation(...errors);
    return given.map((a) => ({ ...a, contentType: defs.find((d) => d.uuid === a.uuid)!.contentType }));
  }

  /** null or `{}` removes the association (reference §1.7 update table). */
  private associations(a: ProfileBody["certificateAssociations"]): ScepProfileRecord["certificateAssociations"] {
    if (!a) return undefined;
    const customAttributes = this.customAttributes(a.customAttributes, "certificates");
    if (a.ownerUuid === undefined && (a.groupUuids ?? []).length === 0 && customAttributes.length === 0) return undefined;
    return { ownerUuid: a.ownerUuid?.toLowerCase(), groupUuids: a.groupUuids?.map((g) => g.toLowerCase()), customAttributes };
  }

  // ---- responses -----------------------------------------------------------------------------

  private summary(p: ScepProfileRecord, ctx: string): Record<string, unknown> {
    const ra = p.raProfileUuid ? this.state.raProfiles.get(p.raProfileUuid) : undefined;
    return compact({
      uuid: p.uuid,
      name: p.name,
      enabled: p.enabled,
      description: p.description,
      raProfile: ra ? { uuid: ra.uuid, name: ra.name, enabled: ra.enabled, authorityInstanceUuid: ra.authorityUuid } : undefined,
      includeCaCertificate: p.includeCaCertificate,
      includeCaCertificateChain: p.includeCaCertificateChain,
      renewThreshold: p.renewalThreshold,
      // Only with a default RA profile; host from the request (`fromCurrentContextPath`, §1.9).
      scepUrl: ra ? `${ctx}/v1/protocols/scep/${encodeURIComponent(p.name)}/pkiclient.exe` : undefined,
      enableIntune: p.enableIntune,
    });
  }

  private detail(p: ScepProfileRecord, ctx: string, caUuid: string | undefined): Record<string, unknown> {
    const ra = p.raProfileUuid ? this.state.raProfiles.get(p.raProfileUuid) : undefined;
    const ca = caUuid ? this.state.certificates.get(caUuid) : undefined;
    const assoc = p.certificateAssociations;
    return compact({
      ...this.summary(p, ctx),
      issueCertificateAttributes: ra ? this.responseIssueAttributes(ra, p.issueCertificateAttributes) : undefined,
      customAttributes: p.customAttributes.map((a) => this.responseCustomAttribute(a)),
      caCertificate: ca ? structuredClone(ca.dto) : undefined,
      intuneTenant: p.intuneTenant,
      intuneApplicationId: p.intuneApplicationId,
      certificateAssociations: assoc
        ? compact({
            ownerUuid: assoc.ownerUuid,
            groupUuids: assoc.groupUuids,
            customAttributes: assoc.customAttributes.map((a) => this.responseCustomAttribute(a)),
          })
        : undefined,
    });
  }

  private responseCustomAttribute(a: StoredAttribute): Record<string, unknown> {
    const def = this.state.attributeDefinitions.find((d) => d.uuid === a.uuid);
    return {
      content: maskContent(a.contentType, a.content),
      uuid: a.uuid,
      name: a.name,
      label: def?.label ?? a.name,
      type: "custom",
      contentType: a.contentType,
      version: a.version,
    };
  }

  private responseIssueAttributes(ra: RaProfileRecord, attrs: StoredAttribute[]): Array<Record<string, unknown>> {
    const defs: ConnectorAttributeDefinition[] = this.state.authorities.get(ra.authorityUuid)?.issueAttributes ?? [];
    return attrs.map((a) => ({
      content: maskContent(a.contentType, a.content),
      uuid: a.uuid,
      name: a.name,
      label: defs.find((d) => d.uuid === a.uuid)?.label ?? a.name,
      type: "data",
      contentType: a.contentType,
      version: a.version,
    }));
  }
}

/** `isCertificateScepCaCertAcceptable` (reference §1.7). */
export function caAcceptable(c: CertificateRecord, intune: boolean): boolean {
  const d = c.dto;
  const k = c.key;
  if (d.archived || !k || !k.privateKey) return false;
  if (d.state !== "issued" || (d.validationStatus !== "valid" && d.validationStatus !== "expiring")) return false;
  if (k.privateKey.state !== "active") return false;
  const has = (set: string[], need: string[]) => need.every((u) => set.includes(u));
  if (k.algorithm === "RSA") return has(k.publicUsages, ["encrypt", "verify"]) && has(k.privateKey.usages, ["decrypt", "sign"]);
  if (k.algorithm === "ECDSA" && !intune) return has(k.publicUsages, ["verify"]) && has(k.privateKey.usages, ["sign"]);
  return false;
}

interface RouteContext {
  req: EmuRequest;
  /** Core's context URL as the client addressed it. */
  ctx: string;
  /** A path parameter parsed as `SecuredUUID` (400 when malformed). */
  uuid(name: string): string;
}

interface Route {
  method: string;
  resource: string;
  action: string;
  match(seg: string[]): Record<string, string> | undefined;
  handler(r: RouteContext): EmuResponse;
}

function route(method: string, pattern: string, resource: string, action: string, handler: (r: RouteContext) => EmuResponse): Route {
  const parts = pattern.split("/");
  return {
    method,
    resource,
    action,
    handler,
    match(seg) {
      if (seg.length !== parts.length) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        if (parts[i].startsWith(":")) params[parts[i].slice(1)] = seg[i];
        else if (parts[i] !== seg[i]) return undefined;
      }
      return params;
    },
  };
}

/** Jackson NON_NULL: absent and null fields are left out. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function contextUrl(req: EmuRequest, emu: Emulator): string {
  const scheme = new URL(emu.url).protocol;
  return `${scheme}//${req.headers.host ?? new URL(emu.url).host}/api`;
}

/** Spring's default body for an unmapped path. */
function springNotFound(path: string): EmuResponse {
  return { status: 404, body: { timestamp: new Date().toISOString(), status: 404, error: "Not Found", path } };
}

function methodNotAllowed(method: string): EmuResponse {
  return { status: 405, body: { message: `Request method '${method}' is not supported` } };
}
