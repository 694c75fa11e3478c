/**
 * `Resource.get(name, id)` through the real Pulumi engine: a second stack reads a profile the
 * first one manages, by id alone, and uses its outputs without managing it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { scmConfig } from "../stack-config";
import { canary, findCanaries, pulumiSdk, stackFixture, trustplane } from "../helpers";

const { startScmEmulator } = trustplane().scm;

let scm: any;
const challenge = canary("get-challenge");

beforeAll(async () => {
  scm = await startScmEmulator();
});
afterAll(async () => {
  await scm.stop();
});

const { go, texts } = recorder();

const options = (fx: { dir: string; stateFile: string }, program: () => unknown, stack: string) => ({
  projectDir: fx.dir,
  stateFile: fx.stateFile,
  program,
  project: "get",
  stack,
  config: scmConfig(scm),
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
});
