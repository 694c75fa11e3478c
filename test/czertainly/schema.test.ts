/**
 * `czertainly.ScepProfile` check: every input rule, offline, with failures a person can act on,
 * and the engine's unknown values accepted wherever another resource's output may go.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import type { ErrorContext } from "../../src/core/api";
import { defined } from "../../src/core/codec";
import { ERROR_CODES } from "../../src/core/errors";
import { undescribed } from "../../src/core/fields";
import { toCzertainlyError } from "../../src/czertainly/errors";
import { hooks } from "../../src/czertainly/provider";
import { reference } from "../../src/czertainly/reference";
import {
  argsSchema,
  INPUT_KEYS,
  LOCAL_KEYS,
  NOT_IN_BODY,
  OUTPUT_KEYS,
  outputsSchema,
  REPLACE_ON,
  SECRET_OUTPUTS,
  SECRET_PATHS,
  WRITE_ONLY_PATHS,
  computedFromWire,
  fromWire,
  toWire,
  wireBodySchema,
  wireDetailSchema,
  type ScepProfileState,
} from "../../src/czertainly/schema";

const CA = "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51";
const RA = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c01";
const ATTR = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f1";

const valid = () => ({ name: "edge-devices", caCertificateUuid: CA });
const intune = { enableIntune: true, intuneTenant: "contoso.onmicrosoft.com", intuneApplicationId: "app", intuneApplicationKey: "key" };
const attr = (over: Record<string, unknown> = {}) => ({ uuid: ATTR, name: "endEntityProfile", contentType: "string", content: [{ data: "x" }], ...over });

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("czertainly.ScepProfile check", () => {
  it("accepts a minimal profile and fills the defaults so that diffs are stable", async () => {
    const r = await hooks.check({}, valid());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({
      name: "edge-devices",
      caCertificateUuid: CA,
      issueCertificateAttributes: [],
      customAttributes: [],
      includeCaCertificate: false,
      includeCaCertificateChain: false,
      enableIntune: false,
      enabled: true,
      forceDelete: false,
    });
  });

  it("limits the name to 255 unreserved URI characters, because it is a path segment of the SCEP URL", async () => {
    expect(await failures({ ...valid(), name: "A-z_0.9~" })).toEqual([]);
    expect(await failures({ ...valid(), name: "n".repeat(255) })).toEqual([]);
    expect(await failures({ ...valid(), name: "n".repeat(256) })).toEqual([expect.stringMatching(/^name \| .*at most 255/)]);
    for (const bad of ["SCEP CZERTAINLY Profile", "a/b", "ä", "x?y"]) {
      expect(await failures({ ...valid(), name: bad })).toEqual([expect.stringMatching(/^name \| .*only letters, digits, '-', '.', '_' and '~'/)]);
    }
    expect(await failures({ ...valid(), name: "" })).toEqual([expect.stringMatching(/^name \| .*must not be empty/)]);
  });

  it("requires caCertificateUuid, and UUIDs where Core expects them (lower-cased)", async () => {
    expect(await failures({ name: "x" })).toEqual([expect.stringMatching(/^caCertificateUuid \| .*required/)]);
    expect(await failures({ ...valid(), caCertificateUuid: "my-ca" })).toEqual([expect.stringMatching(/^caCertificateUuid \| .*must be a UUID/)]);
    expect(await failures({ ...valid(), raProfileUuid: "ra-devices" })).toEqual([expect.stringMatching(/^raProfileUuid \| .*must be a UUID/)]);
    const r = await hooks.check({}, { ...valid(), caCertificateUuid: CA.toUpperCase() });
    expect(r.inputs.caCertificateUuid).toBe(CA);
  });

  it("limits the description to 255 characters", async () => {
    expect(await failures({ ...valid(), description: "d".repeat(255) })).toEqual([]);
    expect(await failures({ ...valid(), description: "d".repeat(256) })).toEqual([expect.stringMatching(/^description \| .*at most 255/)]);
  });

  it("takes a whole, non-negative renewal threshold, and stores 0 as unset (both mean half the validity)", async () => {
    expect(await failures({ ...valid(), renewalThreshold: 30 })).toEqual([]);
    expect(await failures({ ...valid(), renewalThreshold: -1 })).toEqual([expect.stringMatching(/^renewalThreshold \| .*negative/)]);
    expect(await failures({ ...valid(), renewalThreshold: 1.5 })).toEqual([expect.stringMatching(/^renewalThreshold \| .*whole number/)]);
    expect(await failures({ ...valid(), renewalThreshold: 2 ** 31 })).toEqual([expect.stringMatching(/^renewalThreshold \| .*too large/)]);
    expect((await hooks.check({}, { ...valid(), renewalThreshold: 0 })).inputs).not.toHaveProperty("renewalThreshold");
  });

  it("needs tenant, application id and key when Intune is on", async () => {
    expect(await failures({ ...valid(), ...intune })).toEqual([]);
    for (const k of ["intuneTenant", "intuneApplicationId", "intuneApplicationKey"]) {
      expect(await failures({ ...valid(), ...intune, [k]: undefined })).toEqual([expect.stringMatching(new RegExp(`^${k} \\| .*required when enableIntune is true`))]);
    }
    expect(await failures({ ...valid(), enableIntune: false, intuneTenant: "t" })).toEqual([]);
  });

  it("refuses issue attributes without an RA profile, whose authority defines them", async () => {
    expect(await failures({ ...valid(), issueCertificateAttributes: [attr()] })).toEqual([expect.stringMatching(/^issueCertificateAttributes \| .*raProfileUuid/)]);
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr()] })).toEqual([]);
  });

  it("checks attributes: uuid, name, content type, version (v2 by default) and the data's shape", async () => {
    const r = await hooks.check({}, { ...valid(), customAttributes: [attr({ name: "environment" })] });
    expect((r.inputs.customAttributes as any)[0]).toEqual({ uuid: ATTR, name: "environment", contentType: "string", version: "v2", content: [{ data: "x" }] });
    const at = (over: Record<string, unknown>) => failures({ ...valid(), customAttributes: [attr(over)] });
    expect(await at({ uuid: "nope" })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.uuid \| .*UUID/)]);
    expect(await at({ name: "" })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.name \| /)]);
    expect(await at({ contentType: "blob" })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.contentType \| .*one of string, text/)]);
    expect(await at({ version: "v4" })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.version \| .*v2 or v3/)]);
    expect(await at({ contentType: "integer", content: [{ data: "5" }] })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.content\[0\]\.data \| .*integer/)]);
    expect(await at({ contentType: "date", content: [{ data: "01.02.2026" }] })).toEqual([expect.stringMatching(/YYYY-MM-DD/)]);
    expect(await at({ contentType: "secret", content: [{ data: "plain" }] })).toEqual([expect.stringMatching(/\{ secret: /)]);
    expect(await at({ content: [{ reference: "r" }] })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.content\[0\]\.data \| .*required/)]);
    expect(await at({ version: "v3", content: [{ data: "x" }] })).toEqual([expect.stringMatching(/^customAttributes\[0\]\.content\[0\]\.contentType \| .*v3 content items/)]);
    expect(await at({ version: "v3", content: [{ data: "x", contentType: "string" }] })).toEqual([]);
    expect(await at({ version: "v3", contentType: "secret", content: [{ data: { secret: "s" }, contentType: "secret" }] })).toEqual([expect.stringMatching(/only in v2/)]);
    expect(await at({ contentType: "resource", content: [{ data: { uuid: "u" } }] })).toEqual([expect.stringMatching(/only in v3/)]);
    expect(await at({ contentType: "boolean", content: [{ data: true }] })).toEqual([]);
    expect(await at({ contentType: "file", content: [{ data: { content: "YQ==", fileName: "a", mimeType: "text/plain" } }] })).toEqual([]);
  });

  it("checks certificate associations", async () => {
    expect(await failures({ ...valid(), certificateAssociations: { ownerUuid: RA, groupUuids: [CA] } })).toEqual([]);
    expect(await failures({ ...valid(), certificateAssociations: { ownerUuid: "bob" } })).toEqual([expect.stringMatching(/^certificateAssociations\.ownerUuid \| .*UUID/)]);
    expect(await failures({ ...valid(), certificateAssociations: { groupUuids: ["admins"] } })).toEqual([expect.stringMatching(/^certificateAssociations\.groupUuids\[0\] \| /)]);
  });

  it("names unknown properties, including in the connection", async () => {
    expect(await failures({ ...valid(), renewThreshold: 3 })).toEqual([expect.stringMatching(/unknown property 'renewThreshold'/)]);
    expect(await failures({ ...valid(), connection: { url: "https://core.example.com/api", password: "x" } })).toEqual([expect.stringMatching(/^connection \| .*unknown property 'password'/)]);
    expect(await failures({ ...valid(), connection: { url: "core.example.com" } })).toEqual([expect.stringMatching(/^connection\.url \| .*http\(s\) URL/)]);
  });

  it("accepts unknown values during preview wherever another resource's output can go", async () => {
    expect(await failures({ name: UNKNOWN, caCertificateUuid: UNKNOWN, raProfileUuid: UNKNOWN, challengePassword: UNKNOWN })).toEqual([]);
    expect(await failures({ ...valid(), ...intune, intuneApplicationKey: UNKNOWN })).toEqual([]);
    expect(await failures({ ...valid(), customAttributes: [attr({ content: [{ data: UNKNOWN }] })] })).toEqual([]);
    expect(await failures({ ...valid(), certificateAssociations: { ownerUuid: UNKNOWN, groupUuids: [UNKNOWN] } })).toEqual([]);
    // Everything else is still checked.
    expect(await failures({ name: UNKNOWN, caCertificateUuid: UNKNOWN, description: "d".repeat(300) })).toEqual([expect.stringMatching(/^description \| /)]);
  });
});

describe("czertainly wire mapping", () => {
  const s = (over: Partial<ScepProfileState> = {}): ScepProfileState =>
    ({
      name: "p",
      caCertificateUuid: CA,
      issueCertificateAttributes: [],
      customAttributes: [],
      includeCaCertificate: false,
      includeCaCertificateChain: false,
      enableIntune: false,
      enabled: true,
      forceDelete: false,
      ...over,
    }) as ScepProfileState;

  it("sends the name only on create, never enabled/forceDelete/connection, and an unset threshold as 0 on update", () => {
    const c = toWire(s({ connection: { url: "https://x/api" } }), "create");
    expect(c).toEqual({ name: "p", caCertificateUuid: CA, issueCertificateAttributes: [], customAttributes: [], includeCaCertificate: false, includeCaCertificateChain: false, enableIntune: false });
    const u = toWire(s(), "update");
    expect(u).not.toHaveProperty("name");
    expect(u.renewalThreshold).toBe(0);
    expect(toWire(s({ renewalThreshold: 9 }), "update").renewalThreshold).toBe(9);
  });

  it("writes bodies the closed body schema holds, as the full codec (its wire pass included) writes them", () => {
    const full = (a: ScepProfileState, op: "create" | "update") => wireBodySchema.parse(toWire(a, op));
    const rich = s({
      description: "d",
      raProfileUuid: RA,
      renewalThreshold: 5,
      challengePassword: "pw",
      customAttributes: [{ uuid: ATTR, name: "env", contentType: "string", version: "v2", content: [{ data: "prod" }] }] as never,
      certificateAssociations: { ownerUuid: RA, groupUuids: [CA] } as never,
      ...intune,
    });
    for (const a of [s(), rich]) for (const op of ["create", "update"] as const) expect(toWire(a, op)).toStrictEqual(full(a, op));
  });

  it("outputs what Core computes as a parse with the outputs' schema gives it: unknown keys dropped, nothing undefined", () => {
    const w = wireDetailSchema.parse({
      uuid: "u",
      name: "p",
      enabled: true,
      scepUrl: "https://core/api/v1/protocols/scep/p/pkiclient.exe",
      raProfile: { uuid: RA, name: "ra", enabled: true, futureField: 2 },
      caCertificate: { uuid: CA, commonName: "CA", keySize: 2048, futureField: 1 },
    });
    const reparsed = defined(outputsSchema.omit({ unverified: true }).parse({ uuid: w.uuid, scepUrl: w.scepUrl, raProfile: w.raProfile, caCertificate: w.caCertificate }));
    expect(computedFromWire(w)).toStrictEqual(reparsed);
    expect(computedFromWire(wireDetailSchema.parse({ uuid: "u", name: "p", enabled: false }))).toStrictEqual({ uuid: "u" });
  });

  it("reads renewThreshold, caCertificate.uuid and raProfile.uuid back into the request names, tolerating unknown fields", () => {
    const w = wireDetailSchema.parse({
      uuid: "u",
      name: "p",
      enabled: true,
      includeCaCertificate: true,
      includeCaCertificateChain: false,
      renewThreshold: 7,
      raProfile: { uuid: RA.toUpperCase(), name: "ra", enabled: true },
      caCertificate: { uuid: CA, commonName: "CA", futureField: 1 },
      customAttributes: [{ uuid: ATTR, name: "environment", label: "Env", type: "custom", contentType: "string", version: "v2", content: [{ data: "prod" }] }],
      somethingNew: { x: 1 },
    });
    expect(fromWire(w)).toEqual({
      name: "p",
      raProfileUuid: RA,
      caCertificateUuid: CA,
      issueCertificateAttributes: [],
      customAttributes: [{ uuid: ATTR, name: "environment", contentType: "string", version: "v2", content: [{ data: "prod" }] }],
      renewalThreshold: 7,
      includeCaCertificate: true,
      includeCaCertificateChain: false,
      enableIntune: false,
      enabled: true,
    });
  });
});

describe("czertainly attribute content at preview, as the official document requires it", () => {
  const code = Buffer.from("echo hi").toString("base64");
  it("a codeblock needs its language as well as its code", async () => {
    const at = "issueCertificateAttributes[0].content[0].data";
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "codeblock", content: [{ data: { language: "bash", code } }] })] })).toEqual([]);
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "codeblock", content: [{ data: { code } }] })] })).toEqual([
      expect.stringMatching(new RegExp(`^${at.replace(/[[\].]/g, "\\$&")} \\| .*language is missing \\(one of apacheconf, bash`)),
    ]);
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "codeblock", content: [{ data: { language: "cobol", code } }] })] })).toEqual([
      expect.stringMatching(/content\[0\]\.data \| .*language "cobol" is not one of/),
    ]);
    expect(await failures({ ...valid(), customAttributes: [attr({ contentType: "codeblock", content: [{ data: { language: "bash" } }] })] })).toEqual([
      expect.stringMatching(/^customAttributes\[0\]\.content\[0\]\.data \| .*code is missing/),
    ]);
  });

  it("a credential needs uuid, name, kind and attributes, and says which are missing", async () => {
    const full = { uuid: ATTR, name: "ejbca-client", kind: "SoftKeyStore", attributes: [] };
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "credential", content: [{ data: full }] })] })).toEqual([]);
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "credential", content: [{ data: { uuid: ATTR } }] })] })).toEqual([
      expect.stringMatching(/^issueCertificateAttributes\[0\]\.content\[0\]\.data \| .*name, kind, attributes are missing for content type 'credential'/),
    ]);
    const { attributes: _a, ...noAttributes } = full;
    expect(await failures({ ...valid(), raProfileUuid: RA, issueCertificateAttributes: [attr({ contentType: "credential", content: [{ data: noAttributes }] })] })).toEqual([
      expect.stringMatching(/attributes is missing/),
    ]);
  });
});

describe("czertainly field facts: every list derived from the schema is the one the code had by hand", () => {
  it("describes every input and every output", () => {
    expect(undescribed(argsSchema)).toEqual([]);
    expect(undescribed(outputsSchema)).toEqual([]);
  });

  it("derives the secret paths, the secret outputs and the write-only paths", () => {
    expect(SECRET_PATHS).toEqual(["challengePassword", "intuneApplicationKey", "connection.token", "connection.clientSecret", "connection.clientKey"]);
    expect(SECRET_OUTPUTS).toEqual(["challengePassword", "intuneApplicationKey", "connection"]);
    // The secrets Core never answers (reference §1.11): with the local keys, what an import could not read.
    expect(WRITE_ONLY_PATHS).toEqual(["challengePassword", "intuneApplicationKey"]);
    expect([...WRITE_ONLY_PATHS, ...LOCAL_KEYS]).toEqual(["challengePassword", "intuneApplicationKey", "connection", "forceDelete"]);
  });

  it("derives the replace keys, the local keys, the compared inputs and the registered outputs", () => {
    expect(REPLACE_ON).toEqual(["name"]);
    expect(LOCAL_KEYS).toEqual(["connection", "forceDelete"]);
    // Order is no behaviour here: the keys become those of a protobuf Struct (registration, state).
    const before = [
      "name", "description", "raProfileUuid", "caCertificateUuid", "issueCertificateAttributes", "customAttributes",
      "renewalThreshold", "includeCaCertificate", "includeCaCertificateChain", "challengePassword", "enableIntune",
      "intuneTenant", "intuneApplicationId", "intuneApplicationKey", "certificateAssociations", "enabled", "forceDelete",
      "connection", "uuid", "scepUrl", "raProfile", "caCertificate", "unverified",
    ];
    expect([...OUTPUT_KEYS].sort()).toEqual([...before].sort());
    expect([...INPUT_KEYS].sort()).toEqual(before.slice(0, 18).sort());
    // What the PUT compares to decide whether to write a body (WIRE_KEYS before).
    expect(INPUT_KEYS.filter((k) => !NOT_IN_BODY.includes(k)).sort()).toEqual(before.slice(0, 15).sort());
  });
});

describe("czertainly unverified inputs under the older name", () => {
  const olds = {
    name: "p",
    caCertificateUuid: CA,
    issueCertificateAttributes: [],
    customAttributes: [],
    includeCaCertificate: false,
    includeCaCertificateChain: false,
    enableIntune: false,
    enabled: true,
    forceDelete: false,
    uuid: "u",
  };
  it("a state listing `secretsUnverified` takes those inputs as declared, as one listing `unverified` does", async () => {
    const news = (await hooks.check({}, { name: "p", caCertificateUuid: CA, challengePassword: "pw" })).inputs;
    for (const key of ["unverified", "secretsUnverified"]) {
      const d = await hooks.diff("u", { ...olds, [key]: ["challengePassword", "intuneApplicationKey", "connection", "forceDelete"] }, news);
      expect(d.changes, key).toBe(false);
      expect(d.replaces ?? [], key).toEqual([]);
    }
    // Without the list, a password on a profile that had none is a replacement (Core ignores it on PUT).
    const plain = await hooks.diff("u", { ...olds, unverified: [] }, news);
    expect(plain.replaces).toEqual(["challengePassword"]);
  });
});

describe("czertainly errors carry a stable code", () => {
  const ctx = (status: number, body: unknown): ErrorContext => ({ vendor: "CZERTAINLY", status, method: "DELETE", url: "https://core.example.com/api/v1/scepProfiles/u", body, text: JSON.stringify(body) });
  it("a delete refused because RA profiles use the profile is 'in use'; other refusals keep their status's code", () => {
    expect(toCzertainlyError(ctx(422, ["Dependent SCEP Profiles (1): ra-devices"])).code).toBe(ERROR_CODES.inUse);
    expect(toCzertainlyError(ctx(422, ["Name cannot be empty"])).code).toBe(ERROR_CODES.invalid);
    expect(toCzertainlyError(ctx(409, { message: "SCEP Profile with same name already exists" })).code).toBe(ERROR_CODES.conflict);
    expect(toCzertainlyError(ctx(404, { message: "Object of type 'ScepProfile' identified by u is not found." })).code).toBe(ERROR_CODES.notFound);
  });
});

describe("czertainly reference", () => {
  it("names a stable code, when it happens and what to do for each error a user meets", () => {
    expect(reference.args).toBe(argsSchema);
    expect(reference.outputs).toBe(outputsSchema);
    const codes = reference.errors.map((e) => e.code);
    for (const c of [ERROR_CODES.conflict, ERROR_CODES.inUse, ERROR_CODES.unauthorized, ERROR_CODES.notFound, ERROR_CODES.invalid]) expect(codes).toContain(c);
    for (const e of reference.errors) {
      expect(e.when.length).toBeGreaterThan(10);
      expect(e.fix.length).toBeGreaterThan(10);
    }
  });
});
