/**
 * A vendor client's view of HTTP: say which method, which path, which body; get parsed JSON or a
 * vendor `ApiError`. The transport's concerns are layers composed around one send, as undici's
 * interceptors are around a dispatch: authentication with its one refresh on 401 (`authLayer`),
 * the rule of which requests may be sent again (`repeatLayer`); the JSON client (`JsonApi.call`)
 * does JSON and errors: parsing, the vendor's error envelope, an unreadable answer asked again.
 */
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { safeParseAnswer } from "./answers";
import { ApiError, ERROR_CODES, hasCode, TransportError, UnusableAnswerError } from "./errors";
import type { Authenticator } from "./auth";
import { UncertainOutcomeError } from "./errors";
import { redactQuoted } from "./redact";
import { ATTEMPT_TIMEOUT, backoffMs, dispatcherFor, RETRY_ERROR_CODES, RETRY_STATUS, retrySettingsFromEnv, send, type HttpRequest, type HttpResponse, type RetrySettings, type TlsSettings } from "./transport";

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
   * GET/PUT/DELETE are idempotent already and retried as such (`repeatLayer`).
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

/**
 * One call's running count, shared by every layer that sends again, so that however the
 * retries mix (a cut attempt, a 401 refresh, a 503 to an idempotent POST, an unreadable body),
 * a call makes at most `maxRetries` more attempts.
 */
export interface CallState {
  attempt: number;
  readonly retry: RetrySettings;
  authRetried: boolean;
}

/** Sends one request and answers its response; layers wrap it, as undici's interceptors wrap a dispatch. */
export type Send = (req: HttpRequest, call: CallState) => Promise<HttpResponse>;
/** A concern of the transport (authentication, a retry rule) wrapped around the next `Send`. */
export type Layer = (next: Send) => Send;

/** `layers[0]` outermost, the base innermost: `compose(a, b)(send)` is `a(b(send))`. */
export function compose(...layers: Layer[]): (base: Send) => Send {
  return (base) => layers.reduceRight((next, layer) => layer(next), base);
}

/** The attempt after this one, if the call has any left, after the backoff. */
async function again(call: CallState, retryAfter?: string): Promise<boolean> {
  if (call.attempt > call.retry.maxRetries) return false;
  await sleep(backoffMs(call.attempt, retryAfter, call.retry));
  call.attempt++;
  return true;
}

/**
 * Authentication: the authenticator's headers on every attempt (a token refreshed in between is
 * used), and one attempt more after a 401 the authenticator says a fresh token may cure.
 */
export function authLayer(auth: Authenticator): Layer {
  return (next) => async (req, call) => {
    for (;;) {
      const used = await auth.headers().catch((e: unknown) => {
        throw authenticationFailure(e);
      });
      const res = await next({ ...req, headers: { ...req.headers, ...used } }, call);
      if (res.status === 401 && !call.authRetried && auth.unauthorized(used)) {
        call.authRetried = true;
        call.attempt++;
        continue;
      }
      return res;
    }
  };
}

/**
 * A failure of the token request met on the way to the call, never mistaken for an answer about
 * the call's object: a 404 from a mistyped token URL must not read as "the profile is gone" (a
 * refresh would drop a live object from the state, a delete would leave it on the server), nor a
 * 409 or 400 there as a name collision or a refused body.
 */
function authenticationFailure(e: unknown): unknown {
  if (!(e instanceof ApiError) || !hasCode(e, ERROR_CODES.notFound, ERROR_CODES.conflict, ERROR_CODES.inUse, ERROR_CODES.invalid)) return e;
  e.meaning(ERROR_CODES.config);
  return e.hint ? e : e.withHint("this was the request for a token, not the call itself: check the token URL (or the API host that serves tokens) and the credentials");
}

/**
 * When a request may be sent again, the one place that decides it (the transport sends each
 * attempt once). GET, PUT and DELETE, idempotent by their method: on 429, 502, 503 and 504
 * (honouring Retry-After), on the connection failures the transport names (`RETRY_ERROR_CODES`:
 * a reset, a refused connection, a header or body timeout) and on an attempt cut by
 * TRUSTPLANE_TIMEOUT_MS. A POST or PATCH the caller declared idempotent (a token request, a PATCH
 * of absolute values): on those statuses and on any network failure. Any other POST is never
 * repeated blindly: its unknown outcome is resolved by lookup (core/lookup.ts).
 */
export function repeatLayer(mode: "idempotent-method" | "declared-idempotent" | "never"): Layer {
  if (mode === "never") return (next) => next;
  const repeatable = (e: unknown) =>
    e instanceof TransportError &&
    (mode === "declared-idempotent" || e.networkCode === ATTEMPT_TIMEOUT || RETRY_ERROR_CODES.includes(e.networkCode ?? ""));
  return (next) => async (req, call) => {
    for (;;) {
      let res: HttpResponse;
      try {
        res = await next(req, call);
      } catch (e) {
        if (repeatable(e) && (await again(call))) continue;
        throw e;
      }
      if (RETRY_STATUS.includes(res.status) && (await again(call, header(res, "retry-after")))) continue;
      return res;
    }
  };
}

export class JsonApi {
  /** The layered send for each repeat rule, composed once per client rather than per call. */
  private readonly exchanges: Record<Parameters<typeof repeatLayer>[0], Send>;

  /** Read from the environment once per client (a hook makes one), not once per request. */
  private retry?: RetrySettings;
  private dispatcher?: Dispatcher;

  constructor(readonly settings: ApiSettings) {
    const s = settings;
    const base: Send = (req, c) => send(s.vendor, req, s.tls, c.retry, (this.dispatcher ??= dispatcherFor(s.tls ?? {}, c.retry)));
    const layered = (mode: Parameters<typeof repeatLayer>[0]) => compose(repeatLayer(mode), authLayer(s.auth))(base);
    this.exchanges = { "idempotent-method": layered("idempotent-method"), "declared-idempotent": layered("declared-idempotent"), never: layered("never") };
  }

  url(path: string, query?: CallOptions["query"]): string {
    if (query === undefined) return `${this.settings.baseUrl}${path}`;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.settings.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /**
   * JSON and errors: the request through the layers (the idempotency rule, then authentication,
   * then the transport), the answer parsed, a failure turned into the vendor's error. A 2xx whose
   * body cannot be read is asked for again where the call may be repeated.
   */
  async call<T = unknown>(method: Method, path: string, o: CallOptions = {}): Promise<ApiResult<T>> {
    const s = this.settings;
    const url = this.url(path, o.query);
    const naturallyIdempotent = method === "GET" || method === "PUT" || method === "DELETE";
    const ownRetry = !naturallyIdempotent && o.idempotent === true;
    const call: CallState = { attempt: 1, retry: (this.retry ??= retrySettingsFromEnv()), authRetried: false };
    const exchange = this.exchanges[naturallyIdempotent ? "idempotent-method" : ownRetry ? "declared-idempotent" : "never"];
    const req: HttpRequest = {
      method,
      url,
      body: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      headers: {
        ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
        ...(s.headers ?? {}),
        ...(o.headers ?? {}),
      },
    };
    for (;;) {
      const res = await exchange(req, call);
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
        throw s.toError({ vendor: s.vendor, status: res.status, method, url, body: parsed, text: res.text, retryAfter: header(res, "retry-after") });
      }
      if (res.status >= 300) {
        // Never followed: the credentials would go with it, possibly to another origin, and what
        // it points at is no answer to this call (a 307 to a POST means it was not processed).
        throw new UnusableAnswerError(s.vendor, method, url, res.status, `a redirect${whereTo(url, header(res, "location"))}, which is not followed (credentials are never sent on to another address): set the URL to the address that answers the API itself`);
      }
      if (parseFailed) {
        // A 2xx whose body cannot be read: a proxy cut it, or the server broke mid-answer.
        const declaredJson = /json/i.test(header(res, "content-type") ?? "");
        if ((naturallyIdempotent || ownRetry) && (o.retryUnreadable !== false || declaredJson) && (await again(call))) continue;
        const msg = `${s.vendor} API ${method} ${url.split("?")[0]} answered HTTP ${res.status} with a body that is not JSON: ${snippet(res.text)}`;
        if (method === "POST" || method === "PATCH") throw new UncertainOutcomeError(msg);
        throw new Error(msg);
      }
      return { status: res.status, body: parsed as T, headers: res.headers, vendor: s.vendor, method, url, text: res.text };
    }
  }
}

/**
 * The answer's body as `schema` reads it, or an `UnusableAnswerError` that says what came
 * instead and what was `expected` (after a POST, one `createOnce` resolves by lookup). Never a
 * schema's issue dump: the user learns which call answered what, not zod's view of it.
 */
export function expectAnswer<T>(r: ApiResult<unknown>, schema: z.ZodType<T>, expected: string): T {
  // Checked without a zod pass where the schema allows (core/answers.ts): zod judges the rest.
  const p = safeParseAnswer(schema, r.body);
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
