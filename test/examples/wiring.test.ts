/**
 * The identity-platform program under `pulumi.runtime.setMocks`: no provider, no host, no HTTP.
 * Checks the wiring alone: which resource takes which value from which other resource's outputs,
 * and that the dev stack file holds every config key the program requires.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { pulumiSdk, requireDist } from "../helpers";
import { stackConfig } from "./examples";

const TYPE = (t: string) => t.replace(/^pulumi-nodejs:dynamic\//, "");

const CA = {
  uuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51",
  commonName: "Mock Device CA",
  subjectDn: "CN=Mock Device CA,O=Mock",
  fingerprint: "ab".repeat(32),
  notAfter: "2031-06-30T00:00:00Z",
};
const SCEP_URL = "https://czertainly.mock/api/v1/protocols/scep/globalprotect-devices-dev/pkiclient.exe";
const HREF = "/connectionDescriptors/oci-iam-dev";

/** What each mocked vendor answers besides echoing the inputs. */
const ANSWERS: Record<string, Record<string, unknown>> = {
  "czertainly:ScepProfile": { scepUrl: SCEP_URL, caCertificate: CA, uuid: "mock-uuid" },
  "cxif:ScimConfiguration": { targetConnectionDescriptorHref: HREF, targetConnectionDescriptorNamespace: "dx-prod" },
  "vcf:IdentityProvider": { status: "ACTIVE" },
  "nevisidm:ProfileProperties": {},
  "scm:ScepProfile": {},
};

const inputs: Record<string, Record<string, any>> = {};
/** Per type, the input paths that reached the engine marked secret. */
const secretPaths: Record<string, string[]> = {};
const SIG = "4dabf18193072939515e22adb298388d";

/** Strips the SDK's secret markers, noting where they were. */
function unwrap(v: any, at: string, found: string[]): any {
  if (v && typeof v === "object" && !Array.isArray(v) && v[SIG]) {
    found.push(at);
    return unwrap(v.value, at, found);
  }
  if (Array.isArray(v)) return v.map((x, i) => unwrap(x, `${at}[${i}]`, found));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x, at ? `${at}.${k}` : k, found)]));
  return v;
}
let exported: Record<string, any>;

function settle<T>(o: { apply(f: (v: T) => void): unknown }): Promise<T> {
  return new Promise((resolve) => o.apply((v: T) => resolve(v)));
}

beforeAll(async () => {
  const pulumi = pulumiSdk();
  const cfg = await stackConfig("identity-platform", "dev");
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(cfg).map(([k, v]) => [k, v.value])),
    Object.entries(cfg).filter(([, v]) => v.secret).map(([k]) => k),
  );
  await pulumi.runtime.setMocks(
    {
      newResource(args: { type: string; name: string; inputs: Record<string, any> }) {
        const type = TYPE(args.type);
        secretPaths[type] = [];
        inputs[type] = unwrap(args.inputs, "", secretPaths[type]);
        const { __provider, ...rest } = inputs[type];
        void __provider;
        const outputs = { ...rest, ...ANSWERS[type], values: type === "nevisidm:ProfileProperties" ? rest.properties : undefined };
        return { id: `${args.name}-id`, state: outputs };
      },
      call: () => ({}),
    },
    "identity-platform",
    "dev",
    false,
  );
  const program = requireDist("./dist/examples/identity-platform/index.js");
  exported = {};
  for (const [k, v] of Object.entries(program)) exported[k] = await settle(v as any);
});

describe("identity-platform wiring", () => {
  it("creates one resource of each of the five types, each with its serialized provider", () => {
    expect(Object.keys(inputs).sort()).toEqual(["cxif:ScimConfiguration", "czertainly:ScepProfile", "nevisidm:ProfileProperties", "scm:ScepProfile", "vcf:IdentityProvider"]);
    for (const i of Object.values(inputs)) expect(i.__provider).toMatch(/trustplane\/provider/);
  });

  it("points GlobalProtect at CZERTAINLY's SCEP URL and CA, from its outputs", () => {
    const gp = inputs["scm:ScepProfile"];
    expect(gp.scepUrl).toBe(SCEP_URL);
    expect(gp.fingerprint).toBe(CA.fingerprint);
    expect(gp.caIdentityName).toBe(CA.commonName);
    expect(gp.folder).toBe("Mobile Users Dev");
    expect(gp.name).toBe("gp-devices-dev");
  });

  it("gives CZERTAINLY and GlobalProtect the same challenge password, from the secret config", () => {
    const challenge = inputs["czertainly:ScepProfile"].challengePassword;
    expect(typeof challenge).toBe("string");
    expect(challenge.length).toBeGreaterThan(8);
    expect(inputs["scm:ScepProfile"].scepChallenge).toEqual({ fixed: challenge });
    // …and both reach the engine as secrets.
    expect(secretPaths["czertainly:ScepProfile"]).toContain("challengePassword");
    expect(secretPaths["scm:ScepProfile"].some((p) => p.startsWith("scepChallenge"))).toBe(true);
  });

  it("federates SDDC Manager with the stack's AD FS and Active Directory", () => {
    const idp = inputs["vcf:IdentityProvider"];
    expect(idp.type).toBe("Microsoft ADFS");
    expect(idp.oidc.discoveryEndpoint).toBe("https://adfs.dev.corp.example.com/adfs/.well-known/openid-configuration");
    expect(idp.ldap.sourceDetails.serverEndpoints).toEqual(["ldap://dc01.dev.corp.example.com:389"]);
    expect(idp.ldap.domainName).toBe("dev.corp.example.com");
    expect(secretPaths["vcf:IdentityProvider"].some((p) => p.startsWith("oidc"))).toBe(true);
    expect(secretPaths["vcf:IdentityProvider"].some((p) => p.startsWith("ldap"))).toBe(true);
  });

  it("records in nevisIDM the GlobalProtect profile and the SCIM href the other resources produced", () => {
    const rec = inputs["nevisidm:ProfileProperties"];
    expect(rec.clientExtId).toBe("acme");
    expect(rec.profileExtId).toBe("p-rollout-dev");
    expect(rec.properties).toEqual({ rollout_stack: "dev", gp_scep_profile: "gp-devices-dev", scim_href: HREF });
  });

  it("exports the SCEP CA certificate and the SCIM href", () => {
    expect(exported.scepCaCertificate).toEqual({ subject: CA.subjectDn, fingerprint: CA.fingerprint, notAfter: CA.notAfter });
    expect(exported.scimHref).toBe(HREF);
    expect(exported.scepUrl).toBe(SCEP_URL);
    expect(exported.datacenterIdentityProviderStatus).toBe("ACTIVE");
  });
});
