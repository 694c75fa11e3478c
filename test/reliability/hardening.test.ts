/**
 * Hardening (issue 16), the provider hooks probed as a broken network or a hostile server would
 * probe them, in process against the vendors' emulators:
 * 1. a create answered with something unusable after the POST was processed is resolved by
 *    lookup (never a schema dump, never an orphan); a redirect is never followed, never carries
 *    credentials to another origin and never supplies an id;
 * 2. TRUSTPLANE_TIMEOUT_MS bounds a whole attempt, headers and body;
 * 3. userinfo in an endpoint setting is refused at check, wherever the setting comes from;
 * 4. no registered secret, of any length, reaches an error in any common encoding;
 * 5. insecureSkipTlsVerify for an API does not reach a token endpoint on another origin;
 * 6. token endpoint garbage fails once, or falls back to a default lifetime;
 * 7. prototype keys in property and profile maps are named in check failures.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JsonApi } from "../../src/core/api";
import { tokenCache } from "../../src/core/auth";
import { TransportError } from "../../src/core/errors";
import { redact, redactQuoted, registerSecret } from "../../src/core/redact";
import { setStackConfig } from "../../src/core/settings";
import { ATTEMPT_TIMEOUT } from "../../src/core/transport";
import { hooks as cxifHooks } from "../../src/cxif/provider";
import { hooks as czertainlyHooks } from "../../src/czertainly/provider";
import { hooks as nevisidmHooks } from "../../src/nevisidm/provider";
import { hooks as scmHooks } from "../../src/scm/provider";
import { hooks as vcfHooks } from "../../src/vcf/provider";
import { tmpDir } from "../helpers";
import { Canaries, useEnv, VENDORS, withConnection, type Vendor } from "./vendors";

useEnv({ TRUSTPLANE_MIN_BACKOFF_MS: "1", TRUSTPLANE_MAX_BACKOFF_MS: "5", TRUSTPLANE_MAX_RETRIES: "2" });

const HOOKS: Record<Vendor["name"], any> = { scm: scmHooks, czertainly: czertainlyHooks, vcf: vcfHooks, cxif: cxifHooks, nevisidm: nevisidmHooks };
const canaries = new Canaries();
const vendor = (n: Vendor["name"]) => VENDORS.find((v) => v.name === n)!;

beforeEach(() => tokenCache.clear());

/**
 * Answers chosen requests itself, in front of the emulator's routes; `real()` lets the emulator
 * process the request first (the POST landed), whatever the test then answers.
 */
function intercept(emu: any) {
  const ctl: { answer?: (req: any, real: () => Promise<any>) => any } = {};
  const route = emu.route;
  emu.route = async (req: any, self: any) => {
    const real = () => Promise.resolve(route(req, self));
    return (ctl.answer && (await ctl.answer(req, real))) || real();
  };
  return ctl;
}

/** A plain server that records what reaches it: where a redirect points. */
async function recorder(): Promise<{ url: string; hits: http.IncomingHttpHeaders[]; stop(): Promise<void> }> {
  const hits: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.headers);
    res.writeHead(201, { "content-type": "application/json" }).end('{"id":"stolen"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, stop: () => new Promise((r) => server.close(() => r())) };
}

async function checked(v: Vendor, args: Record<string, unknown>) {
  const r = await HOOKS[v.name].check({}, args);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

const failure = async (p: Promise<unknown>): Promise<Error> => {
  const e = await p.then(() => undefined, (x: Error) => x);
  expect(e, "expected the hook to fail").toBeInstanceOf(Error);
  return e!;
};

/* ---------------------------------- 1. unusable create answers ---------------------------------- */

const VENDOR_NAME: Record<string, RegExp> = {
  scm: /Strata Cloud Manager/,
  czertainly: /CZERTAINLY/,
  vcf: /SDDC Manager|VMware Cloud Foundation|VCF/,
  cxif: /CX Industries Framework/,
};

/** Each id field of an answer as a number: what a server with another id type answers. */
function numericIds(body: unknown): unknown {
  if (!body || typeof body !== "object") return 42;
  const b = structuredClone(body) as Record<string, unknown>;
  for (const k of ["id", "uuid", "configurationId", "configuration-id"]) if (k in b) b[k] = 42;
  return b;
}

const UNUSABLE: Array<[string, (real: any, other: string) => any]> = [
  ["200 {}", () => ({ status: 200, body: {} })],
  ["an empty 201", () => ({ status: 201 })],
  ["an error envelope in a 200", () => ({ status: 200, body: { _errors: [{ code: "E003", message: "Invalid Object" }], errorCode: "ERR", message: "failed", error: "failed" } })],
  ["a JSON array", () => ({ status: 200, body: [] })],
  ["a numeric id", (real) => ({ status: real.status, body: numericIds(real.body), headers: real.headers })],
  ["a bare number", () => ({ status: 200, body: 42 })],
  ["JSON null", () => ({ status: 200, body: null })],
  ["a 303 to another origin", (_r, other) => ({ status: 303, headers: { location: `${other}/configs/123` } })],
];

describe.each(VENDORS.filter((v) => v.create).map((v) => [v.name, v] as const))("%s: a create answered with something unusable", (_n, v: Vendor) => {
  let e: any;
  let ctl: ReturnType<typeof intercept>;
  let other: Awaited<ReturnType<typeof recorder>>;
  beforeAll(async () => {
    e = await v.start(canaries);
    ctl = intercept(e.emu);
    other = await recorder();
  });
  afterAll(async () => {
    await e.stop();
    await other.stop();
  });

  it(`after the POST landed (${UNUSABLE.length} kinds of answer): found by lookup, one object, tracked under its real id`, async () => {
    const seen: string[] = [];
    for (const [i, [what, garbage]] of UNUSABLE.entries()) {
      const inputs = await checked(v, withConnection(v, e, v.args(e, i, 0, (s) => s, canaries)));
      let answered = false;
      ctl.answer = async (req, real) => {
        if (answered || req.method !== "POST" || !v.create!.post.test(req.path)) return undefined;
        answered = true;
        return garbage(await real(), other.url);
      };
      const made = await HOOKS[v.name].create(inputs).catch((x: Error) => x);
      ctl.answer = undefined;
      expect(made, `${what}: ${(made as Error).message}`).not.toBeInstanceOf(Error);
      expect(answered, what).toBe(true);
      const objs = v.objects(e);
      expect(objs.map((o) => o.id), what).toEqual([made.id]);
      expect(made.id, what).not.toMatch(/^(42|123|stolen)$/);
      seen.push(what);
      await HOOKS[v.name].delete(made.id, made.outs);
      expect(v.objects(e), what).toEqual([]);
    }
    expect(other.hits).toEqual([]);
    console.log(`[hardening] ${v.name}: ${seen.length} unusable create answers after a landed POST, 0 orphans`);
  });

  it("when the POST did not land (a WAF's envelope in a 200, a 307 to another origin): fails naming the vendor, the status and what was expected, with nothing created and nothing sent elsewhere", async () => {
    const cases: Array<[string, any, RegExp]> = [
      ["an error envelope in a 200", { status: 200, body: { error: "blocked", message: "request blocked by policy" } }, /HTTP 200 with a JSON object .* where .* was expected/],
      ["a JSON array", { status: 200, body: [{ id: 1 }] }, /HTTP 200 with a JSON array of 1 item where .* was expected/],
      ["a 307 to another origin", { status: 307, headers: { location: `${other.url}/steal` } }, /HTTP 307 with a redirect to another origin, .* not followed/],
    ];
    for (const [i, [what, answer, said]] of cases.entries()) {
      const inputs = await checked(v, withConnection(v, e, v.args(e, 20 + i, 0, (s) => s, canaries)));
      const from = e.emu.requests.length;
      ctl.answer = (req) => (req.method === "POST" && v.create!.post.test(req.path) ? answer : undefined);
      const err = await failure(HOOKS[v.name].create(inputs));
      ctl.answer = undefined;
      expect(err.message, what).toMatch(VENDOR_NAME[v.name]);
      expect(err.message, what).toMatch(said);
      // Not a schema's issue list, not a stack, and not an object the stack would track.
      expect(err.message, what).not.toMatch(/ZodError|invalid_type|"path":|"code":|\n\s+at /);
      expect(err.constructor.name, what).not.toBe("PartialCreateError");
      expect(v.objects(e), what).toEqual([]);
      // Every repeat of the POST came after a lookup proved the first had not landed.
      const sent = e.emu.requests.slice(from);
      const posts = sent.map((r: any, j: number) => [r, j] as const).filter(([r]: any) => r.method === "POST" && v.create!.post.test(r.path));
      for (const [k, [, j]] of posts.entries()) {
        if (k === 0) continue;
        expect(sent.slice(posts[k - 1][1] + 1, j).some((r: any) => r.method === "GET" && v.create!.lookup.test(r.path)), what).toBe(true);
      }
    }
    expect(other.hits).toEqual([]);
  });
});

describe("nevisidm: a PATCH answered with something unusable after it landed", () => {
  it("the values are found by reading them back", async () => {
    const v = vendor("nevisidm");
    const e = await v.start(canaries);
    const ctl = intercept(e.emu);
    try {
      for (const [i, body] of [[], 42, null, "text"].entries()) {
        const inputs = await checked(v, withConnection(v, e, v.args(e, i, 0, (s) => s, canaries)));
        let answered = false;
        ctl.answer = async (req, real) => {
          if (answered || req.method !== "PATCH") return undefined;
          answered = true;
          await real();
          return { status: 200, body };
        };
        const made = await HOOKS.nevisidm.create(inputs);
        ctl.answer = undefined;
        expect(made.outs.values).toEqual(inputs.properties);
      }
    } finally {
      await e.stop();
    }
  });
});

/* ---------------------------------- 2. a slow body ---------------------------------- */

describe("TRUSTPLANE_TIMEOUT_MS", () => {
  it("bounds a whole attempt, headers and body: a server trickling a byte every 400 ms is cut at the budget", { timeout: 30_000 }, async () => {
    const started: number[] = [];
    const closed: number[] = [];
    const sockets = new Set<import("node:net").Socket>();
    const server = http.createServer((req, res) => {
      started.push(Date.now());
      res.writeHead(200, { "content-type": "application/json" });
      const body = `{"padding":"${"x".repeat(20)}"}`;
      let i = 0;
      const t = setInterval(() => {
        if (i < body.length) res.write(body[i++]);
        else (clearInterval(t), res.end());
      }, 400);
      res.on("close", () => (clearInterval(t), closed.push(Date.now())));
    });
    server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const saved = { t: process.env.TRUSTPLANE_TIMEOUT_MS, r: process.env.TRUSTPLANE_MAX_RETRIES };
    process.env.TRUSTPLANE_TIMEOUT_MS = "1000";
    process.env.TRUSTPLANE_MAX_RETRIES = "1";
    try {
      const api = new JsonApi({
        vendor: "Trickle",
        baseUrl: url,
        auth: { headers: async () => ({}), unauthorized: () => false },
        toError: () => {
          throw new Error("no error answers here");
        },
      });
      const t0 = Date.now();
      const err = await failure(api.call("GET", "/slow"));
      const took = Date.now() - t0;
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).code).toBe(ATTEMPT_TIMEOUT);
      expect(err.message).toMatch(/TRUSTPLANE_TIMEOUT_MS/);
      // Two attempts (one retry), each cut at about 1000 ms, rather than 8 s apiece.
      expect(started.length).toBe(2);
      expect(took).toBeLessThan(3500);
      await new Promise((r) => setTimeout(r, 100));
      for (const [i, s] of started.entries()) expect(closed[i] - s).toBeLessThan(1600);
      console.log(`[hardening] trickled body: ${started.length} attempts cut after ${closed.map((c, i) => c - started[i]).join(", ")} ms (${took} ms in all)`);
    } finally {
      process.env.TRUSTPLANE_TIMEOUT_MS = saved.t;
      process.env.TRUSTPLANE_MAX_RETRIES = saved.r;
      if (saved.t === undefined) delete process.env.TRUSTPLANE_TIMEOUT_MS;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("TRUSTPLANE_TIMEOUT_MS, per attempt", () => {
  it("gives each attempt its own budget: a 503 after 700 ms, then a body that takes 600 ms, arrives", async () => {
    let n = 0;
    const server = http.createServer((_req, res) => {
      if (++n === 1) return void setTimeout(() => res.writeHead(503).end("busy"), 700);
      res.writeHead(200, { "content-type": "application/json" });
      const body = '{"a":"xxxxx"}';
      let i = 0;
      const t = setInterval(() => (i < body.length ? res.write(body[i++]) : (clearInterval(t), res.end())), 45);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { send } = await import("../../src/core/transport");
      const { compose, repeatLayer } = await import("../../src/core/api");
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const retry = { maxRetries: 2, minBackoffMs: 1, maxBackoffMs: 2, timeoutMs: 1000 };
      // The send a client makes: each attempt one `send`, sent again by `repeatLayer`.
      const exchange = compose(repeatLayer("idempotent-method"))((req, call) => send("T", req, {}, call.retry));
      const r = await exchange({ method: "GET", url }, { attempt: 1, retry, authRetried: false });
      expect(r.status).toBe(200);
      expect(n).toBe(2);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

/* ---------------------------------- 3. userinfo in endpoint URLs ---------------------------------- */

const ENDPOINTS: Record<Vendor["name"], { input: string; config: string }[]> = {
  scm: [{ input: "tokenUrl", config: "trustplane:scmTokenUrl" }, { input: "apiUrl", config: "trustplane:scmApiUrl" }],
  czertainly: [{ input: "url", config: "trustplane:czertainlyUrl" }],
  vcf: [{ input: "host", config: "trustplane:vcfHost" }],
  cxif: [{ input: "host", config: "trustplane:cxifHost" }, { input: "tokenUrl", config: "trustplane:cxifTokenUrl" }],
  nevisidm: [{ input: "url", config: "trustplane:nevisidmUrl" }],
};

function withUserinfo(url: string, password: string): string {
  return /^https?:\/\//.test(url) ? url.replace(/^(https?:\/\/)/, `$1admin:${password}@`) : `admin:${password}@${url}`;
}

describe.each(VENDORS.map((v) => [v.name, v] as const))("%s: credentials in an endpoint URL", (_n, v: Vendor) => {
  it("are refused at check, from the connection input or the stack config, and never printed", async () => {
    const e = await v.start(canaries);
    const password = `pw-${v.name}-CANARY-0wn3d`;
    const leaks = (text: string) => [password, encodeURIComponent(password)].some((p) => text.includes(p));
    try {
      for (const ep of ENDPOINTS[v.name]) {
        const conn = v.connection(e);
        const bad = withUserinfo(String(conn[ep.input]), password);
        const args = withConnection(v, e, v.args(e, 0, 0, (s) => s, canaries), { [ep.input]: bad });
        const r = await HOOKS[v.name].check({}, args);
        const f = r.failures.find((x: any) => x.property === `connection.${ep.input}`);
        expect(f, `${ep.input}: ${JSON.stringify(r.failures)}`).toBeDefined();
        expect(f.reason).toMatch(/credentials/);
        expect(f.reason).toMatch(/pulumi config set --secret|connection/);
        expect(leaks(JSON.stringify(r.failures)), ep.input).toBe(false);
        // A create the engine sends anyway (no check) is refused before any request, without the password.
        const err = await failure(HOOKS[v.name].create(args));
        expect(err.message).toMatch(/credentials in the URL/);
        expect(leaks(err.message), ep.input).toBe(false);

        // The same URL from the stack config (set by the engine's configure).
        const { [ep.input]: _dropped, ...rest } = conn;
        setStackConfig({ get: (k) => (k === ep.config ? bad : undefined) });
        try {
          const r2 = await HOOKS[v.name].check({}, { ...v.args(e, 0, 0, (s) => s, canaries), connection: { ...(v.args(e, 0, 0, (s) => s, canaries).connection as object), ...rest } });
          const f2 = r2.failures.find((x: any) => x.reason.includes(ep.config));
          expect(f2, `${ep.config}: ${JSON.stringify(r2.failures)}`).toBeDefined();
          expect(leaks(JSON.stringify(r2.failures)), ep.config).toBe(false);
        } finally {
          setStackConfig(undefined);
        }
      }
    } finally {
      await e.stop();
    }
  });
});

/* ---------------------------------- 4. redaction in every encoding ---------------------------------- */

/** Secrets of every length from 1, with the characters encoders treat specially. */
const SECRETS = ["¤", "&<", '"\\', "q>&", "a&b<", 'p"w\\d', "Sup3r&<>\"\\'secret", "sp ace+plus/slash%pct", "é中😀-unicode-secret"];

const htmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const htmlNumeric = (s: string) => [...s].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `&#${c.codePointAt(0)};`)).join("");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** How a server echoes the secret back: each encoding alone, and the request it came in. */
const ENCODINGS: Array<[string, (s: string) => string]> = [
  ["raw", (s) => s],
  ["JSON-escaped", (s) => JSON.stringify(s).slice(1, -1)],
  ["JSON-escaped twice", (s) => JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)],
  ["url-encoded", (s) => encodeURIComponent(s)],
  ["form-encoded", (s) => new URLSearchParams({ v: s }).toString().slice(2)],
  ["url-encoded, lower-case hex", (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
  ["HTML-escaped", (s) => htmlEscape(s)],
  ["HTML numeric entities", (s) => htmlNumeric(s)],
  ["base64", (s) => b64(s)],
  ["base64url", (s) => Buffer.from(s, "utf8").toString("base64url")],
  ["base64 inside a request echo", (s) => b64(JSON.stringify({ name: "x", password: s, n: 1 }))],
  ["base64 at another alignment", (s) => b64(`ab=${s}&c=1`)],
];

/**
 * Whether `text` still holds `s` in encoding `enc`: anywhere for a long secret; for one shorter
 * than 4 characters, standing whole (inside a word it is no echo of the secret), or inside a
 * base64 run of 8 characters or more (a run that short or shorter cannot be told from a word).
 */
function holds(text: string, s: string, enc: string): boolean {
  const bytes = Buffer.from(s, "utf8");
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}={0,2}/g) ?? []) {
    if (s.length < 4 && run.length < 8) continue;
    for (let shift = 0; shift < 4; shift++) {
      if (Buffer.from(run.slice(shift).replace(/-/g, "+").replace(/_/g, "/"), "base64").includes(bytes)) return true;
    }
  }
  if (s.length >= 4) return text.includes(enc);
  const edge = `[\\s"'\`=&?;,:()\\[\\]{}<>/]`;
  const esc = enc.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(`(?:^|(?<=${edge}))${esc}(?:$|(?=${edge}))`).test(text);
}

describe("redaction", () => {
  it(`masks ${SECRETS.length} secrets of 1 to ${Math.max(...SECRETS.map((s) => s.length))} characters in ${ENCODINGS.length} encodings, in quoted text and in messages`, () => {
    for (const s of SECRETS) registerSecret(s);
    const found: string[] = [];
    let cases = 0;
    for (const s of SECRETS) {
      for (const [name, enc] of ENCODINGS) {
        const e = enc(s);
        // As a WAF page, a JSON envelope and a form echo put it: delimited as the request had it.
        for (const text of [`<html><body><pre>${e}</pre></body></html>`, `{"message":"bad value ${e}","value":"${e}"}`, `pw=${e}&next=1`]) {
          cases++;
          const out = redactQuoted(text);
          if (holds(out, s, e)) found.push(`${JSON.stringify(s)} ${name} in ${JSON.stringify(out)}`);
          // Long secrets are masked in the package's own messages too.
          if (s.length >= 4 && holds(redact(text), s, e)) found.push(`${JSON.stringify(s)} ${name} in redact(): ${JSON.stringify(redact(text))}`);
        }
      }
    }
    expect(found).toEqual([]);
    console.log(`[hardening] redaction: ${cases} echoes of ${SECRETS.length} secrets in ${ENCODINGS.length} encodings, ${found.length} secrets found`);
  });

  it("a vendor refusal that echoes the request, as HTML, JSON or url-encoded text, quotes no secret in the error", async () => {
    const v = vendor("scm");
    const e = await v.start(canaries);
    const ctl = intercept(e.emu);
    const found: string[] = [];
    let cases = 0;
    try {
      for (const [i, s] of SECRETS.entries()) {
        for (const [name, enc] of ENCODINGS) {
          for (const as of ["html", "json"] as const) {
            cases++;
            ctl.answer = (req) =>
              req.method === "POST" && v.create!.post.test(req.path)
                ? as === "html"
                  ? { status: 403, raw: true, headers: { "content-type": "text/html" }, body: `<html><body>Blocked: <code>${enc(s)}</code> in ${htmlEscape(req.rawBody).slice(0, 40)}</body></html>` }
                  : { status: 400, body: { _errors: [{ code: "E003", message: `Invalid value ${enc(s)}`, details: { value: enc(s), echo: enc(req.rawBody) } }], _request_id: "r-1" } }
                : undefined;
            const args = withConnection(v, e, { ...(v.args(e, i, 0, (x) => x, canaries) as object), scepChallenge: { fixed: s } });
            const r = await HOOKS.scm.check({}, args);
            expect(r.failures).toEqual([]);
            const err = await failure(HOOKS.scm.create(r.inputs));
            expect(err.message).toMatch(/Strata Cloud Manager API POST/);
            if (holds(err.message, s, enc(s))) found.push(`${JSON.stringify(s)} ${name} ${as}: ${err.message}`);
          }
        }
      }
      ctl.answer = undefined;
      expect(found).toEqual([]);
      expect(v.objects(e)).toEqual([]);
      console.log(`[hardening] redaction through the SCM hooks: ${cases} refusals echoing a secret, ${found.length} secrets found`);
    } finally {
      await e.stop();
    }
  });

  it("CZERTAINLY secret content (the attribute's contentType or the item's) and credential content are registered as secrets", async () => {
    const S = { secret: "attr-secret-CANARY-1", item: "item-secret-CANARY-2", credential: "cred-password-CANARY-3" };
    await czertainlyHooks.check({}, {
      name: "p",
      caCertificateUuid: "x",
      customAttributes: [
        { name: "a", contentType: "secret", content: [{ data: { secret: S.secret } }] },
        { name: "b", version: "v3", contentType: "string", content: [{ contentType: "secret", data: { secret: S.item } }] },
        {
          name: "c",
          contentType: "credential",
          content: [{ data: { uuid: "u", name: "svc", kind: "Basic", attributes: [{ name: "password", content: [{ data: S.credential }] }] } }],
        },
      ],
    });
    const text = `${S.secret} ${S.item} ${S.credential}`;
    expect(redact(text)).toBe("[redacted] [redacted] [redacted]");
  });
});

/* ---------------------------------- 5. TLS relaxed for one origin only ---------------------------------- */

/** The connection of `v` against emulator `e`, its token fetched from `tokenUrl` (CZERTAINLY by its OAuth2 client, not a static token). */
function viaTokenUrl(v: Vendor, e: any, tokenUrl: string, extra: Record<string, unknown>): Record<string, unknown> {
  const conn = v.name === "czertainly" ? { url: e.url, tokenUrl, clientId: e.clientId, clientSecret: e.clientSecret } : { ...v.connection(e), tokenUrl };
  return { ...conn, ...extra };
}

describe.each([vendor("scm"), vendor("cxif"), vendor("czertainly")].map((v) => [v.name, v] as const))("%s: insecureSkipTlsVerify", (_n, v: Vendor) => {
  const dir = tmpDir("trustplane-hardening-tls-");
  let cert: { cert: string; key: string };
  beforeAll(() => {
    const [key, pem] = [path.join(dir, "s.key"), path.join(dir, "s.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", pem, "-subj", "/CN=lab", "-days", "2", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    cert = { cert: fs.readFileSync(pem, "utf8"), key: fs.readFileSync(key, "utf8") };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("set for the API does not relax the token endpoint on another origin; the token endpoint has its own setting", async () => {
    const api = await v.start(canaries, { tls: cert });
    const issuer = await v.start(canaries, { tls: cert });
    try {
      const tokenRequests = () => issuer.emu.requests.filter((r: any) => /token/i.test(r.path)).length;
      const args = (i: number, tokenUrl: string, extra: Record<string, unknown>) => ({
        ...v.args(api, i, 0, (s) => s, canaries),
        connection: viaTokenUrl(v, api, tokenUrl, { insecureSkipTlsVerify: true, ...extra }),
      });
      const err = await failure(HOOKS[v.name].create(await checked(v, args(0, issuer.tokenUrl, {}))));
      expect(err.message).toMatch(/certificate|CERT|self-signed|SELF_SIGNED/i);
      // The untrusted server got no request, so no client credentials.
      expect(tokenRequests()).toBe(0);
      expect(issuer.emu.requests.length).toBe(0);

      // Named for it, the token endpoint is relaxed too (this issuer does not know the client: refused, but reached).
      tokenCache.clear();
      await failure(HOOKS[v.name].create(await checked(v, args(0, issuer.tokenUrl, { tokenInsecureSkipTlsVerify: true }))));
      expect(tokenRequests()).toBeGreaterThan(0);

      // The API's own origin (its token endpoint there) is relaxed by the API's setting.
      tokenCache.clear();
      const made = await HOOKS[v.name].create(await checked(v, args(1, api.tokenUrl, {})));
      expect(v.objects(api).map((o) => o.id)).toContain(made.id);
    } finally {
      await api.stop();
      await issuer.stop();
    }
  });
});

/* ---------------------------------- 6. token endpoint garbage ---------------------------------- */

describe.each([vendor("scm"), vendor("cxif")].map((v) => [v.name, v] as const))("%s: a token endpoint that answers garbage", (_n, v: Vendor) => {
  let e: any;
  let ctl: ReturnType<typeof intercept>;
  beforeAll(async () => {
    e = await v.start(canaries);
    ctl = intercept(e.emu);
  });
  afterAll(() => e.stop());
  const tokenCalls = () => e.emu.requests.filter((r: any) => /token/i.test(r.path)).length;

  it("an expires_in of 'soon' is not a reason to fetch a token for every call: the default lifetime holds", async () => {
    ctl.answer = async (req, real) => {
      if (!/token/i.test(req.path)) return undefined;
      const a = await real();
      return { ...a, body: { ...a.body, expires_in: "soon" } };
    };
    const before = tokenCalls();
    const made = await HOOKS[v.name].create(await checked(v, withConnection(v, e, v.args(e, 0, 0, (s) => s, canaries))));
    for (let i = 0; i < 4; i++) expect((await HOOKS[v.name].read(made.id, made.outs)).id).toBe(made.id);
    await HOOKS[v.name].delete(made.id, made.outs);
    ctl.answer = undefined;
    expect(tokenCalls() - before).toBe(1);
  });

  it("an access_token that is an object fails once, naming the token endpoint, and is never sent", async () => {
    ctl.answer = (req) => (/token/i.test(req.path) ? { status: 200, body: { access_token: { value: "x" }, token_type: "Bearer", expires_in: 900 } } : undefined);
    const before = tokenCalls();
    const from = e.emu.requests.length;
    const err = await failure(HOOKS[v.name].create(await checked(v, withConnection(v, e, v.args(e, 1, 0, (s) => s, canaries)))));
    ctl.answer = undefined;
    expect(err.message).toMatch(/token endpoint/);
    expect(err.message).toContain(e.tokenUrl);
    expect(err.message).toMatch(/access_token that is a JSON object/);
    expect(tokenCalls() - before).toBe(1);
    expect(e.emu.requests.slice(from).some((r: any) => /object Object/.test(String(r.headers.authorization)))).toBe(false);
    expect(v.objects(e)).toEqual([]);
  });

  it("an HTML page in a 200 is fetched once, and the error says to check the token URL", async () => {
    ctl.answer = (req) => (/token/i.test(req.path) ? { status: 200, raw: true, headers: { "content-type": "text/html" }, body: "<html><body>Sign in</body></html>" } : undefined);
    const before = tokenCalls();
    const err = await failure(HOOKS[v.name].create(await checked(v, withConnection(v, e, v.args(e, 2, 0, (s) => s, canaries)))));
    ctl.answer = undefined;
    expect(err.message).toMatch(/not JSON/);
    expect(err.message).toMatch(/check the token URL/);
    expect(tokenCalls() - before).toBe(1);
    expect(v.objects(e)).toEqual([]);
  });

  it("a token answer declared JSON but cut short is asked for again (a proxy's fault, not the URL's)", async () => {
    let cut = false;
    ctl.answer = (req) => {
      if (!/token/i.test(req.path) || cut) return undefined;
      cut = true;
      return { status: 200, raw: true, headers: { "content-type": "application/json" }, body: '{"access_token": ' };
    };
    const before = tokenCalls();
    const made = await HOOKS[v.name].create(await checked(v, withConnection(v, e, v.args(e, 3, 0, (s) => s, canaries))));
    ctl.answer = undefined;
    expect(tokenCalls() - before).toBe(2);
    await HOOKS[v.name].delete(made.id, made.outs);
  });
});

/* ---------------------------------- 7. prototype keys ---------------------------------- */

describe("prototype keys in maps", () => {
  it("nevisIDM properties named __proto__, constructor or prototype are named in check failures, not dropped", async () => {
    const properties = JSON.parse('{"__proto__":"x","constructor":"y","prototype":"z","cost_center":"CC-1"}');
    const r = await nevisidmHooks.check({}, { clientExtId: "rel", profileExtId: "p-1", properties });
    const props = r.failures.map((f: any) => f.property).sort();
    expect(props).toEqual(["properties.__proto__", "properties.constructor", "properties.prototype"]);
    for (const f of r.failures) expect(f.reason).toMatch(/cannot be used as a key/);
  });

  it("CXIF profiles named __proto__ or constructor are named in check failures, not dropped", async () => {
    const profiles = JSON.parse('{"__proto__":{"groupAssignment":["g"]},"constructor":{"groupAssignment":["g"]},"Subscriber":{"groupAssignment":["g"]}}');
    const r = await cxifHooks.check({}, { targetConnectionDescriptorName: "d", profiles });
    const props = r.failures.map((f: any) => f.property).sort();
    expect(props).toEqual(["profiles.__proto__", "profiles.constructor"]);
  });
});
