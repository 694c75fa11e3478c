/**
 * The CZERTAINLY emulator behaves as Core 2.17.0 does (reference §1), over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Agent, fetch as undiciFetch } from "undici";
import { SEED, startCzertainlyEmulator, type CzertainlyEmulator } from "../../src/czertainly/emulator";
import { http, selfSigned } from "./helpers";

let c: CzertainlyEmulator;
const P = () => `${c.url}/v1/scepProfiles`;

function profileBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `scep-${Math.random().toString(36).slice(2, 8)}`,
    caCertificateUuid: SEED.rsaCaUuid,
    issueCertificateAttributes: [],
    ...over,
  };
}

async function create(over: Record<string, unknown> = {}) {
  const res = await http("POST", P(), { token: c.token, body: profileBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

beforeAll(async () => {
  c = await startCzertainlyEmulator();
});
afterAll(async () => {
  await c.stop();
});
beforeEach(() => {
  c.emu.clearFaults();
  c.state.profiles.clear();
  for (const r of c.state.raProfiles.values()) {
    r.scepProfileUuid = undefined;
    r.scepIssueAttributes = undefined;
  }
});

describe("authentication", () => {
  it("issues JWTs Core accepts through the OAuth2 provider's client-credentials grant, and they expire", async () => {
    const e = await startCzertainlyEmulator({ tokenLifetimeSeconds: 1 });
    try {
      const form = (extra = "") => ({ raw: `grant_type=client_credentials${extra}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
      const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
      const refused = await http("POST", e.tokenUrl, { ...form(), headers: { ...form().headers, authorization: basic(e.clientId, "wrong") } });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ error: "invalid_client" });
      const t = await http("POST", e.tokenUrl, { ...form("&audience=czertainly-core"), headers: { ...form().headers, authorization: basic(e.clientId, e.clientSecret) } });
      expect(t.status).toBe(200);
      expect(t.body).toMatchObject({ token_type: "Bearer", expires_in: 1 });
      const access = (t.body as { access_token: string }).access_token;
      expect(JSON.parse(Buffer.from(access.split(".")[1], "base64url").toString())).toMatchObject({ iss: e.issuer, aud: "czertainly-core" });
      expect((await http("GET", `${e.url}/v1/scepProfiles`, { token: access })).status).toBe(200);
      // Core enforces the expiry of the JWT.
      await new Promise((r) => setTimeout(r, 1100));
      expect((await http("GET", `${e.url}/v1/scepProfiles`, { token: access })).status).toBe(401);
      expect(e.tokensIssued()).toBe(1);
    } finally {
      await e.stop();
    }
  });

  it("answers 401 with an empty body without credentials, on any path", async () => {
    for (const url of [P(), `${c.url}/v1/nowhere`]) {
      const res = await http("GET", url);
      expect(res.status).toBe(401);
      expect(res.text).toBe("");
    }
  });

  it("accepts a JWT from the configured issuer and rejects forged, foreign and expired ones", async () => {
    expect((await http("GET", P(), { token: c.token })).status).toBe(200);
    const [h, p] = c.token.split(".");
    expect((await http("GET", P(), { token: `${h}.${p}.AAAA` })).status).toBe(401);
    expect((await http("GET", P(), { token: c.issueToken({ issuer: "https://evil.example/" }) })).status).toBe(401);
    expect((await http("GET", P(), { token: c.issueToken({ lifetimeSeconds: -10 }) })).status).toBe(401);
    expect((await http("GET", P(), { token: "not-a-jwt" })).status).toBe(401);
  });

  it("answers 401 once when a token-expired fault is injected", async () => {
    c.emu.inject({ kind: "token-expired" });
    expect((await http("GET", P(), { token: c.token })).status).toBe(401);
    expect((await http("GET", P(), { token: c.token })).status).toBe(200);
  });

  it("answers 403 ACCESS_DENIED as problem+json when the subject lacks the permission", async () => {
    const e = await startCzertainlyEmulator({ permissions: { reader: ["scepProfiles:list", "scepProfiles:detail"] } });
    try {
      const token = e.issueToken({ subject: "reader" });
      expect((await http("GET", `${e.url}/v1/scepProfiles`, { token })).status).toBe(200);
      const res = await http("POST", `${e.url}/v1/scepProfiles`, { token, body: { name: "x", caCertificateUuid: SEED.rsaCaUuid } });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toEqual({ statusCode: 403, code: "ACCESS_DENIED", message: "Access Denied. Required 'create' permission for 'SCEP Profile'" });
      expect(e.state.profiles.size).toBe(0);
    } finally {
      await e.stop();
    }
  });

  it("accepts a trusted client certificate in the ssl-client-cert header, URL-encoded PEM or bare base64", async () => {
    const trusted = selfSigned("pulumi-bot");
    const other = selfSigned("intruder");
    const e = await startCzertainlyEmulator({ trustedClientCertificates: [trusted.cert] });
    try {
      const url = `${e.url}/v1/scepProfiles`;
      expect((await http("GET", url, { headers: { "ssl-client-cert": encodeURIComponent(trusted.cert) } })).status).toBe(200);
      const bare = trusted.cert.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
      expect((await http("GET", url, { headers: { "ssl-client-cert": bare } })).status).toBe(200);
      expect((await http("GET", url, { headers: { "ssl-client-cert": encodeURIComponent(other.cert) } })).status).toBe(401);
    } finally {
      await e.stop();
    }
  });

  it("does not take a client certificate presented in the TLS handshake as a login: Core reads only the ssl-client-cert header", async () => {
    const server = selfSigned("localhost", "127.0.0.1");
    const client = selfSigned("pulumi-bot");
    const e = await startCzertainlyEmulator({ tls: { key: server.key, cert: server.cert, ca: client.cert, requestCert: true }, trustedClientCertificates: [client.cert] });
    const agent = new Agent({ connect: { ca: server.cert, cert: client.cert, key: client.key } });
    try {
      expect(e.url.startsWith("https://")).toBe(true);
      const res = await undiciFetch(`${e.url}/v1/scepProfiles`, { dispatcher: agent });
      expect(res.status).toBe(401);
      // The same certificate in the header an ingress sets is a login.
      const viaHeader = await undiciFetch(`${e.url}/v1/scepProfiles`, { dispatcher: agent, headers: { "ssl-client-cert": encodeURIComponent(client.cert) } });
      expect(viaHeader.status).toBe(200);
      expect(await viaHeader.json()).toEqual([]);
    } finally {
      await agent.close();
      await e.stop();
    }
  });
});

describe("create", () => {
  it("answers 201 with Location and the detail, created disabled, without caCertificate (lazy relation)", async () => {
    const res = await http("POST", P(), { token: c.token, body: profileBody({ name: "edge-devices", renewalThreshold: 30 }) });
    expect(res.status).toBe(201);
    const b = res.body as Record<string, any>;
    expect(res.headers.get("location")).toBe(`${c.url}/v1/scepProfiles/${b.uuid}`);
    expect(b).toMatchObject({ name: "edge-devices", enabled: false, includeCaCertificate: false, includeCaCertificateChain: false, renewThreshold: 30, enableIntune: false });
    expect(b.caCertificate).toBeUndefined();
    expect(b.renewalThreshold).toBeUndefined();
    expect(b.scepUrl).toBeUndefined();
    const got = await http("GET", `${P()}/${b.uuid}`, { token: c.token });
    expect((got.body as any).caCertificate).toMatchObject({ uuid: SEED.rsaCaUuid, commonName: "Demo SCEP RSA CA", keySize: 2048, publicKeyAlgorithm: "RSA" });
  });

  it("omits null fields and never returns secrets", async () => {
    const b = await create({
      challengePassword: "s3cret-challenge",
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "app-1",
      intuneApplicationKey: "intune-key-123",
    });
    const got = await http("GET", `${P()}/${b.uuid}`, { token: c.token });
    expect(got.text).not.toContain("s3cret-challenge");
    expect(got.text).not.toContain("intune-key-123");
    expect(got.body).not.toHaveProperty("description");
    expect(got.body).not.toHaveProperty("renewThreshold");
    expect(got.body).toMatchObject({ enableIntune: true, intuneTenant: "contoso.onmicrosoft.com", intuneApplicationId: "app-1" });
  });

  it("builds scepUrl from the profile name when a default RA profile is set", async () => {
    const b = await create({
      name: "with-ra",
      raProfileUuid: SEED.raProfileUuid,
      issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-endentity" }] }],
    });
    expect(b.scepUrl).toBe(`${c.url}/v1/protocols/scep/with-ra/pkiclient.exe`);
    expect(b.raProfile).toEqual({ uuid: SEED.raProfileUuid, name: SEED.raProfileName, enabled: true, authorityInstanceUuid: SEED.authorityUuid });
    expect(b.issueCertificateAttributes).toEqual([
      { content: [{ data: "scep-endentity" }], uuid: SEED.issueAttribute.uuid, name: "endEntityProfile", label: "End Entity Profile", type: "data", contentType: "string", version: "v2" },
    ]);
  });

  it("rejects empty names and names with characters outside the unreserved URI set (422 array)", async () => {
    const emptyName = await http("POST", P(), { token: c.token, body: profileBody({ name: "" }) });
    expect(emptyName.status).toBe(422);
    expect(emptyName.body).toEqual(["Name cannot be empty"]);
    for (const name of ["SCEP CZERTAINLY Profile", "a/b", "ä", "x?y"]) {
      const res = await http("POST", P(), { token: c.token, body: profileBody({ name }) });
      expect(res.status, name).toBe(422);
      expect(res.body).toEqual(["Name can contain only unreserved URI characters (alphanumeric, hyphen, period, underscore, and tilde)"]);
    }
    expect((await http("POST", P(), { token: c.token, body: profileBody({ name: "A-z_0.9~" }) })).status).toBe(201);
  });

  it("answers 409 for a duplicate name, case as stored", async () => {
    await create({ name: "dup" });
    const res = await http("POST", P(), { token: c.token, body: profileBody({ name: "dup" }) });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: "SCEP Profile with same name already exists" });
    expect((await http("POST", P(), { token: c.token, body: profileBody({ name: "DUP" }) })).status).toBe(201);
  });

  it("fails a name longer than the 255-character column in the database (500)", async () => {
    const res = await http("POST", P(), { token: c.token, body: profileBody({ name: "n".repeat(256) }) });
    expect(res.status).toBe(500);
    expect(c.state.profiles.size).toBe(0);
  });

  it("checks the CA certificate: empty 422, unknown 404, ineligible 422", async () => {
    expect((await http("POST", P(), { token: c.token, body: profileBody({ caCertificateUuid: "" }) })).body).toEqual(["CA Certificate cannot be empty"]);
    const unknown = "00000000-0000-4000-8000-000000000000";
    const nf = await http("POST", P(), { token: c.token, body: profileBody({ caCertificateUuid: unknown }) });
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ message: `Object of type 'Certificate' identified by ${unknown} is not found.` });
    for (const uuid of [SEED.expiredCaUuid, SEED.noKeyCaUuid, SEED.archivedCaUuid]) {
      const res = await http("POST", P(), { token: c.token, body: profileBody({ caCertificateUuid: uuid }) });
      expect(res.status, uuid).toBe(422);
      expect(res.body).toEqual(["CA Certificate is not acceptable as SCEP CA certificate for this profile"]);
    }
    expect((await http("POST", P(), { token: c.token, body: profileBody({ caCertificateUuid: SEED.expiringCaUuid }) })).status).toBe(201);
  });

  it("requires an RSA CA and tenant, application id and key when Intune is on", async () => {
    const intune = { enableIntune: true, intuneTenant: "t", intuneApplicationId: "a", intuneApplicationKey: "k" };
    const ec = await http("POST", P(), { token: c.token, body: profileBody({ ...intune, caCertificateUuid: SEED.ecdsaCaUuid }) });
    expect(ec.status).toBe(422);
    expect((await http("POST", P(), { token: c.token, body: profileBody({ caCertificateUuid: SEED.ecdsaCaUuid }) })).status).toBe(201);
    for (const missing of ["intuneTenant", "intuneApplicationId", "intuneApplicationKey"]) {
      const res = await http("POST", P(), { token: c.token, body: profileBody({ ...intune, [missing]: undefined }) });
      expect(res.status, missing).toBe(422);
      expect(res.body).toEqual(["Invalid Intune configuration. Missing Intune tenant and/or intune app identification"]);
    }
  });

  it("resolves custom attributes by name (404 unknown, 400 wrong content type) and masks secret content", async () => {
    const unknown = await http("POST", P(), {
      token: c.token,
      body: profileBody({ customAttributes: [{ uuid: SEED.profileCustomAttribute.uuid, name: "nope", contentType: "string", content: [{ data: "x" }] }] }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: "Object of type 'AttributeDefinition' identified by nope is not found." });
    const wrong = await http("POST", P(), {
      token: c.token,
      body: profileBody({ customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: 42 }] }] }),
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body as { message: string }).message).toContain("environment");
    const ok = await create({ customAttributes: [{ uuid: "ignored", name: "environment", contentType: "string", version: "v2", content: [{ data: "prod" }] }] });
    expect(ok.customAttributes).toEqual([
      { content: [{ data: "prod" }], uuid: SEED.profileCustomAttribute.uuid, name: "environment", label: "Environment", type: "custom", contentType: "string", version: "v2" },
    ]);
  });

  it("validates issue attributes against the RA profile's connector (422 array) and 404s an unknown RA profile", async () => {
    const bad = await http("POST", P(), {
      token: c.token,
      body: profileBody({ raProfileUuid: SEED.raProfileUuid, issueCertificateAttributes: [{ uuid: SEED.issueAttribute.uuid, name: "other", contentType: "string", content: [{ data: "x" }] }] }),
    });
    expect(bad.status).toBe(422);
    expect(Array.isArray(bad.body)).toBe(true);
    const unknownRa = "11111111-2222-4333-8444-555555555555";
    const nf = await http("POST", P(), { token: c.token, body: profileBody({ raProfileUuid: unknownRa }) });
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ message: `Object of type 'RaProfile' identified by ${unknownRa} is not found.` });
  });

  it("answers 400 {message} for unreadable bodies and wrong JSON types; ignores unknown properties", async () => {
    expect((await http("POST", P(), { token: c.token, raw: "{nope", headers: { "content-type": "application/json" } })).body).toEqual({ message: "Unable to read HTTP message" });
    expect((await http("POST", P(), { token: c.token, body: profileBody({ includeCaCertificate: { a: 1 } }) })).status).toBe(400);
    expect((await http("POST", P(), { token: c.token, body: profileBody({ renewalThreshold: 1.5 }) })).status).toBe(400);
    expect((await http("POST", P(), { token: c.token, body: profileBody({ customAttributes: [{ name: "environment", version: "v9", content: [] }] }) })).status).toBe(400);
    expect((await http("POST", P(), { token: c.token, body: profileBody({ somethingNew: true }) })).status).toBe(201);
  });
});

describe("read", () => {
  it("answers 404 {message} for an unknown uuid and 400 for a malformed one", async () => {
    const id = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
    expect(await http("GET", `${P()}/${id}`, { token: c.token })).toMatchObject({ status: 404, body: { message: `Object of type 'ScepProfile' identified by ${id} is not found.` } });
    expect(await http("GET", `${P()}/not-a-uuid`, { token: c.token })).toMatchObject({ status: 400, body: { message: "Invalid UUID string: not-a-uuid" } });
  });

  it("lists summaries without the detail-only fields", async () => {
    await create({ name: "one", challengePassword: "pw-one-secret" });
    const res = await http("GET", P(), { token: c.token });
    const list = res.body as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: "one", enabled: false });
    expect(list[0]).not.toHaveProperty("caCertificate");
    expect(res.text).not.toContain("pw-one-secret");
  });
});

describe("update (PUT, full replace)", () => {
  it("answers with the previous CA certificate; only a GET shows the new one", async () => {
    const b = await create();
    const put = await http("PUT", `${P()}/${b.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.expiringCaUuid, issueCertificateAttributes: [] } });
    expect(put.status).toBe(200);
    expect((put.body as any).caCertificate.uuid).toBe(SEED.rsaCaUuid);
    const got = await http("GET", `${P()}/${b.uuid}`, { token: c.token });
    expect((got.body as any).caCertificate.uuid).toBe(SEED.expiringCaUuid);
  });

  it("clears omitted fields but keeps renewalThreshold when null (0 means half-life)", async () => {
    const b = await create({
      description: "d",
      raProfileUuid: SEED.raProfileUuid,
      includeCaCertificate: true,
      includeCaCertificateChain: true,
      renewalThreshold: 14,
      enableIntune: true,
      intuneTenant: "t",
      intuneApplicationId: "a",
      intuneApplicationKey: "k",
      customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: "prod" }] }],
      certificateAssociations: { ownerUuid: "2f67a69d-7a41-4726-a25d-6a964681865a" },
    });
    expect(b.certificateAssociations).toEqual({ ownerUuid: "2f67a69d-7a41-4726-a25d-6a964681865a", customAttributes: [] });
    const put = await http("PUT", `${P()}/${b.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [], name: "ignored" } });
    expect(put.status).toBe(200);
    const got = (await http("GET", `${P()}/${b.uuid}`, { token: c.token })).body as Record<string, unknown>;
    expect(got).toMatchObject({ name: b.name, includeCaCertificate: false, includeCaCertificateChain: false, enableIntune: false, renewThreshold: 14, customAttributes: [] });
    for (const k of ["description", "raProfile", "scepUrl", "intuneTenant", "intuneApplicationId", "certificateAssociations", "issueCertificateAttributes"]) {
      expect(got, k).not.toHaveProperty(k);
    }
    await http("PUT", `${P()}/${b.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [], renewalThreshold: 0 } });
    expect(c.state.profiles.get(b.uuid)!.renewalThreshold).toBe(0);
  });

  it("requires the Intune key again on every PUT while Intune stays on", async () => {
    const intune = { enableIntune: true, intuneTenant: "t", intuneApplicationId: "a", intuneApplicationKey: "k" };
    const b = await create(intune);
    const res = await http("PUT", `${P()}/${b.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [], ...intune, intuneApplicationKey: undefined } });
    expect(res.status).toBe(422);
  });

  it("writes the challenge password only when the profile already had one", async () => {
    const withPw = await create({ challengePassword: "first-password" });
    await http("PUT", `${P()}/${withPw.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [], challengePassword: "second-password" } });
    expect(c.state.profiles.get(withPw.uuid)!.challengePassword).toBe("second-password");
    await http("PUT", `${P()}/${withPw.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [] } });
    expect(c.state.profiles.get(withPw.uuid)!.challengePassword).toBeUndefined();
    // Now it has none: a password sent on PUT is ignored.
    await http("PUT", `${P()}/${withPw.uuid}`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [], challengePassword: "third-password" } });
    expect(c.state.profiles.get(withPw.uuid)!.challengePassword).toBeUndefined();
  });

  it("404s an unknown profile", async () => {
    const res = await http("PUT", `${P()}/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6`, { token: c.token, body: { caCertificateUuid: SEED.rsaCaUuid } });
    expect(res.status).toBe(404);
  });
});

describe("enable and disable", () => {
  it("flips enabled with 204, 404 for an unknown uuid; bulk skips unknown uuids", async () => {
    const a = await create();
    const b = await create();
    expect((await http("PATCH", `${P()}/${a.uuid}/enable`, { token: c.token })).status).toBe(204);
    expect(c.state.profiles.get(a.uuid)!.enabled).toBe(true);
    expect((await http("PATCH", `${P()}/${a.uuid}/disable`, { token: c.token })).status).toBe(204);
    expect(c.state.profiles.get(a.uuid)!.enabled).toBe(false);
    expect((await http("PATCH", `${P()}/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6/enable`, { token: c.token })).status).toBe(404);
    const bulk = await http("PATCH", `${P()}/enable`, { token: c.token, body: [a.uuid, b.uuid, "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"] });
    expect(bulk.status).toBe(204);
    expect([...c.state.profiles.values()].every((p) => p.enabled)).toBe(true);
    await http("PATCH", `${P()}/disable`, { token: c.token, body: [a.uuid] });
    expect(c.state.profiles.get(a.uuid)!.enabled).toBe(false);
  });

  it("switches the default RA profile", async () => {
    const a = await create();
    expect((await http("PATCH", `${P()}/${a.uuid}/raProfiles/${SEED.raProfile2Uuid}`, { token: c.token })).status).toBe(204);
    const got = (await http("GET", `${P()}/${a.uuid}`, { token: c.token })).body as any;
    expect(got.raProfile.name).toBe(SEED.raProfile2Name);
    expect(got.scepUrl).toContain(`/v1/protocols/scep/${a.name}/pkiclient.exe`);
  });
});

describe("RA-profile activation and delete", () => {
  const ra = (r: string = SEED.raProfileUuid, a: string = SEED.authorityUuid) => `${c.url}/v1/authorities/${a}/raProfiles/${r}/protocols/scep`;

  it("activates SCEP on an RA profile, reports it, and blocks delete with a 422 naming the RA profiles", async () => {
    const p = await create({ name: "shared" });
    const act = await http("PATCH", `${ra()}/activate/${p.uuid}`, { token: c.token, body: { issueCertificateAttributes: [] } });
    expect(act.status).toBe(200);
    expect(act.body).toEqual({ uuid: p.uuid, name: "shared", scepAvailable: true, url: `${c.url}/v1/protocols/scep/raProfile/${SEED.raProfileName}/pkiclient.exe`, issueCertificateAttributes: [] });
    await http("PATCH", `${ra(SEED.raProfile2Uuid)}/activate/${p.uuid}`, { token: c.token, body: { issueCertificateAttributes: [] } });
    expect(((await http("GET", ra(), { token: c.token })).body as any).scepAvailable).toBe(true);
    expect(((await http("GET", `${c.url}/v1/raProfiles/${SEED.raProfileUuid}`, { token: c.token })).body as any).enabledProtocols).toEqual(["SCEP"]);

    const del = await http("DELETE", `${P()}/${p.uuid}`, { token: c.token });
    expect(del.status).toBe(422);
    expect(del.body).toEqual([`Dependent SCEP Profiles (2): ${SEED.raProfileName}, ${SEED.raProfile2Name}`]);
    const bulk = await http("DELETE", `${P()}/delete`, { token: c.token, body: [p.uuid] });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual([{ uuid: p.uuid, name: "shared", message: `Dependent SCEP Profiles (2): ${SEED.raProfileName}, ${SEED.raProfile2Name}` }]);

    expect((await http("PATCH", `${ra(SEED.raProfile2Uuid)}/deactivate`, { token: c.token })).status).toBe(204);
    const force = await http("DELETE", `${P()}/delete/force`, { token: c.token, body: [p.uuid] });
    expect(force).toMatchObject({ status: 200, body: [] });
    expect(c.state.profiles.has(p.uuid)).toBe(false);
    expect((await http("GET", ra(), { token: c.token })).body).toEqual({ scepAvailable: false });
  });

  it("refuses activation on an RA profile whose authority has no connector, and without a JSON content type", async () => {
    const p = await create();
    const legacy = await http("PATCH", `${ra(SEED.legacyRaProfileUuid, SEED.legacyAuthorityUuid)}/activate/${p.uuid}`, { token: c.token, body: { issueCertificateAttributes: [] } });
    expect(legacy.status).toBe(422);
    expect(Array.isArray(legacy.body)).toBe(true);
    const noJson = await http("PATCH", `${ra()}/activate/${p.uuid}`, { token: c.token, raw: "{}", headers: { "content-type": "text/plain" } });
    expect(noJson.status).toBe(415);
    expect((await http("PATCH", `${ra(SEED.raProfileUuid, SEED.legacyAuthorityUuid)}/activate/${p.uuid}`, { token: c.token, body: {} })).status).toBe(404);
  });

  it("deletes with 204, then 404; bulk delete reports unknown uuids with an empty name", async () => {
    const p = await create();
    expect((await http("DELETE", `${P()}/${p.uuid}`, { token: c.token })).status).toBe(204);
    expect((await http("DELETE", `${P()}/${p.uuid}`, { token: c.token })).status).toBe(404);
    const bulk = await http("DELETE", `${P()}/delete`, { token: c.token, body: [p.uuid] });
    expect(bulk.body).toEqual([{ uuid: p.uuid, name: "", message: `Object of type 'ScepProfile' identified by ${p.uuid} is not found.` }]);
  });
});

describe("the SCEP protocol endpoint", () => {
  it("answers GetCACaps without credentials only for an enabled profile with an RA profile", async () => {
    const p = await create({ name: "proto", raProfileUuid: SEED.raProfileUuid });
    const url = `${c.url}/v1/protocols/scep/proto/pkiclient.exe?operation=GetCACaps`;
    expect((await http("GET", url)).status).toBe(400);
    await http("PATCH", `${P()}/${p.uuid}/enable`, { token: c.token });
    const caps = await http("GET", url);
    expect(caps.status).toBe(200);
    expect(caps.text).toContain("SCEPStandard");
    c.state.raProfiles.get(SEED.raProfileUuid)!.enabled = false;
    try {
      expect((await http("GET", url)).status).toBe(400);
    } finally {
      c.state.raProfiles.get(SEED.raProfileUuid)!.enabled = true;
    }
    const viaRa = `${c.url}/v1/protocols/scep/raProfile/${SEED.raProfile2Name}/pkiclient.exe?operation=GetCACaps`;
    expect((await http("GET", viaRa)).status).toBe(400);
    await http("PATCH", `${c.url}/v1/authorities/${SEED.authorityUuid}/raProfiles/${SEED.raProfile2Uuid}/protocols/scep/activate/${p.uuid}`, { token: c.token, body: { issueCertificateAttributes: [] } });
    expect((await http("GET", viaRa)).status).toBe(200);
    expect((await http("GET", `${c.url}/v1/protocols/scep/nope/pkiclient.exe?operation=GetCACaps`)).status).toBe(404);
  });
});

describe("eligible CA certificates", () => {
  it("requires intuneEnabled and lists RSA only when Intune is on", async () => {
    const missing = await http("GET", `${P()}/caCertificates`, { token: c.token });
    expect(missing.status).toBe(400);
    expect((missing.body as { message: string }).message).toContain("intuneEnabled");
    expect((await http("GET", `${P()}/caCertificates?intuneEnabled=maybe`, { token: c.token })).status).toBe(400);
    const all = (await http("GET", `${P()}/caCertificates?intuneEnabled=false`, { token: c.token })).body as Array<{ uuid: string }>;
    expect(all.map((x) => x.uuid).sort()).toEqual([SEED.rsaCaUuid, SEED.ecdsaCaUuid, SEED.expiringCaUuid].sort());
    const intune = (await http("GET", `${P()}/caCertificates?intuneEnabled=true`, { token: c.token })).body as Array<{ uuid: string }>;
    expect(intune.map((x) => x.uuid).sort()).toEqual([SEED.rsaCaUuid, SEED.expiringCaUuid].sort());
  });
});

describe("routing", () => {
  it("answers 405 for a known path with another method and 404 outside the API", async () => {
    expect((await http("PUT", P(), { token: c.token, body: {} })).status).toBe(405);
    expect((await http("GET", `${c.url}/v2/scepProfiles`, { token: c.token })).status).toBe(404);
    expect((await http("GET", `${P()}/enable`, { token: c.token })).status).toBe(400);
  });
});
