/**
 * The nevisIDM calls profile properties need, and how a client is built from the settings.
 * Paths are rooted at `/nevisidm/api/core/v1` on whatever host serves nevisIDM's REST API
 * (ref §2.2): `https://api.<instance>.getnevis.net` in Nevis ID cloud, the nevisProxy frontend
 * on premise. Authentication is a bearer token (ref §2.3), optionally with a client certificate
 * where the proxy in front demands one.
 */
import { expectAnswer, JsonApi } from "../core/api";
import { StaticBearer } from "../core/auth";
import { ApiError, ConfigError, ERROR_CODES, hasCode } from "../core/errors";
import { clientFactory, howToSet, truthy, type SettingSpec } from "../core/settings";
import type { TlsSettings } from "../core/transport";
import { NevisidmApiError, toNevisidmError, VENDOR } from "./errors";
import { wirePropertiesSchema, type WireProperties } from "./schema";

export const API_ROOT = "/nevisidm/api/core/v1";

export const SETTINGS = {
  url: { input: "url", config: "trustplane:nevisidmUrl", env: ["NEVISIDM_URL"], endpoint: { credentials: "token" } },
  token: { input: "token", config: "trustplane:nevisidmToken", env: ["NEVISIDM_TOKEN"], secret: true },
  caBundle: { input: "caBundle", config: "trustplane:nevisidmCaBundle", env: ["NEVISIDM_CA_BUNDLE"] },
  clientCert: { input: "clientCert", config: "trustplane:nevisidmClientCert", env: ["NEVISIDM_CLIENT_CERT"] },
  clientKey: { input: "clientKey", config: "trustplane:nevisidmClientKey", env: ["NEVISIDM_CLIENT_KEY"], secret: true },
  insecureSkipTlsVerify: {
    input: "insecureSkipTlsVerify",
    config: "trustplane:nevisidmInsecureSkipTlsVerify",
    env: ["NEVISIDM_INSECURE_SKIP_TLS_VERIFY"],
  },
} satisfies Record<string, SettingSpec>;

/** What a read of the values found. */
export type ReadOutcome =
  | { kind: "found"; properties: WireProperties }
  /** The deployment has no GET for profile properties (404 without a nevisIDM record error, or 405). */
  | { kind: "unsupported"; status: number }
  /** The client or the profile does not exist (404 errors.noRecord). */
  | { kind: "gone"; error: NevisidmApiError };

const path = (clientExtId: string, profileExtId: string) =>
  `${API_ROOT}/${encodeURIComponent(clientExtId)}/profiles/${encodeURIComponent(profileExtId)}`;

export class NevisidmClient {
  constructor(readonly api: JsonApi) {}

  /**
   * `PATCH …/profiles/{extId}/properties` (seed 004): sets the keys given, removes those sent as
   * null, leaves the others; answers the complete current map. Sending the same absolute values
   * twice has the same effect as once, so a PATCH whose answer was lost may be repeated.
   */
  async patchProperties(clientExtId: string, profileExtId: string, body: Record<string, string | null>): Promise<WireProperties> {
    const r = await this.api.call<unknown>("PATCH", `${path(clientExtId, profileExtId)}/properties`, { body, idempotent: true });
    // An empty answer is read as no values (tolerated); any other shape, JSON null included, is not a properties map.
    return expectAnswer({ ...r, body: r.text.trim() === "" ? {} : r.body }, wirePropertiesSchema, "the profile's properties as a JSON object");
  }

  /**
   * `GET …/profiles/{extId}/properties`: inferred from every sibling entity (ref §2.4), so a
   * deployment without it is expected: a 405, or a 404 that is not nevisIDM's own "no record"
   * answer, means the route is missing rather than the profile.
   */
  async getProperties(clientExtId: string, profileExtId: string): Promise<ReadOutcome> {
    try {
      const r = await this.api.call<unknown>("GET", `${path(clientExtId, profileExtId)}/properties`);
      return { kind: "found", properties: expectAnswer({ ...r, body: r.text.trim() === "" ? {} : r.body }, wirePropertiesSchema, "the profile's properties as a JSON object") };
    } catch (e) {
      if (e instanceof NevisidmApiError && e.isNoRecord) return { kind: "gone", error: e };
      // A 404 or a 405 (both not found: errors.ts `codeFor`): the route, not the profile, is missing.
      if (e instanceof ApiError && hasCode(e, ERROR_CODES.notFound)) return { kind: "unsupported", status: e.status };
      throw e;
    }
  }

  /** `GET …/profiles/{extId}` (documented, ref §2.4): whether the profile still exists. */
  async profileExists(clientExtId: string, profileExtId: string): Promise<boolean> {
    try {
      await this.api.call<unknown>("GET", path(clientExtId, profileExtId));
      return true;
    } catch (e) {
      if (e instanceof NevisidmApiError && e.isNoRecord) return false;
      throw e;
    }
  }
}

/**
 * The API base: the user may give the host, or a URL that already ends in `/nevisidm/api` or
 * `/nevisidm/api/core/v1` (what the vendor's docs show); all three mean the same server.
 */
export function baseUrlOf(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/nevisidm\/api(\/core\/v1)?$/i, "");
}

/** Builds a client from `connection` / stack config / environment (in that order). */
export const nevisidmClient = clientFactory(SETTINGS, (s): NevisidmClient => {
  if (!s.url) throw new ConfigError(`${VENDOR} URL is not set: ${howToSet(SETTINGS.url)}`);
  if (!/^https?:\/\/[^\s/]+/i.test(s.url)) throw new ConfigError(`${VENDOR} URL '${s.url}' is not an http(s) URL`);
  if (!s.token) {
    throw new ConfigError(
      `${VENDOR} bearer token is not set: ${howToSet(SETTINGS.token)} (a Nevis ID cloud technical user's token, or one issued by your nevisAuth)`,
    );
  }
  if (Boolean(s.clientCert) !== Boolean(s.clientKey)) {
    throw new ConfigError(
      `${VENDOR} client certificate needs both a certificate and its key: ${howToSet(s.clientCert ? SETTINGS.clientKey : SETTINGS.clientCert)}`,
    );
  }
  const tls: TlsSettings = {
    caBundle: s.caBundle,
    clientCert: s.clientCert,
    clientKey: s.clientKey,
    insecureSkipTlsVerify: truthy(s.insecureSkipTlsVerify),
  };
  return new NevisidmClient(
    new JsonApi({
      vendor: VENDOR,
      baseUrl: baseUrlOf(s.url),
      // A static token: nothing to refresh, so a 401 is final and its error says how to replace it.
      auth: new StaticBearer(s.token),
      tls,
      toError: toNevisidmError,
    }),
  );
});
