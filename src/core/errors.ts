/**
 * Every error trustplane raises, in one module, each with a stable `code` that callers branch on
 * (never a status number or a vendor's code matched by hand): one type for every API failure with
 * one subclass per vendor envelope (the vendor folders map their envelope, and the vendor codes
 * that mean one of ours, onto it), and the failures of our own making. People read `message`,
 * which always carries the HTTP status, the vendor's code and message, the request or reference
 * id and any remediation the vendor gave, with secrets redacted.
 */
import { redact, redactQuoted } from "./redact";

/** The stable codes. A vendor's envelope mapping may set a more precise one than its status gives. */
export const ERROR_CODES = {
  /** The object (or the path) does not exist. */
  notFound: "TRUSTPLANE_NOT_FOUND",
  /** A unique key is taken, or the object changed under us. */
  conflict: "TRUSTPLANE_CONFLICT",
  /** The object is still referenced by others and cannot be deleted or changed so. */
  inUse: "TRUSTPLANE_IN_USE",
  /** The credentials were refused. */
  unauthorized: "TRUSTPLANE_UNAUTHORIZED",
  /** The credentials are good but lack a permission. */
  forbidden: "TRUSTPLANE_FORBIDDEN",
  /** Too many requests; the server will take it later. */
  throttled: "TRUSTPLANE_THROTTLED",
  /** The request was refused as invalid. */
  invalid: "TRUSTPLANE_INVALID",
  /** The server failed or is unavailable (5xx). */
  unavailable: "TRUSTPLANE_UNAVAILABLE",
  /** Any other HTTP failure. */
  apiError: "TRUSTPLANE_API_ERROR",
  /** No answer: connection refused or reset, TLS failure, DNS. */
  unreachable: "TRUSTPLANE_UNREACHABLE",
  /** An attempt outlasted TRUSTPLANE_TIMEOUT_MS, headers and body together. */
  attemptTimeout: "TRUSTPLANE_ATTEMPT_TIMEOUT",
  /** A 2xx or 3xx answer without what the call needs. */
  unusableAnswer: "TRUSTPLANE_UNUSABLE_ANSWER",
  /** A write was sent and whether it landed is not known. */
  outcomeUnknown: "TRUSTPLANE_OUTCOME_UNKNOWN",
  /** Misconfiguration found before any request. */
  config: "TRUSTPLANE_CONFIG",
  /** The object was made but finishing it failed; it stays in the stack. */
  partialCreate: "TRUSTPLANE_PARTIAL_CREATE",
  /** `adopt: "<id>"` named an object that does not exist. */
  adoptTargetMissing: "TRUSTPLANE_ADOPT_TARGET_MISSING",
  /** The object to adopt differs in what only a replacement could change. */
  adoptMismatch: "TRUSTPLANE_ADOPT_MISMATCH",
  /** A vendor's long-running task ended in failure. */
  taskFailed: "TRUSTPLANE_TASK_FAILED",
  /** A vendor's long-running task did not end in time. */
  taskTimeout: "TRUSTPLANE_TASK_TIMEOUT",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The code an HTTP status means when the vendor's envelope says nothing more precise. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 404 || status === 410) return ERROR_CODES.notFound;
  if (status === 409 || status === 412) return ERROR_CODES.conflict;
  if (status === 401) return ERROR_CODES.unauthorized;
  if (status === 403) return ERROR_CODES.forbidden;
  if (status === 429) return ERROR_CODES.throttled;
  if (status === 400 || status === 422) return ERROR_CODES.invalid;
  if (status >= 500) return ERROR_CODES.unavailable;
  return ERROR_CODES.apiError;
}

/** The stable code of any error, undefined for one that is not trustplane's. */
export function codeOf(e: unknown): ErrorCode | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" && (Object.values(ERROR_CODES) as string[]).includes(c) ? (c as ErrorCode) : undefined;
}

/** Whether `e` is a trustplane error with one of these codes. */
export function hasCode(e: unknown, ...codes: ErrorCode[]): boolean {
  const c = codeOf(e);
  return c !== undefined && codes.includes(c);
}

export interface ApiErrorFields {
  vendor: string;
  status: number;
  method: string;
  url: string;
  vendorCode?: string;
  /** Our stable code; by default the one the status means (`codeForStatus`). */
  code?: ErrorCode;
  vendorMessage: string;
  requestId?: string;
  remediation?: string;
  details?: string[];
  /** What the user should do next, when the provider knows better than the vendor. */
  hint?: string;
  /** The server's Retry-After, kept so a caller that retries itself can honour it. */
  retryAfter?: string;
}

export class ApiError extends Error {
  override readonly name: string = "ApiError";
  readonly vendor: string;
  readonly status: number;
  code: ErrorCode;
  readonly vendorCode?: string;
  readonly vendorMessage: string;
  readonly requestId?: string;
  readonly remediation?: string;
  readonly details: string[];
  readonly method: string;
  readonly url: string;
  readonly retryAfter?: string;
  hint?: string;

  constructor(f: ApiErrorFields) {
    super("");
    this.vendor = f.vendor;
    this.status = f.status;
    this.code = f.code ?? codeForStatus(f.status);
    this.vendorCode = f.vendorCode;
    // The vendor's words may echo the request (a WAF's refusal page, say): quoted text, redacted as such.
    this.vendorMessage = redactQuoted(f.vendorMessage);
    this.requestId = f.requestId;
    this.remediation = f.remediation ? redactQuoted(f.remediation) : undefined;
    this.details = (f.details ?? []).map(redactQuoted);
    this.method = f.method;
    this.url = f.url;
    this.hint = f.hint;
    this.retryAfter = f.retryAfter;
    this.refreshMessage();
  }

  /** Says what to do next, in the message too; returns the error, for `throw withHint(...)`. */
  withHint(hint: string): this {
    this.hint = hint;
    this.refreshMessage();
    return this;
  }

  /**
   * States what the failure means where the caller knows better than the status: a 404 from a
   * token endpoint says the token URL is wrong, not that the object is gone.
   */
  meaning(code: ErrorCode): this {
    this.code = code;
    return this;
  }

  /** Rebuilds `message` (`withHint` calls it). */
  refreshMessage(): void {
    const code = this.vendorCode ? ` ${this.vendorCode}` : "";
    const lines = [`${this.vendor} API ${this.method} ${stripQuery(this.url)} failed: HTTP ${this.status}${code}: ${this.vendorMessage}`];
    for (const d of this.details) lines.push(`  - ${d}`);
    if (this.remediation) lines.push(`  remediation: ${this.remediation}`);
    if (this.hint) lines.push(`  what to do: ${this.hint}`);
    if (this.requestId) lines.push(`  request id: ${this.requestId}`);
    this.message = redact(lines.join("\n"));
  }
}

/** Network-level failure after retries (connection refused, reset, timeout, TLS). */
export class TransportError extends Error {
  override readonly name = "TransportError";
  /** `TRUSTPLANE_ATTEMPT_TIMEOUT` for an attempt cut by our timeout, else `TRUSTPLANE_UNREACHABLE`. */
  readonly code: ErrorCode;
  constructor(
    readonly vendor: string,
    readonly method: string,
    readonly url: string,
    /** The network's own code (ECONNRESET, UND_ERR_SOCKET, CERT_HAS_EXPIRED...), when it gave one. */
    readonly networkCode: string | undefined,
    cause: unknown,
    hint?: string,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      redact(
        `${vendor} API ${method} ${stripQuery(url)} did not complete: ${networkCode ? `${networkCode}: ` : ""}${why}` +
          (hint ? `\n  what to do: ${hint}` : ""),
      ),
    );
    this.code = networkCode === ERROR_CODES.attemptTimeout ? ERROR_CODES.attemptTimeout : ERROR_CODES.unreachable;
  }
}

/**
 * A 2xx or 3xx answer that does not carry what the call needs: an empty body, an error envelope
 * in a 200, an array where an object was due, an id of the wrong type, a redirect (never followed:
 * credentials would go with it, and a redirect's Location is not an object's id). The message
 * names the vendor, the status and what was expected, not the body or a schema's complaints.
 * After a POST the server may have processed it, so it counts as an unknown outcome (see ./lookup).
 */
export class UnusableAnswerError extends Error {
  override readonly name = "UnusableAnswerError";
  readonly code = ERROR_CODES.unusableAnswer;
  constructor(
    readonly vendor: string,
    readonly method: string,
    readonly url: string,
    readonly status: number,
    what: string,
  ) {
    super(redact(`${vendor} API ${method} ${stripQuery(url)} answered HTTP ${status} with ${what}`));
  }
}

/** Misconfiguration found before any request (missing credentials, bad URL). */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = ERROR_CODES.config;
  constructor(message: string) {
    super(redact(message));
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}

/**
 * The engine keeps a resource whose create half-succeeded only when the error carries its id and
 * properties (the dynamic-provider host turns it into ErrorResourceInitFailed).
 */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";
  readonly code = ERROR_CODES.partialCreate;
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    cause: Error,
    what: string,
  ) {
    super(redact(`${what}; the object exists (id ${id}) and stays tracked in the stack, so the next update can finish it:\n${cause.message}`));
    this.reasons = [this.message];
  }
  readonly reasons: string[];
}

/**
 * Whether an API error answered this method on a path ending in `path` (query aside). A 409 to the
 * create POST means the natural key is taken; a 409 from the token endpoint, met on the way to
 * that POST, means something else and must not be explained as a name collision.
 */
export function isAnswerTo(e: unknown, method: string, path: string): e is ApiError {
  if (!(e instanceof ApiError) || e.method !== method) return false;
  try {
    return new URL(e.url).pathname.replace(/\/+$/, "").endsWith(path);
  } catch {
    return false;
  }
}

/** The request was sent but its outcome is unknown (core/lookup.ts). */
export class UncertainOutcomeError extends Error {
  override readonly name = "UncertainOutcomeError";
  readonly code = ERROR_CODES.outcomeUnknown;
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** `adopt: "<id>"` named an object that does not exist; nothing was created. */
export class AdoptTargetMissingError extends Error {
  override readonly name = "AdoptTargetMissingError";
  readonly code = ERROR_CODES.adoptTargetMissing;
  constructor(
    readonly what: string,
    readonly importId: string,
  ) {
    super(
      `adopt: "${importId}": there is no ${what} with that id, so there is nothing to adopt and nothing was created. ` +
        "Check the id (and the connection the resource uses), or use `adopt: true` to adopt by natural key and create when there is none.",
    );
  }
}

/** The live object differs from the program in an input that only a new object can change. */
export class AdoptMismatchError extends Error {
  override readonly name = "AdoptMismatchError";
  readonly code = ERROR_CODES.adoptMismatch;
  constructor(
    readonly what: string,
    readonly id: string,
    readonly keys: string[],
  ) {
    super(
      `cannot adopt ${what} ${id}: it differs from the program in ${keys.map((k) => `'${k}'`).join(", ")}, ` +
        "which cannot be changed in place. Nothing was written. Declare the value the existing object has, or adopt another object.",
    );
  }
}

