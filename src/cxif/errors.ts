/**
 * The CX Industries Framework's error object, the TM Forum `Error`
 * (`{code, reason, message, status, referenceError, @type, @baseType, @schemaLocation}`,
 * ref §3.4), and the identity domain's OAuth error (`{error, error_description}`) from the token
 * endpoint.
 *
 * Stable codes: Oracle publishes no list of TM Forum `code` values (ref §3.4 names the field, not
 * its values), so a framework answer's code is the one its HTTP status means. The token endpoint's
 * OAuth `error` values are RFC 6749 §5.2's, and some say more than the status: an identity domain
 * may refuse client authentication with a 400 as well as a 401 (§5.2 lets it), which is still the
 * credentials refused.
 */
import { snippet, type ErrorContext } from "../core/api";
import { ApiError, codeForStatus, ERROR_CODES, type ErrorCode } from "../core/errors";

export class CxifApiError extends ApiError {
  override readonly name = "CxifApiError";
}

interface TmfError {
  code?: unknown;
  reason?: unknown;
  message?: unknown;
  status?: unknown;
  referenceError?: unknown;
  "@type"?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * RFC 6749 §5.2 error codes → ours. `invalid_client`: client authentication failed;
 * `unauthorized_client`: the client may not use this grant; `invalid_scope`: the client
 * authenticated, but the scope is not granted to it (the framework scope not added as an
 * authorized resource, ref §3.5).
 */
const OAUTH_CODES: Record<string, ErrorCode> = {
  invalid_client: ERROR_CODES.unauthorized,
  unauthorized_client: ERROR_CODES.unauthorized,
  invalid_scope: ERROR_CODES.forbidden,
};

/** What to do, by the code the framework's answer means (the token endpoint's refusals get their own hint: core/oauth2.ts). */
const HINTS: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.unauthorized]:
    "the framework refused the access token: check the confidential application's client id and secret and its token endpoint " +
    "(CXIF_CLIENT_ID, CXIF_CLIENT_SECRET, CXIF_TOKEN_URL or the trustplane:cxif* stack config)",
  [ERROR_CODES.forbidden]:
    "the token lacks the framework's admin scope: request <framework URL>/urn:opc:resource:consumer::all (CXIF_SCOPE) and add the " +
    "CXIF OAuth application as an authorized resource of the confidential application",
};

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : typeof v === "number" ? String(v) : undefined);

export function toCxifError(ctx: ErrorContext, vendor = "CX Industries Framework"): CxifApiError {
  const b = (ctx.body && typeof ctx.body === "object" && !Array.isArray(ctx.body) ? ctx.body : {}) as TmfError;
  const reason = str(b.reason) ?? str(b.error_description);
  const message = str(b.message);
  // The TM Forum `message` carries "details and corrective actions"; a validation answer lists several.
  const details = message ? message.split(/;\s+/).filter((d) => d !== reason) : [];
  const vendorMessage =
    reason ?? details.shift() ?? str(b.error) ?? (ctx.body === undefined ? `non-JSON answer: ${snippet(ctx.text)}` : snippet(JSON.stringify(ctx.body)));
  const reference = str(b.referenceError);
  const oauthError = str(b.error);
  const code = (oauthError === undefined ? undefined : OAUTH_CODES[oauthError]) ?? codeForStatus(ctx.status);
  return new CxifApiError({
    vendor,
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode: str(b.code) ?? str(b.error),
    vendorMessage,
    details,
    remediation: reference ? `see ${reference}` : undefined,
    code,
    hint: HINTS[code],
    retryAfter: ctx.retryAfter,
  });
}
