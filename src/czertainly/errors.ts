/**
 * CZERTAINLY Core's error envelopes (reference §1.8), all rendered as one error type:
 * - `{"message": "..."}` (`ErrorMessageDto`): 400, 404, 409, 500, connector errors;
 * - a JSON array of strings: 422 business validation (`ValidationException`);
 * - `{"statusCode", "code", "message"}` as `application/problem+json`: 403 ACCESS_DENIED;
 * - an empty body: 401 (Spring Security's `sendError`), a filter-level 403.
 *
 * Our stable code is the status's (core/errors.ts `codeForStatus`: 404 not found, 409 conflict,
 * 401, 403, 422 invalid...) except where Core's words mean one of ours more precisely:
 * - 422 `["Dependent SCEP Profiles (<n>): <names>"]` on delete: RA profiles have SCEP activated
 *   with this profile (reference §1.7 "Delete") → TRUSTPLANE_IN_USE.
 */
import { ApiError, ERROR_CODES, type ErrorCode } from "../core/errors";
import { snippet, type ErrorContext } from "../core/api";

export class CzertainlyApiError extends ApiError {
  override readonly name = "CzertainlyApiError";
}

export const VENDOR = "CZERTAINLY";

const HINTS: Record<number, string> = {
  // Core reads a client certificate only from the `ssl-client-cert` header (reference §1.2: its
  // x509 filter is off, `client-auth: want`), so a certificate in the TLS handshake to Core's own
  // port authenticates nobody; only an ingress that verifies it and sets the header makes it a login.
  401:
    "Core did not accept the credentials. A bearer token must be an unexpired JWT whose issuer (iss) is an OAuth2 provider configured in Core's authentication settings: " +
    "let the provider fetch and refresh one with OAuth2 client credentials (connection.tokenUrl + clientId + clientSecret, or CZERTAINLY_TOKEN_URL / CZERTAINLY_CLIENT_ID / CZERTAINLY_CLIENT_SECRET), " +
    "or set a token that outlives the run (connection.token / CZERTAINLY_TOKEN / trustplane:czertainlyToken). " +
    "A client certificate counts only when it reaches Core in the ssl-client-cert header, which Core's ingress sets after verifying the TLS client certificate: " +
    "a certificate presented straight to Core's own port (mTLS without that ingress) is not a login. Go through the ingress, or send the certificate in the header " +
    "(connection.clientCertHeader: \"ssl-client-cert\"), and register it to a Core user",
  403: "the user behind the credentials lacks this permission on SCEP profiles (resource 'scepProfiles'): grant it in Core's roles",
};

export function toCzertainlyError(ctx: ErrorContext): CzertainlyApiError {
  const body = ctx.body;
  let message: string;
  let details: string[] = [];
  let code: string | undefined;
  if (Array.isArray(body)) {
    const msgs = body.map((m) => (typeof m === "string" ? m : JSON.stringify(m)));
    message = msgs[0] ?? "(no message)";
    details = msgs.slice(1);
    code = "ValidationError";
  } else if (body && typeof body === "object") {
    const o = body as { message?: unknown; code?: unknown; error?: unknown };
    message = typeof o.message === "string" ? o.message : typeof o.error === "string" ? o.error : snippet(JSON.stringify(body));
    if (typeof o.code === "string") code = o.code;
  } else if (ctx.text.trim() === "") {
    message = ctx.status === 401 ? "Unauthorized (no body)" : ctx.status === 403 ? "Forbidden (no body)" : "(empty body)";
  } else {
    message = `non-JSON answer: ${snippet(ctx.text)}`;
  }
  return new CzertainlyApiError({
    vendor: VENDOR,
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode: code,
    code: ctx.status === 422 && dependentsIn([message, ...details]) !== undefined ? ERROR_CODES.inUse : undefined,
    vendorMessage: message,
    details,
    hint: HINTS[ctx.status],
    retryAfter: ctx.retryAfter,
  });
}

/**
 * RA profile names from the delete 422 `Dependent SCEP Profiles (<n>): <name>, ...` (the text
 * says SCEP profiles but lists the RA profiles that have SCEP activated with this one, §1.7).
 */
export function dependentRaProfiles(e: ApiError): string[] | undefined {
  return dependentsIn([e.vendorMessage, ...e.details]);
}

function dependentsIn(messages: string[]): string[] | undefined {
  for (const m of messages) {
    const match = /^Dependent SCEP Profiles \(\d+\):\s*(.*)$/.exec(m);
    if (match) return match[1].split(/\s*,\s*/).filter((s) => s !== "");
  }
  return undefined;
}

/**
 * The code of one failure a bulk action reports (`BulkActionMessageDto`, answered with HTTP 200,
 * reference §1.7 "Force delete"): Core's NotFoundException text (`Object of type 'ScepProfile'
 * identified by <uuid> is not found.`, §1.8) is not found; any other message is a failure we
 * cannot classify further.
 */
export function bulkFailureCode(m: { message: string }): ErrorCode {
  return /not found/i.test(m.message) ? ERROR_CODES.notFound : ERROR_CODES.apiError;
}
