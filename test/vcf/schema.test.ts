/**
 * vcf.IdentityProvider check, offline: the reasons a user reads in `pulumi preview`, and the
 * engine's unknown values during preview.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { redact } from "../../src/core/redact";
import { hooks } from "../../src/vcf/provider";
import { fromWire, toWire } from "../../src/vcf/schema";
import { IdentityProvider } from "../../src/vcf/resource";

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
