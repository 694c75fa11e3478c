/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4) with HTTP basic client authentication, as
 * both the SCM auth service and OCI identity domains take it. Vendors differ only in the scope,
 * the default lifetime and what to tell the user when the client is refused.
 */
import { JsonApi, type ErrorContext } from "./api";
import { lifetimeSeconds, type Token } from "./auth";
import { ApiError, ConfigError, ERROR_CODES, UnusableAnswerError } from "./errors";
import { UncertainOutcomeError } from "./lookup";
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
    toError: (ctx) => tokenFailure(c, ctx),
  });
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    ...(c.scope ? { scope: c.scope } : {}),
    ...(c.audience ? { audience: c.audience } : {}),
  }).toString();
  // A token request has no side effect, so it may be retried like a GET; but a 200 that is not
  // JSON (a login or portal page) is what the URL serves, and asking again only repeats it.
  let r;
  try {
    r = await api.call<{ access_token?: unknown; expires_in?: unknown }>("POST", "", {
      idempotent: true,
      retryUnreadable: false,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      rawBody: form,
    });
  } catch (e) {
    // Not an unknown outcome to look up: the token URL does not serve tokens. Once, and said so.
    if (e instanceof UncertainOutcomeError || e instanceof UnusableAnswerError) {
      throw new ConfigError(`${e.message}\n  what to do: a token endpoint answers JSON; check the token URL (${c.tokenUrl})`);
    }
    throw e;
  }
  const token = r.body?.access_token;
  if (typeof token !== "string" || token === "" || /\s/.test(token)) {
    const got = token === undefined ? "no access_token" : `an access_token that is ${typeof token === "string" ? "empty or has spaces" : `a JSON ${token === null ? "null" : typeof token}`}`;
    throw new ConfigError(`the ${c.vendor} token endpoint ${c.tokenUrl} answered HTTP ${r.status} with ${got}, where a string token was expected: check the token URL`);
  }
  return { value: token, expiresIn: lifetimeSeconds(r.body?.expires_in) ?? c.defaultExpiresIn };
}

/**
 * A refused token request: the client's credentials (400 and 401 are how RFC 6749 §5.2 refuses
 * them). Any other failure keeps its code here; met on the way to a call, the authentication layer
 * (core/api.ts `authLayer`) makes sure a 404 from a mistyped token URL never reads as "gone".
 */
function tokenFailure(c: ClientCredentials, ctx: ErrorContext): ApiError {
  const e = c.toError(ctx);
  if (ctx.status === 400 || ctx.status === 401) return e.meaning(ERROR_CODES.unauthorized).withHint(c.refusedHint);
  return e;
}

/** The HTTP Basic header for a client id and secret, encoded as `fetchClientCredentialsToken` describes. */
export function basicAuthorization(id: string, secret: string, encoding: "form-urlencoded" | "as-is"): string {
  const enc = encoding === "as-is" ? (x: string) => x : (x: string) => encodeURIComponent(x);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}
