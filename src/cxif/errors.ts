/**
 * The CX Industries Framework's error object, the TM Forum `Error`
 * (`{code, reason, message, status, referenceError, @type, @baseType, @schemaLocation}`,
 * ref §3.4), and the identity domain's OAuth error (`{error, error_description}`) from the token
 * endpoint. Oracle publishes no list of `code` values: callers branch on the HTTP status.
 */
import { snippet, type ErrorContext } from "../core/api";
import { ApiError } from "../core/errors";

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

const HINTS: Record<number, string> = {
  401:
    "the framework refused the access token: check the confidential application's client id and secret and its token endpoint " +
    "(CXIF_CLIENT_ID, CXIF_CLIENT_SECRET, CXIF_TOKEN_URL or the trustplane:cxif* stack config)",
  403:
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
  return new CxifApiError({
    vendor,
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode: str(b.code) ?? str(b.error),
    vendorMessage,
    details,
    remediation: reference ? `see ${reference}` : undefined,
    hint: HINTS[ctx.status],
    retryAfter: ctx.retryAfter,
  });
}
