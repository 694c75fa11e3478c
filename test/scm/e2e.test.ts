/**
 * scm.ScepProfile end to end, its quirks: a program run through the real Pulumi engine (the CLI
 * built by tools/pulumi-cli, driven with the Automation API), which starts the SDK's
 * dynamic-provider host and calls Configure/Check/Diff/Create/Read/Update/Delete on it, against
 * the emulator. The lifecycle every resource shares (preview, up, update, drift, replace,
 * destroy, adopt by import id, the secret scan) is test/lifecycle/suite.ts with test/lifecycle/scm.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { scmConfig } from "../stack-config";
import { findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";
import { fixedSecret, scm } from "../lifecycle/scm";

let emu: any;

beforeAll(async () => {
  emu = await scm.start();
});
afterAll(() => emu.stop());

describe("scm.ScepProfile through the real Pulumi engine", () => {
  const fx = stackFixture();
  const { go, printed, statesSeen, texts, providers } = recorder();
  const opts = (program: () => unknown, stateFile: string) => ({
    projectDir: fx.dir,
    program,
    project: "scm-e2e",
    stack: "dev",
    stateFile,
    config: scmConfig(emu),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });

  it("adopt: true takes over a profile of the same name in the same folder, and creates one where none exists", async () => {
    const fx2 = stackFixture();
    const prog = () => {
      const pulumi = pulumiSdk();
      const { scm } = trustplane();
      const p = new scm.ScepProfile("named", {
        folder: "Mobile Users", name: "adopt-by-name", scepChallenge: { fixed: pulumi.secret(fixedSecret) }, caIdentityName: "Corp Issuing CA",
        algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep", adopt: true,
      });
      return { id: p.id };
    };
    const o = opts(prog, fx2.stateFile);
    const first = await go("up", o);
    expect(first.errors).toEqual([]);
    expect(emu.state.profiles.size).toBe(1);
    const id = first.outputs.id;
    // The same program on a second stack of the same tenant adopts the object instead of colliding.
    const fx3 = stackFixture();
    const second = await go("up", { ...o, stack: "staging", stateFile: fx3.stateFile });
    expect(second.errors).toEqual([]);
    expect(second.outputs.id).toBe(id);
    expect(emu.state.profiles.size).toBe(1);
    await go("destroy", o);
    expect(emu.state.profiles.size).toBe(0);
    await go("refresh", { ...o, stack: "staging", stateFile: fx3.stateFile });
    expect(readState(fx3.stateFile).resources).toEqual([]);
  });

  it("kept the challenge and the client secret out of the state, the printed plan, the host's log and the serialized provider", () => {
    expect(printed.length).toBeGreaterThan(4);
    // One from each stack's up: the scan has serialized providers to look at.
    expect(providers().length).toBeGreaterThanOrEqual(2);
    expect(findCanaries([fixedSecret, emu.clientSecret], texts())).toEqual([]);
    // The secrets are in the state, encrypted, not merely absent.
    expect(statesSeen.join("\n")).toContain('"ciphertext": "v1:');
  });
});
