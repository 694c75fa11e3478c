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
  scope: string;
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
      // RFC 6749 §2.3.1: form-urlencode the id and secret before base64.
      headers: async () => ({
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`,
      }),
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
  const form = new URLSearchParams({ grant_type: "client_credentials", scope: c.scope }).toString();
  // A token request has no side effect, so it may be retried like a GET.
  const r = await api.call<{ access_token?: string; expires_in?: number }>("POST", "", {
    idempotent: true,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    rawBody: form,
  });
  if (!r.body?.access_token) throw new ConfigError(`the ${c.vendor} token endpoint ${c.tokenUrl} answered without an access_token`);
  return { value: r.body.access_token, expiresIn: r.body.expires_in ?? c.defaultExpiresIn };
}
