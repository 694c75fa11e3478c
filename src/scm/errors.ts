/**
 * Strata Cloud Manager's error envelope:
 * `{"_errors": [{"code", "message", "details", "help"}], "_request_id"}` (shared/specs
 * scm-identity-services.openapi.yaml, `generic_error`). Codes seen in the seed: E003 bad input,
 * E005 not present, E006 name not unique, E007 forbidden, E009 still referenced, E012/E013
 * unsupported, E016 authentication.
 */
import { ApiError } from "../core/errors";
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

const HINTS: Record<number, string> = {
  401: "check the service account's client id and secret and the TSG id (SCM_CLIENT_ID, SCM_CLIENT_SECRET, SCM_TSG_ID or the trustplane:scm* stack config)",
  403: "the service account lacks a role on this TSG or folder: grant it a role that can edit identity services",
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
  return new ScmApiError({
    vendor: "Strata Cloud Manager",
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode: first?.code ?? env.error,
    vendorMessage: message,
    requestId: env._request_id,
    details,
    hint: HINTS[ctx.status],
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
