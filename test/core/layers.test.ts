import { describe, expect, it } from "vitest";
import { authLayer, compose, repeatLayer, type CallState, type Send } from "../../src/core/api";
import type { Authenticator } from "../../src/core/auth";
import { TransportError } from "../../src/core/errors";
import type { HttpResponse } from "../../src/core/transport";

const retry = { maxRetries: 3, minBackoffMs: 1, maxBackoffMs: 2 } as CallState["retry"];
const state = (): CallState => ({ attempt: 1, retry, authRetried: false });
const answer = (status: number): HttpResponse => ({ status, headers: {}, text: "{}" });

/** A base send that answers from a script and records the headers of each attempt. */
function scripted(script: Array<number | "reset">) {
  const seen: Record<string, string>[] = [];
  const send: Send = async (req) => {
    seen.push({ ...(req.headers ?? {}) });
    const next = script[Math.min(seen.length - 1, script.length - 1)];
    if (next === "reset") throw new TransportError("V", req.method, req.url, "ECONNRESET", new Error("reset"));
    return answer(next);
  };
  return { send, seen };
}

function tokens(): Authenticator & { issued: number } {
  const a = {
    issued: 0,
    async headers() {
      return { authorization: `Bearer t${a.issued}` };
    },
    unauthorized() {
      a.issued++;
      return true;
    },
  };
  return a;
}

const req = { method: "POST" as const, url: "http://x/y", headers: { "content-type": "application/json" } };

describe("transport layers", () => {
  it("authLayer adds the headers on every attempt and refreshes once on 401", async () => {
    const { send, seen } = scripted([401, 401, 200]);
    const auth = tokens();
    const res = await compose(authLayer(auth))(send)(req, state());
    expect(res.status).toBe(401);
    expect(seen.map((h) => h.authorization)).toEqual(["Bearer t0", "Bearer t1"]);
    expect(seen[0]["content-type"]).toBe("application/json");
  });

  it("a plain POST is never sent twice, whatever comes back", async () => {
    for (const first of ["reset", 503] as const) {
      const { send, seen } = scripted([first, 200]);
      const run = compose(repeatLayer("never"), authLayer(tokens()))(send)(req, state());
      if (first === "reset") await expect(run).rejects.toBeInstanceOf(TransportError);
      else expect((await run).status).toBe(503);
      expect(seen).toHaveLength(1);
    }
  });

  it("a declared-idempotent POST is sent again on a reset and on 503, sharing one attempt budget with the 401 refresh", async () => {
    const { send, seen } = scripted([401, "reset", 503, 503, 503, 200]);
    const res = await compose(repeatLayer("declared-idempotent"), authLayer(tokens()))(send)(req, state());
    // 1 + maxRetries attempts in all: the refresh after the 401 counted as one of them.
    expect(seen).toHaveLength(1 + retry.maxRetries);
    expect(res.status).toBe(503);
  });

  it("an idempotent method is repeated here, the one place that repeats: on a reset, 503, 429 and an attempt our clock cut, within one budget", async () => {
    const get = { ...req, method: "GET" as const };
    const { send, seen } = scripted(["reset", 503, 429, 200]);
    expect((await compose(repeatLayer("idempotent-method"))(send)(get, state())).status).toBe(200);
    expect(seen).toHaveLength(4);
    let n = 0;
    const cut: Send = async (r) => {
      if (n++ === 0) throw new TransportError("V", r.method, r.url, "TRUSTPLANE_ATTEMPT_TIMEOUT", new Error("slow"));
      return answer(200);
    };
    expect((await compose(repeatLayer("idempotent-method"))(cut)(get, state())).status).toBe(200);
    expect(n).toBe(2);
    // The budget: 1 + maxRetries attempts, the last answer returned as it came.
    const busy = scripted([503]);
    expect((await compose(repeatLayer("idempotent-method"))(busy.send)(get, state())).status).toBe(503);
    expect(busy.seen).toHaveLength(1 + retry.maxRetries);
  });

  it("an idempotent method is not repeated on a failure that will not pass by itself: a refused certificate, a 409, a 500", async () => {
    const get = { ...req, method: "GET" as const };
    let n = 0;
    const tls: Send = async (r) => {
      n++;
      throw new TransportError("V", r.method, r.url, "CERT_HAS_EXPIRED", new Error("certificate has expired"));
    };
    await expect(compose(repeatLayer("idempotent-method"))(tls)(get, state())).rejects.toBeInstanceOf(TransportError);
    expect(n).toBe(1);
    for (const status of [409, 500]) {
      const { send, seen } = scripted([status, 200]);
      expect((await compose(repeatLayer("idempotent-method"))(send)(get, state())).status).toBe(status);
      expect(seen).toHaveLength(1);
    }
  });
});
