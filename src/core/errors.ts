/**
 * One error type for every API failure, one subclass per vendor envelope (in the vendor folders).
 * Callers branch on `status` / `vendorCode`; people read `message`, which always carries the HTTP
 * status, the vendor's code and message, the request or reference id and any remediation the
 * vendor gave, with secrets redacted.
 */
import { redact, redactQuoted } from "./redact";

export interface ApiErrorFields {
  vendor: string;
  status: number;
  method: string;
  url: string;
  vendorCode?: string;
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

  /** Rebuilds `message` (call after setting `hint`). */
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
  constructor(
    readonly vendor: string,
    readonly method: string,
    readonly url: string,
    readonly code: string | undefined,
    cause: unknown,
    hint?: string,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      redact(
        `${vendor} API ${method} ${stripQuery(url)} did not complete: ${code ? `${code}: ` : ""}${why}` +
          (hint ? `\n  what to do: ${hint}` : ""),
      ),
    );
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
