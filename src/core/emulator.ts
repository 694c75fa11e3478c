/**
 * The shared half of every vendor emulator: a real node:http(s) server on loopback that records
 * what it received and can misbehave on purpose. A vendor emulator supplies only its routes.
 *
 * Faults exist so tests can prove the transport (retry, Retry-After, lookup after an unknown POST
 * outcome, token refresh); they are injected either one by one (`inject`) or at a seeded random
 * rate (`chaos`) for the fault matrix.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";

export interface EmuRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the routes. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body, `undefined` when empty, or the raw text when it is not JSON. */
  body: unknown;
  /** The client certificate's subject CN when the server asked for one (mTLS). */
  clientCertSubject?: string;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as is (a string) instead of JSON-encoding it. */
  raw?: boolean;
}

export type FaultKind =
  | "429" // Too Many Requests with Retry-After
  | "502"
  | "503"
  | "504"
  | "reset" // socket destroyed before any answer; the request is NOT processed
  | "reset-after" // processed, then the socket is destroyed: the client cannot know the outcome
  | "slow" // answers after `delayMs` (past a client timeout), request NOT processed
  | "malformed" // 200 with a body that is not JSON; request NOT processed
  | "token-expired" // the next authenticated call sees its token as expired (vendor's 401)
  | "404"
  | "409";

export interface Fault {
  kind: FaultKind;
  /** How many matching requests it hits (default 1). */
  times?: number;
  method?: string;
  /** Only requests whose path matches. */
  path?: RegExp;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  status: number;
  /** What the emulator answered (as sent, before JSON encoding), for contract checks. */
  responseBody?: unknown;
  fault?: FaultKind;
}

export interface ChaosOptions {
  /** Share of requests (0..1) that get a fault. */
  rate: number;
  seed: number;
  kinds: FaultKind[];
  /** Never fault requests matching this (the token endpoint, say, when a test wants that). */
  exclude?: RegExp;
  delayMs?: number;
}

export interface TlsServerOptions {
  key: string;
  cert: string;
  /** CA that client certificates must chain to; set with `requestCert` for mTLS. */
  ca?: string;
  requestCert?: boolean;
}

export interface EmulatorOptions {
  tls?: TlsServerOptions;
  /** Fixed delay before every answer, standing for a real API's latency in benchmarks. */
  latencyMs?: number;
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes?: number;
}

export type RouteHandler = (req: EmuRequest, emu: Emulator) => EmuResponse | Promise<EmuResponse>;

/** Small deterministic PRNG so a chaos run is reproducible from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Emulator {
  readonly requests: RecordedRequest[] = [];
  latencyMs: number;
  private faults: Fault[] = [];
  private chaosOpts?: ChaosOptions;
  private rand: () => number = Math.random;
  /** Kinds still to be dealt in the current round of chaos faults. */
  private bag: FaultKind[] = [];
  private server?: http.Server;
  private sockets = new Set<Socket>();
  private url_?: string;
  /** Set by `token-expired` faults; vendor auth checks consult it through `consumeTokenExpiry`. */
  private tokenExpiryPending = 0;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly route: RouteHandler,
    private readonly opts: EmulatorOptions = {},
  ) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  }

  get url(): string {
    if (!this.url_) throw new Error("emulator not started");
    return this.url_;
  }

  async start(): Promise<string> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      void this.handle(req, res);
    };
    const server = this.opts.tls
      ? https.createServer(
          {
            key: this.opts.tls.key,
            cert: this.opts.tls.cert,
            ca: this.opts.tls.ca,
            requestCert: this.opts.tls.requestCert ?? false,
            rejectUnauthorized: this.opts.tls.requestCert ?? false,
          },
          listener,
        )
      : http.createServer(listener);
    server.keepAliveTimeout = 30_000;
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    server.on("secureConnection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    this.url_ = `${this.opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this.url_;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  chaos(opts: ChaosOptions | undefined): void {
    this.chaosOpts = opts;
    this.rand = opts ? mulberry32(opts.seed) : Math.random;
    this.bag = [];
  }

  clearFaults(): void {
    this.faults = [];
    this.chaos(undefined);
    this.tokenExpiryPending = 0;
  }

  /** Vendor auth code calls this once per authenticated request: true means "treat the token as expired". */
  consumeTokenExpiry(): boolean {
    if (this.tokenExpiryPending > 0) {
      this.tokenExpiryPending--;
      return true;
    }
    return false;
  }

  /** Requests other than those matching `exclude` (token endpoints, typically). */
  count(filter: { method?: string; path?: RegExp; exclude?: RegExp } = {}): number {
    return this.requests.filter(
      (r) =>
        (!filter.method || r.method === filter.method) &&
        (!filter.path || filter.path.test(r.path)) &&
        (!filter.exclude || !filter.exclude.test(r.path)),
    ).length;
  }

  private pickFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (i >= 0) {
      const f = this.faults[i];
      f.times = (f.times ?? 1) - 1;
      if (f.times <= 0) this.faults.splice(i, 1);
      return f;
    }
    const c = this.chaosOpts;
    if (c && !(c.exclude && c.exclude.test(path)) && this.rand() < c.rate) {
      // Kinds are dealt from a shuffled bag, every kind once per round, rather than drawn
      // independently: a run of a few dozen faults then meets every kind, whatever the seed (with
      // independent draws, seed 19 dealt no malformed body in 70 faults).
      if (this.bag.length === 0) this.bag = shuffled(c.kinds, this.rand);
      const kind = this.bag.pop()!;
      return { kind, retryAfterSeconds: 1, delayMs: c.delayMs };
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > this.maxBodyBytes) tooBig = true;
      else chunks.push(chunk as Buffer);
    }
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    const record: RecordedRequest = {
      method,
      path: u.pathname,
      query: u.search,
      headers: req.headers,
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    let body: unknown = undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    record.body = body;

    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (tooBig) return this.send(res, record, { status: 413, body: { message: "Request body too large" } });

    const fault = this.pickFault(method, u.pathname);
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case "429":
        return this.send(res, record, {
          status: 429,
          headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) },
          body: { message: "Too Many Requests" },
        });
      case "502":
      case "503":
      case "504":
        return this.send(res, record, { status: Number(fault.kind), body: "<html>gateway error</html>", raw: true, headers: { "content-type": "text/html" } });
      case "reset":
        record.status = -1;
        req.socket.destroy();
        return;
      case "slow":
        await sleep(fault.delayMs ?? 3000);
        if (!res.writableEnded && !req.socket.destroyed) {
          return this.send(res, record, { status: 503, body: { message: "slow answer" } });
        }
        return;
      case "malformed":
        return this.send(res, record, { status: 200, body: '{"truncated": ', raw: true });
      case "token-expired":
        this.tokenExpiryPending++;
        break;
      case "404":
        if (method === "GET" || method === "DELETE") {
          return this.send(res, record, { status: 404, body: { message: "Not Found (injected)" } });
        }
        break;
      case "409":
        return this.send(res, record, { status: 409, body: { message: "Conflict (injected): try again" } });
    }

    const clientCert =
      "getPeerCertificate" in req.socket
        ? (req.socket as unknown as { getPeerCertificate(): { subject?: { CN?: string } } }).getPeerCertificate()
        : undefined;
    let answer: EmuResponse;
    try {
      answer = await this.route(
        {
          method,
          path: u.pathname,
          query: u.searchParams,
          headers: req.headers,
          rawBody,
          body,
          clientCertSubject: clientCert?.subject?.CN,
        },
        this,
      );
    } catch (e) {
      answer = { status: 500, body: { message: `emulator error: ${(e as Error).message}` } };
    }
    if (fault?.kind === "reset-after") {
      record.status = answer.status;
      req.socket.destroy();
      return;
    }
    this.send(res, record, answer);
  }

  private send(res: http.ServerResponse, record: RecordedRequest, answer: EmuResponse): void {
    record.status = answer.status;
    record.responseBody = answer.body;
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    let payload = "";
    if (answer.body !== undefined) {
      payload = answer.raw ? String(answer.body) : JSON.stringify(answer.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["content-type"] = "application/json";
      }
    }
    res.writeHead(answer.status, headers);
    res.end(payload);
  }
}

/**
 * A uniqueness constraint over an emulator's object map, kept the way a real API's database keeps
 * one: an index, not a scan. A scan on every write made the emulators quadratic; with the
 * thousands of objects a benchmark run makes, the emulator became the slowest part of what it
 * is supposed to stand still for. Every answer is checked against the map itself, so an object a
 * test removes from the map directly, or one that was renamed, never keeps its old claim.
 */
export class UniqueIndex<T> {
  private readonly holders = new Map<string, string>();

  constructor(
    private readonly objects: ReadonlyMap<string, T>,
    private readonly keyOf: (o: T) => string | undefined,
  ) {}

  /** Records the key object `id` holds now: call it after every write of the object. */
  claim(id: string): void {
    const o = this.objects.get(id);
    const k = o === undefined ? undefined : this.keyOf(o);
    if (k !== undefined) this.holders.set(k, id);
  }

  /** The id of the object other than `self` that holds `key`, if one does. */
  holder(key: string | undefined, self?: string): string | undefined {
    if (key === undefined) return undefined;
    const id = this.holders.get(key);
    if (id === undefined || id === self) return undefined;
    const o = this.objects.get(id);
    return o !== undefined && this.keyOf(o) === key ? id : undefined;
  }
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `Authorization: Bearer x` → `x`. */
export function bearerOf(headers: http.IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1];
}

/** `Authorization: Basic base64(id:secret)` → [id, secret]. */
/**
 * The id and secret of an HTTP Basic header. `as-is` takes them exactly as sent (a `%40` stays
 * `%40`, as a server that never form-decodes sees it); `form-urlencoded` decodes them as RFC 6749
 * §2.3.1 has clients encode them.
 */
export function basicOf(headers: http.IncomingHttpHeaders, encoding: "as-is" | "form-urlencoded"): [string, string] | undefined {
  const h = headers.authorization;
  const m = h ? /^Basic\s+(.+)$/i.exec(h) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  const [id, secret] = [decoded.slice(0, i), decoded.slice(i + 1)];
  if (encoding === "as-is") return [id, secret];
  try {
    return [decodeURIComponent(id), decodeURIComponent(secret)];
  } catch {
    return undefined;
  }
}

/** Issues short opaque tokens with an expiry and checks them; shared by the OAuth-style emulators. */
export class TokenIssuer {
  private tokens = new Map<string, { expiresAt: number; subject: string }>();
  issued = 0;
  constructor(private lifetimeSeconds = 900) {}

  issue(subject: string, lifetimeSeconds = this.lifetimeSeconds): { token: string; expiresIn: number } {
    const token = `tok-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    this.tokens.set(token, { expiresAt: Date.now() + lifetimeSeconds * 1000, subject });
    this.issued++;
    return { token, expiresIn: lifetimeSeconds };
  }

  /** The token's subject when valid; undefined when unknown or expired. */
  verify(token: string | undefined): string | undefined {
    if (!token) return undefined;
    const t = this.tokens.get(token);
    if (!t || t.expiresAt < Date.now()) return undefined;
    return t.subject;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}
