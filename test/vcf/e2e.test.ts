/**
 * vcf.IdentityProvider end to end, its quirks: a program run through the real Pulumi engine (the
 * CLI built by tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider
 * host and calls Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator. The
 * lifecycle every resource shares (preview, up, update, drift, replace, destroy leaving the
 * Embedded IdP, adopt, the secret scan) is test/lifecycle/suite.ts with test/lifecycle/vcf.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { vcfConfig } from "../stack-config";
import { findCanaries, stackFixture, trustplane } from "../helpers";
import { base, clientSecret, DISCOVERY, ldap, ldapPassword, program, startEmulator } from "../lifecycle/vcf";

let emu: any;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

// Each step spawns the real host; give a loaded machine room.
describe("vcf.IdentityProvider through the real Pulumi engine", { timeout: 180_000 }, () => {
  const fx = stackFixture();
  const { go, printed, errorsSeen, texts, providers } = recorder();
  const opts = () => ({
    projectDir: fx.dir,
    program: program(base),
    project: "vcf-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: vcfConfig(emu),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });

  it("a token that expires mid-run is refreshed once in the host and the run carries on", async () => {
    const up = await go("up", opts());
    expect(up.errors).toEqual([]);
    const logins = emu.state.logins;
    const refreshes = emu.state.refreshes;
    emu.emu.inject({ kind: "token-expired" });
    const r = await go("refresh", opts());
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
    // The new host logged in once; both concurrent reads then shared one refresh.
    expect(emu.state.logins).toBe(logins + 1);
    expect(emu.state.refreshes).toBe(refreshes + 1);
    expect((await go("destroy", opts())).errors).toEqual([]);
  });

  it("refuses to adopt the built-in Embedded IdP, saying why", async () => {
    const fx4 = stackFixture();
    const r = await go("up", {
      ...opts(),
      stateFile: fx4.stateFile,
      program: () => {
        const { vcf } = trustplane();
        new vcf.IdentityProvider("embedded", { name: "Embedded IDP", type: "Microsoft ADFS", ldap: ldap(), oidc: { clientId: "x", clientSecret, discoveryEndpoint: DISCOVERY }, adopt: emu.state.idps.keys().next().value });
        return {};
      },
    });
    errorsSeen.pop();
    expect(r.errors.join("\n")).toMatch(/built-in Embedded identity provider/);
  });

  it("kept every secret out of the state file, the printed plan, the host's log, errors and the serialized provider", () => {
    const provider = providers();
    expect(printed.length).toBeGreaterThan(10);
    expect(provider.length).toBeGreaterThan(2);
    const hits = findCanaries([ldapPassword, clientSecret, emu.password], texts());
    expect(hits).toEqual([]);
    expect(new Set(provider).size).toBe(1);
  });
});
