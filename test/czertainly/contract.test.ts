/**
 * The provider's hooks against the CZERTAINLY emulator, in process: what Core received and what
 * the hooks return, for each lifecycle call, each quirk and each documented failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, ConfigError, PartialCreateError } from "../../src/core/errors";
import { hooks } from "../../src/czertainly/provider";
import { SEED, startCzertainlyEmulator, type CzertainlyEmulator } from "../../src/czertainly/emulator";
import { selfSigned } from "./helpers";

// Real servers, real processes: generous under a parallel run on a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

let c: CzertainlyEmulator;
let connection: Record<string, unknown>;
const ENV = ["TRUSTPLANE_MAX_RETRIES", "TRUSTPLANE_MIN_BACKOFF_MS", "TRUSTPLANE_MAX_BACKOFF_MS", "CZERTAINLY_URL", "CZERTAINLY_TOKEN"];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const k of ENV) saved[k] = process.env[k];
  process.env.TRUSTPLANE_MAX_RETRIES = "2";
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_MAX_BACKOFF_MS = "20";
  c = await startCzertainlyEmulator();
  connection = { url: c.url, token: c.token };
});
afterAll(async () => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
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

type Props = Record<string, any>;

async function checked(extra: Record<string, unknown> = {}): Promise<Props> {
  const r = await hooks.check({}, { name: "edge-devices", caCertificateUuid: SEED.rsaCaUuid, connection, ...extra });
  expect(r.failures).toEqual([]);
  return r.inputs as Props;
}

const since = (n: number) => c.emu.requests.slice(n).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{uuid}")}`);

const full = {
  description: "devices at the edge",
  raProfileUuid: SEED.raProfileUuid,
  issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-ee" }] }],
  customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: "prod" }] }],
  renewalThreshold: 14,
  includeCaCertificate: true,
  challengePassword: "challenge-one",
  enableIntune: true,
  intuneTenant: "contoso.onmicrosoft.com",
  intuneApplicationId: "app-1",
  intuneApplicationKey: "intune-key-1",
  certificateAssociations: { ownerUuid: "2f67a69d-7a41-4726-a25d-6a964681865a", groupUuids: ["497f6eca-6276-4993-bfeb-53cbbbba6f08"] },
};

describe("create", () => {
  it("POSTs the profile, enables it (Core creates it disabled) and keeps the state from a GET", async () => {
    const inputs = await checked(full);
    const n = c.emu.requests.length;
    const { id, outs } = await hooks.create(inputs);
    expect(since(n)).toEqual(["POST /api/v1/scepProfiles", "PATCH /api/v1/scepProfiles/{uuid}/enable", "GET /api/v1/scepProfiles/{uuid}"]);
    expect(c.emu.requests[n].body).toEqual({
      name: "edge-devices",
      description: "devices at the edge",
      raProfileUuid: SEED.raProfileUuid,
      issueCertificateAttributes: [{ ...SEED.issueAttribute, version: "v2", content: [{ data: "scep-ee" }] }],
      caCertificateUuid: SEED.rsaCaUuid,
      customAttributes: [{ ...SEED.profileCustomAttribute, version: "v2", content: [{ data: "prod" }] }],
      renewalThreshold: 14,
      includeCaCertificate: true,
      includeCaCertificateChain: false,
      challengePassword: "challenge-one",
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "app-1",
      intuneApplicationKey: "intune-key-1",
      certificateAssociations: full.certificateAssociations,
    });
    const p = c.state.profiles.get(id)!;
    expect(p).toMatchObject({ enabled: true, challengePassword: "challenge-one", intuneApplicationKey: "intune-key-1" });
    expect(outs).toMatchObject({
      uuid: id,
      enabled: true,
      scepUrl: `${c.url}/v1/protocols/scep/edge-devices/pkiclient.exe`,
      raProfile: { uuid: SEED.raProfileUuid, name: SEED.raProfileName, enabled: true, authorityInstanceUuid: SEED.authorityUuid },
      caCertificate: { uuid: SEED.rsaCaUuid, commonName: "Demo SCEP RSA CA", keySize: 2048, publicKeyAlgorithm: "RSA", notAfter: "2035-01-01T00:00:00Z" },
      unverified: [],
    });
    expect(outs.caCertificate.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("leaves a profile declared disabled as Core creates it", async () => {
    const n = c.emu.requests.length;
    const { id, outs } = await hooks.create(await checked({ enabled: false }));
    expect(since(n)).toEqual(["POST /api/v1/scepProfiles", "GET /api/v1/scepProfiles/{uuid}"]);
    expect(outs.enabled).toBe(false);
    expect(c.state.profiles.get(id)!.enabled).toBe(false);
    expect(outs).not.toHaveProperty("scepUrl");
  });

  it("keeps a profile whose enable failed after the POST in the state (partial create), and the next update finishes it", async () => {
    c.emu.inject({ kind: "503", method: "PATCH", path: /enable$/, times: 10 });
    const inputs = await checked({ challengePassword: "challenge-partial" });
    const err = await hooks.create(inputs).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(PartialCreateError);
    const e = err as PartialCreateError;
    expect(c.state.profiles.has(e.id)).toBe(true);
    expect(e.message).toMatch(/SCEP profile 'edge-devices' was created but enabling it failed/);
    expect(e.message).not.toContain("challenge-partial");
    expect(e.properties).toMatchObject({ name: "edge-devices", uuid: e.id, enabled: false });
    c.emu.clearFaults();
    const d = await hooks.diff(e.id, e.properties, inputs);
    expect(d.changes).toBe(true);
    const n = c.emu.requests.length;
    const { outs } = await hooks.update(e.id, e.properties, inputs);
    expect(since(n)).toEqual(["PATCH /api/v1/scepProfiles/{uuid}/enable", "GET /api/v1/scepProfiles/{uuid}"]);
    expect(outs!.enabled).toBe(true);
    expect(c.state.profiles.size).toBe(1);
  });

  it("creates once when the answer to the POST is lost: it looks the name up instead of posting again", async () => {
    c.emu.inject({ kind: "reset-after", method: "POST", path: /scepProfiles$/ });
    const n = c.emu.requests.length;
    const { id } = await hooks.create(await checked());
    expect(c.state.profiles.size).toBe(1);
    expect(c.state.profiles.has(id)).toBe(true);
    expect(since(n).filter((r) => r.startsWith("POST"))).toHaveLength(1);
    expect(since(n)).toContain("GET /api/v1/scepProfiles");
  });

  it("explains a name conflict: names are unique across Core, with the existing uuid to import", async () => {
    const first = await hooks.create(await checked());
    const e = await hooks.create(await checked()).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(409);
    expect(e.message).toContain("HTTP 409: SCEP Profile with same name already exists");
    expect(e.message).toContain("adopt: true");
    expect(e.message).toContain(`adopt: "${first.id}"`);
    expect(e.message).not.toContain("import:");
  });

  it("renders Core's 422 array and 404 message readably", async () => {
    const e422 = await hooks.create(await checked({ caCertificateUuid: SEED.expiredCaUuid })).catch((x) => x);
    expect(e422.message).toMatch(/CZERTAINLY API POST .*\/api\/v1\/scepProfiles failed: HTTP 422 ValidationError: CA Certificate is not acceptable as SCEP CA certificate for this profile/);
    const unknown = "00000000-0000-4000-8000-000000000000";
    const e404 = await hooks.create(await checked({ raProfileUuid: unknown })).catch((x) => x);
    expect(e404.message).toContain(`HTTP 404: Object of type 'RaProfile' identified by ${unknown} is not found.`);
    expect(c.state.profiles.size).toBe(0);
  });

  it("lists every message of a 422 array, one per line", async () => {
    const bad = (name: string) => ({ uuid: SEED.issueAttribute.uuid, name, contentType: "string", content: [{ data: "x" }] });
    const e = await hooks.create(await checked({ raProfileUuid: SEED.raProfileUuid, issueCertificateAttributes: [bad("first"), bad("second")] })).catch((x) => x);
    expect(e.status).toBe(422);
    expect(e.message).toMatch(/HTTP 422 ValidationError: Attribute first .*\n  - Attribute second /);
  });
});

describe("read", () => {
  it("reads the live profile back as the inputs that produced it, so a refresh shows no drift", async () => {
    const inputs = await checked({
      ...full,
      // Core resolves custom attributes by name and answers with the definition's uuid.
      customAttributes: [{ uuid: "11111111-1111-4111-8111-111111111111", name: "environment", contentType: "string", content: [{ data: "prod" }] }],
    });
    const { id, outs } = await hooks.create(inputs);
    const read = await hooks.read(id, outs!);
    expect(read.id).toBe(id);
    expect(read.props!.customAttributes[0].uuid).toBe(SEED.profileCustomAttribute.uuid);
    expect(read.inputs).toMatchObject({ challengePassword: "challenge-one", intuneApplicationKey: "intune-key-1", renewalThreshold: 14 });
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("shows drift made outside Pulumi", async () => {
    const inputs = await checked({ description: "declared" });
    const { id, outs } = await hooks.create(inputs);
    const p = c.state.profiles.get(id)!;
    p.description = "changed by hand";
    p.enabled = false;
    const read = await hooks.read(id, outs!);
    expect(read.props).toMatchObject({ description: "changed by hand", enabled: false });
    const d = await hooks.diff(id, read.props!, inputs);
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  it("returns an empty id when the profile is gone", async () => {
    const { id, outs } = await hooks.create(await checked());
    c.state.profiles.delete(id);
    expect(await hooks.read(id, outs!)).toEqual({ id: "", props: {} });
  });

  it("imports by uuid with credentials from the environment; the unreadable secrets are taken as declared", async () => {
    const inputs = await checked({ ...full, connection: undefined });
    process.env.CZERTAINLY_URL = c.url;
    process.env.CZERTAINLY_TOKEN = c.token;
    try {
      const { id } = await hooks.create(inputs);
      const read = await hooks.read(id, {});
      expect(read.props!.unverified).toEqual(["challengePassword", "intuneApplicationKey", "connection", "forceDelete"]);
      expect(read.inputs).not.toHaveProperty("challengePassword");
      expect(read.inputs).not.toHaveProperty("intuneApplicationKey");
      const program = await hooks.check(read.inputs!, { ...full, name: "edge-devices", caCertificateUuid: SEED.rsaCaUuid, connection });
      expect((await hooks.diff(id, read.props!, program.inputs!)).changes).toBe(false);
    } finally {
      delete process.env.CZERTAINLY_URL;
      delete process.env.CZERTAINLY_TOKEN;
    }
  });

  it("after an import, a declared challenge password stays unverified until a PUT without one makes it known", async () => {
    process.env.CZERTAINLY_URL = c.url;
    process.env.CZERTAINLY_TOKEN = c.token;
    try {
      const { id } = await hooks.create(await checked({ connection: undefined }));
      const imported = (await hooks.read(id, {})).props!;
      const withPw = await checked({ challengePassword: "declared-pw", description: "x" });
      // Taken as declared: no replacement, though Core may ignore the password on this profile.
      expect(await hooks.diff(id, imported, withPw)).toMatchObject({ changes: true, replaces: [] });
      const { outs: a } = await hooks.update(id, imported, withPw);
      expect(a!.unverified).toEqual(["challengePassword"]);
      const { outs: b } = await hooks.update(id, a!, await checked({ description: "y" }));
      expect(b!.unverified).toEqual([]);
      expect(await hooks.diff(id, b!, await checked({ challengePassword: "declared-pw", description: "y" }))).toMatchObject({ replaces: ["challengePassword"], deleteBeforeReplace: true });
    } finally {
      delete process.env.CZERTAINLY_URL;
      delete process.env.CZERTAINLY_TOKEN;
    }
  });

  it("keeps declared secret attribute content, which Core answers without the secret", async () => {
    c.state.attributeDefinitions.push({ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ff", name: "apiSecret", label: "API secret", contentType: "secret", resources: ["scepProfiles"] });
    try {
      const inputs = await checked({ customAttributes: [{ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ff", name: "apiSecret", contentType: "secret", content: [{ data: { secret: "attr-secret-1" } }] }] });
      const { id, outs } = await hooks.create(inputs);
      const got = await fetch(`${c.url}/v1/scepProfiles/${id}`, { headers: { authorization: `Bearer ${c.token}` } }).then((r) => r.text());
      expect(got).not.toContain("attr-secret-1");
      const read = await hooks.read(id, outs!);
      expect(read.inputs!.customAttributes[0].content).toEqual([{ data: { secret: "attr-secret-1" } }]);
      expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
      const changed = await checked({ customAttributes: [{ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ff", name: "apiSecret", contentType: "secret", content: [{ data: { secret: "attr-secret-2" } }] }] });
      expect((await hooks.diff(id, read.props!, changed)).changes).toBe(true);
    } finally {
      c.state.attributeDefinitions.pop();
    }
  });
});

describe("diff", () => {
  it("replaces on rename, creating the new profile before deleting the old (no name collision)", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const d = await hooks.diff(id, outs!, await checked({ name: "edge-devices-v2" }));
    expect(d).toMatchObject({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("replaces, deleting first, to add a challenge password to a profile without one (Core ignores it on PUT)", async () => {
    const { id, outs } = await hooks.create(await checked());
    const d = await hooks.diff(id, outs!, await checked({ challengePassword: "new-password" }));
    expect(d).toMatchObject({ changes: true, replaces: ["challengePassword"], deleteBeforeReplace: true });
  });

  it("updates in place to change or remove an existing challenge password", async () => {
    const { id, outs } = await hooks.create(await checked({ challengePassword: "old-password" }));
    expect(await hooks.diff(id, outs!, await checked({ challengePassword: "other-password" }))).toMatchObject({ changes: true, replaces: [] });
    expect(await hooks.diff(id, outs!, await checked())).toMatchObject({ changes: true, replaces: [] });
  });

  it("ignores the order of attributes and groups, and 0 against an unset renewal threshold", async () => {
    const a = { uuid: SEED.profileCustomAttribute.uuid, name: "environment", contentType: "string", content: [{ data: "p" }] };
    const b = { uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8aa", name: "alpha", contentType: "string", content: [{ data: "q" }] };
    const g1 = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    const g2 = "597f6eca-6276-4993-bfeb-53cbbbba6f08";
    const olds = { ...(await checked({ customAttributes: [a, b], certificateAssociations: { groupUuids: [g1, g2] } })), uuid: "x", unverified: [] };
    const news = await checked({ customAttributes: [b, a], certificateAssociations: { groupUuids: [g2, g1] }, renewalThreshold: 0 });
    expect((await hooks.diff("x", olds, news)).changes).toBe(false);
  });
});

describe("update", () => {
  it("PUTs the complete desired object, secrets included, and sends an unset renewal threshold as 0", async () => {
    const inputs = await checked(full);
    const { id, outs } = await hooks.create(inputs);
    const { renewalThreshold, description, ...rest } = full;
    const news = await checked({ ...rest, includeCaCertificateChain: true });
    const n = c.emu.requests.length;
    const { outs: after } = await hooks.update(id, outs!, news);
    expect(since(n)).toEqual(["PUT /api/v1/scepProfiles/{uuid}", "GET /api/v1/scepProfiles/{uuid}"]);
    const put = c.emu.requests[n].body as Props;
    expect(put).not.toHaveProperty("name");
    expect(put).not.toHaveProperty("description");
    expect(put).toMatchObject({ renewalThreshold: 0, challengePassword: "challenge-one", intuneApplicationKey: "intune-key-1", includeCaCertificateChain: true });
    const p = c.state.profiles.get(id)!;
    expect(p).toMatchObject({ renewalThreshold: 0, description: undefined, intuneApplicationKey: "intune-key-1", challengePassword: "challenge-one", includeCaCertificateChain: true });
    expect(after).not.toHaveProperty("renewalThreshold");
    expect((await hooks.diff(id, (await hooks.read(id, after!)).props!, news)).changes).toBe(false);
  });

  it("takes the CA certificate from a GET, not from the PUT answer that still shows the previous one", async () => {
    const { id, outs } = await hooks.create(await checked());
    const { outs: after } = await hooks.update(id, outs!, await checked({ caCertificateUuid: SEED.expiringCaUuid }));
    expect(after!.caCertificate.uuid).toBe(SEED.expiringCaUuid);
    expect(after!.caCertificate.commonName).toBe("Demo Expiring RSA CA");
  });

  it("only enables or disables when only `enabled` changed", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const n = c.emu.requests.length;
    const { outs: off } = await hooks.update(id, outs!, await checked({ enabled: false }));
    expect(since(n)).toEqual(["PATCH /api/v1/scepProfiles/{uuid}/disable", "GET /api/v1/scepProfiles/{uuid}"]);
    expect(off!.enabled).toBe(false);
    expect(c.state.profiles.get(id)!.enabled).toBe(false);
  });

  it("writes nothing when only the connection or forceDelete changed", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const n = c.emu.requests.length;
    const { outs: after } = await hooks.update(id, outs!, await checked({ forceDelete: true, connection: { ...connection, caBundle: "/dev/null" } }));
    expect(c.emu.requests.length).toBe(n);
    expect(after).toMatchObject({ forceDelete: true, uuid: id, caCertificate: { uuid: SEED.rsaCaUuid } });
  });
});

describe("update of a profile deleted outside Pulumi", () => {
  it("says to refresh", async () => {
    const { id, outs } = await hooks.create(await checked());
    c.state.profiles.delete(id);
    const e = await hooks.update(id, outs!, await checked({ description: "x" })).catch((x) => x);
    expect(e.status).toBe(404);
    expect(e.message).toContain("was deleted outside Pulumi: run `pulumi refresh`");
  });
});

describe("delete", () => {
  const activate = (scep: string, ra: string = SEED.raProfileUuid) =>
    fetch(`${c.url}/v1/authorities/${SEED.authorityUuid}/raProfiles/${ra}/protocols/scep/activate/${scep}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
      body: JSON.stringify({ issueCertificateAttributes: [] }),
    });

  it("deletes, and treats an already deleted profile as done", async () => {
    const { id, outs } = await hooks.create(await checked());
    await hooks.delete(id, outs!);
    expect(c.state.profiles.has(id)).toBe(false);
    await hooks.delete(id, outs!);
  });

  it("names the RA profiles that still use the profile and points to forceDelete", async () => {
    const { id, outs } = await hooks.create(await checked());
    await activate(id);
    await activate(id, SEED.raProfile2Uuid);
    const e = await hooks.delete(id, outs!).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.message).toContain(`RA profiles '${SEED.raProfileName}', '${SEED.raProfile2Name}' have SCEP activated with SCEP profile 'edge-devices'`);
    expect(e.message).toContain("forceDelete: true");
    expect(c.state.profiles.has(id)).toBe(true);
  });

  it("with forceDelete, deactivates SCEP on those RA profiles and deletes", async () => {
    const { id, outs } = await hooks.create(await checked({ forceDelete: true }));
    await activate(id);
    const n = c.emu.requests.length;
    await hooks.delete(id, outs!);
    expect(since(n)).toEqual(["DELETE /api/v1/scepProfiles/delete/force"]);
    expect(c.emu.requests[n].body).toEqual([id]);
    expect(c.state.profiles.has(id)).toBe(false);
    expect(c.state.raProfiles.get(SEED.raProfileUuid)!.scepProfileUuid).toBeUndefined();
    await hooks.delete(id, outs!); // gone already: reported as not found, which is done
  });
});

describe("an unreliable network", () => {
  it("rides out 429 with Retry-After, 5xx bursts and dropped connections on every call of a lifecycle, without duplicates", async () => {
    const inputs = await checked(full);
    c.emu.inject({ kind: "503", method: "POST", path: /scepProfiles$/ });
    c.emu.inject({ kind: "429", method: "PATCH", retryAfterSeconds: 0 });
    c.emu.inject({ kind: "reset", method: "GET" });
    const { id, outs } = await hooks.create(inputs);
    expect(c.state.profiles.size).toBe(1);
    c.emu.inject({ kind: "502", method: "PUT" });
    c.emu.inject({ kind: "504", method: "GET" });
    const { outs: after } = await hooks.update(id, outs!, await checked({ ...full, description: "again" }));
    expect(after!.description).toBe("again");
    c.emu.inject({ kind: "503", method: "DELETE", times: 2 });
    await hooks.delete(id, after!);
    expect(c.state.profiles.size).toBe(0);
  });

  it("completes whole lifecycles under seeded random faults on every call, with exactly one profile at a time", async () => {
    const before = process.env.TRUSTPLANE_MAX_RETRIES;
    process.env.TRUSTPLANE_MAX_RETRIES = "6";
    try {
      for (const seed of [7, 21, 1234]) {
        c.emu.chaos({ rate: 0.3, seed, kinds: ["429", "502", "503", "504", "reset", "reset-after", "malformed"] });
        const inputs = await checked({ ...full, name: `chaos-${seed}` });
        const { id, outs } = await hooks.create(inputs);
        expect(c.state.profiles.size).toBe(1);
        expect(c.state.profiles.get(id)!.enabled).toBe(true);
        const { outs: a } = await hooks.update(id, outs!, await checked({ ...full, name: `chaos-${seed}`, description: "chaos", enabled: false }));
        expect(c.state.profiles.get(id)).toMatchObject({ description: "chaos", enabled: false });
        const read = await hooks.read(id, a!);
        expect(read.id).toBe(id);
        await hooks.delete(id, a!);
        expect(c.state.profiles.size).toBe(0);
        c.emu.chaos(undefined);
      }
      expect(c.emu.requests.filter((r) => r.fault).length).toBeGreaterThan(5);
    } finally {
      c.emu.chaos(undefined);
      process.env.TRUSTPLANE_MAX_RETRIES = before;
    }
  });

  it("reports a token that expires mid-run as a 401 with what to do (a static token cannot be refreshed)", async () => {
    const { id, outs } = await hooks.create(await checked());
    c.emu.inject({ kind: "token-expired" });
    const e = await hooks.read(id, outs!).catch((x) => x);
    expect(e.status).toBe(401);
    expect(e.message).toContain("CZERTAINLY_TOKEN");
  });
});

describe("credentials", () => {
  it("says what to set when the URL or credentials are missing", async () => {
    const e1 = await hooks.create(await checked({ connection: { token: "t" } })).catch((x) => x);
    expect(e1).toBeInstanceOf(ConfigError);
    expect(e1.message).toMatch(/url is not set.*CZERTAINLY_URL/);
    const e2 = await hooks.create(await checked({ connection: { url: c.url } })).catch((x) => x);
    expect(e2.message).toMatch(/credentials are not set.*CZERTAINLY_TOKEN.*CZERTAINLY_CLIENT_CERT/);
    const e3 = await hooks.create(await checked({ connection: { url: c.url, clientCert: "-----BEGIN CERTIFICATE-----x" } })).catch((x) => x);
    expect(e3.message).toMatch(/without its key.*clientCertHeader/);
  });

  it("explains a 401: an expired or foreign token, without echoing it", async () => {
    const expired = c.issueToken({ lifetimeSeconds: -5 });
    const e = await hooks.create(await checked({ connection: { url: c.url, token: expired } })).catch((x) => x);
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/HTTP 401: Unauthorized \(no body\)/);
    expect(e.message).toMatch(/unexpired JWT whose issuer \(iss\)/);
    expect(e.message).not.toContain(expired);
  });

  it("explains a 403 with Core's ACCESS_DENIED code", async () => {
    const e2 = await startCzertainlyEmulator({ permissions: { auditor: ["scepProfiles:list", "scepProfiles:detail"] } });
    try {
      const err = await hooks.create(await checked({ connection: { url: e2.url, token: e2.issueToken({ subject: "auditor" }) } })).catch((x) => x);
      expect(err.message).toContain("HTTP 403 ACCESS_DENIED: Access Denied. Required 'create' permission for 'SCEP Profile'");
      expect(err.message).toContain("grant it in Core's roles");
    } finally {
      await e2.stop();
    }
  });

  it("authenticates with a client certificate in the ssl-client-cert header (behind an ingress)", async () => {
    const bot = selfSigned("pulumi-bot");
    const e2 = await startCzertainlyEmulator({ trustedClientCertificates: [bot.cert] });
    try {
      const { id } = await hooks.create(await checked({ connection: { url: e2.url, clientCert: bot.cert, clientCertHeader: "ssl-client-cert" } }));
      expect(e2.state.profiles.has(id)).toBe(true);
      expect(e2.emu.requests[0].headers["ssl-client-cert"]).toBe(encodeURIComponent(bot.cert.trim()));
      expect(e2.emu.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await e2.stop();
    }
  });

  it("a client certificate in the TLS handshake straight to Core is not a login: the 401 says to go through the ingress's ssl-client-cert header", async () => {
    const server = selfSigned("localhost", "127.0.0.1");
    const bot = selfSigned("pulumi-bot");
    const e2 = await startCzertainlyEmulator({ tls: { key: server.key, cert: server.cert, ca: bot.cert, requestCert: true }, trustedClientCertificates: [bot.cert] });
    try {
      const err = await hooks.create(await checked({ connection: { url: e2.url, clientCert: bot.cert, clientKey: bot.key, caBundle: server.cert } })).catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(401);
      expect(err.message).toMatch(/ssl-client-cert header, which Core's ingress sets after verifying the TLS client certificate/);
      expect(err.message).toMatch(/straight to Core's own port \(mTLS without that ingress\) is not a login/);
      expect(err.message).toMatch(/connection\.clientCertHeader/);
      expect(e2.state.profiles.size).toBe(0);
    } finally {
      await e2.stop();
    }
  });

  it("fetches tokens from Core's OAuth2 provider by client credentials, once for many calls, and refreshes them before they expire", async () => {
    const e2 = await startCzertainlyEmulator({ tokenLifetimeSeconds: 2 });
    const { tokenCache } = await import("../../src/core/auth");
    tokenCache.clear();
    try {
      const conn = { url: e2.url, tokenUrl: e2.tokenUrl, clientId: e2.clientId, clientSecret: e2.clientSecret, audience: "czertainly-core" };
      const inputs = await checked({ connection: conn });
      const { id, outs } = await hooks.create(inputs);
      await hooks.read(id, outs);
      expect(e2.tokensIssued()).toBe(1);
      // A long `up`: past the lifetime of the first token, the provider is still logged in.
      await new Promise((r) => setTimeout(r, 2100));
      const u = await hooks.update(id, outs, await checked({ connection: conn, description: "later" }));
      expect(u.outs).toMatchObject({ description: "later" });
      await hooks.delete(id, u.outs!);
      expect(e2.tokensIssued()).toBe(2);
      const api = e2.emu.requests.filter((r) => r.path.startsWith("/api/"));
      expect(api.filter((r) => r.status === 401)).toEqual([]);
      const tokenCalls = e2.emu.requests.filter((r) => !r.path.startsWith("/api/"));
      expect(tokenCalls.map((r) => r.status)).toEqual([200, 200]);
      expect(String(tokenCalls[0].body)).toMatch(/grant_type=client_credentials&audience=czertainly-core/);
      // The secret stays in `connection` (a secret output) only.
      const { connection: _c, ...rest } = u.outs!;
      expect(JSON.stringify(rest)).not.toContain(e2.clientSecret);
    } finally {
      await e2.stop();
    }
  });

  it("a static token that expires part-way fails with a 401 that points to the OAuth2 client", async () => {
    const short = c.issueToken({ lifetimeSeconds: 1 });
    const inputs = await checked({ connection: { url: c.url, token: short } });
    const { id, outs } = await hooks.create(inputs);
    await new Promise((r) => setTimeout(r, 1100));
    const err = await hooks.read(id, outs).catch((e) => e);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/OAuth2 client credentials \(connection\.tokenUrl \+ clientId \+ clientSecret/);
  });

  it("says which OAuth2 setting is missing, and refuses a static token beside an OAuth2 client", async () => {
    const missing = await hooks.create(await checked({ connection: { url: c.url, tokenUrl: "https://idp.example.com/token", clientId: "x" } })).catch((e) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toMatch(/OAuth2 client clientSecret is not set.*CZERTAINLY_CLIENT_SECRET/);
    const both = await hooks.create(await checked({ connection: { url: c.url, token: c.token, tokenUrl: "https://idp.example.com/token", clientId: "x", clientSecret: "y" } })).catch((e) => e);
    expect(both.message).toMatch(/both a static token and an OAuth2 client/);
  });

  it("gives scepUrl the public base when one is set; otherwise Core builds it from the URL the request used", async () => {
    const internal = await hooks.create(await checked({ raProfileUuid: SEED.raProfileUuid, connection: { url: c.url, token: c.token } }));
    expect(internal.outs.scepUrl).toBe(`${c.url}/v1/protocols/scep/edge-devices/pkiclient.exe`);
    await hooks.delete(internal.id, internal.outs);
    const conn = { url: c.url, token: c.token, publicUrl: "https://pki.example.com/api/" };
    const inputs = await checked({ raProfileUuid: SEED.raProfileUuid, connection: conn });
    const { id, outs } = await hooks.create(inputs);
    expect(outs.scepUrl).toBe("https://pki.example.com/api/v1/protocols/scep/edge-devices/pkiclient.exe");
    const read = await hooks.read(id, outs);
    expect(read.props!.scepUrl).toBe("https://pki.example.com/api/v1/protocols/scep/edge-devices/pkiclient.exe");
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });
});

describe("adopt", () => {
  /** A profile made by hand in Core: another description, a password that is not the program's. */
  async function byHand(extra: Record<string, unknown> = {}) {
    return hooks.create(await checked({ ...full, description: "made by hand", challengePassword: "hand-typed", intuneApplicationKey: "old-key", enabled: false, ...extra }));
  }

  it("adopt: true takes over the profile of that name: no POST, one PUT with every declared secret, the state a create leaves", async () => {
    const before = await byHand();
    const inputs = await checked({ ...full, adopt: true });
    const n = c.emu.requests.length;
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe(before.id);
    expect(since(n)).toEqual([
      "GET /api/v1/scepProfiles",
      "GET /api/v1/scepProfiles/{uuid}",
      "PUT /api/v1/scepProfiles/{uuid}",
      "PATCH /api/v1/scepProfiles/{uuid}/enable",
      "GET /api/v1/scepProfiles/{uuid}",
    ]);
    const put = c.emu.requests.slice(n).find((r) => r.method === "PUT")!;
    expect(put.body).toMatchObject({ description: "devices at the edge", challengePassword: "challenge-one", intuneApplicationKey: "intune-key-1" });
    for (const r of c.emu.requests.slice(n)) expect(JSON.stringify(r.body ?? {})).not.toContain("adopt");
    const live = c.state.profiles.get(id)!;
    expect(live.challengePassword).toBe("challenge-one");
    expect(live.intuneApplicationKey).toBe("intune-key-1");
    expect(live.enabled).toBe(true);
    expect(c.state.profiles.size).toBe(1);
    const { adopt: _a, ...declared } = inputs;
    expect(outs).toMatchObject({ ...declared, enabled: true, uuid: id });
    expect(outs).not.toHaveProperty("adopt");
    // Core never says whether the profile had a password, so whether the PUT took it stays unknown (§1.7).
    expect(outs.unverified).toEqual(["challengePassword"]);
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
    const read = await hooks.read(id, outs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("adopt: true creates the profile when Core has none of that name", async () => {
    await byHand({ name: "someone-elses" });
    const inputs = await checked({ ...full, adopt: true });
    const n = c.emu.requests.length;
    const { id, outs } = await hooks.create(inputs);
    expect(since(n).filter((r) => r.startsWith("POST"))).toEqual(["POST /api/v1/scepProfiles"]);
    expect(c.emu.requests.slice(n).find((r) => r.method === "POST")!.body).not.toHaveProperty("adopt");
    expect(c.state.profiles.get(id)?.name).toBe("edge-devices");
    expect(c.state.profiles.size).toBe(2);
    expect(outs.unverified).toEqual([]);
    expect(outs).not.toHaveProperty("adopt");
  });

  it("adopt: \"<uuid>\" takes over exactly that profile", async () => {
    const before = await byHand({ challengePassword: undefined, intuneApplicationKey: undefined, enableIntune: false, intuneTenant: undefined, intuneApplicationId: undefined });
    const inputs = await checked({ description: "adopted", adopt: before.id });
    const n = c.emu.requests.length;
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe(before.id);
    expect(since(n).filter((r) => r.startsWith("POST"))).toEqual([]);
    expect(c.state.profiles.get(id)?.description).toBe("adopted");
    expect(outs.unverified).toEqual([]);
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("adopt: \"<uuid>\" of a profile that does not exist fails, names the uuid and creates nothing", async () => {
    const missing = "0b6f0c8e-0000-4000-8000-000000000001";
    const n = c.emu.requests.length;
    const e = await hooks.create(await checked({ adopt: missing })).catch((x) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain(`adopt: "${missing}"`);
    expect(e.message).toContain("nothing was created");
    expect(since(n).filter((r) => !r.startsWith("GET"))).toEqual([]);
    expect(c.state.profiles.size).toBe(0);
  });

  it("refuses to adopt a profile of another name (names are immutable in Core), writing nothing", async () => {
    const before = await byHand({ name: "other-name" });
    const n = c.emu.requests.length;
    const e = await hooks.create(await checked({ adopt: before.id })).catch((x) => x);
    expect(e.message).toContain(`cannot adopt CZERTAINLY SCEP profile ${before.id}`);
    expect(e.message).toContain("'name'");
    expect(since(n).filter((r) => !r.startsWith("GET"))).toEqual([]);
    expect(c.state.profiles.get(before.id)?.name).toBe("other-name");
  });

  it("a later change or removal of `adopt` plans nothing", async () => {
    const inputs = await checked({ adopt: true });
    const { id, outs } = await hooks.create(inputs);
    for (const adopt of [undefined, false, id]) {
      expect(await hooks.diff(id, outs!, await checked(adopt === undefined ? {} : { adopt }))).toMatchObject({ changes: false, replaces: [] });
    }
    expect((await hooks.diff(id, { ...outs, adopt: true }, await checked())).changes).toBe(false);
  });
});
