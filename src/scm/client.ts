/**
 * The SCM calls a SCEP profile needs, and how a client is built from the settings. Paths are
 * relative to the config gateway base (`.../config/identity/v1`); the token comes from the SCM
 * auth service with the TSG as OAuth scope (shared/specs/scm-auth-service.openapi.yaml).
 */
import { createHash } from "node:crypto";
import { parseAnswer } from "../core/answers";
import { expectAnswer, JsonApi } from "../core/api";
import { CachedBearer, type Token } from "../core/auth";
import { fetchClientCredentialsToken } from "../core/oauth2";
import { ConfigError, ERROR_CODES, hasCode } from "../core/errors";
import { clientFactory, howToSet, truthy, type SettingSpec } from "../core/settings";
import { tlsForEndpoint, type TlsSettings } from "../core/transport";
import { toScmError } from "./errors";
import { wireSchema, type ContainerKind, type WireBody, type WireProfile } from "./schema";

export const DEFAULT_TOKEN_URL = "https://auth.apps.paloaltonetworks.com/auth/v1/oauth2/access_token";
export const DEFAULT_API_URL = "https://api.strata.paloaltonetworks.com/config/identity/v1";

/** The API's path on its host: what `SCM_HOST` / `scm:host` (a host name) lacks. */
const API_PATH = "/config/identity/v1";

/**
 * `SCM_HOST` / `scm:host` of Palo Alto's terraform-provider-scm and `@pulumi/scm`: the API's host
 * name ("The hostname of Strata Cloud Manager API. Default: api.sase.paloaltonetworks.com"), so
 * https and this API's path are added. A URL is taken too (a lab or an emulator on http), with the
 * path added when it has none.
 */
export function apiUrlOfHost(raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return `https://${v.replace(/\/+$/, "")}${API_PATH}`;
  try {
    const u = new URL(v);
    return u.pathname === "/" || u.pathname === "" ? `${v.replace(/\/+$/, "")}${API_PATH}` : v;
  } catch {
    return v;
  }
}

/** `SCM_SCOPE` / `scm:scope`: the OAuth scope `tsg_id:<TSG>`, of which the TSG id is ours. */
export function tsgIdOfScope(raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  const m = /^tsg_id:(\S+)$/.exec(v);
  if (!m) throw new ConfigError(`the Strata Cloud Manager scope '${v}' is not 'tsg_id:<TSG id>' (e.g. tsg_id:1234567890): set it so, or set the TSG id itself (trustplane:scmTsgId, SCM_TSG_ID)`);
  return m[1];
}

/**
 * Each setting, in the order it is looked for: the resource's `connection`, the stack config
 * (ours `trustplane:scm*`, then `@pulumi/scm`'s `scm:*`), then the environment (ours, then
 * terraform-provider-scm's `SCM_*`, which share most names).
 */
export const SETTINGS = {
  clientId: { input: "clientId", config: ["trustplane:scmClientId", "scm:clientId"], env: ["SCM_CLIENT_ID"] },
  clientSecret: { input: "clientSecret", config: ["trustplane:scmClientSecret", "scm:clientSecret"], env: ["SCM_CLIENT_SECRET"], secret: true },
  tsgId: {
    input: "tsgId",
    config: ["trustplane:scmTsgId", "scm:scope"],
    env: ["SCM_TSG_ID", "SCM_SCOPE"],
    convert: { "scm:scope": tsgIdOfScope, SCM_SCOPE: tsgIdOfScope },
  },
  tokenUrl: {
    input: "tokenUrl",
    config: ["trustplane:scmTokenUrl", "scm:authUrl"],
    env: ["SCM_AUTH_URL"],
    default: DEFAULT_TOKEN_URL,
    endpoint: { credentials: "clientId and clientSecret" },
  },
  apiUrl: {
    input: "apiUrl",
    config: ["trustplane:scmApiUrl", "scm:host"],
    env: ["SCM_API_URL", "SCM_HOST"],
    convert: { "scm:host": apiUrlOfHost, SCM_HOST: apiUrlOfHost },
    default: DEFAULT_API_URL,
    endpoint: { credentials: "clientId and clientSecret" },
  },
  caBundle: { input: "caBundle", config: "trustplane:scmCaBundle", env: ["SCM_CA_BUNDLE"] },
  clientCert: { input: "clientCert", config: "trustplane:scmClientCert", env: ["SCM_CLIENT_CERT"] },
  clientKey: { input: "clientKey", config: "trustplane:scmClientKey", env: ["SCM_CLIENT_KEY"], secret: true },
  insecureSkipTlsVerify: { input: "insecureSkipTlsVerify", config: "trustplane:scmInsecureSkipTlsVerify", env: ["SCM_INSECURE_SKIP_TLS_VERIFY"] },
  /** For the token URL only (another host): the API's setting does not reach it. */
  tokenInsecureSkipTlsVerify: {
    input: "tokenInsecureSkipTlsVerify",
    config: "trustplane:scmTokenInsecureSkipTlsVerify",
    env: ["SCM_TOKEN_INSECURE_SKIP_TLS_VERIFY"],
  },
} satisfies Record<string, SettingSpec>;

export interface ListPage {
  data?: WireProfile[];
  limit?: number;
  offset?: number;
  total?: number;
}

export class ScmClient {
  constructor(readonly api: JsonApi) {}

  async create(body: WireBody): Promise<WireProfile> {
    const r = await this.api.call<unknown>("POST", "/scep-profiles", { body });
    return expectAnswer(r, wireSchema, "the SCEP profile with its id");
  }

  /** undefined when the profile does not exist (404). */
  async get(id: string): Promise<WireProfile | undefined> {
    try {
      const r = await this.api.call<unknown>("GET", `/scep-profiles/${encodeURIComponent(id)}`);
      return expectAnswer(r, wireSchema, "the SCEP profile");
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return undefined;
      throw e;
    }
  }

  async update(id: string, body: WireBody): Promise<WireProfile> {
    const r = await this.api.call<unknown>("PUT", `/scep-profiles/${encodeURIComponent(id)}`, { body });
    return expectAnswer(r, wireSchema, "the SCEP profile");
  }

  /** true when deleted, false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    try {
      await this.api.call("DELETE", `/scep-profiles/${encodeURIComponent(id)}`);
      return true;
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return false;
      throw e;
    }
  }

  /** The profile called `name` in a container, found through the list endpoint's `name` filter. */
  async findByName(kind: ContainerKind, container: string, name: string): Promise<WireProfile | undefined> {
    const r = await this.api.call<ListPage>("GET", "/scep-profiles", { query: { [kind]: container, name, limit: 200 } });
    // Filter again: the name filter is documented as exact, but a tolerant client does not bet on it.
    return (r.body?.data ?? []).map((d) => parseAnswer(wireSchema, d)).find((p) => p.name === name);
  }
}

/** Builds a client from `connection` / stack config / environment (in that order). */
export const scmClient = clientFactory(SETTINGS, (s): ScmClient => {
  for (const k of ["clientId", "clientSecret", "tsgId"] as const) {
    if (!s[k]) throw new ConfigError(`Strata Cloud Manager ${k} is not set: ${howToSet(SETTINGS[k])}`);
  }
  const tls: TlsSettings = {
    caBundle: s.caBundle,
    clientCert: s.clientCert,
    clientKey: s.clientKey,
    insecureSkipTlsVerify: truthy(s.insecureSkipTlsVerify),
  };
  const tokenUrl = s.tokenUrl as string;
  // The cache key identifies the credential without holding the secret in plain text.
  const key = createHash("sha256").update(JSON.stringify([tokenUrl, s.clientId, s.clientSecret, s.tsgId])).digest("hex");
  const tokenTls = tlsForEndpoint(tls, s.apiUrl as string, tokenUrl, truthy(s.tokenInsecureSkipTlsVerify));
  const fetchToken = (): Promise<Token> => fetchScmToken(tokenUrl, s.clientId!, s.clientSecret!, s.tsgId!, tokenTls);
  return new ScmClient(
    new JsonApi({
      vendor: "Strata Cloud Manager",
      baseUrl: (s.apiUrl as string).replace(/\/+$/, ""),
      auth: new CachedBearer(key, fetchToken),
      tls,
      toError: toScmError,
    }),
  );
});

/** OAuth2 client credentials: HTTP basic auth, `scope=tsg_id:<TSG>` (the SCM auth service spec). */
export function fetchScmToken(tokenUrl: string, clientId: string, clientSecret: string, tsgId: string, tls: TlsSettings): Promise<Token> {
  return fetchClientCredentialsToken({
    vendor: "Strata Cloud Manager auth",
    tokenUrl, clientId, clientSecret, tls,
    scope: `tsg_id:${tsgId}`,
    // Service account ids contain `@` (…@<tsg>.iam.panserviceaccount.com); Palo Alto's clients send it unencoded.
    basicEncoding: "as-is",
    defaultExpiresIn: 900,
    toError: (ctx) => toScmError(ctx),
    refusedHint: "the token service refused the service account: check SCM_CLIENT_ID / SCM_CLIENT_SECRET and that the account has a role on TSG " + tsgId,
  });
}

