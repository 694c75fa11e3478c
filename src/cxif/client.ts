/**
 * The CX Industries Framework calls a SCIM configuration needs, and how a client is built from
 * the settings. Paths start at the framework host (`https://{FABRIC_HOST}/admin/...`); the token
 * comes from the tenant's OCI IAM identity domain by OAuth2 client credentials with the framework
 * scope (ref §3.5).
 */
import { createHash } from "node:crypto";
import { describeBody, JsonApi } from "../core/api";
import { CachedBearer, type Token } from "../core/auth";
import { fetchClientCredentialsToken } from "../core/oauth2";
import { ConfigError, ERROR_CODES, hasCode, UnusableAnswerError } from "../core/errors";
import { clientFactory, howToSet, truthy, type SettingSpec } from "../core/settings";
import { tlsForEndpoint, type TlsSettings } from "../core/transport";
import { toCxifError } from "./errors";
import { fromWire, type LiveConfiguration, type WireConfiguration } from "./schema";

export const CONFIGS_PATH = "/admin/scimConfigurations";
export const SCOPE_SUFFIX = "urn:opc:resource:consumer::all";

export const SETTINGS = {
  host: { input: "host", config: "trustplane:cxifHost", env: ["CXIF_HOST"], endpoint: { credentials: "clientId and clientSecret" } },
  tokenUrl: { input: "tokenUrl", config: "trustplane:cxifTokenUrl", env: ["CXIF_TOKEN_URL"], endpoint: { credentials: "clientId and clientSecret" } },
  clientId: { input: "clientId", config: "trustplane:cxifClientId", env: ["CXIF_CLIENT_ID"] },
  clientSecret: { input: "clientSecret", config: "trustplane:cxifClientSecret", env: ["CXIF_CLIENT_SECRET"], secret: true },
  scope: { input: "scope", config: "trustplane:cxifScope", env: ["CXIF_SCOPE"] },
  caBundle: { input: "caBundle", config: "trustplane:cxifCaBundle", env: ["CXIF_CA_BUNDLE"] },
  clientCert: { input: "clientCert", config: "trustplane:cxifClientCert", env: ["CXIF_CLIENT_CERT"] },
  clientKey: { input: "clientKey", config: "trustplane:cxifClientKey", env: ["CXIF_CLIENT_KEY"], secret: true },
  insecureSkipTlsVerify: { input: "insecureSkipTlsVerify", config: "trustplane:cxifInsecureSkipTlsVerify", env: ["CXIF_INSECURE_SKIP_TLS_VERIFY"] },
  /** For the identity domain's token URL only (another host): the framework's setting does not reach it. */
  tokenInsecureSkipTlsVerify: {
    input: "tokenInsecureSkipTlsVerify",
    config: "trustplane:cxifTokenInsecureSkipTlsVerify",
    env: ["CXIF_TOKEN_INSECURE_SKIP_TLS_VERIFY"],
  },
} satisfies Record<string, SettingSpec>;

export class CxifClient {
  constructor(readonly api: JsonApi) {}

  /**
   * The new id, and the configuration when the answer carries it. The create is inferred (ref
   * §3.2): a 201 with the object is expected, a bare `Location` is tolerated.
   */
  async create(body: WireConfiguration): Promise<{ id: string; live?: LiveConfiguration }> {
    // A redirect never gets here (core/api refuses it): its Location is not the new object's.
    const r = await this.api.call<unknown>("POST", CONFIGS_PATH, { body });
    let live: LiveConfiguration | undefined;
    try {
      if (r.body && typeof r.body === "object" && !Array.isArray(r.body)) live = this.parse(r.body, "POST");
    } catch {
      live = undefined;
    }
    if (typeof live?.configurationId === "string" && live.configurationId !== "") return { id: live.configurationId, live };
    // Only a 201 Created names the new object by its Location, and only one under this collection on this server.
    const id = r.status === 201 ? idOfLocation(r.url, r.headers.location) : undefined;
    if (id) return { id };
    // The POST may have landed all the same: an unknown outcome, which createOnce resolves by lookup.
    throw new UnusableAnswerError(r.vendor, "POST", r.url, r.status, `${describeBody(r.text, r.body)} where the new SCIM configuration with its configuration-id (or a 201 with its Location) was expected`);
  }

  /** undefined when the configuration does not exist (404, or 410 Gone). */
  async get(id: string): Promise<LiveConfiguration | undefined> {
    try {
      const r = await this.api.call<unknown>("GET", `${CONFIGS_PATH}/${encodeURIComponent(id)}`);
      return this.parse(r.body, "GET");
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return undefined;
      throw e;
    }
  }

  /** PUT replaces the whole configuration; undefined when the answer carries no body. */
  async replace(id: string, body: WireConfiguration): Promise<LiveConfiguration | undefined> {
    const r = await this.api.call<unknown>("PUT", `${CONFIGS_PATH}/${encodeURIComponent(id)}`, { body });
    return r.body && typeof r.body === "object" ? this.parse(r.body, "PUT") : undefined;
  }

  /** true when deleted, false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    try {
      await this.api.call("DELETE", `${CONFIGS_PATH}/${encodeURIComponent(id)}`);
      return true;
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return false;
      throw e;
    }
  }

  /** Every configuration (the list endpoint is inferred from the sibling admin resources, ref §3.2). */
  async list(): Promise<LiveConfiguration[]> {
    const r = await this.api.call<unknown>("GET", CONFIGS_PATH);
    const items = Array.isArray(r.body) ? r.body : ((r.body as { items?: unknown[] } | undefined)?.items ?? []);
    return items.map((i) => this.parse(i, "GET"));
  }

  /**
   * The configuration that targets a descriptor. With no namespace given, a match only counts when
   * it is the only one of that name, so a lookup never adopts another namespace's configuration.
   */
  async findByTarget(name: string, namespace: string | undefined): Promise<LiveConfiguration | undefined> {
    const hits = (await this.list()).filter(
      (c) => c.targetConnectionDescriptorName === name && (namespace === undefined || c.targetConnectionDescriptorNamespace === namespace),
    );
    return hits.length === 1 ? hits[0] : undefined;
  }

  private parse(body: unknown, method: string): LiveConfiguration {
    try {
      return fromWire(body);
    } catch (e) {
      const why = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`CX Industries Framework ${method} ${CONFIGS_PATH} answered a SCIM configuration this provider cannot read (${why ?? (e as Error).message})`);
    }
  }
}

/** The id at the end of a 201's Location, when it names a configuration of this collection on the same server. */
function idOfLocation(requestUrl: string, loc: string | string[] | undefined): string | undefined {
  const location = Array.isArray(loc) ? loc[0] : loc;
  if (!location) return undefined;
  try {
    const u = new URL(location, requestUrl);
    const base = new URL(requestUrl);
    if (u.origin !== base.origin || !u.pathname.startsWith(`${base.pathname.replace(/\/+$/, "")}/`)) return undefined;
    const id = decodeURIComponent(u.pathname.slice(base.pathname.replace(/\/+$/, "").length + 1).replace(/\/+$/, ""));
    return id && !id.includes("/") ? id : undefined;
  } catch {
    return undefined;
  }
}

/** `fabric.example.com` or `https://fabric.example.com/` → `https://fabric.example.com`. */
export function normaliseHost(host: string): string {
  const h = host.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(h) ? h : `https://${h}`;
}

/** Builds a client from `connection` / stack config / environment (in that order). */
export const cxifClient = clientFactory(SETTINGS, (s): CxifClient => {
  for (const k of ["host", "tokenUrl", "clientId", "clientSecret"] as const) {
    if (!s[k]) throw new ConfigError(`CX Industries Framework ${k} is not set: ${howToSet(SETTINGS[k])}`);
  }
  const host = normaliseHost(s.host!);
  const scope = s.scope ?? `${host}/${SCOPE_SUFFIX}`;
  const tls: TlsSettings = {
    caBundle: s.caBundle,
    clientCert: s.clientCert,
    clientKey: s.clientKey,
    insecureSkipTlsVerify: truthy(s.insecureSkipTlsVerify),
  };
  const tokenUrl = s.tokenUrl!;
  // The cache key identifies the credential without holding the secret in plain text.
  const key = createHash("sha256").update(JSON.stringify([tokenUrl, s.clientId, s.clientSecret, scope])).digest("hex");
  const tokenTls = tlsForEndpoint(tls, host, tokenUrl, truthy(s.tokenInsecureSkipTlsVerify));
  const fetchToken = (): Promise<Token> => fetchCxifToken(tokenUrl, s.clientId!, s.clientSecret!, scope, tokenTls);
  return new CxifClient(
    new JsonApi({
      vendor: "CX Industries Framework",
      baseUrl: host,
      auth: new CachedBearer(key, fetchToken),
      tls,
      toError: (ctx) => toCxifError(ctx),
    }),
  );
});

/** OAuth2 client credentials at the identity domain: HTTP basic client authentication, the framework scope. */
export function fetchCxifToken(tokenUrl: string, clientId: string, clientSecret: string, scope: string, tls: TlsSettings): Promise<Token> {
  return fetchClientCredentialsToken({
    vendor: "OCI IAM identity domain",
    tokenUrl, clientId, clientSecret, scope, tls,
    // Identity domains state the lifetime; 3600 s is their default for client credentials.
    defaultExpiresIn: 3600,
    toError: (ctx) => toCxifError(ctx, "OCI IAM identity domain"),
    refusedHint:
      `the identity domain refused the confidential application: check CXIF_CLIENT_ID / CXIF_CLIENT_SECRET, that it may use client credentials, ` +
      `and that scope '${scope}' is granted (the CXIF OAuth application added as an authorized resource)`,
  });
}
