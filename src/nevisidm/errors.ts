/**
 * nevisIDM's error envelope: `{"errors": [{"code", "message", "identifier"?}], "policyViolations"?:
 * [{displayName, configString, suppliedValue, limitValue, actualValue}], "policyViolation"?: {…}}`
 * (seed 004, the 403/404/422 examples; ref §2.6). Only `errors[].code` and `message` are certain,
 * so everything else is read defensively.
 *
 * For property errors the failing property is pulled out of the message (the length and regex
 * codes carry nothing but the property name, the others name it in quotes), so the user reads
 * `properties.employee_id` rather than a code.
 */
import { ApiError, codeForStatus, ERROR_CODES, type ApiErrorFields, type ErrorCode } from "../core/errors";
import { snippet, type ErrorContext } from "../core/api";

export const VENDOR = "nevisIDM";

export class NevisidmApiError extends ApiError {
  override readonly name = "NevisidmApiError";
  /** Every code of the envelope, first one also in `vendorCode`. */
  readonly codes: string[];
  /** The property the server rejected, when the error is about one. */
  readonly property?: string;
  constructor(f: ApiErrorFields & { codes: string[]; property?: string }) {
    super(f);
    this.codes = f.codes;
    this.property = f.property;
  }

  /**
   * `errors.noRecord` answered as not found: the client or the profile does not exist (a 404
   * without it is a route this deployment lacks, and a 405 is one too: see `codeFor`).
   */
  get isNoRecord(): boolean {
    return this.code === ERROR_CODES.notFound && this.codes.includes("errors.noRecord");
  }

  /**
   * The property a PATCH could not write because its definition is read-only through the API
   * (`errors.modifyReadonlyData`: access READ_ONLY or OFF, ref §2.5); undefined for any other error.
   */
  get readOnlyProperty(): string | undefined {
    return this.codes.includes("errors.modifyReadonlyData") ? this.property : undefined;
  }
}

interface ErrorMessage {
  code?: string;
  message?: string;
  identifier?: unknown;
  policyViolations?: PolicyViolation[];
}
interface PolicyViolation {
  displayName?: string;
  configString?: string;
  suppliedValue?: unknown;
  limitValue?: unknown;
  actualValue?: unknown;
}
interface Envelope {
  errors?: ErrorMessage[];
  policyViolations?: PolicyViolation[];
  policyViolation?: { message?: string; description?: string };
}

/** Codes whose message is the bare property name (seed, 422 examples). */
const NAME_ONLY = new Set(["errors.property.stringmaxlen", "errors.property.stringregex", "errors.property.regexinv"]);

/** The property an error is about, from the message wording of each code. */
export function propertyOf(e: ErrorMessage): string | undefined {
  const msg = e.message ?? "";
  if (e.code && NAME_ONLY.has(e.code)) return msg.trim() || undefined;
  const m =
    /for property '([^']+)'/.exec(msg) ?? // uniqueness (seed)
    /with the name '([^']+)'/.exec(msg) ?? // unknown property (seed)
    /[Pp]roperty '([^']+)'/.exec(msg);
  return m?.[1];
}

const SETTINGS = "connection.token, `pulumi config set --secret trustplane:nevisidmToken`, or NEVISIDM_TOKEN";

/** What to do next, per code, then per status. */
function hintFor(status: number, code: string | undefined, property: string | undefined, message: string): string | undefined {
  const prop = property ? `'${property}'` : "the property";
  switch (code) {
    case "errors.property.stringmaxlen":
      return `the value of ${prop} is longer than its definition's stringMaxLen allows: shorten it (the client's definitions: GET /nevisidm/api/core/v1/clients/{clientExtId}/properties)`;
    case "errors.property.stringregex":
      return `the value of ${prop} does not match its definition's stringRegex (the whole value must match): fix the value, or the definition in nevisIDM`;
    case "errors.property.regexinv":
      return `the definition of ${prop} has an invalid stringRegex: an administrator must fix the property definition in nevisIDM`;
    case "errors.propertyUniquenessViolated":
      return `another profile already holds this value of ${prop}, which its definition requires to be unique: choose another value, or clear it on the other profile first`;
    case "errors.invalidData":
      if (/No property exists/i.test(message))
        return `nevisIDM has no profile property (scope PROFILE_GLOBAL) named ${prop} in this client: check the spelling, or have it defined first`;
      if (/allowed value/i.test(message)) return `${prop} is an ENUM property: use one of its allowed values`;
      return undefined;
    case "errors.modifyReadonlyData":
      return `${prop} is read-only through the API (its definition's accessCreate/accessModify is READ_ONLY or OFF): remove it from this resource's properties`;
    case "errors.modifyArchivedProfile":
      return "the profile is archived and its properties cannot change: reactivate it in nevisIDM or point the resource at an active profile";
    case "errors.insufficientRightsFunction":
      return "the caller lacks the function right named above: grant its technical user a nevisIDM role that carries it (AccessControl.ProfileModify to write, AccessControl.ProfileView to read), restricted to this client";
    case "errors.noRecord":
      return /client/i.test(message)
        ? "no nevisIDM client has this clientExtId: check clientExtId (and that the URL points at the right nevisIDM instance)"
        : "no profile has this extId in the client: check profileExtId; this resource manages the values of an existing profile and does not create it";
    case "errors.invalidJWTToken":
      return `the bearer token was refused (expired, revoked, or for another instance): set a fresh one with ${SETTINGS}`;
  }
  if (code?.endsWith("DataroomDenied"))
    return "the caller has the right but its data room does not include this client or the profile's unit: extend the data room of its role in nevisIDM, or use a technical user of that unit";
  switch (status) {
    case 401:
      return `nevisIDM (or the nevisProxy in front of it) did not accept the credentials: set a bearer token with ${SETTINGS}, and a client certificate (NEVISIDM_CLIENT_CERT / NEVISIDM_CLIENT_KEY) if the deployment requires one`;
    case 403:
      return "the caller is not allowed to do this: check the technical user's nevisIDM roles and data rooms";
    case 404:
      return "the path does not exist on this server: check the URL (it should reach /nevisidm/api on the nevisIDM REST service), clientExtId and profileExtId";
    case 405:
      return "the server does not allow this method on the path: the nevisIDM version may predate it (profile properties need 2.79.0 or later)";
    case 422:
      return "nevisIDM refused the values: see the codes above";
  }
  return undefined;
}

/**
 * Our stable code, where nevisIDM's code says more than its status; else the status's.
 *
 * - `errors.propertyUniquenessViolated`, `errors.duplicateValue`: another object holds a value
 *   that must be unique (ref §2.5, §2.6: the definition's uniquenessScope) → conflict, whatever
 *   status the deployment answers it with (the seed's example is a 422).
 * - `errors.property.stringmaxlen` / `stringregex`, `errors.invalidData`, `errors.modifyReadonlyData`,
 *   `errors.modifyArchivedProfile`, `errors.policyViolation`: the values were refused as they are
 *   (ref §2.5, §2.6, business-rule violations) → invalid.
 * - `errors.insufficientRightsFunction`, `errors.*DataroomDenied`: a right or a data room is
 *   missing (ref §2.3: "Permission denied" / "Dataroom permission denied") → forbidden.
 * - `errors.invalidJWTToken`: the bearer token was refused (Nevis ID cloud, 401 on a missing or
 *   expired token, ref §2.6) → unauthorized.
 *
 * A 404 is not found whatever the code (`errors.noRecord`: the client or profile; without it, a
 * route this deployment lacks), and so is a 405: the deployment has no such method on the path,
 * which for `GET …/profiles/{extId}/properties` (inferred, ref §2.4) means the route is not
 * there. The client reads either as "no GET here" unless the code is `errors.noRecord`.
 */
function codeFor(status: number, code: string | undefined): ErrorCode {
  if (status === 404 || status === 405) return ERROR_CODES.notFound;
  switch (code) {
    case "errors.propertyUniquenessViolated":
    case "errors.duplicateValue":
      return ERROR_CODES.conflict;
    case "errors.property.stringmaxlen":
    case "errors.property.stringregex":
    case "errors.invalidData":
    case "errors.modifyReadonlyData":
    case "errors.modifyArchivedProfile":
    case "errors.policyViolation":
      return ERROR_CODES.invalid;
    case "errors.insufficientRightsFunction":
      return ERROR_CODES.forbidden;
    case "errors.invalidJWTToken":
      return ERROR_CODES.unauthorized;
  }
  if (code?.endsWith("DataroomDenied")) return ERROR_CODES.forbidden;
  return codeForStatus(status);
}

export function toNevisidmError(ctx: ErrorContext): NevisidmApiError {
  const env = (ctx.body && typeof ctx.body === "object" && !Array.isArray(ctx.body) ? ctx.body : {}) as Envelope;
  const errors = Array.isArray(env.errors) ? env.errors : [];
  const first = errors[0];
  const details: string[] = [];
  for (const e of errors.slice(1)) details.push(`${e.code ?? ""} ${e.message ?? ""}`.trim());
  for (const v of [...(env.policyViolations ?? []), ...errors.flatMap((e) => e.policyViolations ?? [])]) details.push(violation(v));
  if (env.policyViolation?.message) details.push(`policy: ${env.policyViolation.message}`);
  const property = first ? propertyOf(first) : undefined;
  const code = first?.code;
  let message: string;
  if (first?.message !== undefined) {
    message = NAME_ONLY.has(code ?? "") ? `property '${first.message}' violates its definition` : first.message;
  } else if (ctx.body === undefined) {
    message = ctx.text ? `non-JSON answer: ${snippet(ctx.text)}` : "(empty body)";
  } else {
    message = snippet(JSON.stringify(ctx.body));
  }
  return new NevisidmApiError({
    vendor: VENDOR,
    status: ctx.status,
    method: ctx.method,
    url: ctx.url,
    vendorCode: code,
    code: codeFor(ctx.status, code),
    vendorMessage: message,
    details,
    hint: hintFor(ctx.status, code, property, first?.message ?? ""),
    retryAfter: ctx.retryAfter,
    codes: errors.map((e) => e.code ?? "").filter(Boolean),
    property,
  });
}

function violation(v: PolicyViolation): string {
  const parts = [v.displayName ?? v.configString ?? "policy"];
  if (v.suppliedValue !== undefined) parts.push(`supplied ${JSON.stringify(v.suppliedValue)}`);
  if (v.limitValue !== undefined) parts.push(`limit ${JSON.stringify(v.limitValue)}`);
  if (v.actualValue !== undefined) parts.push(`actual ${JSON.stringify(v.actualValue)}`);
  return `policy violation: ${parts.join(", ")}`;
}
