/**
 * The one HTTP transport all five vendors share, composed from what undici ships:
 * - an `Agent` (keep-alive pool per origin) or, when a proxy variable is set, an
 *   `EnvHttpProxyAgent` (HTTPS_PROXY / HTTP_PROXY / NO_PROXY), with TLS options (CA bundle,
 *   client certificate for mTLS, verification on unless `insecureSkipTlsVerify` is named);
 * - one attempt per `send`: whether a request is sent again (GET, PUT and DELETE on 429/502/503/504
 *   and on the connection errors `RETRY_ERROR_CODES` names, with `backoffMs`) is decided by one
 *   mechanism, core/api.ts `repeatLayer`, which also repeats what a caller declares idempotent.
 * A POST is never retried there: whether it may be retried is the caller's decision (see
 * `createOnce` in ./lookup), because only the caller can look up whether it landed.
 */
import * as fs from "node:fs";
import type { Dispatcher } from "undici";
import { ERROR_CODES, TransportError } from "./errors";

/**
 * undici, loaded by the first request rather than with this module. The engine starts a new
 * dynamic-provider host for every operation, and a `pulumi preview` runs only check and diff,
 * which send nothing: loading undici's hundred-odd modules there was about 65 ms of each
 * preview's host on this 2-core machine (docs/benchmark.md). A Pulumi program importing the
 * package does not load it either.
 */
let undiciModule: typeof import("undici") | undefined;
const undici = (): typeof import("undici") => (undiciModule ??= require("undici") as typeof import("undici"));

export interface TlsSettings {
  /** PEM text or a path to a PEM file: extra CAs to trust (private CAs, self-signed emulators). */
  caBundle?: string;
  /** PEM text or path: client certificate for mTLS. */
  clientCert?: string;
  /** PEM text or path: the client certificate's key. */
  clientKey?: string;
  /** Turns TLS verification off. Named loudly on purpose; never the default. */
  insecureSkipTlsVerify?: boolean;
}

export interface RetrySettings {
  maxRetries: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Per-attempt budget for the response headers and body together (TRUSTPLANE_TIMEOUT_MS). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 5,
  minBackoffMs: 200,
  maxBackoffMs: 10_000,
  timeoutMs: 30_000,
};

/**
 * Every environment variable the transport reads (the retry knobs below, the proxy variables
 * `dispatcherFor` and undici's EnvHttpProxyAgent read), as one string: what a client kept
 * between calls must be made again for when it changes (core/settings.ts, `clientFactory`).
 */
const TRANSPORT_ENV = [
  "TRUSTPLANE_MAX_RETRIES", "TRUSTPLANE_MIN_BACKOFF_MS", "TRUSTPLANE_MAX_BACKOFF_MS", "TRUSTPLANE_TIMEOUT_MS",
  "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
] as const;
export function transportEnv(env: NodeJS.ProcessEnv = process.env): string {
  let out = "";
  for (const k of TRANSPORT_ENV) out += `${env[k] ?? ""}\u0000`;
  return out;
}

/** Reads knobs from the environment so tests and slow networks can tune them without code. */
export function retrySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RetrySettings {
  const num = (name: string, dflt: number) => {
    const v = env[name];
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : dflt;
  };
  return {
    maxRetries: num("TRUSTPLANE_MAX_RETRIES", DEFAULT_RETRY.maxRetries),
    minBackoffMs: num("TRUSTPLANE_MIN_BACKOFF_MS", DEFAULT_RETRY.minBackoffMs),
    maxBackoffMs: num("TRUSTPLANE_MAX_BACKOFF_MS", DEFAULT_RETRY.maxBackoffMs),
    timeoutMs: num("TRUSTPLANE_TIMEOUT_MS", DEFAULT_RETRY.timeoutMs),
  };
}

export const RETRY_STATUS = [429, 502, 503, 504];
/** The network failures after which a request that may be repeated is sent again (core/api.ts `repeatLayer`). */
export const RETRY_ERROR_CODES = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ENOTFOUND",
  "ENETDOWN",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
];
/** Backoff for attempt n (1-based): full jitter over an exponential ceiling, or the server's Retry-After. */
export function backoffMs(attempt: number, retryAfter: string | undefined, s: RetrySettings): number {
  if (retryAfter) {
    const secs = Number(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - Date.now();
    if (ms > 0) return Math.min(ms, s.maxBackoffMs);
  }
  const ceiling = Math.min(s.maxBackoffMs, s.minBackoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * The TLS settings for another endpoint of the same vendor (a token URL): trust anchors and
 * client certificate as for the API, but `insecureSkipTlsVerify` only where it was set for that
 * origin: the same origin as the API's, or `skipForIt` (the endpoint's own setting). Turning
 * verification off for a lab API must not send client credentials to an unverified token server.
 */
export function tlsForEndpoint(apiTls: TlsSettings, apiUrl: string, url: string, skipForIt: boolean): TlsSettings {
  const origin = (u: string) => {
    try {
      return new URL(u).origin;
    } catch {
      return u;
    }
  };
  return { ...apiTls, insecureSkipTlsVerify: skipForIt || (apiTls.insecureSkipTlsVerify === true && origin(apiUrl) === origin(url)) };
}

function pem(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.includes("-----BEGIN") ? value : fs.readFileSync(value, "utf8");
}

const pools = new Map<string, Dispatcher>();

/**
 * The pool for one TLS/timeout setting, shared by every client in the process, so concurrent
 * hooks reuse keep-alive connections instead of each opening their own.
 *
 * No retry interceptor is composed on. Until da18d2b, GET, PUT and DELETE went through undici's,
 * which wraps every request's handler in its own (a RetryHandler per request) whether or not the
 * request is ever sent again: 0.03–0.066 ms a GET over the bare pool, measured in process
 * (docs/benchmark.md, "Fewer passes over each answer"), about the margin by which the hook p50s
 * missed. Each attempt is now one `send`, and `repeatLayer` (core/api.ts) sends again what may be
 * repeated, within the one budget a call has (`CallState`).
 */
export function dispatcherFor(tls: TlsSettings, retry: RetrySettings): Dispatcher {
  const proxied = Boolean(
    process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy,
  );
  const key = JSON.stringify([tls, retry.timeoutMs, proxied]);
  let d = pools.get(key);
  if (d) return d;
  const connect = {
    ca: pem(tls.caBundle),
    cert: pem(tls.clientCert),
    key: pem(tls.clientKey),
    rejectUnauthorized: !tls.insecureSkipTlsVerify,
  };
  const common = {
    keepAliveTimeout: 10_000,
    connections: 64,
    headersTimeout: retry.timeoutMs,
    bodyTimeout: retry.timeoutMs,
    connect,
  };
  const { Agent, EnvHttpProxyAgent } = undici();
  d = proxied ? new EnvHttpProxyAgent({ ...common, requestTls: connect }) : new Agent(common);
  pools.set(key, d);
  return d;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Largest response body read; beyond it the call fails with a clear error instead of exhausting memory. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class ResponseTooLargeError extends Error {}

/** The code of a `TransportError` for an attempt that outlasted TRUSTPLANE_TIMEOUT_MS, headers and body together. */
export const ATTEMPT_TIMEOUT = ERROR_CODES.attemptTimeout;

class AttemptTimeoutError extends Error {
  readonly code = ATTEMPT_TIMEOUT;
}

/**
 * Sends one request, one attempt, through the shared pool and reads the whole body. Network
 * failures become `TransportError` with the vendor's name; sending again is `repeatLayer`'s call.
 */
export async function send(
  vendor: string,
  req: HttpRequest,
  tls: TlsSettings = {},
  retry: RetrySettings = retrySettingsFromEnv(),
  /** The pool for `tls` and `retry`, when the caller holds it already (a client sends many requests). */
  via: Dispatcher = dispatcherFor(tls, retry),
): Promise<HttpResponse> {
  const attemptStarted = Date.now();
  let cut: NodeJS.Timeout | undefined;
  try {
    const u = new URL(req.url);
    const res = await via.request({
      origin: u.origin,
      path: u.pathname + u.search,
      method: req.method,
      headers: { accept: "application/json", "user-agent": USER_AGENT, ...(req.headers ?? {}) },
      body: req.body,
    });
    // undici's headersTimeout bounds the wait for the headers, and its bodyTimeout only the idle
    // time between chunks: a server trickling a byte at a time would hold the attempt for ever.
    // What the headers left of the budget is what the body gets.
    if (retry.timeoutMs > 0) {
      const left = Math.max(0, retry.timeoutMs - (Date.now() - attemptStarted));
      cut = setTimeout(
        () => res.body.destroy(new AttemptTimeoutError(`the answer was not complete within TRUSTPLANE_TIMEOUT_MS=${retry.timeoutMs} ms`)),
        left,
      );
    }
    const text = await readText(res.body, () => new ResponseTooLargeError(`${vendor} API ${req.method} ${req.url} answered more than ${MAX_RESPONSE_BYTES} bytes; refusing to read it`));
    return { status: res.statusCode, headers: res.headers, text };
  } catch (e) {
    if (e instanceof ResponseTooLargeError) throw e;
    const code = (e as { code?: string }).code;
    throw new TransportError(vendor, req.method, req.url, code, e, hintFor(code, req.url, tls));
  } finally {
    clearTimeout(cut);
  }
}

/**
 * The whole body as UTF-8 text, refusing more than `MAX_RESPONSE_BYTES`: undici's own `text()`
 * has no bound. Read through the stream's events rather than `for await`: the async iterator
 * (its promise per chunk and end-of-stream watcher) was a visible part of each answer's CPU in
 * the host (docs/benchmark.md). A body destroyed with an error (the attempt's deadline above, a
 * cut socket) rejects with that error; one closed before its end without an error, too.
 */
function readText(body: Dispatcher.ResponseData["body"], tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        reject(tooLarge());
        body.destroy();
        return;
      }
      chunks.push(chunk);
    });
    body.once("end", () => {
      ended = true;
      resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8"));
    });
    body.once("error", reject);
    body.once("close", () => {
      if (!ended) reject(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  });
}

function hintFor(code: string | undefined, url: string, tls: TlsSettings): string | undefined {
  if (!code) return undefined;
  // A server that requires a client certificate (mTLS) drops a client without one right after the
  // TLS handshake; all the client sees is a closed socket, so say what it may mean.
  if ((code === "UND_ERR_SOCKET" || code === "ECONNRESET") && url.startsWith("https:") && !tls.clientCert)
    return "the server closed the connection; if it requires a client certificate (mTLS), set the connection's clientCert and clientKey (or the vendor's *_CLIENT_CERT and *_CLIENT_KEY variables)";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND")
    return `check the API URL (${new URL(url).origin}) and that it is reachable from here (HTTPS_PROXY / NO_PROXY)`;
  if (code.includes("CERT") || code.includes("SELF_SIGNED") || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE")
    return "the server's certificate is not trusted: set the connection's caBundle (or the vendor's *_CA_BUNDLE variable) to the CA that signed it";
  if (code.includes("TIMEOUT")) return "the API did not answer in time; raise TRUSTPLANE_TIMEOUT_MS if it is known to be slow";
  return undefined;
}

export const USER_AGENT = "trustplane (+pulumi dynamic provider)";
