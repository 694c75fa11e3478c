/**
 * VMware Cloud Foundation SDDC Manager emulator: the token API and `/v1/identity-providers`, as
 * shared/reference/scm-vcf.md section 2 and the seed page (shared/seeds/002_*.txt) describe them:
 * - `POST /v1/tokens` {username, password} → `{accessToken, refreshToken: {id}}`; access tokens
 *   are JWTs that expire (about an hour, [unverified]); `PATCH /v1/tokens/access-token/refresh`
 *   with the refresh token id as body answers a new access token ([unverified] shape: the bare
 *   token text, as a Spring controller returning a String writes it);
 * - every other call needs `Authorization: Bearer <accessToken>`, else 401 in the VCF error model;
 * - the built-in `Embedded IDP` (type `Embedded`) is always listed and can be neither added,
 *   updated through the external-IdP API nor removed [doc];
 * - IdentityProviderSpec validation (name, type, ldap, oidc, certChain) answers 400 with the VCF
 *   error model: `{errorCode, errorType, message, remediationMessage, referenceToken, arguments,
 *   causes, context, nestedErrors}` [seed]; one nested error per invalid field;
 * - names are unique: 409 (the reference has no code for it, so the code is [inferred]);
 * - unknown ids: 404 IDENTITY_PROVIDER_NOT_FOUND [seed: "404 Identity Provider not found"];
 * - PATCH answers 200 or 204 without a body [seed]; the emulator answers 204 unless told otherwise;
 * - secrets (LDAP password, OIDC client secret) are never returned [doc].
 * Optionally (`asyncTasks`), writes answer 202 with an SDDC Manager task that completes after a
 * few polls of `GET /v1/tasks/{id}`, the convention of SDDC Manager's long-running APIs [inferred];
 * a failing task is injected with `failNextTask`.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { bearerOf, Emulator, UniqueIndex, type EmuRequest, type EmuResponse, type EmulatorOptions } from "../core/emulator";
import { canonicalType } from "./schema";

export const EMBEDDED_ID = "c5b7a9e2-0d6f-4a5e-8b1c-2f3e4d5a6b7c";
export const EMBEDDED_NAME = "Embedded IDP";

/** External types this emulator knows and the sub-specs each needs ([doc]: vCenter's AD FS needs OIDC plus AD over LDAP). */
export const EXTERNAL_TYPES: Record<string, { ldap: boolean; oidc: boolean }> = {
  "Microsoft ADFS": { ldap: true, oidc: true },
  // PowerVCF's sample spelling of the same type. That SDDC Manager takes it and answers the API
  // reference's spelling on GET is [inferred]; the emulator does so, so a stack sees both.
  AD_FS: { ldap: true, oidc: true },
};

export interface VcfEmulatorOptions extends EmulatorOptions {
  username?: string;
  password?: string;
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** Answer writes with a 202 task instead of the object. */
  asyncTasks?: boolean;
  /** Polls of a task before it completes (default 2). */
  taskPolls?: number;
  /** PATCH answers 200 instead of 204 (the seed allows both). */
  patchStatus?: 200 | 204;
  /**
   * External types besides AD FS and the sub-specs each needs, standing for the types later
   * releases add ([unverified]), so a stack can exercise a change of type.
   */
  extraTypes?: Record<string, { ldap: boolean; oidc: boolean }>;
  /** Identity providers present at start (besides the Embedded one). */
  seed?: Array<Partial<StoredIdp> & { name: string; type: string }>;
}

export interface StoredIdp {
  id: string;
  name: string;
  type: string;
  status: "ACTIVE" | "INACTIVE";
  certChain?: string[];
  ldap?: Record<string, unknown>;
  oidc?: Record<string, unknown>;
  /** Kept to prove what was written; never answered. */
  secrets: { ldapPassword?: string; oidcClientSecret?: string };
}

export interface VcfTask {
  id: string;
  name: string;
  status: "IN_PROGRESS" | "SUCCESSFUL" | "FAILED";
  creationTimestamp: string;
  completionTimestamp?: string;
  resources: Array<{ resourceId: string; type: string; name?: string }>;
  errors?: Array<Record<string, unknown>>;
  /** Polls left before it finishes; what it does then. */
  pollsLeft: number;
  run: () => string | undefined;
  failure?: { errorCode: string; message: string; remediationMessage?: string };
}

export interface VcfEmulatorState {
  idps: Map<string, StoredIdp>;
  tasks: Map<string, VcfTask>;
  /** The next write task fails with this error (asyncTasks mode). */
  failNextTask?: { errorCode: string; message: string; remediationMessage?: string };
  /** Refresh calls answered, for tests of token refresh. */
  refreshes: number;
  /** Logins (`POST /v1/tokens`) answered. */
  logins: number;
}

export interface VcfEmulator {
  emu: Emulator;
  url: string;
  /** What VCF_HOST takes: the base URL (the resource also accepts a bare host name). */
  host: string;
  username: string;
  password: string;
  state: VcfEmulatorState;
  /** Revokes every access token (not the refresh tokens), as their expiry would. */
  expireAccessTokens(): void;
  stop(): Promise<void>;
}

const KEY = randomBytes(16);

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString("base64url");
}

/** The VCF error model [seed]. */
export function vcfError(
  errorCode: string,
  message: string,
  o: { remediationMessage?: string; arguments?: string[]; causes?: Array<{ type: string; message: string }>; nestedErrors?: unknown[]; errorType?: string } = {},
) {
  return {
    errorCode,
    errorType: o.errorType ?? "ERROR",
    arguments: o.arguments ?? [],
    message,
    remediationMessage: o.remediationMessage,
    referenceToken: randomBytes(3).toString("hex").toUpperCase(),
    causes: o.causes ?? [],
    context: {},
    nestedErrors: o.nestedErrors ?? [],
  };
}

function err(status: number, errorCode: string, message: string, o: Parameters<typeof vcfError>[2] = {}): EmuResponse {
  return { status, body: vcfError(errorCode, message, o) };
}

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/** A certificate as PEM text, or base64 of PEM text as in the vendor's PowerVCF samples. */
export function isPemOrBase64Pem(s: unknown): boolean {
  if (typeof s !== "string" || !s.trim()) return false;
  if (PEM_RE.test(s)) return true;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(s)) return false;
  return PEM_RE.test(Buffer.from(s, "base64").toString("utf8"));
}

interface Problem {
  field: string;
  message: string;
}

/**
 * The keys of IdentityProviderSpec and its sub-specs as the seed's request body lists them. The
 * seed does not say whether SDDC Manager refuses others; refusing them is [inferred] and the
 * stricter reading: a key the spec does not define (`__provider`, a misspelt field) is a 400 here.
 */
const SPEC_KEYS: Record<string, readonly string[]> = {
  "": ["certChain", "ldap", "name", "oidc", "type"],
  ldap: ["domainAlias", "domainName", "password", "sourceDetails", "type", "username"],
  "ldap.sourceDetails": ["certChain", "groupsBaseDn", "serverEndpoints", "usersBaseDn"],
  oidc: ["clientId", "clientSecret", "discoveryEndpoint"],
};

function unknownKeys(o: unknown, at: string, out: Problem[]): void {
  if (!o || typeof o !== "object" || Array.isArray(o)) return;
  for (const [k, v] of Object.entries(o)) {
    const here = at ? `${at}.${k}` : k;
    if (!SPEC_KEYS[at].includes(k)) out.push({ field: here, message: "is not a property of IdentityProviderSpec" });
    else if (SPEC_KEYS[here]) unknownKeys(v, here, out);
  }
}

function str(v: unknown): v is string {
  return typeof v === "string" && v.trim().length > 0;
}

function validateCertChain(v: unknown, field: string, out: Problem[]): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) return void out.push({ field, message: "must be an array of PEM certificates" });
  v.forEach((c, i) => {
    if (!isPemOrBase64Pem(c)) out.push({ field: `${field}[${i}]`, message: "is not a PEM certificate (-----BEGIN CERTIFICATE-----) nor base64 of one" });
  });
}

/** LdapSpec: every field but domainAlias is required; ldaps endpoints need the server's CA chain (vCenter identity source rule). */
function validateLdap(l: unknown, out: Problem[]): void {
  if (!l || typeof l !== "object" || Array.isArray(l)) return void out.push({ field: "ldap", message: "must be an object" });
  const o = l as Record<string, unknown>;
  for (const f of ["domainName", "username", "password"]) if (!str(o[f])) out.push({ field: `ldap.${f}`, message: "is required" });
  if (o.domainAlias !== undefined && typeof o.domainAlias !== "string") out.push({ field: "ldap.domainAlias", message: "must be a string" });
  if (o.type !== "OpenLdap" && o.type !== "ActiveDirectory") out.push({ field: "ldap.type", message: "must be one of OpenLdap, ActiveDirectory" });
  const sd = o.sourceDetails as Record<string, unknown> | undefined;
  if (!sd || typeof sd !== "object") return void out.push({ field: "ldap.sourceDetails", message: "is required" });
  for (const f of ["usersBaseDn", "groupsBaseDn"]) if (!str(sd[f])) out.push({ field: `ldap.sourceDetails.${f}`, message: "is required" });
  const eps = sd.serverEndpoints;
  if (!Array.isArray(eps) || eps.length === 0) out.push({ field: "ldap.sourceDetails.serverEndpoints", message: "needs at least one ldap:// or ldaps:// URL" });
  else
    eps.forEach((e, i) => {
      if (typeof e !== "string" || !/^ldaps?:\/\/[^\s/:]+(:\d{1,5})?\/?$/i.test(e))
        out.push({ field: `ldap.sourceDetails.serverEndpoints[${i}]`, message: "must be ldap://host[:port] or ldaps://host[:port]" });
    });
  validateCertChain(sd.certChain, "ldap.sourceDetails.certChain", out);
  const secure = Array.isArray(eps) && eps.some((e) => typeof e === "string" && /^ldaps:/i.test(e));
  if (secure && (!Array.isArray(sd.certChain) || sd.certChain.length === 0))
    out.push({ field: "ldap.sourceDetails.certChain", message: "is required for ldaps:// endpoints (the LDAP server's CA chain)" });
}

function validateOidc(v: unknown, out: Problem[]): void {
  if (!v || typeof v !== "object" || Array.isArray(v)) return void out.push({ field: "oidc", message: "must be an object" });
  const o = v as Record<string, unknown>;
  for (const f of ["clientId", "clientSecret"]) if (!str(o[f])) out.push({ field: `oidc.${f}`, message: "is required" });
  if (typeof o.discoveryEndpoint !== "string" || !/^https:\/\/[^\s/]+/i.test(o.discoveryEndpoint))
    out.push({ field: "oidc.discoveryEndpoint", message: "must be the https URL of the IdP's .well-known/openid-configuration" });
}

/** IdentityProviderSpec as POST and PATCH take it. */
export function validateSpec(b: unknown, types: Record<string, { ldap: boolean; oidc: boolean }> = EXTERNAL_TYPES): Problem[] {
  const out: Problem[] = [];
  if (!b || typeof b !== "object" || Array.isArray(b)) return [{ field: "(body)", message: "must be an IdentityProviderSpec object" }];
  const o = b as Record<string, unknown>;
  unknownKeys(o, "", out);
  if (!str(o.name)) out.push({ field: "name", message: "is required" });
  if (!str(o.type)) out.push({ field: "type", message: "is required" });
  const needs = typeof o.type === "string" && Object.hasOwn(types, o.type) ? types[o.type] : undefined;
  if (str(o.type) && !needs && o.type !== "Embedded")
    out.push({ field: "type", message: `'${o.type}' is not a supported identity provider type (${Object.keys(types).join(", ")})` });
  if (needs) {
    for (const sub of ["ldap", "oidc"] as const) {
      if (needs[sub] && o[sub] === undefined) out.push({ field: sub, message: `is required for type ${o.type}` });
      if (!needs[sub] && o[sub] !== undefined) out.push({ field: sub, message: `is not used by type ${o.type}` });
    }
  }
  if (o.ldap !== undefined) validateLdap(o.ldap, out);
  if (o.oidc !== undefined) validateOidc(o.oidc, out);
  validateCertChain(o.certChain, "certChain", out);
  return out;
}

/** The seed's request body is "IdentityProviderSpec of type(s) application/json". */
function isJson(req: EmuRequest): boolean {
  return String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === "application/json";
}

/** 415 in the VCF error model, as Spring answers another media type [inferred: the seed lists no 415]. */
function unsupportedMediaType(req: EmuRequest): EmuResponse {
  return err(415, "UNSUPPORTED_MEDIA_TYPE", `Content type '${String(req.headers["content-type"] ?? "(none)")}' is not supported`, {
    remediationMessage: "Send the IdentityProviderSpec as application/json",
  });
}

function invalid(problems: Problem[]): EmuResponse {
  return err(400, "IDENTITY_PROVIDER_SPEC_INVALID", "Identity provider specification is invalid", {
    remediationMessage: "Correct the listed fields and retry",
    arguments: problems.map((p) => p.field),
    nestedErrors: problems.map((p) => vcfError("FIELD_INVALID", `${p.field} ${p.message}`, { arguments: [p.field] })),
  });
}

function ldapWithoutPassword(l: Record<string, unknown>): Record<string, unknown> {
  const { password: _p, ...rest } = l;
  return structuredClone(rest);
}

/** IdentityProvider as GET answers it [doc]: no secrets; OIDC endpoints discovered from the discovery URL. */
export function present(p: StoredIdp): Record<string, unknown> {
  if (p.type === "Embedded") {
    return {
      id: p.id,
      name: p.name,
      type: p.type,
      status: p.status,
      domainNames: ["vsphere.local"],
      identitySources: [
        { name: "vsphere.local", type: "SystemDomain", domainNames: ["vsphere.local"] },
        { name: "localos", type: "LocalOs", domainNames: ["localos"] },
      ],
    };
  }
  const out: Record<string, unknown> = { id: p.id, name: p.name, type: p.type, status: p.status };
  const domainNames: string[] = [];
  if (p.ldap) {
    const l = ldapWithoutPassword(p.ldap);
    out.ldap = l;
    domainNames.push(String(p.ldap.domainName));
    if (typeof p.ldap.domainAlias === "string" && p.ldap.domainAlias) domainNames.push(p.ldap.domainAlias);
    out.identitySources = [{ name: p.ldap.domainName, type: p.ldap.type, domainNames: [...domainNames], ldap: l }];
  } else out.identitySources = [];
  out.domainNames = domainNames;
  if (p.oidc) {
    const base = String(p.oidc.discoveryEndpoint).replace(/\/\.well-known\/openid-configuration\/?$/, "");
    out.oidc = {
      clientId: p.oidc.clientId,
      discoveryEndpoint: p.oidc.discoveryEndpoint,
      authEndpoint: `${base}/oauth2/authorize`,
      tokenEndpoint: `${base}/oauth2/token`,
      logoutEndpoint: `${base}/oauth2/logout`,
      publicKeyUri: `${base}/discovery/keys`,
      issuer: base,
      authMethod: "CLIENT_SECRET_BASIC",
    };
  }
  return out;
}

export async function startVcfEmulator(opts: VcfEmulatorOptions = {}): Promise<VcfEmulator> {
  const username = opts.username ?? "administrator@vsphere.local";
  const password = opts.password ?? `emu-${randomUUID()}`;
  const lifetime = opts.tokenLifetimeSeconds ?? 3600;
  const access = new Map<string, { expiresAt: number; subject: string }>();
  const refresh = new Map<string, { expiresAt: number; subject: string }>();
  const state: VcfEmulatorState = { idps: new Map(), tasks: new Map(), refreshes: 0, logins: 0 };
  // Identity provider names are unique in the instance.
  const names = new UniqueIndex<StoredIdp>(state.idps, (p) => p.name);
  const types = { ...EXTERNAL_TYPES, ...(opts.extraTypes ?? {}) };

  state.idps.set(EMBEDDED_ID, { id: EMBEDDED_ID, name: EMBEDDED_NAME, type: "Embedded", status: "ACTIVE", secrets: {} });
  names.claim(EMBEDDED_ID);

  const issueAccess = (subject: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify({ sub: subject, iat: now, exp: now + lifetime, jti: randomUUID() }));
    const sig = b64url(createHmac("sha256", KEY).update(`${head}.${body}`).digest());
    const token = `${head}.${body}.${sig}`;
    access.set(token, { expiresAt: Date.now() + lifetime * 1000, subject });
    return token;
  };

  /** An external IdP becomes the active one; without one, the Embedded IdP is active [doc: status "ACTIVE for currently enabled"]. */
  const settleStatus = () => {
    const external = [...state.idps.values()].filter((p) => p.type !== "Embedded");
    for (const p of state.idps.values()) {
      if (p.type === "Embedded") p.status = external.length ? "INACTIVE" : "ACTIVE";
      else p.status = "ACTIVE";
    }
  };

  const store = (id: string, spec: Record<string, unknown>, prev?: StoredIdp): StoredIdp => {
    const p: StoredIdp = prev ?? { id, name: "", type: "", status: "ACTIVE", secrets: {} };
    p.name = spec.name as string;
    p.type = canonicalType(spec.type) as string;
    if (spec.certChain !== undefined) p.certChain = structuredClone(spec.certChain as string[]);
    if (spec.ldap !== undefined) {
      const l = spec.ldap as Record<string, unknown>;
      p.secrets.ldapPassword = l.password as string;
      p.ldap = structuredClone(l);
    }
    if (spec.oidc !== undefined) {
      const o = spec.oidc as Record<string, unknown>;
      p.secrets.oidcClientSecret = o.clientSecret as string;
      p.oidc = { clientId: o.clientId, discoveryEndpoint: o.discoveryEndpoint };
    }
    state.idps.set(id, p);
    names.claim(id);
    settleStatus();
    return p;
  };

  for (const s of opts.seed ?? []) store(s.id ?? randomUUID(), s as Record<string, unknown>);

  /** Runs `work` now, or as a task when `asyncTasks` is on. */
  const write = (name: string, resourceId: string | undefined, work: () => string | undefined, syncAnswer: () => EmuResponse): EmuResponse => {
    if (!opts.asyncTasks) {
      work();
      return syncAnswer();
    }
    const t: VcfTask = {
      id: randomUUID(),
      name,
      status: "IN_PROGRESS",
      creationTimestamp: new Date().toISOString(),
      resources: resourceId ? [{ resourceId, type: "IDENTITY_PROVIDER" }] : [],
      pollsLeft: opts.taskPolls ?? 2,
      run: work,
      failure: state.failNextTask,
    };
    state.failNextTask = undefined;
    state.tasks.set(t.id, t);
    return { status: 202, body: presentTask(t), headers: { location: `/v1/tasks/${t.id}` } };
  };

  const route = (req: EmuRequest, emu: Emulator): EmuResponse => {
    if (req.path === "/v1/tokens") {
      if (req.method !== "POST") return err(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported on /v1/tokens`);
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (!str(b.username) || !str(b.password))
        return err(400, "TOKEN_SPEC_INVALID", "username and password are required", { remediationMessage: "Send {\"username\", \"password\"}" });
      if (b.username !== username || b.password !== password)
        return err(401, "INVALID_CREDENTIALS", "Authentication failed: invalid username or password", {
          remediationMessage: "Check the SSO user name and password of the SDDC Manager API user",
        });
      state.logins++;
      const refreshId = randomUUID();
      refresh.set(refreshId, { expiresAt: Date.now() + 24 * 3600 * 1000, subject: username });
      return { status: 200, body: { accessToken: issueAccess(username), refreshToken: { id: refreshId } } };
    }
    if (req.path === "/v1/tokens/access-token/refresh") {
      if (req.method !== "PATCH") return err(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported here`);
      // The body is the refresh token id: a JSON string, or tolerated bare or as {id}.
      const b = req.body;
      const id = typeof b === "string" ? b.trim() : b && typeof b === "object" ? (b as { id?: string }).id : undefined;
      const r = id ? refresh.get(id) : undefined;
      if (!r || r.expiresAt < Date.now())
        return err(404, "REFRESH_TOKEN_NOT_FOUND", "Refresh token is invalid or expired", { remediationMessage: "Create a new token pair with POST /v1/tokens" });
      state.refreshes++;
      // [unverified]: a Spring String answer, written bare even under application/json.
      return { status: 200, body: issueAccess(r.subject), raw: true, headers: { "content-type": "application/json" } };
    }

    const token = bearerOf(req.headers);
    if (!token) return err(401, "UNAUTHORIZED", "Authentication required", { remediationMessage: "Send a bearer access token from POST /v1/tokens" });
    if (emu.consumeTokenExpiry()) {
      access.delete(token);
      return err(401, "TOKEN_EXPIRED", "The access token has expired", { remediationMessage: "Refresh the access token" });
    }
    const t = access.get(token);
    if (!t || t.expiresAt < Date.now()) {
      access.delete(token);
      return err(401, "TOKEN_EXPIRED", "The access token is invalid or has expired", { remediationMessage: "Refresh the access token" });
    }

    const task = /^\/v1\/tasks\/([^/]+)$/.exec(req.path);
    if (task) {
      if (req.method !== "GET") return err(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported on tasks`);
      const tk = state.tasks.get(decodeURIComponent(task[1]));
      if (!tk) return err(404, "TASK_NOT_FOUND", `Task ${task[1]} not found`);
      if (tk.status === "IN_PROGRESS" && --tk.pollsLeft <= 0) finish(tk);
      return { status: 200, body: presentTask(tk) };
    }

    if (req.path === "/v1/identity-providers") {
      if (req.method === "GET") return { status: 200, body: { elements: [...state.idps.values()].map(present) } };
      if (req.method !== "POST") return err(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported on /v1/identity-providers`);
      if (!isJson(req)) return unsupportedMediaType(req);
      const b = req.body as Record<string, unknown>;
      if (b && b.type === "Embedded")
        return err(400, "IDENTITY_PROVIDER_EMBEDDED_NOT_ALLOWED", "The embedded identity provider is built in and cannot be added", {
          remediationMessage: "Add an external identity provider, or manage identity sources of the embedded one",
        });
      const problems = validateSpec(b, types);
      if (problems.length) return invalid(problems);
      if (nameTaken(b.name as string, undefined)) return conflict(b.name as string);
      const id = randomUUID();
      return write("Add identity provider", id, () => (store(id, b), id), () => ({ status: 201, body: present(state.idps.get(id)!) }));
    }

    const m = /^\/v1\/identity-providers\/([^/]+)$/.exec(req.path);
    if (!m) return err(404, "NOT_FOUND", `No API at ${req.path}`);
    const id = decodeURIComponent(m[1]);
    const existing = state.idps.get(id);
    if (!existing) return err(404, "IDENTITY_PROVIDER_NOT_FOUND", `Identity Provider with id ${id} not found`, { arguments: [id] });
    switch (req.method) {
      case "GET":
        return { status: 200, body: present(existing) };
      case "PATCH": {
        if (existing.type === "Embedded") return embeddedRefusal("updated through the external identity provider API");
        if (!isJson(req)) return unsupportedMediaType(req);
        const b = req.body as Record<string, unknown>;
        // The seed marks name, type, ldap and oidc Required in the PATCH body, as in the POST one:
        // a PATCH without the blocks its type needs is refused like an add without them.
        const problems = validateSpec(b, types);
        if (problems.length) return invalid(problems);
        if (canonicalType(b.type) !== canonicalType(existing.type))
          return err(400, "IDENTITY_PROVIDER_TYPE_CHANGE_NOT_ALLOWED", `The type of an identity provider cannot change (${existing.type} → ${String(b.type)})`, {
            remediationMessage: "Remove the identity provider and add a new one of the other type",
          });
        if (nameTaken(b.name as string, id)) return conflict(b.name as string);
        const status = opts.patchStatus ?? 204;
        return write("Update identity provider", id, () => (store(id, b, existing), id), () => ({ status }));
      }
      case "DELETE":
        if (existing.type === "Embedded") return embeddedRefusal("removed");
        return write("Remove identity provider", id, () => (state.idps.delete(id), settleStatus(), id), () => ({ status: 204 }));
      default:
        return err(405, "METHOD_NOT_ALLOWED", `${req.method} is not supported on identity providers`);
    }
  };

  const finish = (tk: VcfTask) => {
    tk.completionTimestamp = new Date().toISOString();
    if (tk.failure) {
      tk.status = "FAILED";
      tk.errors = [vcfError(tk.failure.errorCode, tk.failure.message, { remediationMessage: tk.failure.remediationMessage })];
      return;
    }
    tk.run();
    tk.status = "SUCCESSFUL";
  };

  const nameTaken = (name: string, self: string | undefined) => names.holder(name, self) !== undefined;
  const conflict = (name: string) =>
    err(409, "IDENTITY_PROVIDER_ALREADY_EXISTS", `An identity provider named '${name}' already exists`, {
      arguments: [name],
      remediationMessage: "Choose another name or update the existing identity provider",
    });
  const embeddedRefusal = (what: string) =>
    err(400, "IDENTITY_PROVIDER_EMBEDDED_NOT_ALLOWED", `The embedded identity provider is built in and cannot be ${what}`, {
      remediationMessage: "Manage the identity sources of the embedded identity provider instead",
    });

  const emu = new Emulator(route, opts);
  const url = await emu.start();
  return {
    emu,
    url,
    host: url,
    username,
    password,
    state,
    expireAccessTokens: () => access.clear(),
    stop: () => emu.stop(),
  };
}

function presentTask(t: VcfTask): Record<string, unknown> {
  const { pollsLeft: _p, run: _r, failure: _f, ...rest } = t;
  return structuredClone(rest);
}
