/**
 * Strata Cloud Manager's error envelope:
 * `{"_errors": [{"code", "message", "details", "help"}], "_request_id"}` (shared/specs
 * scm-identity-services.openapi.yaml, `generic_error`). Codes seen in the seed: E003 bad input,
 * E005 not present, E006 name not unique, E007 forbidden, E009 still referenced, E012/E013
 * unsupported, E016 authentication.
 */
import { ApiError, codeForStatus, ERROR_CODES, type ErrorCode } from "../core/errors";
import { snippet, type ErrorContext } from "../core/api";

export class ScmApiError extends ApiError {
  override readonly name = "ScmApiError";
}

interface Envelope {
  _errors?: Array<{ code?: string; message?: string; details?: unknown; help?: string }>;
  _request_id?: string;
  error?: string;
  error_description?: string;
}

/**
 * Vendor codes that say more than their status, with the status the seed (shared/reference/scm-vcf.md,
 * "Errors (seed)") lists them under; a code met under another status keeps the status's meaning,
 * as E016, which the seed lists both under 401 (not authenticated) and under 409 (object not unique).
 */
const VENDOR_CODES: { vendorCode: string; status: number; code: ErrorCode }[] = [
  // 404 E005 "Object Not Present".
  { vendorCode: "E005", status: 404, code: ERROR_CODES.notFound },
  // 409 E006 "Name Not Unique": the name is taken in the container.
  { vendorCode: "E006", status: 409, code: ERROR_CODES.conflict },
  // 409 E009 "Reference Not Zero": portals, gateways or certificate profiles still use the profile.
  { vendorCode: "E009", status: 409, code: ERROR_CODES.inUse },
  // 401 E016 "Not Authenticated", "Invalid Credential", "Key Expired"...
  { vendorCode: "E016", status: 401, code: ERROR_CODES.unauthorized },
  // 403 E007 "Unauthorized": authenticated, without a role that allows it.
  { vendorCode: "E007", status: 403, code: ERROR_CODES.forbidden },
];

export function codeOfScm(status: number, vendorCode: string | undefined): ErrorCode {
  return VENDOR_CODES.find((m) => m.vendorCode === vendorCode && m.status === status)?.code ?? codeForStatus(status);
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.unauthorized]: "check the service account's client id and secret and the TSG id (SCM_CLIENT_ID, SCM_CLIENT_SECRET, SCM_TSG_ID or the trustplane:scm* stack config)",
  [ERROR_CODES.forbidden]: "the service account lacks a role on this TSG or folder: grant it a role that can edit identity services",
};

export function toScmError(ctx: ErrorContext): ScmApiError {
  const env = (ctx.body && typeof ctx.body === "object" ? ctx.body : {}) as Envelope;
  const first = env._errors?.[0];
  const details: string[] = [];
  for (const e of env._errors ?? []) {
    if (e !== first && e.message) details.push(`${e.code ?? ""} ${e.message}`.trim());
    for (const d of flattenDetails(e.details)) details.push(d);
    if (e.help) details.push(`help: ${e.help}`);
  }
  const message =
    first?.message ??
    env.error_description ??
    env.error ??
    (ctx.body === undefined ? `non-JSON answer: ${snippet(ctx.text)}` : snippet(JSON.stringify(ctx.body)));
  const vendorCode = first?.code ?? env.error;
  const code = codeOfScm(ctx.status, vendorCode);
  return new ScmApiError({
    vendor: "Strata Cloud Manager",
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode,
    code,
    vendorMessage: message,
    requestId: env._request_id,
    details,
    hint: HINTS[code],
    retryAfter: ctx.retryAfter,
  });
}

/** `details` is a string or an object (the spec allows both); object details become `key: value` lines. */
function flattenDetails(d: unknown): string[] {
  if (d === undefined || d === null) return [];
  if (typeof d === "string") return d ? [d] : [];
  if (Array.isArray(d)) return d.flatMap(flattenDetails);
  if (typeof d === "object") {
    const out: string[] = [];
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      if (v === undefined || v === null || (typeof v === "object" && Object.keys(v).length === 0)) continue;
      out.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    return out;
  }
  return [String(d)];
}
