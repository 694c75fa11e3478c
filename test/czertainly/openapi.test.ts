/**
 * Every request the provider sends, checked against CZERTAINLY's own OpenAPI documents (Core
 * 2.17.0: SCEP profiles, and RA profiles for SCEP activation): the provider cannot send what the
 * real Core would refuse, and the emulator cannot route what the real Core does not have.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { czertainlyClient } from "../../src/czertainly/client";
import { hooks } from "../../src/czertainly/provider";
import { SEED, startCzertainlyEmulator, type CzertainlyEmulator } from "../../src/czertainly/emulator";
import { OpenApiContract } from "../openapi";
import { ROOT, tmpDir } from "../helpers";

// Real servers, real processes: generous under a parallel run on a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

const SPECS = path.resolve(ROOT, "..", "shared", "specs");

/**
 * Core's document declares `oneOf` where its own branches overlap (a v2 content item
 * `{"data": "x"}` is a String, Text, Date… content at once; Jackson picks by the attribute's
 * contentType, not by shape), so as written no request with attribute content could validate.
 * `anyOf` is what those declarations mean.
 */
function contract(file: string, opts: { closedRequests?: boolean } = {}): OpenApiContract {
  const doc = yaml.load(fs.readFileSync(path.join(SPECS, file), "utf8"));
  const swap = (n: any): any => {
    if (Array.isArray(n)) return n.map(swap);
    if (!n || typeof n !== "object") return n;
    const out: any = {};
    for (const [k, v] of Object.entries(n)) out[k === "oneOf" ? "anyOf" : k] = swap(v);
    return out;
  };
  const adapted = swap(doc);
  // Spring prefers a literal segment over a template (`/scepProfiles/caCertificates` before
  // `/scepProfiles/{uuid}`); the contract takes the first template that matches, so list the
  // paths with fewer parameters first.
  const params = (t: string) => (t.match(/\{/g) ?? []).length;
  adapted.paths = Object.fromEntries(Object.entries(adapted.paths).sort(([a], [b]) => params(a) - params(b)));
  const file2 = path.join(tmpDir("czertainly-openapi-"), file.replace(/\.yaml$/, ".json"));
  fs.writeFileSync(file2, JSON.stringify(adapted));
  return new OpenApiContract(file2, "/api", opts);
}

let c: CzertainlyEmulator;
beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  c = await startCzertainlyEmulator();
});
afterAll(() => c.stop());

describe("CZERTAINLY traffic against the vendor's OpenAPI documents", () => {
  it("every request of whole lifecycles, failures included, and every answer conform to the schemas", async () => {
    const connection = { url: c.url, token: c.token };
    const variants: Record<string, unknown>[] = [
      {},
      {
        description: "d",
        raProfileUuid: SEED.raProfileUuid,
        issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "ee" }] }],
        customAttributes: [{ ...SEED.profileCustomAttribute, version: "v3", content: [{ data: "prod", contentType: "string" }] }],
        renewalThreshold: 10,
        includeCaCertificate: true,
        includeCaCertificateChain: true,
        challengePassword: "pw",
        certificateAssociations: {
          ownerUuid: "2f67a69d-7a41-4726-a25d-6a964681865a",
          groupUuids: ["497f6eca-6276-4993-bfeb-53cbbbba6f08"],
          customAttributes: [{ ...SEED.certificateCustomAttribute, content: [{ data: "it" }] }],
        },
      },
      { enableIntune: true, intuneTenant: "t", intuneApplicationId: "a", intuneApplicationKey: "k", enabled: false, forceDelete: true },
    ];
    for (const [i, v] of variants.entries()) {
      const ch = await hooks.check({}, { name: `p${i}`, caCertificateUuid: SEED.rsaCaUuid, connection, ...v });
      expect(ch.failures).toEqual([]);
      const { id, outs } = await hooks.create(ch.inputs!);
      await hooks.read(id, outs!);
      const { outs: after } = await hooks.update(id, outs!, { ...ch.inputs, description: "changed", renewalThreshold: undefined, enabled: !ch.inputs!.enabled });
      await hooks.create(ch.inputs!).catch(() => undefined); // 409
      await hooks.delete(id, after!);
      await hooks.read(id, after!); // 404
    }
    // The endpoints the resource does not use in its lifecycle, through the same client.
    const client = czertainlyClient(connection);
    const ch = await hooks.check({}, { name: "bulk", caCertificateUuid: SEED.ecdsaCaUuid, connection });
    const { id } = await hooks.create(ch.inputs!);
    await client.caCertificates(true);
    await client.bulkDisable([id]);
    await client.bulkEnable([id]);
    await client.setRaProfile(id, SEED.raProfile2Uuid);
    await client.activateScepOnRaProfile(SEED.authorityUuid, SEED.raProfileUuid, id, [{ ...SEED.issueAttribute, version: "v2", content: [{ data: "ee" }] } as any]);
    await client.raProfileScep(SEED.authorityUuid, SEED.raProfileUuid);
    await client.bulkDelete([id]); // refused: a dependent RA profile
    await client.deactivateScepOnRaProfile(SEED.authorityUuid, SEED.raProfileUuid);
    expect(await client.bulkDelete([id])).toEqual([]);
    await client.forceDelete([id]);

    // Core ignores keys its DTOs do not define (reference §1.2), so only this check would see one:
    // request objects are closed to the properties the document defines.
    const scep = contract("czertainly-core-scep-2.17.0.openapi.yaml", { closedRequests: true });
    const ra = contract("czertainly-core-ra-profile-2.17.0.openapi.yaml", { closedRequests: true });
    const problems = c.emu.requests
      .flatMap((x) => (x.path.includes("/authorities/") ? ra : scep).check({ ...x, status: x.status }))
      // Core answers statuses its document does not list (409, 422 from ValidationException,
      // reference §1.8): those are the reference's, not the document's.
      .filter((p) => !/is not documented/.test(p));
    expect(problems).toEqual([]);
    const seen = new Set(c.emu.requests.map((x) => `${x.method} ${x.status}`));
    for (const s of ["POST 201", "POST 409", "PATCH 204", "PATCH 200", "GET 200", "PUT 200", "DELETE 204", "DELETE 200", "GET 404"]) expect(seen).toContain(s);
  });

  it("the emulator's answers conform to the response schemas", async () => {
    const scep = contract("czertainly-core-scep-2.17.0.openapi.yaml");
    const ra = contract("czertainly-core-ra-profile-2.17.0.openapi.yaml");
    const problems: string[] = [];
    const call = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${c.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${c.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const responseBody = text ? JSON.parse(text) : undefined;
      const path = `/api${p.split("?")[0]}`;
      problems.push(...(p.includes("/authorities/") ? ra : scep).check({ method, path, status: res.status, body, responseBody }).filter((x) => !/is not documented/.test(x)));
      return responseBody;
    };
    c.state.attributeDefinitions.push({ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8dd", name: "hook", label: "Hook", contentType: "secret", resources: ["scepProfiles"] });
    try {
      const created = await call("POST", "/v1/scepProfiles", {
        name: "answers",
        caCertificateUuid: SEED.rsaCaUuid,
        raProfileUuid: SEED.raProfileUuid,
        issueCertificateAttributes: [{ ...SEED.issueAttribute, version: "v2", content: [{ data: "ee" }] }],
        customAttributes: [
          { ...SEED.profileCustomAttribute, version: "v2", content: [{ data: "prod" }] },
          { uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8dd", name: "hook", contentType: "secret", version: "v2", content: [{ data: { secret: "s" } }] },
        ],
        renewalThreshold: 5,
        certificateAssociations: { ownerUuid: "2f67a69d-7a41-4726-a25d-6a964681865a", customAttributes: [{ ...SEED.certificateCustomAttribute, version: "v2", content: [{ data: "it" }] }] },
      });
      await call("GET", `/v1/scepProfiles/${created.uuid}`);
      await call("GET", "/v1/scepProfiles");
      await call("PUT", `/v1/scepProfiles/${created.uuid}`, { caCertificateUuid: SEED.expiringCaUuid, issueCertificateAttributes: [] });
      await call("GET", "/v1/scepProfiles/caCertificates?intuneEnabled=false");
      await call("PATCH", `/v1/authorities/${SEED.authorityUuid}/raProfiles/${SEED.raProfileUuid}/protocols/scep/activate/${created.uuid}`, { issueCertificateAttributes: [] });
      await call("GET", `/v1/authorities/${SEED.authorityUuid}/raProfiles/${SEED.raProfileUuid}/protocols/scep`);
      await call("DELETE", "/v1/scepProfiles/delete", [created.uuid]);
      await call("DELETE", "/v1/scepProfiles/delete/force", [created.uuid]);
      await call("GET", `/v1/scepProfiles/${created.uuid}`); // 404 {message}
      await call("POST", "/v1/scepProfiles", { name: "", caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [] }); // 422
    } finally {
      c.state.attributeDefinitions.pop();
    }
    expect(problems).toEqual([]);
  });

  it("would notice a key the document does not define, such as the engine's __provider", () => {
    const scep = contract("czertainly-core-scep-2.17.0.openapi.yaml", { closedRequests: true });
    const body = { name: "x", caCertificateUuid: SEED.rsaCaUuid, issueCertificateAttributes: [] };
    expect(scep.check({ method: "POST", path: "/api/v1/scepProfiles", status: 201, body })).toEqual([]);
    expect(scep.check({ method: "POST", path: "/api/v1/scepProfiles", status: 201, body: { ...body, __provider: "exports.handler = ..." } }).join("\n")).toMatch(/property name must be valid/);
  });

  it("would notice a request the real Core would refuse", () => {
    const scep = contract("czertainly-core-scep-2.17.0.openapi.yaml");
    const bad = scep.check({ method: "POST", path: "/api/v1/scepProfiles", status: 201, body: { name: "x", customAttributes: [{ name: "a", contentType: "blob" }] } });
    expect(bad.join("\n")).toMatch(/request: .*(caCertificateUuid|issueCertificateAttributes|required|allowed values)/);
    const put = scep.check({ method: "PUT", path: `/api/v1/scepProfiles/${SEED.rsaCaUuid}`, status: 200, body: { issueCertificateAttributes: [], renewalThreshold: "soon" } });
    expect(put.join("\n")).toMatch(/PUT \/v1\/scepProfiles\/\{uuid\} request: .*caCertificateUuid/);
    expect(put.join("\n")).toMatch(/renewalThreshold must be integer/);
  });
});
