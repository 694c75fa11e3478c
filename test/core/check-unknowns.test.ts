/**
 * Check with an input still unknown (preview, the value comes from a resource being created or
 * replaced): every known part is normalised as a full check would, so a preview's changed keys
 * are the update's. Each vendor's check, each input key in turn made unknown.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { hooks as cxif } from "../../src/cxif/provider";
import { hooks as czertainly } from "../../src/czertainly/provider";
import { SEED } from "../../src/czertainly/emulator-seed";
import { hooks as nevisidm } from "../../src/nevisidm/provider";
import { hooks as scm } from "../../src/scm/provider";
import { hooks as vcf } from "../../src/vcf/provider";

/** Inputs as a person writes them: numbers for text, other spellings, defaults left out. */
const CASES: Record<string, { hooks: { check: (o: any, n: any) => Promise<any> }; news: Record<string, unknown> }> = {
  "scm.ScepProfile": {
    hooks: scm,
    news: {
      folder: "Mobile Users",
      name: "gp",
      scepChallenge: { fixed: "challenge" },
      caIdentityName: "Corp CA",
      algorithm: { rsa: { rsaNbits: 2048 } },
      digest: "SHA256",
      fingerprint: "ab:cd",
      certificateAttributes: { dnsname: "vpn.example.com" },
      scepUrl: "https://pki.example.com/scep",
    },
  },
  "czertainly.ScepProfile": {
    hooks: czertainly,
    news: {
      name: "devices",
      description: "for devices",
      raProfileUuid: SEED.raProfileUuid,
      caCertificateUuid: SEED.rsaCaUuid,
      challengePassword: "challenge",
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "app",
      intuneApplicationKey: "key",
    },
  },
  "vcf.IdentityProvider": {
    hooks: vcf,
    news: {
      name: "corp-sso",
      type: "Microsoft ADFS",
      ldap: {
        domainName: "corp.example.com",
        username: "svc@corp.example.com",
        password: "pw",
        type: "ActiveDirectory",
        sourceDetails: {
          usersBaseDn: "OU=Users,DC=corp",
          groupsBaseDn: "OU=Groups,DC=corp",
          serverEndpoints: ["ldap://dc.corp.example.com:389"],
        },
      },
      oidc: { clientId: "vcf", clientSecret: "s", discoveryEndpoint: "https://adfs.example.com/adfs/.well-known/openid-configuration" },
    },
  },
  "cxif.ScimConfiguration": {
    hooks: cxif,
    news: {
      targetConnectionDescriptorName: "oci-iam",
      profiles: { Subscriber: { groupAssignment: ["g"], scimRfc7643Mapping: { name: "SWALLOW" } } },
    },
  },
  "nevisidm.ProfileProperties": {
    hooks: nevisidm,
    news: { clientExtId: "acme", profileExtId: "p-1", properties: { max_sessions: 3, vpn_enabled: false, cost_center: "CC-7" } },
  },
};

describe("check with an unknown input normalises every known part", () => {
  for (const [title, c] of Object.entries(CASES)) {
    it(`${title}: each input made unknown in turn leaves the other keys as a full check makes them`, async () => {
      const full = await c.hooks.check({}, structuredClone(c.news));
      expect(full.failures ?? []).toEqual([]);
      for (const key of Object.keys(c.news)) {
        const news = { ...structuredClone(c.news), [key]: UNKNOWN };
        const partial = await c.hooks.check({}, news);
        expect(partial.failures ?? [], key).toEqual([]);
        expect(partial.inputs[key], key).toBe(UNKNOWN);
        const { [key]: _a, ...rest } = partial.inputs;
        const { [key]: _b, ...expected } = full.inputs;
        expect(rest, `${title} with ${key} unknown`).toEqual(expected);
      }
    });
  }

  it("an unknown deep inside an object: its siblings are normalised, the rest of the object too", async () => {
    const news = { ...structuredClone(CASES["scm.ScepProfile"].news), certificateAttributes: { dnsname: UNKNOWN } };
    const r = await scm.check({}, news);
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ algorithm: { rsa: { rsaNbits: "2048" } }, digest: "sha256", subject: "CN=$USERNAME", certificateAttributes: { dnsname: UNKNOWN } });
    const idm = await nevisidm.check({}, { clientExtId: "acme", profileExtId: "p-1", properties: { max_sessions: 3, cost_center: UNKNOWN } });
    expect(idm.inputs.properties).toEqual({ max_sessions: "3", cost_center: UNKNOWN });
  });
});
