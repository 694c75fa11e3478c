/**
 * Every request the provider sends and every answer the emulator gives, checked against Palo
 * Alto's own OpenAPI documents: the emulator cannot drift from the real API unnoticed.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hooks } from "../../src/scm/provider";
import { API_BASE, startScmEmulator, type ScmEmulator } from "../../src/scm/emulator";
import { OpenApiContract } from "../openapi";
import { ROOT } from "../helpers";

const SPECS = path.resolve(ROOT, "..", "shared", "specs");
let scm: ScmEmulator;

beforeAll(async () => {
  scm = await startScmEmulator();
});
afterAll(() => scm.stop());

describe("SCM traffic against the vendor's OpenAPI documents", () => {
  it("conforms for a whole lifecycle, its failures included", async () => {
    const connection = { clientId: scm.clientId, clientSecret: scm.clientSecret, tsgId: scm.tsgId, tokenUrl: scm.tokenUrl, apiUrl: scm.apiUrl };
    const variants = [
      { folder: "Mobile Users", scepChallenge: { fixed: "c" }, certificateAttributes: { rfc822name: "pki-admin@example.com" } },
      { snippet: "GP", scepChallenge: { none: {} }, certificateAttributes: { dnsname: "gp.example.com" }, scepCaCert: "Root CA", scepClientCert: "Forward-Trust-CA" },
      { device: "fw-01", scepChallenge: { dynamic: { otpServerUrl: "https://otp.example.com/otp", username: "u", password: "p" } }, certificateAttributes: { uniformResourceIdentifier: "urn:x" }, useAsDigitalSignature: true, useForKeyEncipherment: false, fingerprint: "AB:CD" },
    ];
    for (const [i, v] of variants.entries()) {
      const c = await hooks.check({}, { name: `p${i}`, caIdentityName: "CA", algorithm: { rsa: { rsaNbits: 3072 } }, digest: "sha384", scepUrl: "https://scep.example.com/scep", connection, ...v });
      expect(c.failures).toEqual([]);
      const { id, outs } = await hooks.create(c.inputs);
      await hooks.read(id, outs);
      await hooks.update(id, outs, { ...c.inputs, subject: "CN=$UDID" });
      await hooks.create(c.inputs).catch(() => undefined); // 409
      await hooks.delete(id, outs);
      await hooks.read(id, outs); // 404
    }
    const ex = scm.emu.requests;
    const api = new OpenApiContract(path.join(SPECS, "scm-identity-services.openapi.yaml"), API_BASE, { closedRequests: true });
    const auth = new OpenApiContract(path.join(SPECS, "scm-auth-service.openapi.yaml"));
    const problems = ex.flatMap((x) => (x.path.startsWith("/auth/") ? auth : api).check({ ...x, body: x.path.startsWith("/auth/") ? undefined : x.body }));
    expect(problems).toEqual([]);
    // The flow did exercise what it claims to.
    const seen = new Set(ex.map((x) => `${x.method} ${x.status}`));
    for (const s of ["POST 200", "POST 201", "GET 200", "PUT 200", "POST 409", "DELETE 200", "GET 404"]) expect(seen).toContain(s);
  });

  it("would notice a key the document does not define, and a dnsname that is not a host name", () => {
    const api = new OpenApiContract(path.join(SPECS, "scm-identity-services.openapi.yaml"), API_BASE, { closedRequests: true });
    const body = { folder: "F", name: "p", scep_challenge: { none: {} }, ca_identity_name: "CA", subject: "CN=$USERNAME", algorithm: { rsa: { rsa_nbits: "2048" } }, digest: "sha256", scep_url: "https://s.example.com/scep" };
    expect(api.check({ method: "POST", path: `${API_BASE}/scep-profiles`, status: 201, body })).toEqual([]);
    expect(api.check({ method: "POST", path: `${API_BASE}/scep-profiles`, status: 201, body: { ...body, __provider: "exports.handler = ..." } }).join("\n")).toMatch(/property name must be valid/);
    expect(api.check({ method: "POST", path: `${API_BASE}/scep-profiles`, status: 201, body: { ...body, certificate_attributes: { dnsname: "not a hostname!" } } }).join("\n")).toMatch(/format "fqdn"/);
  });

  it("would notice a request the real API would refuse", () => {
    const api = new OpenApiContract(path.join(SPECS, "scm-identity-services.openapi.yaml"), API_BASE);
    const bad = api.check({ method: "POST", path: `${API_BASE}/scep-profiles`, status: 201, body: { folder: "F", name: "x".repeat(40), digest: "sha348" } });
    expect(bad.join("\n")).toMatch(/maxLength|must be equal to one of the allowed values|required/);
  });
});
