/**
 * Whatever a program wraps in `pulumi.secret`, at any depth, is never stored or shown in
 * plaintext, through the real engine: it strips secrets before calling the dynamic-provider host
 * and re-marks only outputs at the same names as secret inputs (plus additionalSecretOutputs), so
 * an output that echoes an input under another name (nevisIDM's `values`, CZERTAINLY's `scepUrl`)
 * must be marked by the resource itself. Each resource gets every leaf it can take wrapped; the
 * exported states (ciphertext), the stack outputs as the engine shows them, its printed output and
 * its diagnostics are scanned for each plaintext.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { cxifConfig, czertainlyConfig, nevisidmConfig, scmConfig, vcfConfig } from "../stack-config";
import { canary, emulators, findCanaries, pulumiSdk, stackFixture, trustplane } from "../helpers";

const { startScmEmulator } = emulators();
const { startCzertainlyEmulator, CZERTAINLY_SEED: SEED } = emulators();
const { startVcfEmulator } = emulators();
const { startCxifEmulator } = emulators();
const { startNevisidmEmulator } = emulators();

let scm: any;
let cz: any;
let vcf: any;
let cxif: any;
let idm: any;
let idmToken: string;

beforeAll(async () => {
  scm = await startScmEmulator({ clientSecret: canary("secrets-scm-client") });
  cz = await startCzertainlyEmulator();
  vcf = await startVcfEmulator({ password: canary("secrets-vcf-api") });
  cxif = await startCxifEmulator({ clientSecret: canary("secrets-cxif-client") });
  idm = await startNevisidmEmulator();
  idmToken = canary("secrets-nevisidm-token");
  idm.state.principals.set(idmToken, { name: "pulumi-ci" });
});
afterAll(async () => {
  for (const e of [scm, cz, vcf, cxif, idm]) await e?.stop();
});

const config = () => ({ ...scmConfig(scm), ...czertainlyConfig(cz), ...vcfConfig(vcf), ...cxifConfig(cxif), ...nevisidmConfig(idm, idmToken) });

/** Every leaf wrapped in pulumi.secret (map keys cannot be). */
function deepSecret(v: unknown): any {
  const pulumi = pulumiSdk();
  if (Array.isArray(v)) return v.map(deepSecret);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepSecret(x)]));
  return v === undefined || v === null ? v : pulumi.secret(v);
}

/** The string leaves worth scanning for: long enough not to occur by chance in a state. */
function plaintexts(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => plaintexts(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => plaintexts(x, out));
  else if (typeof v === "string" && v.length >= 8) out.push(v);
  return out;
}

const tag = (what: string) => canary(what).slice(0, 28);

interface Case {
  resource: string;
  args: () => Record<string, unknown>;
  /** Inputs left plain because they become the id (the engine never encrypts an id). */
  plain?: string[];
  outputKeys: string[];
}

const scmName = tag("scm");
const czName = tag("cz");
const idpName = tag("idp");
const cxifName = tag("cxif");

const CASES: Record<string, Case> = {
  "scm.ScepProfile": {
    resource: "scm.ScepProfile",
    args: () => ({
      folder: "Mobile Users",
      name: scmName,
      scepChallenge: { fixed: canary("scm-challenge") },
      caIdentityName: `CA ${tag("scm-ca")}`,
      subject: `CN=${tag("scm-subject")}`,
      algorithm: { rsa: { rsaNbits: 2048 } },
      digest: "sha256",
      fingerprint: "ab:cd:ef:01:23:45:67:89",
      certificateAttributes: { dnsname: "vpn-secret-host.example.com" },
      useAsDigitalSignature: true,
      scepUrl: "https://pki-secret-host.example.com/scep",
      scepCaCert: "Forward-Trust-CA",
    }),
    outputKeys: ["folder", "name", "scepChallenge", "caIdentityName", "subject", "algorithm", "digest", "fingerprint",
      "certificateAttributes", "useAsDigitalSignature", "scepUrl", "scepCaCert", "encryptedValues", "unverified"],
  },
  "czertainly.ScepProfile": {
    resource: "czertainly.ScepProfile",
    args: () => ({
      name: czName,
      description: `described ${tag("cz-description")}`,
      raProfileUuid: SEED.raProfileUuid,
      caCertificateUuid: SEED.rsaCaUuid,
      issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-ee" }] }],
      renewalThreshold: 30,
      includeCaCertificate: true,
      challengePassword: canary("cz-challenge"),
      enableIntune: true,
      intuneTenant: "contoso-secret.onmicrosoft.com",
      intuneApplicationId: tag("cz-intune-app"),
      intuneApplicationKey: canary("cz-intune-key"),
      enabled: true,
    }),
    outputKeys: ["name", "description", "raProfileUuid", "caCertificateUuid", "issueCertificateAttributes", "challengePassword",
      "intuneTenant", "intuneApplicationId", "intuneApplicationKey", "enabled", "uuid", "scepUrl", "raProfile", "caCertificate"],
  },
  "vcf.IdentityProvider": {
    resource: "vcf.IdentityProvider",
    args: () => ({
      name: idpName,
      type: "Microsoft ADFS",
      certChain: ["-----BEGIN CERTIFICATE-----\nMIIBsecretfake\n-----END CERTIFICATE-----\n"],
      ldap: {
        domainName: "corp-secret.example.com",
        domainAlias: "CORPSECRET",
        username: `svc-${tag("vcf-user")}@corp-secret.example.com`,
        password: canary("vcf-ldap"),
        type: "ActiveDirectory",
        sourceDetails: {
          usersBaseDn: "OU=SecretUsers,DC=corp,DC=example,DC=com",
          groupsBaseDn: "OU=SecretGroups,DC=corp,DC=example,DC=com",
          serverEndpoints: ["ldaps://dc-secret.corp.example.com:636"],
          certChain: ["-----BEGIN CERTIFICATE-----\nMIIBsecretldapfake\n-----END CERTIFICATE-----\n"],
        },
      },
      oidc: {
        clientId: tag("vcf-client"),
        clientSecret: canary("vcf-oidc"),
        discoveryEndpoint: "https://adfs-secret.corp.example.com/adfs/.well-known/openid-configuration",
      },
    }),
    outputKeys: ["name", "type", "certChain", "ldap", "oidc", "identityProviderId", "status", "domainNames", "identitySources",
      "oidcInfo", "idpMessage", "fedIdp"],
  },
  "cxif.ScimConfiguration": {
    resource: "cxif.ScimConfiguration",
    args: () => ({
      targetConnectionDescriptorName: cxifName,
      profiles: {
        Subscriber: {
          groupAssignment: [tag("cxif-group")],
          scimRfc7643Mapping: { name: "SWALLOW", emails: "FORWARD" },
        },
      },
    }),
    outputKeys: ["configurationId", "targetConnectionDescriptorName", "targetConnectionDescriptorNamespace",
      "targetConnectionDescriptorHref", "profiles"],
  },
  "nevisidm.ProfileProperties": {
    resource: "nevisidm.ProfileProperties",
    args: () => ({
      clientExtId: "acme",
      profileExtId: "p-alice",
      properties: { home_phone: `+41 44 ${tag("idm-phone")}`, employee_id: "90817263", cost_center: tag("idm-cc"), max_sessions: 3 },
    }),
    plain: ["clientExtId", "profileExtId"],
    outputKeys: ["clientExtId", "profileExtId", "properties", "values", "classifications", "adopted"],
  },
};

function construct(c: Case, args: Record<string, unknown>) {
  const [vendor, kind] = c.resource.split(".");
  return new (trustplane()[vendor][kind])("wrapped", args);
}

describe("secrets follow the engine's rules through the real Pulumi engine", () => {
  for (const [title, c] of Object.entries(CASES)) {
    it(`${title}: every input leaf wrapped in pulumi.secret stays ciphertext in the state and [secret] in the outputs`, async () => {
      const fx = stackFixture();
      const { go, texts } = recorder();
      const plainArgs = c.args();
      const program = () => {
        const wrapped = Object.fromEntries(
          Object.entries(plainArgs).map(([k, v]) => [k, c.plain?.includes(k) ? v : deepSecret(v)]),
        );
        const r = construct(c, wrapped);
        return Object.fromEntries(c.outputKeys.map((k) => [k, r[k]]));
      };
      const o = { projectDir: fx.dir, stateFile: fx.stateFile, program, project: "secrets", stack: "dev", config: config(), passphrase: "test-passphrase" };
      const up = await go("up", o);
      expect(up.errors).toEqual([]);
      // The engine answered the outputs (VCF's idpMessage and fedIdp only when SDDC Manager sends them).
      expect(c.outputKeys.filter((k) => !(k in up.rawOutputs))).toEqual(c.resource === "vcf.IdentityProvider" ? ["idpMessage", "fedIdp"] : []);
      expect((await go("refresh", o)).errors).toEqual([]);
      expect((await go("preview", { ...o, expectNoChanges: true })).errors).toEqual([]);
      const shown = JSON.stringify(up.outputs);
      const secrets = plaintexts(Object.fromEntries(Object.entries(plainArgs).filter(([k]) => !c.plain?.includes(k))));
      expect(secrets.length).toBeGreaterThan(1);
      expect(findCanaries(secrets, { ...texts(), outputs: shown })).toEqual([]);
      expect((await go("destroy", o)).errors).toEqual([]);
    });
  }

  it("nevisidm.ProfileProperties: values stay readable when nothing in properties is secret, Outputs from other resources included", async () => {
    const fx = stackFixture();
    const { go } = recorder();
    const program = () => {
      const pulumi = pulumiSdk();
      const p = construct(CASES["nevisidm.ProfileProperties"], { clientExtId: "acme", profileExtId: "p-bob", properties: { department: pulumi.output("Sales") } });
      return { values: p.values, classifications: p.classifications };
    };
    const o = { projectDir: fx.dir, stateFile: fx.stateFile, program, project: "secrets", stack: "plain", config: config(), passphrase: "test-passphrase" };
    const up = await go("up", o);
    expect(up.errors).toEqual([]);
    expect(up.outputs.values).toEqual({ department: "Sales" });
    expect((await go("destroy", o)).errors).toEqual([]);
  });

  it("nevisidm.ProfileProperties: a secret clientExtId is refused, since it becomes the plaintext id", async () => {
    const fx = stackFixture();
    const { go, texts } = recorder();
    const program = () => {
      const pulumi = pulumiSdk();
      const p = construct(CASES["nevisidm.ProfileProperties"], { clientExtId: pulumi.secret("acme"), profileExtId: "p-bob", properties: { department: "Sales" } });
      return { id: p.id };
    };
    const o = { projectDir: fx.dir, stateFile: fx.stateFile, program, project: "secrets", stack: "refused", config: config(), passphrase: "test-passphrase" };
    const patches = () => idm.emu.requests.filter((r: any) => r.method === "PATCH").length;
    const before = patches();
    const up = await go("up", o);
    expect(up.ok).toBe(false);
    expect([...up.errors, ...up.diagnostics].join("\n")).toMatch(/'clientExtId' is wrapped in pulumi\.secret, but it becomes \(part of\) the resource id/);
    // Check names the property and why, instead of the schema's "must be a string".
    expect(up.errors.join("\n")).toMatch(/clientExtId: is wrapped in pulumi\.secret, but it becomes \(part of\) the resource id/);
    expect(patches()).toBe(before);
    expect(findCanaries(["acme/p-bob"], { state: texts().state })).toEqual([]);
  });
});
