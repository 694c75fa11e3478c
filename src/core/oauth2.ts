/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4) with HTTP basic client authentication, as
 * both the SCM auth service and OCI identity domains take it. Vendors differ only in the scope,
 * the default lifetime and what to tell the user when the client is refused.
 */
import { JsonApi, type ErrorContext } from "./api";
import type { Token } from "./auth";
import { ApiError, ConfigError } from "./errors";
import type { TlsSettings } from "./transport";

export interface ClientCredentials {
  /** Who answers, for messages: "Strata Cloud Manager auth". */
  vendor: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `scope` of the form body, when the issuer wants one. */
  scope?: string;
  /** `audience` of the form body (Auth0-style issuers name the API so, not by scope). */
  audience?: string;
  /**
   * How the id and secret go into HTTP Basic. RFC 6749 §2.3.1 says form-urlencode them first;
   * Palo Alto's clients do not (their Go SDK's `SetBasicAuth(id, secret)`, `curl -u id:secret`),
   * and the SCM auth service compares what it gets, so SCM sends them "as-is".
   */
  basicEncoding?: "form-urlencoded" | "as-is";
  tls: TlsSettings;
  /** Lifetime assumed when the answer states none, seconds. */
  defaultExpiresIn: number;
  /** The vendor's error envelope. */
  toError: (ctx: ErrorContext) => ApiError;
  /** What to check when the token endpoint refuses the client (400/401). */
  refusedHint: string;
}

export async function fetchClientCredentialsToken(c: ClientCredentials): Promise<Token> {
  const api = new JsonApi({
    vendor: c.vendor,
    baseUrl: c.tokenUrl,
    auth: {
      headers: async () => ({ authorization: basicAuthorization(c.clientId, c.clientSecret, c.basicEncoding ?? "form-urlencoded") }),
      unauthorized: () => false,
    },
    tls: c.tls,
    toError: (ctx) => {
      const e = c.toError(ctx);
      if (ctx.status === 400 || ctx.status === 401) {
        e.hint = c.refusedHint;
        e.refreshMessage();
      }
      return e;
    },
  });
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    ...(c.scope ? { scope: c.scope } : {}),
    ...(c.audience ? { audience: c.audience } : {}),
  }).toString();
  // A token request has no side effect, so it may be retried like a GET.
  const r = await api.call<{ access_token?: string; expires_in?: number }>("POST", "", {
    idempotent: true,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    rawBody: form,
  });
  if (!r.body?.access_token) throw new ConfigError(`the ${c.vendor} token endpoint ${c.tokenUrl} answered without an access_token`);
  return { value: r.body.access_token, expiresIn: r.body.expires_in ?? c.defaultExpiresIn };
}

/** The HTTP Basic header for a client id and secret, encoded as `fetchClientCredentialsToken` describes. */
export function basicAuthorization(id: string, secret: string, encoding: "form-urlencoded" | "as-is"): string {
  const enc = encoding === "as-is" ? (x: string) => x : (x: string) => encodeURIComponent(x);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}
