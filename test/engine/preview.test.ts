/**
 * A preview says what the update will do, through the real engine: when an input is unknown
 * during preview (it comes from a resource being replaced), check still fills defaults and
 * normalises every known part, so the changed keys the preview lists are the ones the update
 * then changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { czertainlyConfig, scmConfig } from "../stack-config";
import { canary, emulators, findCanaries, pulumiSdk, stackFixture, trustplane } from "../helpers";

const { startScmEmulator } = emulators();
const { startCzertainlyEmulator, CZERTAINLY_SEED: SEED } = emulators();

let scm: any;
let cz: any;
const challenge = canary("preview-challenge");

beforeAll(async () => {
  scm = await startScmEmulator({ clientSecret: canary("preview-client-secret") });
  cz = await startCzertainlyEmulator();
});
afterAll(async () => {
  await scm.stop();
  await cz.stop();
});

const config = () => ({ ...scmConfig(scm), ...czertainlyConfig(cz) });

/** The SCM profile takes its SCEP URL from the CZERTAINLY profile; its constants are given as a person writes them. */
function program(czName: string) {
  return () => {
    const pulumi = pulumiSdk();
    const { scm: s, czertainly } = trustplane();
    const pki = new czertainly.ScepProfile("pki", {
      name: czName,
      caCertificateUuid: SEED.ecdsaCaUuid,
      raProfileUuid: SEED.raProfileUuid,
      challengePassword: pulumi.secret(challenge),
      enabled: true,
    });
    const vpn = new s.ScepProfile("vpn", {
      folder: "Mobile Users",
      name: "preview-vpn",
      scepChallenge: { fixed: pulumi.secret(challenge) },
      caIdentityName: "Corp Issuing CA",
      // Normalised by check: a number for the text the API takes, an upper-case digest, the default subject left out.
      algorithm: { rsa: { rsaNbits: 2048 } },
      digest: "SHA256",
      certificateAttributes: { dnsname: "vpn.example.com" },
      scepUrl: pki.scepUrl,
    });
    return { vpnId: vpn.id, scepUrl: vpn.scepUrl };
  };
}

describe("a preview lists the changes the update makes", () => {
  it("an SCM profile whose scepUrl comes from a renamed (replaced) CZERTAINLY profile: the same changed keys in preview and update", async () => {
    const fx = stackFixture();
    const { go, texts } = recorder();
    const o = (name: string) => ({ projectDir: fx.dir, stateFile: fx.stateFile, program: program(name), project: "preview", stack: "dev", config: config(), passphrase: "test-passphrase" });
    const first = await go("up", o("preview-pki"));
    expect(first.errors).toEqual([]);
    expect((await go("preview", { ...o("preview-pki"), expectNoChanges: true })).errors).toEqual([]);

    const preview = await go("preview", o("preview-pki-renamed"));
    expect(preview.errors).toEqual([]);
    const planned = preview.steps.find((x: any) => x.name === "vpn");
    expect(preview.steps.find((x: any) => x.name === "pki")?.op).toBe("replace");
    // The SCEP URL is unknown until the new CZERTAINLY profile exists; everything else is known.
    expect(planned).toMatchObject({ op: "update", changed: ["scepUrl"] });

    const up = await go("up", o("preview-pki-renamed"));
    expect(up.errors).toEqual([]);
    const done = up.steps.find((x: any) => x.name === "vpn");
    expect(done?.op).toBe(planned.op);
    expect(done?.changed).toEqual(planned.changed);
    expect(up.rawOutputs.scepUrl).toMatch(/preview-pki-renamed/);
    expect((await go("preview", { ...o("preview-pki-renamed"), expectNoChanges: true })).errors).toEqual([]);
    expect((await go("destroy", o("preview-pki-renamed"))).errors).toEqual([]);
    expect(findCanaries([challenge, scm.clientSecret, cz.token], texts())).toEqual([]);
  });
});
