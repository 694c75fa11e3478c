/**
 * The shared transport under injected faults, through a real vendor client (SCM) against its
 * emulator: retries that succeed, Retry-After honoured, no duplicate creates, one token fetch
 * for many concurrent operations, one refresh when a token expires mid-run.
 */
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tokenCache } from "../../src/core/auth";
import { JsonApi } from "../../src/core/api";
import { ApiError } from "../../src/core/errors";
import { dispatcherFor, retrySettingsFromEnv, send } from "../../src/core/transport";
import { hooks } from "../../src/scm/provider";
import { scmClient } from "../../src/scm/client";
import { startScmEmulator, type ScmEmulator } from "../../src/scm/emulator";

let scm: ScmEmulator;
let connection: Record<string, string>;
const API = /\/scep-profiles/;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "10";
  process.env.TRUSTPLANE_TIMEOUT_MS = "500";
  scm = await startScmEmulator();
  connection = { clientId: scm.clientId, clientSecret: scm.clientSecret, tsgId: scm.tsgId, tokenUrl: scm.tokenUrl, apiUrl: scm.apiUrl };
});
afterAll(async () => {
  delete process.env.TRUSTPLANE_TIMEOUT_MS;
  await scm.stop();
});
beforeEach(() => {
  scm.emu.clearFaults();
  scm.emu.requests.length = 0;
  scm.state.profiles.clear();
  tokenCache.clear();
});

let n = 0;
async function inputs(name = `p${n++}`) {
  const r = await hooks.check({}, {
    folder: "Shared", name, scepChallenge: { none: {} }, caIdentityName: "CA",
    algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://scep.example.com", connection,
  });
  expect(r.failures).toEqual([]);
  return r.inputs as Record<string, unknown>;
}

describe("transport under faults", () => {
  it("retries a read through a burst of 502/503/504 and succeeds", async () => {
    const { id } = await hooks.create(await inputs());
    for (const kind of ["502", "503", "504"] as const) scm.emu.inject({ kind, method: "GET", path: API });
    const before = scm.emu.count({ method: "GET", path: API });
    const r = await scmClient(connection).get(id);
    expect(r?.id).toBe(id);
    expect(scm.emu.count({ method: "GET", path: API }) - before).toBe(4);
  });

  it("waits as long as Retry-After says before retrying a 429", async () => {
    const { id } = await hooks.create(await inputs());
    scm.emu.inject({ kind: "429", method: "GET", path: API, retryAfterSeconds: 1 });
    const t0 = Date.now();
    await scmClient(connection).get(id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it("retries a read whose connection was reset, and one whose answer was not JSON", async () => {
    const { id } = await hooks.create(await inputs());
    scm.emu.inject({ kind: "reset", method: "GET", path: API });
    scm.emu.inject({ kind: "malformed", method: "GET", path: API });
    expect((await scmClient(connection).get(id))?.id).toBe(id);
  });

  it("gives up on a read that keeps timing out with an error that says what to do", async () => {
    const { id } = await hooks.create(await inputs());
    // undici checks header timeouts on a ~1 s clock, so the answer must be later than that.
    scm.emu.inject({ kind: "slow", method: "GET", path: API, delayMs: 3000, times: 20 });
    process.env.TRUSTPLANE_MAX_RETRIES = "1";
    process.env.TRUSTPLANE_TIMEOUT_MS = "1000";
    try {
      await expect(scmClient(connection).get(id)).rejects.toThrow(/did not complete: UND_ERR_HEADERS_TIMEOUT.*\n.*TRUSTPLANE_TIMEOUT_MS/);
      expect(scm.emu.count({ method: "GET", path: API })).toBe(2);
    } finally {
      delete process.env.TRUSTPLANE_MAX_RETRIES;
      process.env.TRUSTPLANE_TIMEOUT_MS = "500";
    }
  });

  it("does not duplicate a create whose answer was lost after the server made it", async () => {
    scm.emu.inject({ kind: "reset-after", method: "POST", path: API });
    const i = await inputs("lost-answer");
    const { id } = await hooks.create(i);
    expect(scm.state.profiles.size).toBe(1);
    expect(scm.state.profiles.has(id)).toBe(true);
    expect(scm.emu.count({ method: "POST", path: API })).toBe(1);
    // The lookup by name resolved the unknown outcome.
    expect(scm.emu.requests.some((r) => r.method === "GET" && r.query.includes("name=lost-answer"))).toBe(true);
  });

  it("re-sends a create only after a lookup proves the first never landed", async () => {
    scm.emu.inject({ kind: "reset", method: "POST", path: API });
    scm.emu.inject({ kind: "502", method: "POST", path: API });
    const { id } = await hooks.create(await inputs("never-landed"));
    expect(scm.state.profiles.size).toBe(1);
    expect(scm.state.profiles.has(id)).toBe(true);
    expect(scm.emu.count({ method: "POST", path: API })).toBe(3);
    expect(scm.emu.requests.filter((r) => r.method === "GET" && r.query.includes("name=never-landed")).length).toBe(2);
  });

  it("keeps looking up a create whose answer was lost while the lookup fails for longer than one call's retries", async () => {
    scm.emu.inject({ kind: "reset-after", method: "POST", path: API });
    // Six tries per call (five retries): seven failures exhaust the first lookup call.
    scm.emu.inject({ kind: "503", method: "GET", path: API, times: 7 });
    // A read's 409 is not retried by the transport, but a lookup must not give up on it either.
    scm.emu.inject({ kind: "409", method: "GET", path: API });
    const { id } = await hooks.create(await inputs("lookup-struggles"));
    expect([...scm.state.profiles.keys()]).toEqual([id]);
    expect(scm.emu.count({ method: "POST", path: API })).toBe(1);
  });

  it("never re-sends a create it could not look up, and says the object may exist", async () => {
    process.env.TRUSTPLANE_MAX_RETRIES = "1";
    try {
      scm.emu.inject({ kind: "reset-after", method: "POST", path: API });
      scm.emu.inject({ kind: "503", method: "GET", path: API, times: 1000 });
      const err = await hooks.create(await inputs("lookup-down")).then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(/503/);
      // The lookup failed, not the create: no conflict hint misreads it.
      expect(err?.message).not.toMatch(/already exists|pick another name/);
      expect(err?.message).toMatch(/may exist: run `pulumi up` again once the API answers; if the create then reports a name conflict, adopt the existing object with the input `adopt: true`/);
      expect(scm.emu.count({ method: "POST", path: API })).toBe(1);
      expect(scm.state.profiles.size).toBe(1);
    } finally {
      delete process.env.TRUSTPLANE_MAX_RETRIES;
    }
  });

  it("takes a delete whose first attempt landed unanswered and whose retry was refused as done", async () => {
    const { id, outs } = await hooks.create(await inputs("delete-landed"));
    scm.emu.inject({ kind: "reset-after", method: "DELETE", path: API });
    scm.emu.inject({ kind: "409", method: "DELETE", path: API });
    await hooks.delete(id, outs);
    expect(scm.state.profiles.size).toBe(0);
    // A refused delete of an object that is still there stays a failure.
    const other = await hooks.create(await inputs("delete-refused"));
    scm.emu.inject({ kind: "409", method: "DELETE", path: API });
    await expect(hooks.delete(other.id, other.outs)).rejects.toThrow(/409/);
    expect(scm.state.profiles.has(other.id)).toBe(true);
  });

  it("does not explain a 409 from the token endpoint as a name collision", async () => {
    scm.emu.inject({ kind: "409", method: "POST", path: /access_token/ });
    const err = await hooks.create(await inputs("token-conflict")).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/access_token failed: HTTP 409/);
    expect(err?.message).not.toMatch(/taken|already exists|pick another name/);
    // A 409 to the create itself still is one, and says so.
    await hooks.create(await inputs("taken"));
    const dup = await hooks.create(await inputs("taken")).then(() => undefined, (e: Error) => e);
    expect(dup?.message).toMatch(/already exists in folder 'Shared'/);
  });

  it("retries a throttled create after Retry-After without a lookup (the server said it did nothing)", async () => {
    scm.emu.inject({ kind: "429", method: "POST", path: API, retryAfterSeconds: 0 });
    await hooks.create(await inputs("throttled"));
    expect(scm.state.profiles.size).toBe(1);
    expect(scm.emu.count({ method: "GET", path: API })).toBe(0);
  });

  it("fetches one token for fifty concurrent operations", async () => {
    const all = await Promise.all(Array.from({ length: 50 }, async () => hooks.create(await inputs())));
    expect(new Set(all.map((c) => c.id)).size).toBe(50);
    expect(scm.emu.count({ path: /oauth2/ })).toBe(1);
    expect(scm.state.profiles.size).toBe(50);
  });

  it("refreshes the token once when it expires mid-run, shared by every caller that saw the 401", async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, async () => (await hooks.create(await inputs())).id));
    expect(scm.emu.count({ path: /oauth2/ })).toBe(1);
    scm.tokens.revokeAll();
    const got = await Promise.all(ids.map((id) => scmClient(connection).get(id)));
    expect(got.every((g) => g !== undefined)).toBe(true);
    expect(scm.emu.count({ path: /oauth2/ })).toBe(2);
  });

  it("turns a token-expired fault into one refresh and a successful retry", async () => {
    const { id } = await hooks.create(await inputs());
    scm.emu.inject({ kind: "token-expired", method: "GET", path: API });
    expect((await scmClient(connection).get(id))?.id).toBe(id);
    expect(scm.emu.count({ path: /oauth2/ })).toBe(2);
  });

  it("reports refused credentials with the vendor's answer and the fix, without the secret", async () => {
    const err = await hooks.create(await inputs()).then(() => undefined, (e) => e);
    expect(err).toBeUndefined();
    const bad = { ...(await inputs()), connection: { ...connection, clientSecret: "wrong-secret-value" } };
    const e = await hooks.create(bad).catch((x) => x);
    expect(e.message).toMatch(/HTTP 401 invalid_client: Client authentication failed/);
    expect(e.message).toMatch(/check SCM_CLIENT_ID \/ SCM_CLIENT_SECRET/);
    expect(e.message).not.toContain("wrong-secret-value");
  });
});

describe("one attempt per send, and one place that sends again", () => {
  /** A dispatcher that answers `status` and records the methods it was given. */
  function recording(seen: string[], status = 200): Dispatcher {
    return {
      request: async (opts: Dispatcher.RequestOptions) => {
        seen.push(String(opts.method));
        return { statusCode: status, headers: {}, body: Readable.from([Buffer.from("{}")]) };
      },
    } as unknown as Dispatcher;
  }

  it("sends every method once through the pool, a 503 answered as it came: the transport repeats nothing", async () => {
    const seen: string[] = [];
    for (const method of ["GET", "PUT", "DELETE", "POST", "PATCH"] as const) {
      const res = await send("Test", { method, url: "http://127.0.0.1:9/x" }, {}, retrySettingsFromEnv(), recording(seen, 503));
      expect(res.status).toBe(503);
    }
    expect(seen).toEqual(["GET", "PUT", "DELETE", "POST", "PATCH"]);
  });

  it("keeps one pool per setting", () => {
    const a = dispatcherFor({}, retrySettingsFromEnv());
    expect(dispatcherFor({}, retrySettingsFromEnv())).toBe(a);
    expect(dispatcherFor({ insecureSkipTlsVerify: true }, retrySettingsFromEnv())).not.toBe(a);
  });

  it("sends a PUT and a DELETE again through 502, 503, 504, 429 and a reset, and a POST or PATCH never", async () => {
    const { id, outs } = await hooks.create(await inputs("repeat-put"));
    for (const kind of ["502", "503", "504", "reset"] as const) scm.emu.inject({ kind, method: "PUT", path: API });
    scm.emu.inject({ kind: "429", method: "PUT", path: API, retryAfterSeconds: 0 });
    const news = await inputs("repeat-put");
    const { outs: after } = await hooks.update(id, outs, { ...news, digest: "sha512" });
    expect(after?.digest).toBe("sha512");
    expect(scm.emu.count({ method: "PUT", path: API })).toBe(6);
    for (const kind of ["503", "reset"] as const) scm.emu.inject({ kind, method: "DELETE", path: API });
    await hooks.delete(id, after!);
    expect(scm.emu.count({ method: "DELETE", path: API })).toBe(3);
    expect(scm.state.profiles.size).toBe(0);
    // The same faults to a POST and a PATCH the caller did not declare idempotent: sent once.
    const once = new JsonApi({ vendor: "Test", baseUrl: scm.apiUrl, auth: { headers: async () => ({}), unauthorized: () => false }, toError: (c) => new ApiError({ vendor: c.vendor, status: c.status, method: c.method, url: c.url, vendorMessage: c.text }) });
    for (const method of ["POST", "PATCH"] as const) {
      scm.emu.inject({ kind: "503", method, path: /\/nowhere/ });
      await expect(once.call(method, "/nowhere", { body: {} })).rejects.toThrow(/503/);
      expect(scm.emu.count({ method, path: /\/nowhere/ })).toBe(1);
    }
  });

  it("spends one budget per call: a GET that keeps meeting 503 is tried TRUSTPLANE_MAX_RETRIES + 1 times", async () => {
    const { id } = await hooks.create(await inputs());
    process.env.TRUSTPLANE_MAX_RETRIES = "2";
    try {
      scm.emu.inject({ kind: "503", method: "GET", path: API, times: 10 });
      await expect(scmClient(connection).get(id)).rejects.toThrow(/503/);
      expect(scm.emu.count({ method: "GET", path: API })).toBe(3);
    } finally {
      delete process.env.TRUSTPLANE_MAX_RETRIES;
    }
  });
});
