/**
 * The CZERTAINLY Core calls a SCEP profile needs (reference §1.3), one method per endpoint, and
 * how a client is built from the settings. Paths are relative to Core's context URL
 * `https://<host>/api` (§1.2).
 *
 * Authentication (§1.2): a JWT bearer token from an OAuth2 provider configured in Core, either
 * fetched and refreshed here by the client-credentials grant or given as is; or a client
 * certificate, which Core reads only from the `ssl-client-cert` header. That header is set by
 * Core's ingress after it verified the certificate in the TLS handshake (so `clientCert` with
 * `clientKey` logs in through such an ingress), or sent by us (`clientCertHeader`); a certificate
 * in the handshake straight to Core's own port is not a login.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { parseAnswer } from "../core/answers";
import { expectAnswer, JsonApi } from "../core/api";
import { CachedBearer, StaticBearer, type Authenticator, type Token } from "../core/auth";
import { fetchClientCredentialsToken } from "../core/oauth2";
import { ConfigError, ERROR_CODES, hasCode } from "../core/errors";
import { clientFactory, howToSet, truthy, type SettingSpec } from "../core/settings";
import { tlsForEndpoint, type TlsSettings } from "../core/transport";
import { toCzertainlyError, VENDOR } from "./errors";
import {
  certificateSchema,
  wireDetailSchema,
  wireSummarySchema,
  type RequestAttribute,
  type WireBody,
  type WireDetail,
  type WireSummary,
} from "./schema";
import type { z } from "zod";

export const SETTINGS = {
  url: { input: "url", config: "trustplane:czertainlyUrl", env: ["CZERTAINLY_URL"], endpoint: { credentials: "token (or client certificate)" } },
  token: { input: "token", config: "trustplane:czertainlyToken", env: ["CZERTAINLY_TOKEN"], secret: true },
  tokenUrl: { input: "tokenUrl", config: "trustplane:czertainlyTokenUrl", env: ["CZERTAINLY_TOKEN_URL"], endpoint: { credentials: "client id and secret" } },
  clientId: { input: "clientId", config: "trustplane:czertainlyClientId", env: ["CZERTAINLY_CLIENT_ID"] },
  clientSecret: { input: "clientSecret", config: "trustplane:czertainlyClientSecret", env: ["CZERTAINLY_CLIENT_SECRET"], secret: true },
  scope: { input: "scope", config: "trustplane:czertainlyScope", env: ["CZERTAINLY_SCOPE"] },
  audience: { input: "audience", config: "trustplane:czertainlyAudience", env: ["CZERTAINLY_AUDIENCE"] },
  publicUrl: { input: "publicUrl", config: "trustplane:czertainlyPublicUrl", env: ["CZERTAINLY_PUBLIC_URL"], endpoint: { credentials: "credentials" } },
  clientCert: { input: "clientCert", config: "trustplane:czertainlyClientCert", env: ["CZERTAINLY_CLIENT_CERT"] },
  clientKey: { input: "clientKey", config: "trustplane:czertainlyClientKey", env: ["CZERTAINLY_CLIENT_KEY"], secret: true },
  clientCertHeader: { input: "clientCertHeader", config: "trustplane:czertainlyClientCertHeader", env: ["CZERTAINLY_CLIENT_CERT_HEADER"] },
  caBundle: { input: "caBundle", config: "trustplane:czertainlyCaBundle", env: ["CZERTAINLY_CA_BUNDLE"] },
  insecureSkipTlsVerify: {
    input: "insecureSkipTlsVerify",
    config: "trustplane:czertainlyInsecureSkipTlsVerify",
    env: ["CZERTAINLY_INSECURE_SKIP_TLS_VERIFY"],
  },
  /** For the OAuth2 provider's token URL only (another host): Core's setting does not reach it. */
  tokenInsecureSkipTlsVerify: {
    input: "tokenInsecureSkipTlsVerify",
    config: "trustplane:czertainlyTokenInsecureSkipTlsVerify",
    env: ["CZERTAINLY_TOKEN_INSECURE_SKIP_TLS_VERIFY"],
  },
} satisfies Record<string, SettingSpec>;

export interface BulkActionMessage {
  uuid: string;
  name: string;
  message: string;
}

export type Certificate = z.output<typeof certificateSchema>;

export interface RaProfileScepDetail {
  uuid?: string;
  name?: string;
  scepAvailable: boolean;
  url?: string;
}

const isNotFound = (e: unknown) => hasCode(e, ERROR_CODES.notFound);
export const PROFILES_PATH = "/v1/scepProfiles";
const P = PROFILES_PATH;
const seg = encodeURIComponent;

export class CzertainlyClient {
  constructor(
    readonly api: JsonApi,
    /** The public base of `scepUrl` (`publicUrl`), when Core is reached through another address. */
    private readonly publicBase?: string,
  ) {}

  /**
   * Core builds `scepUrl` from the URL of the request it answers (`fromCurrentContextPath`,
   * reference §1.9): behind an internal address it is an internal URL. With a public base set,
   * what precedes the protocol path is replaced by it.
   */
  publicScepUrl(url: string | undefined): string | undefined {
    if (!url || !this.publicBase) return url;
    const at = url.indexOf("/v1/protocols/scep/");
    return at < 0 ? url : `${this.publicBase.replace(/\/+$/, "")}${url.slice(at)}`;
  }

  private pub<T extends object>(d: T): T {
    const url = (d as { scepUrl?: unknown }).scepUrl;
    return typeof url !== "string" || !this.publicBase ? d : { ...d, scepUrl: this.publicScepUrl(url) };
  }

  async list(): Promise<WireSummary[]> {
    const r = await this.api.call<unknown[]>("GET", P);
    return (r.body ?? []).map((x) => this.pub(parseAnswer(wireSummarySchema, x)));
  }

  /** undefined when the profile does not exist (404). */
  async get(uuid: string): Promise<WireDetail | undefined> {
    try {
      const r = await this.api.call<unknown>("GET", `${P}/${seg(uuid)}`);
      return this.pub(expectAnswer(r, wireDetailSchema, "the SCEP profile's detail"));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * 201 with the detail, without `caCertificate` (§1.6 caveat). Read as far as the create uses it
   * (`wireSummarySchema`: the uuid, name and state; loose, so the rest stays as answered): the
   * state comes from the GET after every write, and the full detail is read from this answer only
   * where that GET fails (`asDetail`). A full parse here was one more pass over each create's
   * answer in the host (docs/benchmark.md, "Fewer passes over each answer").
   */
  async create(body: WireBody): Promise<WireSummary> {
    const r = await this.api.call<unknown>("POST", P, { body });
    return this.pub(expectAnswer(r, wireSummarySchema, "the new SCEP profile's detail with its uuid"));
  }

  /** Full replace; the answer's `caCertificate` may be the previous one (§1.6 caveat). Read as far as `create`'s. */
  async update(uuid: string, body: WireBody): Promise<WireSummary> {
    const r = await this.api.call<unknown>("PUT", `${P}/${seg(uuid)}`, { body });
    return this.pub(expectAnswer(r, wireSummarySchema, "the SCEP profile's detail"));
  }

  /** true when deleted, false when it was already gone. */
  async delete(uuid: string): Promise<boolean> {
    try {
      await this.api.call("DELETE", `${P}/${seg(uuid)}`);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** Failures only; `[]` means all deleted. */
  async bulkDelete(uuids: string[]): Promise<BulkActionMessage[]> {
    const r = await this.api.call<BulkActionMessage[]>("DELETE", `${P}/delete`, { body: uuids });
    return r.body ?? [];
  }

  /** Deactivates SCEP on the RA profiles using each profile, then deletes it; failures only. */
  async forceDelete(uuids: string[]): Promise<BulkActionMessage[]> {
    const r = await this.api.call<BulkActionMessage[]>("DELETE", `${P}/delete/force`, { body: uuids });
    return r.body ?? [];
  }

  // Enabling and disabling set an absolute state: safe to send twice, so retried like a PUT.
  async enable(uuid: string): Promise<void> {
    await this.api.call("PATCH", `${P}/${seg(uuid)}/enable`, { idempotent: true });
  }

  async disable(uuid: string): Promise<void> {
    await this.api.call("PATCH", `${P}/${seg(uuid)}/disable`, { idempotent: true });
  }

  /** Unknown UUIDs are skipped by the server. */
  async bulkEnable(uuids: string[]): Promise<void> {
    await this.api.call("PATCH", `${P}/enable`, { body: uuids, idempotent: true });
  }

  async bulkDisable(uuids: string[]): Promise<void> {
    await this.api.call("PATCH", `${P}/disable`, { body: uuids, idempotent: true });
  }

  async setRaProfile(uuid: string, raProfileUuid: string): Promise<void> {
    await this.api.call("PATCH", `${P}/${seg(uuid)}/raProfiles/${seg(raProfileUuid)}`, { idempotent: true });
  }

  /** Certificates Core would accept as this profile's CA (with Intune: RSA only). */
  async caCertificates(intuneEnabled: boolean): Promise<Certificate[]> {
    const r = await this.api.call<unknown[]>("GET", `${P}/caCertificates`, { query: { intuneEnabled: String(intuneEnabled) } });
    return (r.body ?? []).map((x) => parseAnswer(certificateSchema, x));
  }

  /** Names are unique across Core (§1.7 create step 3), so a name finds at most one profile. */
  async findByName(name: string): Promise<WireSummary | undefined> {
    return (await this.list()).find((p) => p.name === name);
  }

  // RA-profile side of the relationship (`RAProfileManagementController`, §1.3, §1.9).

  async activateScepOnRaProfile(
    authorityUuid: string,
    raProfileUuid: string,
    scepProfileUuid: string,
    issueCertificateAttributes: RequestAttribute[] = [],
  ): Promise<RaProfileScepDetail> {
    const r = await this.api.call<RaProfileScepDetail>(
      "PATCH",
      `/v1/authorities/${seg(authorityUuid)}/raProfiles/${seg(raProfileUuid)}/protocols/scep/activate/${seg(scepProfileUuid)}`,
      { body: { issueCertificateAttributes }, idempotent: true },
    );
    return r.body && { ...r.body, url: this.publicScepUrl(r.body.url) };
  }

  async deactivateScepOnRaProfile(authorityUuid: string, raProfileUuid: string): Promise<void> {
    await this.api.call("PATCH", `/v1/authorities/${seg(authorityUuid)}/raProfiles/${seg(raProfileUuid)}/protocols/scep/deactivate`, {
      idempotent: true,
    });
  }

  async raProfileScep(authorityUuid: string, raProfileUuid: string): Promise<RaProfileScepDetail> {
    const r = await this.api.call<RaProfileScepDetail>("GET", `/v1/authorities/${seg(authorityUuid)}/raProfiles/${seg(raProfileUuid)}/protocols/scep`);
    return r.body && { ...r.body, url: this.publicScepUrl(r.body.url) };
  }
}

function pemText(value: string): string {
  return value.includes("-----BEGIN") ? value : fs.readFileSync(value, "utf8");
}

/** Builds a client from `connection` / stack config / environment (in that order). */
export const czertainlyClient = clientFactory(SETTINGS, (s): CzertainlyClient => {
  if (!s.url) throw new ConfigError(`CZERTAINLY url is not set (Core's base URL, https://<host>/api): ${howToSet(SETTINGS.url)}`);
  const viaHeader = s.clientCertHeader !== undefined && s.clientCertHeader !== "";
  const oauth = s.tokenUrl !== undefined || s.clientId !== undefined || s.clientSecret !== undefined;
  if (oauth) {
    for (const k of ["tokenUrl", "clientId", "clientSecret"] as const) {
      if (!s[k]) throw new ConfigError(`CZERTAINLY OAuth2 client ${k} is not set (the client-credentials grant needs tokenUrl, clientId and clientSecret): ${howToSet(SETTINGS[k])}`);
    }
    if (s.token) {
      throw new ConfigError(
        "CZERTAINLY has both a static token and an OAuth2 client set: keep one (the OAuth2 client fetches and refreshes tokens; a static token expires part-way through a long run). " +
          `Token: ${howToSet(SETTINGS.token)}; OAuth2 client: ${howToSet(SETTINGS.clientId)}`,
      );
    }
  }
  if (!s.token && !oauth && !s.clientCert) {
    throw new ConfigError(
      `CZERTAINLY credentials are not set: an OAuth2 client of a provider Core trusts (${howToSet(SETTINGS.tokenUrl)}, ${howToSet(SETTINGS.clientId)}, ${howToSet(SETTINGS.clientSecret)}), ` +
        `a bearer token (${howToSet(SETTINGS.token)}), or a client certificate that reaches Core in its ssl-client-cert header (${howToSet(SETTINGS.clientCert)})`,
    );
  }
  if (s.clientCert && !viaHeader && !s.clientKey) {
    throw new ConfigError(
      `CZERTAINLY client certificate is set without its key: ${howToSet(SETTINGS.clientKey)}; ` +
        "or, behind an ingress that forwards the certificate, send it in a header with connection.clientCertHeader (e.g. ssl-client-cert)",
    );
  }
  const tls: TlsSettings = {
    caBundle: s.caBundle,
    clientCert: viaHeader ? undefined : s.clientCert,
    clientKey: viaHeader ? undefined : s.clientKey,
    insecureSkipTlsVerify: truthy(s.insecureSkipTlsVerify),
  };
  const headers: Record<string, string> = {};
  // Core URL-decodes the header and strips the PEM armour (§1.2); URL-encoding keeps it one line.
  if (viaHeader && s.clientCert) headers[s.clientCertHeader!.toLowerCase()] = encodeURIComponent(pemText(s.clientCert).trim());
  let auth: Authenticator = new StaticBearer(s.token);
  if (oauth) {
    const c = { tokenUrl: s.tokenUrl!, clientId: s.clientId!, clientSecret: s.clientSecret!, scope: s.scope, audience: s.audience };
    // The cache key identifies the credential without holding the secret in plain text.
    const key = createHash("sha256").update(JSON.stringify(["czertainly", c.tokenUrl, c.clientId, c.clientSecret, c.scope, c.audience])).digest("hex");
    const fetch = (): Promise<Token> =>
      fetchClientCredentialsToken({
        vendor: `${VENDOR} OAuth2 provider`,
        ...c,
        // RFC 6749 §2.3.1 encoding: Core does not prescribe the provider; Keycloak, Entra ID and Okta decode it [inferred].
        basicEncoding: "form-urlencoded",
        // Core's insecureSkipTlsVerify holds for Core's origin: the client secret goes to a verified provider unless its own setting says otherwise.
        tls: tlsForEndpoint(tls, s.url!, c.tokenUrl, truthy(s.tokenInsecureSkipTlsVerify)),
        // Keycloak's default access token lifespan, when the answer states none [unverified].
        defaultExpiresIn: 300,
        toError: toCzertainlyError,
        refusedHint: `the OAuth2 provider refused the client: check the token URL, client id and secret (${howToSet(SETTINGS.clientId)}), and that the client may use the client-credentials grant`,
      });
    auth = new CachedBearer(key, fetch);
  }
  return new CzertainlyClient(
    new JsonApi({
      vendor: VENDOR,
      baseUrl: s.url.replace(/\/+$/, ""),
      auth,
      tls,
      headers,
      toError: toCzertainlyError,
    }),
    s.publicUrl,
  );
});
