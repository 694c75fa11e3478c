import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { ERROR_CODES } from "../../src/core/errors";
import { undescribed } from "../../src/core/fields";
import { toScmError } from "../../src/scm/errors";
import { hooks } from "../../src/scm/provider";
import {
  argsSchema,
  CONTAINERS,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  OUTPUT_KEYS,
  outputsSchema,
  REPLACE_ON,
  SECRET_OUTPUTS,
  SECRET_PATHS,
  toWire,
  WRITE_ONLY_PATHS,
} from "../../src/scm/schema";

const valid = () => ({
  folder: "Mobile Users",
  name: "gp-scep",
  scepChallenge: { fixed: "otp-secret" },
  caIdentityName: "Corp Issuing CA",
  algorithm: { rsa: { rsaNbits: 2048 } },
  digest: "sha256",
  scepUrl: "https://scep.example.com/certsrv/mscep/mscep.dll",
});

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("scm.ScepProfile check", () => {
  it("accepts a minimal profile, fills the subject default and turns the key size into the wire's string", async () => {
    const r = await hooks.check({}, valid());
    expect(r.failures).toEqual([]);
    expect(r.inputs.subject).toBe("CN=$USERNAME");
    expect(r.inputs.algorithm).toEqual({ rsa: { rsaNbits: "2048" } });
  });

  it("needs exactly one container", async () => {
    const { folder, ...none } = valid();
    expect(await failures(none)).toEqual([expect.stringMatching(/^folder \| folder: set exactly one of 'folder', 'snippet', 'device'/)]);
    expect(await failures({ ...valid(), snippet: "s" })).toEqual([expect.stringMatching(/^snippet \| .*set only one of .*found 'folder' and 'snippet'/)]);
  });

  it("limits container names to 64 characters of the documented alphabet", async () => {
    expect(await failures({ ...valid(), folder: "x".repeat(64) })).toEqual([]);
    expect(await failures({ ...valid(), folder: "x".repeat(65) })).toEqual([expect.stringMatching(/^folder \| .*at most 64 characters/)]);
    expect(await failures({ ...valid(), folder: "a/b" })).toEqual([expect.stringMatching(/^folder \| .*only letters, digits/)]);
    expect(await failures({ ...valid(), folder: undefined, device: "fw_01.lab-2 x" })).toEqual([]);
  });

  it("limits the name to 31 characters", async () => {
    expect(await failures({ ...valid(), name: "n".repeat(31) })).toEqual([]);
    expect(await failures({ ...valid(), name: "n".repeat(32) })).toEqual([expect.stringMatching(/^name \| .*at most 31/)]);
  });

  it("takes exactly one kind of challenge, each within its limits", async () => {
    expect(await failures({ ...valid(), scepChallenge: { none: {} } })).toEqual([]);
    expect(await failures({ ...valid(), scepChallenge: {} })).toEqual([expect.stringMatching(/^scepChallenge\.none \| .*set exactly one of 'none', 'fixed', 'dynamic'/)]);
    expect(await failures({ ...valid(), scepChallenge: { none: {}, fixed: "x" } })).toEqual([expect.stringMatching(/^scepChallenge\.fixed \| .*set only one/)]);
    expect(await failures({ ...valid(), scepChallenge: { fixed: "x".repeat(1024) } })).toEqual([]);
    expect(await failures({ ...valid(), scepChallenge: { fixed: "x".repeat(1025) } })).toEqual([expect.stringMatching(/^scepChallenge\.fixed \| .*at most 1024/)]);
    const dyn = { otpServerUrl: "https://otp.example.com", username: "u", password: "p" };
    expect(await failures({ ...valid(), scepChallenge: { dynamic: dyn } })).toEqual([]);
    for (const f of ["otpServerUrl", "username", "password"]) {
      const long = f === "otpServerUrl" ? `https://${"y".repeat(248)}` : "y".repeat(256);
      expect(await failures({ ...valid(), scepChallenge: { dynamic: { ...dyn, [f]: long } } })).toEqual([
        expect.stringMatching(new RegExp(`^scepChallenge\\.dynamic\\.${f} \\| .*at most 255`)),
      ]);
    }
    expect(await failures({ ...valid(), scepChallenge: { none: "" } })).toEqual([expect.stringMatching(/^scepChallenge\.none \| .*none: \{\}/)]);
    expect(await failures({ ...valid(), scepChallenge: { dynamic: { ...dyn, otpServerUrl: "otp.example.com" } } })).toEqual([
      expect.stringMatching(/^scepChallenge\.dynamic\.otpServerUrl \| .*must be a URL/),
    ]);
  });

  it("accepts only 1024, 2048 and 3072-bit RSA keys, as numbers or strings", async () => {
    for (const n of [1024, "2048", 3072]) expect(await failures({ ...valid(), algorithm: { rsa: { rsaNbits: n } } })).toEqual([]);
    expect(await failures({ ...valid(), algorithm: { rsa: { rsaNbits: 4096 } } })).toEqual([expect.stringMatching(/^algorithm\.rsa\.rsaNbits \| .*1024, 2048 or 3072/)]);
  });

  it("takes the four digests, and names the vendor page's sha348 typo", async () => {
    for (const d of ["sha1", "sha256", "sha384", "sha512"]) expect(await failures({ ...valid(), digest: d })).toEqual([]);
    expect(await failures({ ...valid(), digest: "sha348" })).toEqual([expect.stringMatching(/^digest \| .*typo.*use 'sha384'/)]);
    expect(await failures({ ...valid(), digest: "md5" })).toEqual([expect.stringMatching(/^digest \| .*one of sha1, sha256, sha384, sha512/)]);
  });

  it("takes one subject alternative name type", async () => {
    expect(await failures({ ...valid(), certificateAttributes: { dnsname: "gp.example.com" } })).toEqual([]);
    expect(await failures({ ...valid(), certificateAttributes: { dnsname: "a.example.com", rfc822name: "b@example.com" } })).toEqual([expect.stringMatching(/^certificateAttributes\.dnsname \| .*set only one/)]);
    // Formats from the vendor's OpenAPI document.
    expect(await failures({ ...valid(), certificateAttributes: { rfc822name: "not-an-email" } })).toEqual([expect.stringMatching(/^certificateAttributes\.rfc822name \| .*email address/)]);
    expect(await failures({ ...valid(), certificateAttributes: { uniformResourceIdentifier: "no scheme" } })).toEqual([expect.stringMatching(/^certificateAttributes\.uniformResourceIdentifier \| .*URI/)]);
  });

  it("names each missing required input", async () => {
    const f = await failures({ folder: "f" });
    for (const p of ["name", "scepChallenge", "caIdentityName", "algorithm", "digest", "scepUrl"]) {
      expect(f).toContainEqual(expect.stringMatching(new RegExp(`^${p} \\| ${p}: is required`)));
    }
  });

  it("rejects a misspelt input instead of ignoring it", async () => {
    expect(await failures({ ...valid(), sceUrl: "x" })).toEqual([expect.stringMatching(/unknown property 'sceUrl'/)]);
  });

  it("accepts values not known until apply during preview, and still checks the rest", async () => {
    const r = await hooks.check({}, { ...valid(), folder: UNKNOWN, scepUrl: UNKNOWN, fingerprint: UNKNOWN, scepChallenge: { fixed: UNKNOWN } });
    expect(r.failures).toEqual([]);
    expect(r.inputs.folder).toBe(UNKNOWN);
    const bad = await failures({ ...valid(), scepUrl: UNKNOWN, name: "n".repeat(40) });
    expect(bad).toEqual([expect.stringMatching(/^name \|/)]);
    expect(await failures({ ...valid(), algorithm: UNKNOWN })).toEqual([]);
  });

  it("reports a bad connection setting by its path", async () => {
    expect(await failures({ ...valid(), connection: { apiUrl: "not a url" } })).toEqual([expect.stringMatching(/^connection\.apiUrl \| .*http\(s\) URL/)]);
  });
});

describe("scm.ScepProfile field facts: each list derived from the schema is the one written by hand before", () => {
  // The literals are copied from the code before the facts moved into the schema (issue 18).
  it("secret paths, secret outputs, replace keys, input keys and output keys", () => {
    expect(SECRET_PATHS).toEqual(["scepChallenge.fixed", "scepChallenge.dynamic.password", "connection.clientSecret", "connection.clientKey"]);
    expect(SECRET_OUTPUTS).toEqual(["scepChallenge", "connection", "encryptedValues"]);
    // provider.ts `replaceOn: CONTAINERS`.
    expect(REPLACE_ON).toEqual([...CONTAINERS]);
    expect(REPLACE_ON).toEqual(["folder", "snippet", "device"]);
    expect(INPUT_KEYS).toEqual([
      "folder", "snippet", "device", "name", "scepChallenge", "caIdentityName", "subject", "algorithm", "digest",
      "fingerprint", "certificateAttributes", "useAsDigitalSignature", "useForKeyEncipherment", "scepUrl",
      "scepCaCert", "scepClientCert", "connection",
    ]);
    // resource.ts OUTPUT_KEYS, with `secretsUnverified` under its one name `unverified` (core/writeonly.ts).
    expect(OUTPUT_KEYS).toEqual([
      "folder", "snippet", "device", "name", "scepChallenge", "caIdentityName", "subject", "algorithm", "digest",
      "fingerprint", "certificateAttributes", "useAsDigitalSignature", "useForKeyEncipherment", "scepUrl",
      "scepCaCert", "scepClientCert", "connection", "encryptedValues", "unverified",
    ]);
  });

  it("write-only paths are the secret leaves fromWire answered as `encrypted`; local inputs are the connection (and adopt, which diff never compares)", () => {
    expect(WRITE_ONLY_PATHS).toEqual(["scepChallenge.fixed", "scepChallenge.dynamic.password"]);
    // update's shortcut was `k === "connection"` over INPUT_KEYS, which holds no `adopt`.
    expect(LOCAL_KEYS).toEqual(["connection", "adopt"]);
    expect(INPUT_KEYS.filter((k) => (LOCAL_KEYS as string[]).includes(k))).toEqual(["connection"]);
  });

  it("every input and every output has a description", () => {
    expect(undescribed(argsSchema)).toEqual([]);
    expect(undescribed(outputsSchema)).toEqual([]);
  });
});

describe("scm.ScepProfile wire mapping", () => {
  const full = async () =>
    (await hooks.check({}, {
      ...valid(),
      scepChallenge: { dynamic: { otpServerUrl: "https://otp.example.com", username: "otp-svc", password: "otp-pass" } },
      fingerprint: "ab:cd",
      certificateAttributes: { uniformResourceIdentifier: "urn:device" },
      useAsDigitalSignature: true,
      useForKeyEncipherment: false,
      scepCaCert: "Root CA",
      scepClientCert: "Forward-Trust-CA",
      connection: { clientId: "id", clientSecret: "secret", tsgId: "1" },
      adopt: true,
    })).inputs as any;

  it("sends every field in snake_case, the key size as text, and neither the connection nor adopt", async () => {
    expect(toWire(await full())).toStrictEqual({
      folder: "Mobile Users",
      name: "gp-scep",
      scep_challenge: { dynamic: { otp_server_url: "https://otp.example.com", username: "otp-svc", password: "otp-pass" } },
      ca_identity_name: "Corp Issuing CA",
      subject: "CN=$USERNAME",
      algorithm: { rsa: { rsa_nbits: "2048" } },
      digest: "sha256",
      fingerprint: "ab:cd",
      certificate_attributes: { uniform_resource_identifier: "urn:device" },
      use_as_digital_signature: true,
      use_for_key_encipherment: false,
      scep_url: "https://scep.example.com/certsrv/mscep/mscep.dll",
      scep_ca_cert: "Root CA",
      scep_client_cert: "Forward-Trust-CA",
    });
    const fixed = toWire((await hooks.check({}, valid())).inputs as any);
    expect(fixed.scep_challenge).toStrictEqual({ fixed: "otp-secret" });
    expect(Object.keys(fixed)).not.toContain("certificate_attributes");
    expect(toWire((await hooks.check({}, { ...valid(), scepChallenge: { none: {} } })).inputs as any).scep_challenge).toStrictEqual({ none: {} });
  });

  it("reads the live profile back as inputs, each secret leaf only as the API's ciphertext", async () => {
    const { connection: _c, adopt: _a, ...declared } = await full();
    const live = { id: "123e4567-e89b-12d3-a456-426655440000", extra: "ignored", ...toWire(declared) };
    live.scep_challenge = { dynamic: { ...live.scep_challenge!.dynamic, password: "-AQ==cipher" } };
    const { inputs, encrypted } = fromWire(live);
    expect(encrypted).toStrictEqual({ "scepChallenge.dynamic.password": "-AQ==cipher" });
    expect(inputs).toStrictEqual({ ...declared, scepChallenge: { dynamic: { ...declared.scepChallenge.dynamic, password: "" } } });
    const bare = fromWire({ id: "x", name: "n", folder: "f", scep_challenge: { fixed: "-AQ==c" } });
    expect(bare.encrypted).toStrictEqual({ "scepChallenge.fixed": "-AQ==c" });
    // The API's defaults of what it left out, as before.
    expect(bare.inputs).toStrictEqual({
      folder: "f", name: "n", scepChallenge: {}, caIdentityName: "", subject: "CN=$USERNAME",
      algorithm: { rsa: { rsaNbits: "" } }, digest: "", scepUrl: "",
    });
  });
});

describe("scm.ScepProfile state written before `unverified` had its one name", () => {
  it("diffs a state that lists `secretsUnverified` as it did: the unverified leaf is taken as declared", async () => {
    const news = (await hooks.check({}, valid())).inputs as Record<string, unknown>;
    // What an import left before: the challenge's plaintext unknown.
    const old = { ...news, scepChallenge: {}, encryptedValues: { "scepChallenge.fixed": "-AQ==c" }, secretsUnverified: ["scepChallenge.fixed"] };
    expect((await hooks.diff("id", old, news)).changes).toBe(false);
    const { secretsUnverified: _s, ...withoutList } = old;
    expect((await hooks.diff("id", withoutList, news)).changes).toBe(true);
  });

  it("an update that writes nothing keeps the old list under the one name", async () => {
    const news = (await hooks.check({}, { ...valid(), connection: { clientId: "other" } })).inputs as Record<string, unknown>;
    const { connection: _c, ...same } = news;
    const old = { ...same, encryptedValues: { "scepChallenge.fixed": "-AQ==c" }, secretsUnverified: ["scepChallenge.fixed"] };
    const { outs } = await hooks.update("id", old, news);
    expect(outs.unverified).toEqual(["scepChallenge.fixed"]);
    expect(outs).not.toHaveProperty("secretsUnverified");
    expect(outs.encryptedValues).toEqual({ "scepChallenge.fixed": "-AQ==c" });
  });
});

describe("scm errors carry a stable code", () => {
  const answer = (status: number, code: string, message: string) =>
    toScmError({ vendor: "Strata Cloud Manager", status, method: "DELETE", url: "https://api.example/config/identity/v1/scep-profiles/x", body: { _errors: [{ code, message }], _request_id: "r" }, text: "" });

  it("maps the vendor codes that mean one of ours, under the status the seed lists them with", () => {
    expect(answer(409, "E009", "Reference Not Zero").code).toBe(ERROR_CODES.inUse);
    expect(answer(409, "E006", "Name Not Unique").code).toBe(ERROR_CODES.conflict);
    expect(answer(404, "E005", "Object Not Present").code).toBe(ERROR_CODES.notFound);
    expect(answer(401, "E016", "Invalid Credential").code).toBe(ERROR_CODES.unauthorized);
    expect(answer(403, "E007", "Unauthorized").code).toBe(ERROR_CODES.forbidden);
    // E016 under 409 is the seed's "object not unique": a conflict, not a credential problem.
    expect(answer(409, "E016", "Object Not Unique").code).toBe(ERROR_CODES.conflict);
    expect(answer(400, "E003", "Invalid Object").code).toBe(ERROR_CODES.invalid);
  });

  it("adds the credential hint to a refused login and the role hint to a refusal", () => {
    expect(answer(401, "E016", "Invalid Credential").message).toContain("what to do: check the service account's client id");
    expect(answer(403, "E007", "Unauthorized").message).toContain("what to do: the service account lacks a role");
    expect(answer(409, "E009", "Reference Not Zero").hint).toBeUndefined();
  });
});

describe("scm.ScepProfile reference data", () => {
  it("points at the example program, the schemas and the client's settings, and gives each error a stable code and advice", async () => {
    const { reference } = await import("../../src/scm/reference");
    const { SETTINGS } = await import("../../src/scm/client");
    const { existsSync } = await import("node:fs");
    expect(existsSync(new URL(`../../${reference.example}`, import.meta.url))).toBe(true);
    expect(reference.args).toBe(argsSchema);
    expect(reference.outputs).toBe(outputsSchema);
    expect(reference.settings).toBe(SETTINGS);
    const codes = reference.errors.map((e) => e.code);
    for (const c of [ERROR_CODES.conflict, ERROR_CODES.inUse, ERROR_CODES.unauthorized, ERROR_CODES.notFound, ERROR_CODES.invalid]) expect(codes).toContain(c);
    for (const e of reference.errors) {
      expect(Object.values(ERROR_CODES)).toContain(e.code);
      expect(e.when.length).toBeGreaterThan(20);
      expect(e.fix.length).toBeGreaterThan(10);
    }
  });
});
