/**
 * A vendor client's view of HTTP: say which method, which path, which body; get parsed JSON or a
 * vendor `ApiError`. Authentication (and its one retry on 401), JSON parsing, retry of idempotent
 * calls whose answer was unreadable, and the vendor's error envelope are layered here once.
 */
import { ApiError, TransportError, UnusableAnswerError } from "./errors";
import type { Authenticator } from "./auth";
import { UncertainOutcomeError } from "./lookup";
import { redactQuoted } from "./redact";
import { ATTEMPT_TIMEOUT, backoffMs, RETRY_STATUS, retrySettingsFromEnv, send, type HttpResponse, type TlsSettings } from "./transport";

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
  /**
   * Whether a 2xx whose body is not JSON is worth asking again (default: yes, for a call that may
   * be repeated). With false, only a body declared as JSON (cut short by a proxy, say) is asked
   * for again: a token endpoint answering a login page (text/html) will answer it again.
   */
  retryUnreadable?: boolean;
}

export interface ApiResult<T> {
  status: number;
  body: T;
  headers: HttpResponse["headers"];
  /** Who answered what, for messages about the answer (`expectAnswer`). */
  vendor: string;
  method: Method;
  url: string;
  text: string;
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
        // An attempt cut at TRUSTPLANE_TIMEOUT_MS after its headers came: the transport's own
        // retries end at the headers, so a call that may be repeated is repeated here.
        const cut = e instanceof TransportError && e.networkCode === ATTEMPT_TIMEOUT && naturallyIdempotent;
        if ((cut || (ownRetry && e instanceof TransportError)) && attempt <= retry.maxRetries) {
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
      if (res.status >= 300) {
        // Never followed: the credentials would go with it, possibly to another origin, and what
        // it points at is no answer to this call (a 307 to a POST means it was not processed).
        throw new UnusableAnswerError(s.vendor, method, url, res.status, `a redirect${whereTo(url, header(res, "location"))}, which is not followed (credentials are never sent on to another address): set the URL to the address that answers the API itself`);
      }
      if (parseFailed) {
        // A 2xx whose body cannot be read: a proxy cut it, or the server broke mid-answer.
        const declaredJson = /json/i.test(header(res, "content-type") ?? "");
        if ((naturallyIdempotent || ownRetry) && (o.retryUnreadable !== false || declaredJson) && attempt <= retry.maxRetries) {
          await sleep(backoffMs(attempt, undefined, retry));
          continue;
        }
        const msg = `${s.vendor} API ${method} ${url.split("?")[0]} answered HTTP ${res.status} with a body that is not JSON: ${snippet(res.text)}`;
        if (method === "POST" || method === "PATCH") throw new UncertainOutcomeError(msg);
        throw new Error(msg);
      }
      return { status: res.status, body: parsed as T, headers: res.headers, vendor: s.vendor, method, url, text: res.text };
    }
  }
}

/** What `expectAnswer` needs of a zod schema. */
interface Parser<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false };
}

/**
 * The answer's body as `schema` reads it, or an `UnusableAnswerError` that says what came
 * instead and what was `expected` (after a POST, one `createOnce` resolves by lookup). Never a
 * schema's issue dump: the user learns which call answered what, not zod's view of it.
 */
export function expectAnswer<T>(r: ApiResult<unknown>, schema: Parser<T>, expected: string): T {
  const p = schema.safeParse(r.body);
  if (p.success) return p.data;
  throw new UnusableAnswerError(r.vendor, r.method, r.url, r.status, `${describeBody(r.text, r.body)} where ${expected} was expected`);
}

/** The shape of a body, for messages; keys at most, never values (a value could be anything). */
export function describeBody(text: string, body: unknown): string {
  if (text.trim().length === 0) return "an empty body";
  if (body === undefined) return "a body that is not JSON";
  if (body === null) return "JSON null";
  if (Array.isArray(body)) return `a JSON array of ${body.length} item${body.length === 1 ? "" : "s"}`;
  if (typeof body !== "object") return `a JSON ${typeof body}`;
  const keys = Object.keys(body);
  if (keys.length === 0) return "an empty JSON object";
  const shown = keys.slice(0, 6).map((k) => `'${redactQuoted(k.slice(0, 40))}'`).join(", ");
  return `a JSON object with ${keys.length === 1 ? "the key" : "the keys"} ${shown}${keys.length > 6 ? ", …" : ""}`;
}

/** " to <origin><path>" of a redirect's Location, without userinfo or query. */
function whereTo(from: string, location: string | undefined): string {
  if (!location) return " without a Location";
  try {
    const u = new URL(location, from);
    const same = u.origin === new URL(from).origin;
    return ` to ${same ? "" : "another origin, "}${u.origin}${u.pathname}`;
  } catch {
    return " to a Location that is not a URL";
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** First characters of a body that is not what we expected, for error messages. */
export function snippet(text: string, max = 200): string {
  const t = redactQuoted(text.replace(/\s+/g, " ").trim());
  return t.length > max ? `${t.slice(0, max)}…` : t || "(empty)";
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
