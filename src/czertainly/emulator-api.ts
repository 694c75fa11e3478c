/**
 * CZERTAINLY emulator: the server, as Core 2.17.0 implements it (reference §1): authentication
 * and RBAC, the route table, the SCEP profile and RA profile handlers, and their answers.
 */
import { createHash, randomUUID } from "node:crypto";
import { Emulator, UniqueIndex, basicOf, bearerOf, type EmuRequest, type EmuResponse } from "../core/emulator";
import type { CzertainlyEmulatorOptions, CzertainlyState, ScepProfileRecord } from "./emulator";
import { certDer, commonName, signJwt, TOKEN_PATH, verifyJwt } from "./emulator-auth";
import { caAcceptable, dataMatches, maskContent } from "./emulator-checks";
import { empty, Fail, fail, isObj, jsonBody, NAME_RE, optAttributes, parseProfileBody, RESOURCE_LABEL, UUID_RE, uuidList, uuidParam, type ProfileBody } from "./emulator-requests";
import { compact, contextUrl, methodNotAllowed, route, springNotFound, type Route } from "./emulator-routes";
import type { ConnectorAttributeDefinition, RaProfileRecord, StoredAttribute } from "./emulator-seed";

export class CoreApi {
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
