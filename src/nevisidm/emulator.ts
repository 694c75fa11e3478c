/**
 * nevisIDM REST v1 emulator: clients with their property definitions, profiles with their property
 * values, and the profile-properties endpoints (`PATCH` documented, `GET` inferred) with the
 * status codes and `errors[]` envelope the vendor documents.
 *
 * Sources: `shared/seeds/004_e63f601b35ffe607.txt` (the vendor's page for
 * `PATCH /nevisidm/api/core/v1/{clientExtId}/profiles/{extId}/properties`, with its 200/403/404/422
 * examples) and `shared/reference/czertainly-nevisidm-cxif.md` §2 (cited below as "ref §2.x").
 *
 * Users test their stacks against it: `startNevisidmEmulator()` seeds a client `acme` with a
 * realistic set of definitions and profiles and hands back a bearer token that may do everything;
 * `issueToken` gives narrower callers (missing rights, a data room that excludes a unit).
 */
import {
  Emulator,
  TokenIssuer,
  bearerOf,
  type EmuRequest,
  type EmuResponse,
  type EmulatorOptions,
} from "../core/emulator";

export const API_PREFIX = "/nevisidm/api/core/v1";

// ---------------------------------------------------------------------------------------------
// The data model (ref §2.4, §2.5)
// ---------------------------------------------------------------------------------------------

export type PropertyScope =
  | "PROFILE_GLOBAL"
  | "USER_GLOBAL"
  | "UNIT_GLOBAL"
  | "APPLICATION_GLOBAL"
  | "PROFILE_FOR_APPLICATION_GLOBAL"
  | "PROFILE_FOR_APPLICATION"
  | "ROLE_FOR_APPLICATION"
  | "ENTERPRISE_ROLE_GLOBAL"
  | "CREDENTIAL_CERTIFICATE_GLOBAL"
  | "CREDENTIAL_GENERIC_GLOBAL";
export type PropertyAccess = "READ_WRITE" | "READ_ONLY" | "OFF";
export type UniquenessScope = "ABSOLUTE" | "ABSOLUTE_USER" | "RELATIVE_UNIT" | "NONE";

/** A property definition as the definition API describes it (ref §2.5). */
export interface PropertyDefinition {
  propertyId: number;
  name: string;
  description?: string;
  type: "STRING" | "ENUM";
  scope: PropertyScope;
  encrypted: boolean;
  stringMaxLen?: number;
  /** A Java regex the whole value must match (`String.matches`); STRING only. */
  stringRegex?: string;
  /** ENUM only. */
  allowedValues?: string[];
  accessCreate: PropertyAccess;
  accessModify: PropertyAccess;
  uniquenessScope: UniquenessScope;
  /** What `_classifications` reports for this property (e.g. `PERSONAL`). */
  classifications: string[];
}

export type PropertyDefinitionSeed = Partial<Omit<PropertyDefinition, "name">> & { name: string };

export interface Profile {
  extId: string;
  clientExtId: string;
  userExtId: string;
  unitExtId: string;
  name: string;
  profileState: "active" | "disabled" | "archived";
  isDefaultProfile: boolean;
  version: number;
  created: string;
  lastModified: string;
  /** Current values; a removed value is absent, never stored as "" (ref §2.4). */
  properties: Map<string, string>;
}

export type ProfileSeed = Partial<Omit<Profile, "extId" | "clientExtId" | "properties">> & {
  extId: string;
  properties?: Record<string, string>;
};

export interface Client {
  extId: string;
  definitions: Map<string, PropertyDefinition>;
  profiles: Map<string, Profile>;
}

export interface ClientSeed {
  properties?: PropertyDefinitionSeed[];
  profiles?: ProfileSeed[];
}

/**
 * Who a bearer token stands for. nevisIDM authorizes with function rights plus data rooms
 * (ref §2.3): a missing right and a data room that excludes the object are different 403s.
 */
export interface Principal {
  name: string;
  /** Function rights; default: every right these endpoints need. */
  rights?: string[];
  /** Client extIds in the caller's data room; default: all. */
  clients?: string[];
  /** Unit extIds in the caller's data room; default: all. */
  units?: string[];
}

export const RIGHT_PROFILE_VIEW = "AccessControl.ProfileView";
export const RIGHT_PROFILE_MODIFY = "AccessControl.ProfileModify";
export const RIGHT_PROPERTY_VIEW = "AccessControl.PropertyView";
const ALL_RIGHTS = [RIGHT_PROFILE_VIEW, RIGHT_PROFILE_MODIFY, RIGHT_PROPERTY_VIEW];

/**
 * How the emulated deployment answers `GET …/profiles/{extId}/properties`. The GET is inferred
 * from every sibling entity (ref §2.4: "verify on a live instance before relying on it"), so the
 * emulator can also play a deployment that lacks it: `absent` answers a bare 404 as for any
 * unknown route, `method-not-allowed` a 405 as JAX-RS does for a path that only has PATCH.
 */
export type PropertiesGetMode = "supported" | "absent" | "method-not-allowed";

let nextPropertyId = 1000;

export function definition(seed: PropertyDefinitionSeed): PropertyDefinition {
  return {
    propertyId: seed.propertyId ?? nextPropertyId++,
    name: seed.name,
    description: seed.description,
    type: seed.type ?? (seed.allowedValues ? "ENUM" : "STRING"),
    scope: seed.scope ?? "PROFILE_GLOBAL",
    encrypted: seed.encrypted ?? false,
    stringMaxLen: seed.stringMaxLen,
    stringRegex: seed.stringRegex,
    allowedValues: seed.allowedValues,
    // Both accesses default to READ_WRITE (ref §2.5).
    accessCreate: seed.accessCreate ?? "READ_WRITE",
    accessModify: seed.accessModify ?? "READ_WRITE",
    uniquenessScope: seed.uniquenessScope ?? "NONE",
    classifications: seed.classifications ?? [],
  };
}

/** The in-memory store; tests and users change it directly to make drift. */
export class NevisidmState {
  readonly clients = new Map<string, Client>();
  /** bearer token → principal, for the static technical-user tokens. */
  readonly principals = new Map<string, Principal>();
  propertiesGet: PropertiesGetMode = "supported";

  addClient(extId: string, seed: ClientSeed = {}): Client {
    const c: Client = { extId, definitions: new Map(), profiles: new Map() };
    this.clients.set(extId, c);
    for (const d of seed.properties ?? []) this.defineProperty(extId, d);
    for (const p of seed.profiles ?? []) this.addProfile(extId, p);
    return c;
  }

  defineProperty(clientExtId: string, seed: PropertyDefinitionSeed): PropertyDefinition {
    const d = definition(seed);
    this.client(clientExtId).definitions.set(d.name, d);
    return d;
  }

  addProfile(clientExtId: string, seed: ProfileSeed): Profile {
    const now = new Date().toISOString();
    const p: Profile = {
      extId: seed.extId,
      clientExtId,
      userExtId: seed.userExtId ?? `user-${seed.extId}`,
      unitExtId: seed.unitExtId ?? "root",
      name: seed.name ?? seed.extId,
      profileState: seed.profileState ?? "active",
      isDefaultProfile: seed.isDefaultProfile ?? true,
      version: seed.version ?? 0,
      created: seed.created ?? now,
      lastModified: seed.lastModified ?? now,
      properties: new Map(Object.entries(seed.properties ?? {})),
    };
    this.client(clientExtId).profiles.set(p.extId, p);
    return p;
  }

  client(extId: string): Client {
    const c = this.clients.get(extId);
    if (!c) throw new Error(`no client ${extId} in the emulator`);
    return c;
  }

  profile(clientExtId: string, extId: string): Profile {
    const p = this.client(clientExtId).profiles.get(extId);
    if (!p) throw new Error(`no profile ${extId} in client ${clientExtId}`);
    return p;
  }

  /** A profile's values as a plain object, for assertions. */
  values(clientExtId: string, extId: string): Record<string, string> {
    return Object.fromEntries(this.profile(clientExtId, extId).properties);
  }

  /** Sets (or with `null` clears) a value behind Pulumi's back, bypassing every rule. */
  setValue(clientExtId: string, extId: string, name: string, value: string | null): void {
    const p = this.profile(clientExtId, extId);
    if (value === null || value === "") p.properties.delete(name);
    else p.properties.set(name, value);
  }
}

// ---------------------------------------------------------------------------------------------
// Envelope and auth
// ---------------------------------------------------------------------------------------------

export interface NevisErrorMessage {
  code: string;
  message: string;
}

/** The `errors[]` envelope every documented error example uses (seed, 403/404/422 examples). */
function fail(status: number, code: string, message: string, headers?: Record<string, string>): EmuResponse {
  return { status, body: { errors: [{ code, message }] }, headers };
}

/**
 * The Nevis ID cloud bearer token of a technical user is the encoding of
 * `{userExtId}:{credExtId}:{randomSecret}` (ref §2.3; the encoding step is unverified, base64 is
 * what the doc's `echo -n … |` most likely feeds).
 */
export function technicalUserToken(userExtId: string, credExtId: string, secret: string): string {
  return Buffer.from(`${userExtId}:${credExtId}:${secret}`, "utf8").toString("base64");
}

/** Where a route failed before doing anything: the answer to send. */
class Refusal {
  constructor(readonly response: EmuResponse) {}
}

export interface NevisidmEmulatorOptions extends EmulatorOptions {
  /** Clients to seed instead of the default `acme` client. */
  clients?: Record<string, ClientSeed>;
  /** The principal behind the returned `token` (default: every right, every data room). */
  admin?: Principal;
  propertiesGet?: PropertiesGetMode;
  /** Lifetime of tokens from `issueToken` (the nevisAuth-issued kind), seconds. */
  tokenLifetimeSeconds?: number;
}

export interface NevisidmEmulator {
  emu: Emulator;
  url: string;
  state: NevisidmState;
  /** A technical-user bearer token for `admin`. */
  token: string;
  /** A static technical-user token for another principal (Nevis ID cloud style). */
  technicalUser(principal: Principal): string;
  /** A short-lived token for a principal, as a deployment's nevisAuth would issue. */
  issueToken(principal: Principal, lifetimeSeconds?: number): string;
  stop(): Promise<void>;
}

/** The seed used when the caller gives none: one client, typical HR-style profile properties. */
export const DEFAULT_CLIENTS: Record<string, ClientSeed> = {
  acme: {
    properties: [
      {
        name: "employee_id",
        description: "HR employee number",
        stringMaxLen: 10,
        stringRegex: "[0-9]+",
        uniquenessScope: "ABSOLUTE",
        classifications: ["PERSONAL"],
      },
      { name: "cost_center", stringMaxLen: 32 },
      { name: "department", allowedValues: ["Sales", "Engineering", "Finance", "Operations"] },
      { name: "vpn_enabled", stringRegex: "true|false" },
      { name: "max_sessions", stringRegex: "[0-9]{1,3}" },
      { name: "badge_number", stringMaxLen: 8, uniquenessScope: "RELATIVE_UNIT" },
      { name: "risk_score", accessCreate: "READ_ONLY", accessModify: "READ_ONLY" },
      { name: "home_phone", classifications: ["PERSONAL", "CONTACT"] },
      { name: "nickname", scope: "USER_GLOBAL" },
    ],
    profiles: [
      { extId: "p-alice", userExtId: "alice", unitExtId: "hq", properties: { risk_score: "10" } },
      { extId: "p-bob", userExtId: "bob", unitExtId: "hq" },
      { extId: "p-carol", userExtId: "carol", unitExtId: "branch" },
      { extId: "p-dave-old", userExtId: "dave", unitExtId: "hq", profileState: "archived", isDefaultProfile: false },
    ],
  },
};

export async function startNevisidmEmulator(opts: NevisidmEmulatorOptions = {}): Promise<NevisidmEmulator> {
  const state = new NevisidmState();
  state.propertiesGet = opts.propertiesGet ?? "supported";
  for (const [extId, seed] of Object.entries(opts.clients ?? DEFAULT_CLIENTS)) state.addClient(extId, seed);
  const issuer = new TokenIssuer(opts.tokenLifetimeSeconds ?? 3600);
  /** principal name → principal, for tokens from the issuer (which only keeps a subject). */
  const issued = new Map<string, Principal>();

  const technicalUser = (principal: Principal): string => {
    const token = technicalUserToken(principal.name, `cred-${principal.name}`, randomSecret());
    state.principals.set(token, principal);
    return token;
  };
  const token = technicalUser(opts.admin ?? { name: "pulumi-technical-user" });

  const authenticate = (req: EmuRequest, emu: Emulator): Principal => {
    const bearer = bearerOf(req.headers);
    // Nevis ID cloud documents 401 for a missing Authorization header (ref §2.6); the body shape
    // of a 401 is not documented, so it uses the same envelope with the code the vendor lists
    // for bad tokens.
    if (!bearer) throw new Refusal(fail(401, "errors.invalidJWTToken", "Authentication required: no bearer token"));
    const principal = state.principals.get(bearer) ?? issued.get(issuer.verify(bearer) ?? "\0");
    if (!principal) throw new Refusal(fail(401, "errors.invalidJWTToken", "The bearer token is invalid or has expired"));
    if (emu.consumeTokenExpiry()) throw new Refusal(fail(401, "errors.invalidJWTToken", "The bearer token has expired"));
    return principal;
  };

  const emu = new Emulator((req, self) => route(req, self, state, authenticate), opts);
  const url = await emu.start();
  return {
    emu,
    url,
    state,
    token,
    technicalUser,
    issueToken(principal, lifetimeSeconds) {
      issued.set(principal.name, principal);
      return issuer.issue(principal.name, lifetimeSeconds).token;
    },
    stop: () => emu.stop(),
  };
}

function randomSecret(): string {
  return Array.from({ length: 40 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]).join("");
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

type Authenticate = (req: EmuRequest, emu: Emulator) => Principal;

/** What a servlet container answers for a path no resource serves: not the vendor envelope. */
const NO_ROUTE: EmuResponse = { status: 404, body: "<html><body><h1>404 Not Found</h1></body></html>", raw: true, headers: { "content-type": "text/html" } };

function methodNotAllowed(allow: string[]): EmuResponse {
  return { status: 405, headers: { allow: allow.join(", ") } };
}

async function route(req: EmuRequest, emu: Emulator, state: NevisidmState, authenticate: Authenticate): Promise<EmuResponse> {
  if (!req.path.startsWith(`${API_PREFIX}/`)) return NO_ROUTE;
  const segs = req.path.slice(API_PREFIX.length + 1).split("/").map(safeDecode);
  if (segs.some((s) => s === undefined)) return NO_ROUTE;
  const parts = segs as string[];
  try {
    // GET /clients/{extId}/properties: the client's property definitions (ref §2.5).
    if (parts.length === 3 && parts[0] === "clients" && parts[2] === "properties") {
      if (req.method !== "GET") return methodNotAllowed(["GET"]);
      const who = authenticate(req, emu);
      requireRight(who, RIGHT_PROPERTY_VIEW);
      const client = findClient(state, who, parts[1], RIGHT_PROPERTY_VIEW);
      return { status: 200, body: { items: [...client.definitions.values()].map(definitionDto) } };
    }
    // /{clientExtId}/profiles/{extId}
    if (parts.length === 3 && parts[1] === "profiles") {
      if (req.method !== "GET") return methodNotAllowed(["GET", "PATCH", "DELETE"]);
      const who = authenticate(req, emu);
      requireRight(who, RIGHT_PROFILE_VIEW);
      const profile = findProfile(state, who, parts[0], parts[2], RIGHT_PROFILE_VIEW);
      return { status: 200, body: profileDto(profile) };
    }
    // /{clientExtId}/profiles/{extId}/properties
    if (parts.length === 4 && parts[1] === "profiles" && parts[3] === "properties") {
      if (req.method === "PATCH") return patchProperties(req, emu, state, authenticate, parts[0], parts[2]);
      if (req.method === "GET") {
        if (state.propertiesGet === "absent") return NO_ROUTE;
        if (state.propertiesGet === "method-not-allowed") return methodNotAllowed(["PATCH"]);
        const who = authenticate(req, emu);
        requireRight(who, RIGHT_PROFILE_VIEW);
        const profile = findProfile(state, who, parts[0], parts[2], RIGHT_PROFILE_VIEW);
        return { status: 200, body: propertiesDto(state.client(parts[0]), profile) };
      }
      return methodNotAllowed(state.propertiesGet === "supported" ? ["GET", "PATCH"] : ["PATCH"]);
    }
    return NO_ROUTE;
  } catch (e) {
    if (e instanceof Refusal) return e.response;
    throw e;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function requireRight(who: Principal, right: string): void {
  const rights = who.rights ?? ALL_RIGHTS;
  if (!rights.includes(right)) {
    // Wording from the vendor's 403 "Permission denied" example (seed).
    throw new Refusal(
      fail(403, "errors.insufficientRightsFunction", `Permission denied: Caller does not have the required right '${right}' to perform this action`),
    );
  }
}

function dataroomDenied(right: string): Refusal {
  // The vendor's "Dataroom permission denied" example (seed): the message names only the right.
  return new Refusal(fail(403, "errors.combinedDataroomDenied", `Permission denied: ${right}`));
}

function findClient(state: NevisidmState, who: Principal, clientExtId: string, right: string): Client {
  const client = state.clients.get(clientExtId);
  // Wording from the vendor's "Client not found" example (seed).
  if (!client) throw new Refusal(fail(404, "errors.noRecord", `Client doesn't exist with extId '${clientExtId}'`));
  if (who.clients && !who.clients.includes(clientExtId)) throw dataroomDenied(right);
  return client;
}

function findProfile(state: NevisidmState, who: Principal, clientExtId: string, extId: string, right: string): Profile {
  const client = findClient(state, who, clientExtId, right);
  const profile = client.profiles.get(extId);
  if (!profile) throw new Refusal(fail(404, "errors.noRecord", `Profile doesn't exist with extId '${extId}'`));
  if (who.units && !who.units.includes(profile.unitExtId)) throw dataroomDenied(right);
  return profile;
}

/**
 * PATCH: merge semantics (seed: "Existing properties not included in the request body remain
 * unchanged"), `null` or `""` removes a value (ref §2.4, documented for certificate properties,
 * inferred here), every key validated against its definition before anything is written, and the
 * answer is the complete current map with `_classifications` (seed, 200).
 */
function patchProperties(
  req: EmuRequest,
  emu: Emulator,
  state: NevisidmState,
  authenticate: Authenticate,
  clientExtId: string,
  extId: string,
): EmuResponse {
  const who = authenticate(req, emu);
  requireRight(who, RIGHT_PROFILE_MODIFY);
  const profile = findProfile(state, who, clientExtId, extId, RIGHT_PROFILE_MODIFY);
  const client = state.client(clientExtId);

  const contentType = String(req.headers["content-type"] ?? "");
  // Nevis ID cloud documents 415 for a body that is not JSON (ref §2.6).
  if (req.rawBody.length > 0 && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    return fail(415, "errors.unsupportedMediaType", `Content type '${contentType || "(none)"}' is not supported; use application/json`);
  }
  if (req.rawBody.trim().length === 0) return fail(400, "errors.nullRequestBody", "The request body must not be empty");
  if (typeof req.body === "string") return fail(400, "errors.jsonProcessingError", "The request body is not valid JSON");
  if (req.body === null || typeof req.body !== "object" || Array.isArray(req.body)) {
    return fail(400, "errors.deserialization", "The request body must be a JSON object of property name to string value");
  }

  // The body binds to Map<String,String>: Jackson turns JSON numbers and booleans into their text
  // and refuses objects and arrays [inferred from the vendor's Java stack].
  const changes = new Map<string, string | null>();
  for (const [name, raw] of Object.entries(req.body as Record<string, unknown>)) {
    // `_classifications` is a response member; a client that echoes a read back must not fail.
    if (name === "_classifications") continue;
    if (raw === null) changes.set(name, null);
    else if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") changes.set(name, String(raw));
    else return fail(400, "errors.deserialization", `The value of '${name}' must be a string`);
  }

  if (profile.profileState === "archived") {
    return fail(422, "errors.modifyArchivedProfile", `Profile '${extId}' is archived and cannot be modified`);
  }

  // Validate everything first: the PATCH is one transaction, a rejected key writes nothing.
  for (const [name, value] of changes) {
    const def = client.definitions.get(name);
    // Keys must name definitions of the profile scope (ref §2.5); wording from the seed example.
    if (!def || def.scope !== "PROFILE_GLOBAL") {
      return fail(422, "errors.invalidData", `No property exists with the name '${name}' for the scope.`);
    }
    const current = profile.properties.get(name);
    const next = value === null || value === "" ? undefined : value;
    if (next === current) continue;
    // READ_ONLY/OFF access refuses writes through the API (ref §2.5, code mapping inferred).
    const access = current === undefined ? def.accessCreate : def.accessModify;
    if (access !== "READ_WRITE") {
      return fail(422, "errors.modifyReadonlyData", `Property '${name}' is read-only (access ${access}) and cannot be changed`);
    }
    if (next === undefined) continue;
    const violation = validateValue(def, next) ?? uniquenessViolation(client, profile, def, next);
    if (violation) return violation;
  }

  let changed = false;
  for (const [name, value] of changes) {
    if (value === null || value === "") changed = profile.properties.delete(name) || changed;
    else if (profile.properties.get(name) !== value) {
      profile.properties.set(name, value);
      changed = true;
    }
  }
  if (changed) profile.lastModified = new Date().toISOString();
  return { status: 200, body: propertiesDto(client, profile) };
}

function validateValue(def: PropertyDefinition, value: string): EmuResponse | undefined {
  if (def.type === "ENUM") {
    if (!(def.allowedValues ?? []).includes(value)) {
      return fail(422, "errors.invalidData", `Value '${value}' is not an allowed value of property '${def.name}' (allowed: ${(def.allowedValues ?? []).join(", ")})`);
    }
    return undefined;
  }
  // The vendor's 422 examples for length and regex carry only the property name as message (seed).
  if (def.stringMaxLen !== undefined && value.length > def.stringMaxLen) return fail(422, "errors.property.stringmaxlen", def.name);
  if (def.stringRegex !== undefined) {
    let re: RegExp;
    try {
      // Java's String.matches anchors the whole value.
      re = new RegExp(`^(?:${def.stringRegex})$`, "u");
    } catch {
      return fail(422, "errors.property.regexinv", def.name);
    }
    if (!re.test(value)) return fail(422, "errors.property.stringregex", def.name);
  }
  return undefined;
}

/**
 * Uniqueness scopes (ref §2.5): ABSOLUTE — no other profile holds the value; ABSOLUTE_USER — no
 * profile of another user; RELATIVE_UNIT — no other profile in the same unit. Wording from the
 * seed's "Property uniqueness violated" example.
 */
function uniquenessViolation(client: Client, self: Profile, def: PropertyDefinition, value: string): EmuResponse | undefined {
  if (def.uniquenessScope === "NONE") return undefined;
  for (const other of client.profiles.values()) {
    if (other === self || other.properties.get(def.name) !== value) continue;
    if (def.uniquenessScope === "ABSOLUTE_USER" && other.userExtId === self.userExtId) continue;
    if (def.uniquenessScope === "RELATIVE_UNIT" && other.unitExtId !== self.unitExtId) continue;
    return fail(
      422,
      "errors.propertyUniquenessViolated",
      `Property Uniqueness (uScope is '${def.uniquenessScope.toLowerCase()}') constraints violated by value '${value}' for property '${def.name}'.`,
    );
  }
  return undefined;
}

function propertiesDto(client: Client, profile: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const classifications: Record<string, string[]> = {};
  for (const [name, value] of profile.properties) {
    out[name] = value;
    const c = client.definitions.get(name)?.classifications ?? [];
    if (c.length > 0) classifications[name] = [...c];
  }
  out._classifications = classifications;
  return out;
}

function profileDto(p: Profile): Record<string, unknown> {
  // The profile model (ref §2.4): properties are not part of it.
  return {
    created: p.created,
    lastModified: p.lastModified,
    version: p.version,
    extId: p.extId,
    userExtId: p.userExtId,
    unitExtId: p.unitExtId,
    clientExtId: p.clientExtId,
    name: p.name,
    profileState: p.profileState,
    isDefaultProfile: p.isDefaultProfile,
    _classifications: {},
  };
}

function definitionDto(d: PropertyDefinition): Record<string, unknown> {
  return {
    propertyId: d.propertyId,
    name: d.name,
    description: d.description,
    type: d.type,
    scope: d.scope,
    encrypted: d.encrypted,
    stringMaxLen: d.stringMaxLen,
    stringRegex: d.stringRegex,
    accessCreate: d.accessCreate,
    accessModify: d.accessModify,
    uniquenessScope: d.uniquenessScope,
    propertyAllowedValues: d.allowedValues?.map((value, i) => ({ propertyAllowedValId: d.propertyId * 100 + i, value })),
  };
}
