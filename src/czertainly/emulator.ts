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
 *
 * The files, by concern: this one is the public entry (the options, the state, starting it);
 * `emulator-api.ts` the server (authentication and RBAC, the route table, the SCEP profile and
 * RA profile handlers, the answers); `emulator-requests.ts` request bodies as Jackson reads them
 * and Core's error envelopes; `emulator-checks.ts` Core's checks on attribute content and CA
 * certificates; `emulator-auth.ts` the JWTs and client-certificate header; `emulator-routes.ts`
 * the routing helpers; `emulator-seed.ts` the seeded objects.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Emulator, type EmulatorOptions } from "../core/emulator";
import { CoreApi } from "./emulator-api";
import { signJwt, TOKEN_PATH } from "./emulator-auth";
import {
  defaultSeed,
  type AuthorityRecord,
  type CertificateRecord,
  type CustomAttributeDefinition,
  type CzertainlySeed,
  type RaProfileRecord,
  type StoredAttribute,
} from "./emulator-seed";

export { SEED, defaultSeed } from "./emulator-seed";
export type * from "./emulator-seed";
export { TOKEN_PATH } from "./emulator-auth";
export { caAcceptable } from "./emulator-checks";

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
