/**
 * `Resource.get(name, id)` through the real Pulumi engine: a second stack reads a profile the
 * first one manages, by id alone, and uses its outputs without managing it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { cxifConfig, czertainlyConfig, nevisidmConfig, scmConfig, vcfConfig } from "../stack-config";
import { canary, emulators, findCanaries, pulumiSdk, stackFixture, trustplane } from "../helpers";

// The emulators are behind their own subpath: the main entry loads none.
const { startScmEmulator, startCzertainlyEmulator, CZERTAINLY_SEED: SEED, startVcfEmulator, startCxifEmulator, startNevisidmEmulator } = emulators();

let scm: any;
let cz: any;
let vcf: any;
let cxif: any;
let idm: any;
const challenge = canary("get-challenge");
const idmToken = canary("get-nevisidm-token");

beforeAll(async () => {
  scm = await startScmEmulator();
  cz = await startCzertainlyEmulator();
  vcf = await startVcfEmulator();
  cxif = await startCxifEmulator();
  idm = await startNevisidmEmulator();
  idm.state.principals.set(idmToken, { name: "pulumi-ci" });
});
afterAll(async () => {
  for (const e of [scm, cz, vcf, cxif, idm]) await e?.stop();
});

const { go, texts } = recorder();

const options = (fx: { dir: string; stateFile: string }, program: () => unknown, stack: string) => ({
  projectDir: fx.dir,
  stateFile: fx.stateFile,
  program,
  project: "get",
  stack,
  config: { ...scmConfig(scm), ...czertainlyConfig(cz), ...vcfConfig(vcf), ...cxifConfig(cxif), ...nevisidmConfig(idm, idmToken) },
  passphrase: "test-passphrase",
});

const byName = (n: string) => [...scm.state.profiles.values()].find((p: any) => p.name === n);

describe("ScepProfile.get through the real Pulumi engine", () => {
  it("a second stack reads the profile by id and exports its outputs; destroying that stack leaves the profile", async () => {
    const fx = stackFixture();
    const owner = () => {
      const pulumi = pulumiSdk();
      const p = new (trustplane().scm.ScepProfile)("owned", {
        folder: "Mobile Users",
        name: "get-owned",
        scepChallenge: { fixed: pulumi.secret(challenge) },
        caIdentityName: "Corp Issuing CA",
        algorithm: { rsa: { rsaNbits: 2048 } },
        digest: "sha256",
        scepUrl: "https://pki.example.com/scep",
      });
      return { id: p.id };
    };
    const up = await go("up", options(fx, owner, "owner"));
    expect(up.errors).toEqual([]);
    const id = up.rawOutputs.id as string;
    expect(id).toBe(byName("get-owned").id);

    const reader = () => {
      const p = trustplane().scm.ScepProfile.get("seen", id);
      return { scepUrl: p.scepUrl, caIdentityName: p.caIdentityName, folder: p.folder, readId: p.id };
    };
    const read = await go("up", options(fx, reader, "reader"));
    expect(read.errors).toEqual([]);
    expect(read.rawOutputs).toMatchObject({
      scepUrl: "https://pki.example.com/scep",
      caIdentityName: "Corp Issuing CA",
      folder: "Mobile Users",
      readId: id,
    });
    // Read, not created: the engine records it as external and never writes it.
    expect(read.steps.filter((s: any) => s.op === "read").length).toBe(1);
    expect(read.counts.create ?? 0).toBe(0);

    expect((await go("destroy", options(fx, reader, "reader"))).errors).toEqual([]);
    expect(byName("get-owned")).toBeTruthy();
    expect((await go("destroy", options(fx, owner, "owner"))).errors).toEqual([]);
    expect(byName("get-owned")).toBeUndefined();
    // The reading stack got the challenge only as the API answers it (ciphertext): the plaintext is nowhere.
    expect(findCanaries([challenge, scm.clientSecret], texts())).toEqual([]);
  });

  it("every other resource class reads its object by id the same way, with no code of its own", async () => {
    const fx = stackFixture();
    const owner = () => {
      const tp = trustplane();
      const cp = new tp.czertainly.ScepProfile("cz", { name: "get-cz", caCertificateUuid: SEED.rsaCaUuid, raProfileUuid: SEED.raProfileUuid, enabled: true });
      const idp = new tp.vcf.IdentityProvider("idp", {
        name: "get-idp",
        type: "Microsoft ADFS",
        ldap: {
          domainName: "corp.example.com",
          username: "svc-pulumi@corp.example.com",
          password: canary("get-ldap"),
          type: "ActiveDirectory",
          sourceDetails: {
            usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com",
            groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
            serverEndpoints: ["ldap://dc01.corp.example.com:389"],
          },
        },
        oidc: { clientId: "get-client", clientSecret: canary("get-oidc"), discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration" },
      });
      const scim = new tp.cxif.ScimConfiguration("scim", { targetConnectionDescriptorName: "get-scim", profiles: { Subscriber: { groupAssignment: ["get-group"] } } });
      const props = new tp.nevisidm.ProfileProperties("props", { clientExtId: "acme", profileExtId: "p-alice", properties: { department: "Sales" } });
      return {
        czId: cp.id, czScepUrl: cp.scepUrl,
        idpId: idp.id, idpName: idp.name,
        scimId: scim.id, scimHref: scim.targetConnectionDescriptorHref,
        propsId: props.id, propsProfile: props.profileExtId,
      };
    };
    const up = await go("up", options(fx, owner, "owner"));
    expect(up.errors).toEqual([]);
    const o = up.rawOutputs as Record<string, string>;
    expect(o.czScepUrl).toMatch(/^https?:\/\//);
    expect(o.scimHref).toBe("/connectionDescriptors/get-scim");

    const reader = () => {
      const tp = trustplane();
      const cp = tp.czertainly.ScepProfile.get("cz-seen", o.czId);
      const idp = tp.vcf.IdentityProvider.get("idp-seen", o.idpId);
      const scim = tp.cxif.ScimConfiguration.get("scim-seen", o.scimId);
      const props = tp.nevisidm.ProfileProperties.get("props-seen", o.propsId);
      return { czScepUrl: cp.scepUrl, idpName: idp.name, scimHref: scim.targetConnectionDescriptorHref, propsProfile: props.profileExtId };
    };
    const read = await go("up", options(fx, reader, "reader"));
    expect(read.errors).toEqual([]);
    expect(read.rawOutputs).toEqual({ czScepUrl: o.czScepUrl, idpName: "get-idp", scimHref: o.scimHref, propsProfile: "p-alice" });
    expect(read.steps.filter((s: any) => s.op === "read").length).toBe(4);
    expect(read.counts.create ?? 0).toBe(0);

    expect((await go("destroy", options(fx, reader, "reader"))).errors).toEqual([]);
    // Destroying the reading stack left all four in place: the owner's refresh finds each one.
    const refreshed = await go("refresh", options(fx, owner, "owner"));
    expect(refreshed.errors).toEqual([]);
    expect(refreshed.steps.filter((s: any) => s.gone)).toEqual([]);
    expect(refreshed.resources.map((r: any) => r.name).sort()).toEqual(["cz", "idp", "props", "scim"]);
    expect((await go("destroy", options(fx, owner, "owner"))).errors).toEqual([]);
  });
});
