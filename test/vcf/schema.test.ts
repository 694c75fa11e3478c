/**
 * vcf.IdentityProvider check, offline: the reasons a user reads in `pulumi preview`, and the
 * engine's unknown values during preview.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UNKNOWN } from "../../src/core/check";
import { redact } from "../../src/core/redact";
import { hooks } from "../../src/vcf/provider";
import { undescribed } from "../../src/core/fields";
import { ERROR_CODES } from "../../src/core/errors";
import {
  argsSchema,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  outputsSchema,
  REPLACE_ON_CHANGE,
  SECRET_OUTPUTS,
  SECRET_PATHS,
  SUB_SPEC_KEYS,
  liveCodec,
  toWire,
  wireSchema,
  WRITE_ONLY_PATHS,
} from "../../src/vcf/schema";
import { IdentityProvider, OUTPUT_KEYS } from "../../src/vcf/resource";
import { toVcfError, VcfTaskFailedError, VcfTaskTimeoutError } from "../../src/vcf/errors";
import { reference } from "../../src/vcf/reference";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

const valid = (): Record<string, any> => ({
  name: "corp-adfs",
  type: "Microsoft ADFS",
  ldap: {
    domainName: "corp.example.com",
    username: "svc-ldap@corp.example.com",
    password: "ldap-bind-pass",
    type: "ActiveDirectory",
    sourceDetails: {
      usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com",
      groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
      serverEndpoints: ["ldap://dc01.corp.example.com:389"],
    },
  },
  oidc: { clientId: "vcf", clientSecret: "oidc-secret", discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration" },
});

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("vcf.IdentityProvider check", () => {
  it("accepts an AD FS provider with its LDAP directory and OIDC client", async () => {
    const r = await hooks.check({}, valid());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual(valid());
  });

  it("needs both ldap and oidc for Microsoft ADFS, saying what each is for", async () => {
    const { oidc: _o, ...noOidc } = valid();
    expect(await failures(noOidc)).toEqual([expect.stringMatching(/^oidc \| .*is required for type 'Microsoft ADFS' \(the OIDC client/)]);
    const { ldap: _l, ...noLdap } = valid();
    expect(await failures(noLdap)).toEqual([expect.stringMatching(/^ldap \| .*is required for type 'Microsoft ADFS' \(the directory/)]);
    // PowerVCF's sample spells the type AD_FS: the same rules apply.
    expect(await failures({ ...noLdap, type: "AD_FS" })).toEqual([expect.stringMatching(/^ldap \| .*is required for type 'AD_FS'/)]);
  });

  it("refuses the Embedded type: the built-in provider cannot be created or deleted", async () => {
    expect(await failures({ ...valid(), type: "Embedded" })).toEqual([
      expect.stringMatching(/^type \| .*built-in Embedded identity provider always exists and cannot be created or deleted/),
    ]);
  });

  it("refuses federated types it does not model, and passes other types through with a sub-spec", async () => {
    expect(await failures({ ...valid(), type: "Okta" })).toEqual([expect.stringMatching(/^type \| .*broker federation \(fedIdpSpec\)/)]);
    expect(await failures({ ...valid(), type: "Future LDAP IdP" })).toEqual([]);
    expect(await failures({ name: "x", type: "Future LDAP IdP" })).toEqual([expect.stringMatching(/^ldap \| .*needs an 'ldap' or an 'oidc' block/)]);
  });

  it("takes only OpenLdap or ActiveDirectory directories", async () => {
    const v = valid();
    v.ldap.type = "Novell";
    expect(await failures(v)).toEqual([expect.stringMatching(/^ldap\.type \| .*OpenLdap or ActiveDirectory/)]);
  });

  it("takes ldap:// and ldaps:// endpoints only, and ldaps needs the servers' CA chain", async () => {
    const v = valid();
    v.ldap.sourceDetails.serverEndpoints = ["https://dc01.corp.example.com"];
    expect(await failures(v)).toEqual([expect.stringMatching(/^ldap\.sourceDetails\.serverEndpoints\[0\] \| .*ldap:\/\/host\[:port\] or ldaps:\/\//)]);
    v.ldap.sourceDetails.serverEndpoints = ["ldaps://dc01.corp.example.com:636"];
    expect(await failures(v)).toEqual([expect.stringMatching(/^ldap\.sourceDetails\.certChain \| .*required with ldaps:\/\/ endpoints/)]);
    v.ldap.sourceDetails.certChain = [PEM];
    expect(await failures(v)).toEqual([]);
    v.ldap.sourceDetails.serverEndpoints = [];
    expect(await failures(v)).toEqual([expect.stringMatching(/^ldap\.sourceDetails\.serverEndpoints \| .*at least one/)]);
  });

  it("treats an empty domain alias or LDAP CA chain as absent, as SDDC Manager answers them", async () => {
    const v = valid();
    v.ldap.domainAlias = "";
    v.ldap.sourceDetails.certChain = [];
    const r = await hooks.check({}, v);
    expect(r.failures).toEqual([]);
    expect(r.inputs.ldap).toEqual(valid().ldap);
  });

  it("takes certificates as PEM text or base64 of PEM (the vendor's samples), and nothing else", async () => {
    expect(await failures({ ...valid(), certChain: [PEM, Buffer.from(PEM).toString("base64")] })).toEqual([]);
    expect(await failures({ ...valid(), certChain: ["hello"] })).toEqual([expect.stringMatching(/^certChain\[0\] \| .*PEM certificate/)]);
  });

  it("needs an https discovery endpoint and the OIDC client's id and secret", async () => {
    expect(await failures({ ...valid(), oidc: { clientId: "vcf", clientSecret: "s", discoveryEndpoint: "http://adfs/.well-known/openid-configuration" } })).toEqual([
      expect.stringMatching(/^oidc\.discoveryEndpoint \| .*https URL/),
    ]);
    expect(await failures({ ...valid(), oidc: { clientId: "vcf", discoveryEndpoint: "https://adfs/x" } })).toEqual([
      expect.stringMatching(/^oidc\.clientSecret \| .*the OIDC client secret is required/),
    ]);
  });

  it("names misspelt properties", async () => {
    expect(await failures({ ...valid(), ldpa: {} })).toEqual([expect.stringMatching(/^\(resource\) \| .*unknown property 'ldpa'/)]);
    expect(await failures({ ...valid(), oidc: { ...valid().oidc, secret: "x" } })).toEqual([expect.stringMatching(/^oidc \| .*unknown property 'secret'/)]);
  });

  it("accepts values not known until apply during preview", async () => {
    expect(await failures({ ...valid(), type: UNKNOWN })).toEqual([]);
    expect(await failures({ ...valid(), oidc: UNKNOWN })).toEqual([]);
    const v = valid();
    v.ldap.sourceDetails.serverEndpoints = [UNKNOWN];
    v.ldap.password = UNKNOWN;
    expect(await failures(v)).toEqual([]);
  });

  it("registers the secrets it saw, so no message can print them", async () => {
    await hooks.check({}, { ...valid(), ldap: { ...valid().ldap, password: "s3cret-ldap-pw" }, connection: { password: "s3cret-api-pw" } });
    expect(redact("bind failed for s3cret-ldap-pw via s3cret-api-pw")).toBe("bind failed for [redacted] via [redacted]");
  });
});

describe("vcf.IdentityProvider diff", () => {
  it("shows no change for the same inputs and an in-place update for an OIDC rotation", async () => {
    const a = (await hooks.check({}, valid())).inputs;
    expect((await hooks.diff("id", a, a)).changes).toBe(false);
    const b = { ...a, oidc: { ...a.oidc, clientSecret: "rotated" } };
    expect(await hooks.diff("id", a, b)).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces on a change of type, the old one first when the name is kept", async () => {
    const a = (await hooks.check({}, valid())).inputs;
    expect(await hooks.diff("id", a, { ...a, type: "Another IdP" })).toMatchObject({ replaces: ["type"], deleteBeforeReplace: true });
  });

  it("shows an unknown value as a change, never as a replace of an identity field it cannot see", async () => {
    const a = (await hooks.check({}, valid())).inputs;
    expect(await hooks.diff("id", a, { ...a, oidc: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("wire mapping", () => {
  it("sends the spec as the API names it, without the connection", () => {
    const w = toWire({ ...valid(), connection: { host: "h", password: "p" } } as any);
    expect(w).toEqual(valid());
  });

  it("reads the live object into inputs without secrets and into outputs", () => {
    const { inputs, outputs } = fromWire({
      id: "i1",
      name: "corp-adfs",
      type: "Microsoft ADFS",
      status: "ACTIVE",
      domainNames: ["corp.example.com"],
      ldap: { ...valid().ldap, password: undefined },
      oidc: { clientId: "vcf", discoveryEndpoint: valid().oidc.discoveryEndpoint, issuer: "https://adfs.corp.example.com/adfs" },
      identitySources: [{ name: "corp.example.com", type: "ActiveDirectory" }],
      extraField: 1,
    } as any);
    expect(inputs.ldap!.password).toBe("");
    expect(inputs.oidc).toEqual({ clientId: "vcf", clientSecret: "", discoveryEndpoint: valid().oidc.discoveryEndpoint });
    expect(outputs).toMatchObject({ identityProviderId: "i1", status: "ACTIVE", oidcInfo: { issuer: "https://adfs.corp.example.com/adfs" } });
  });

  it("reads an empty alias as none, in the provider's LDAP block and in each identity source's, keeping the rest of each source", () => {
    const ldap = { ...valid().ldap, password: undefined, domainAlias: "" };
    // As the client reads an answer: the wire schema first, then fromWire.
    const { inputs, outputs } = fromWire(wireSchema.parse({
      id: "i1",
      name: "corp-adfs",
      type: "Microsoft ADFS",
      ldap,
      identitySources: [
        { name: "corp.example.com", type: "ActiveDirectory", ldap: { ...ldap, unmodelled: 1 }, domainNames: ["corp.example.com"] },
        { name: "other", ldap: { domainName: "other.example.com", domainAlias: "OTHER" } },
        { name: "no-ldap" },
      ],
    }));
    expect(inputs.ldap).not.toHaveProperty("domainAlias");
    expect(outputs.identitySources).toStrictEqual([
      { name: "corp.example.com", type: "ActiveDirectory", ldap: { domainName: ldap.domainName, username: ldap.username, type: ldap.type, sourceDetails: ldap.sourceDetails, unmodelled: 1 }, domainNames: ["corp.example.com"] },
      { name: "other", ldap: { domainName: "other.example.com", domainAlias: "OTHER" } },
      { name: "no-ldap" },
    ]);
  });

  it("reads each answer as the codec's full pass over the program side reads it (core/codec.ts `read`)", () => {
    const answers = [
      { id: "i1", name: "corp-adfs", type: "Microsoft ADFS", status: "ACTIVE", domainNames: ["corp.example.com"], ldap: { ...valid().ldap, password: undefined, extra: { x: 1 }, sourceDetails: { ...valid().ldap.sourceDetails, certChain: [] } }, oidc: { clientId: "vcf", discoveryEndpoint: valid().oidc.discoveryEndpoint, issuer: "https://i" }, identitySources: [{ name: "corp.example.com", type: "ActiveDirectory", unmodelled: true }], fedIdp: { a: [1] }, idpMessage: "m", extraField: 1 },
      { id: "i2", name: "okta", type: "Generic OIDC", oidc: { clientId: "c", discoveryEndpoint: "https://d/.well-known/openid-configuration" } },
      { id: "i3", name: "bare", type: "Embedded" },
    ];
    for (const a of answers) {
      const w = wireSchema.parse(a);
      expect(liveCodec.read(w)).toStrictEqual(z.decode(liveCodec.checked, w));
    }
  });
});

describe("typed arguments", () => {
  it("accept Pulumi inputs at every depth, secrets included (checked by tsc, not run)", () => {
    const typed = (pulumi: typeof import("@pulumi/pulumi"), other: IdentityProvider) =>
      new IdentityProvider("sso", {
        name: other.name.apply((n) => `${n}-2`),
        type: "Microsoft ADFS",
        ldap: { ...valid().ldap, password: pulumi.secret("p"), sourceDetails: { ...valid().ldap.sourceDetails, serverEndpoints: [pulumi.output("ldap://dc01:389")] } },
        oidc: { clientId: "vcf", clientSecret: pulumi.secret("s"), discoveryEndpoint: other.oidc.apply((o) => o?.discoveryEndpoint ?? "") },
        connection: { host: "sfo-vcf01.rainpole.io", username: "admin@local", password: pulumi.secret("x"), caBundle: "/etc/ssl/private-ca.pem" },
      });
    expect(typeof typed).toBe("function");
  });
});

describe("the lists derived from the field facts are the ones written by hand before", () => {
  // Each literal is the list the code held before the facts moved beside the fields.
  it("secret paths and secret outputs", () => {
    expect(SECRET_PATHS).toEqual(["ldap.password", "oidc.clientSecret", "connection.password", "connection.clientKey"]);
    expect(SECRET_OUTPUTS).toEqual(["ldap", "oidc", "connection"]);
  });

  it("write-only paths, in the order `unverified` lists them", () => {
    expect(WRITE_ONLY_PATHS).toEqual(["ldap.password", "oidc.clientSecret", "certChain"]);
  });

  it("replace keys: a change of type, and the sub-specs whose removal replaces", () => {
    expect(REPLACE_ON_CHANGE).toEqual(["type"]);
    expect(SUB_SPEC_KEYS).toEqual(["ldap", "oidc"]);
  });

  it("input keys, local keys, and the keys an update writes for", () => {
    // certChain now follows oidc in the schema (so that `unverified` keeps its order); diff reads
    // these keys as a set and the engine stores a state's keys as a map, so only the set counts.
    expect([...INPUT_KEYS].sort()).toEqual(["name", "type", "certChain", "ldap", "oidc", "connection"].sort());
    expect(LOCAL_KEYS).toEqual(["connection", "adopt"]);
    // Before: a PATCH when the name changed or any of certChain, ldap, oidc did (a type change replaces).
    const written = INPUT_KEYS.filter((k) => !LOCAL_KEYS.includes(k) && !REPLACE_ON_CHANGE.includes(k));
    expect([...written].sort()).toEqual(["name", "certChain", "ldap", "oidc"].sort());
  });

  it("output keys, with `secretsUnverified` under its one name `unverified`", () => {
    expect([...OUTPUT_KEYS].sort()).toEqual(
      [
        "name", "type", "certChain", "ldap", "oidc", "connection", "identityProviderId", "status", "domainNames",
        "identitySources", "oidcInfo", "idpMessage", "fedIdp", "unverified",
      ].sort(),
    );
  });

  it("every input and output has a description a user can read", () => {
    expect(undescribed(argsSchema)).toEqual([]);
    expect(undescribed(outputsSchema)).toEqual([]);
  });
});

describe("errors carry a stable code", () => {
  const ctx = (status: number, body: unknown) => ({ status, method: "POST", url: "https://sddc/v1/identity-providers", body, text: JSON.stringify(body) }) as any;

  it("a name already taken is a conflict whatever the status, other refusals keep their status's code", () => {
    expect(toVcfError(ctx(409, { errorCode: "IDENTITY_PROVIDER_ALREADY_EXISTS", message: "exists" })).code).toBe(ERROR_CODES.conflict);
    expect(toVcfError(ctx(400, { errorCode: "IDP_DUPLICATE_NAME", message: "exists" })).code).toBe(ERROR_CODES.conflict);
    expect(toVcfError(ctx(400, { errorCode: "IDENTITY_PROVIDER_SPEC_INVALID", message: "bad" })).code).toBe(ERROR_CODES.invalid);
    expect(toVcfError(ctx(404, { errorCode: "IDENTITY_PROVIDER_NOT_FOUND", message: "gone" })).code).toBe(ERROR_CODES.notFound);
  });

  it("says where to set the credentials on a 401 and which role is missing on a 403", () => {
    const e401 = toVcfError(ctx(401, { errorCode: "UNAUTHORIZED", message: "no" }));
    expect(e401.code).toBe(ERROR_CODES.unauthorized);
    expect(e401.message).toMatch(/what to do: check the SDDC Manager user and password/);
    const e403 = toVcfError(ctx(403, { errorCode: "FORBIDDEN", message: "no" }));
    expect(e403.code).toBe(ERROR_CODES.forbidden);
    expect(e403.message).toMatch(/lacks the ADMIN role/);
  });

  it("tasks that fail or outlast the wait have their own codes", () => {
    expect(new VcfTaskFailedError("t1", "Add identity provider", "FAILED", []).code).toBe(ERROR_CODES.taskFailed);
    expect(new VcfTaskTimeoutError("t1", 1000).code).toBe(ERROR_CODES.taskTimeout);
  });

  it("the reference page lists only codes that exist, each with when and what to do", () => {
    const codes = Object.values(ERROR_CODES) as string[];
    expect(reference.errors.length).toBeGreaterThan(0);
    for (const e of reference.errors) {
      expect(codes).toContain(e.code);
      expect(e.when.length).toBeGreaterThan(10);
      expect(e.fix.length).toBeGreaterThan(10);
    }
    expect(reference.args).toBe(argsSchema);
    expect(reference.outputs).toBe(outputsSchema);
  });
});
