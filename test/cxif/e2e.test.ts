/**
 * cxif.ScimConfiguration end to end, its quirks: a program run through the real Pulumi engine (the
 * CLI built by tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider
 * host and calls Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator. The
 * lifecycle every resource shares (preview, up with the descriptor href, update, drift, destroy,
 * adopt, the secret scan) is test/lifecycle/suite.ts with test/lifecycle/cxif.ts.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { cxifConfig } from "../stack-config";
import { findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";
import { base, byDescriptor, program, startEmulator } from "../lifecycle/cxif";

let emu: any;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

describe("cxif.ScimConfiguration through the real Pulumi engine", () => {
  const fx = stackFixture();
  const { go, printed, hostLogs, texts, providers } = recorder();
  const opts = () => ({
    projectDir: fx.dir,
    program: program(base),
    project: "cxif-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: cxifConfig(emu),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });

  it("refresh drops a configuration deleted outside Pulumi, and the next up creates it again", async () => {
    expect((await go("up", opts())).errors).toEqual([]);
    const gone = byDescriptor(emu, "oci-iam-business");
    emu.state.configurations.delete(gone.id);
    const r = await go("refresh", opts());
    expect(r.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "refresh", gone: true });
    const up = await go("up", opts());
    expect(up.errors).toEqual([]);
    expect(up.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "create" });
    expect(byDescriptor(emu, "oci-iam-business").id).not.toBe(gone.id);
    expect((await go("destroy", opts())).errors).toEqual([]);
    expect(emu.state.configurations.size).toBe(0);
    expect(readState(fx.stateFile).resources).toEqual([]);
  });

  it("kept the client secret out of the state file, the printed plan, the host's log and the serialized provider", () => {
    const provider = providers();
    expect(printed.length).toBeGreaterThan(10);
    expect(provider.length).toBeGreaterThan(4);
    // The serialized provider is a stub: it holds no client, schema or credential.
    for (const p of provider) expect(p.length).toBeLessThan(4000);
    const hits = findCanaries([emu.clientSecret], texts());
    expect(hits).toEqual([]);
  });

  it("never lets the client secret out when it comes from a resource's connection input", async () => {
    const secret = emu.clientSecret;
    const fx4 = stackFixture();
    const lines: string[] = [];
    const o = {
      projectDir: fx4.dir,
      project: "cxif-e2e",
      stack: "prod",
      stateFile: fx4.stateFile,
      config: {},
      passphrase: "test-passphrase",
      out: (l: string) => lines.push(l),
      program: () => {
        const pulumi = pulumiSdk();
        const { cxif } = trustplane();
        new cxif.ScimConfiguration("tenant-b", {
          targetConnectionDescriptorName: "tenant-b-idm",
          connection: { host: emu.url, tokenUrl: emu.tokenUrl, clientId: emu.clientId, clientSecret: pulumi.secret(secret) },
        });
        return {};
      },
    };
    const up = await go("up", o);
    expect(up.errors).toEqual([]);
    expect(byDescriptor(emu, "tenant-b-idm")).toBeDefined();
    const text = fs.readFileSync(fx4.stateFile, "utf8");
    expect(text).not.toContain(secret);
    expect(text).toContain('"ciphertext": "v1:');
    const down = await go("destroy", o);
    expect(down.errors).toEqual([]);
    expect(byDescriptor(emu, "tenant-b-idm")).toBeUndefined();
    expect(findCanaries([secret], { printed: lines.join("\n"), hostLog: hostLogs.join("\n") })).toEqual([]);
  });
});
