/**
 * A vendor client's view of HTTP: say which method, which path, which body; get parsed JSON or a
 * vendor `ApiError`. Authentication (and its one retry on 401), JSON parsing, retry of idempotent
 * calls whose answer was unreadable, and the vendor's error envelope are layered here once.
 */
import { ApiError, TransportError } from "./errors";
import type { Authenticator } from "./auth";
import { UncertainOutcomeError } from "./lookup";
import { backoffMs, RETRY_STATUS, retrySettingsFromEnv, send, type HttpResponse, type TlsSettings } from "./transport";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ErrorContext {
  vendor: string;
  status: number;
  method: string;
  url: string;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  text: string;
  retryAfter?: string;
}

export interface ApiSettings {
  vendor: string;
  /** Base URL without a trailing slash; paths are appended. */
  baseUrl: string;
  auth: Authenticator;
  tls?: TlsSettings;
  /** Extra headers on every call (the `ssl-client-cert` header some ingresses want, say). */
  headers?: Record<string, string>;
  /** Turns a failed answer into the vendor's error type. */
  toError: (ctx: ErrorContext) => ApiError;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A body sent as is (a form, say) with the caller's content-type header. */
  rawBody?: string;
  headers?: Record<string, string>;
  /**
   * For POST/PATCH that may safely be sent twice (token requests, PATCH of absolute values).
   * GET/PUT/DELETE are idempotent already and retried by the transport.
   */
  idempotent?: boolean;
}

export interface ApiResult<T> {
  status: number;
  body: T;
  headers: HttpResponse["headers"];
}

export class JsonApi {
  constructor(readonly settings: ApiSettings) {}

  url(path: string, query?: CallOptions["query"]): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.settings.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  async call<T = unknown>(method: Method, path: string, o: CallOptions = {}): Promise<ApiResult<T>> {
    const s = this.settings;
    const url = this.url(path, o.query);
    const retry = retrySettingsFromEnv();
    const naturallyIdempotent = method === "GET" || method === "PUT" || method === "DELETE";
    const ownRetry = !naturallyIdempotent && o.idempotent === true;
    const body = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      const authHeaders = await s.auth.headers();
      let res: HttpResponse;
      try {
        res = await send(
          s.vendor,
          {
            method,
            url,
            body,
            headers: {
              ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
              ...(s.headers ?? {}),
              ...(o.headers ?? {}),
              ...authHeaders,
            },
          },
          s.tls,
          retry,
        );
      } catch (e) {
        if (ownRetry && e instanceof TransportError && attempt <= retry.maxRetries) {
          await sleep(backoffMs(attempt, undefined, retry));
          continue;
        }
        throw e;
      }
      const retryAfter = header(res, "retry-after");
      if (res.status === 401 && !authRetried && s.auth.unauthorized(authHeaders)) {
        authRetried = true;
        continue;
      }
      if (ownRetry && RETRY_STATUS.includes(res.status) && attempt <= retry.maxRetries) {
        await sleep(backoffMs(attempt, retryAfter, retry));
        continue;
      }
      let parsed: unknown = undefined;
      let parseFailed = false;
      if (res.text.length > 0) {
        try {
          parsed = JSON.parse(res.text);
        } catch {
          parseFailed = true;
        }
      }
      if (res.status >= 400) {
        throw s.toError({ vendor: s.vendor, status: res.status, method, url, body: parsed, text: res.text, retryAfter });
      }
      if (parseFailed) {
        // A 2xx whose body cannot be read: a proxy cut it, or the server broke mid-answer.
        if ((naturallyIdempotent || ownRetry) && attempt <= retry.maxRetries) {
          await sleep(backoffMs(attempt, undefined, retry));
          continue;
        }
        const msg = `${s.vendor} API ${method} ${url.split("?")[0]} answered HTTP ${res.status} with a body that is not JSON: ${snippet(res.text)}`;
        if (method === "POST" || method === "PATCH") throw new UncertainOutcomeError(msg);
        throw new Error(msg);
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    }
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** First characters of a body that is not what we expected, for error messages. */
export function snippet(text: string, max = 200): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max)}…` : t || "(empty)";
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
