/**
 * nevisidm.ProfileProperties end to end, its quirks: a program run through the real Pulumi engine
 * (the CLI built by tools/pulumi-cli, with the Automation API), which starts the SDK's
 * dynamic-provider host and calls Configure/Check/Diff/Create/Read/Update/Delete on it, against
 * the emulator. The lifecycle every resource shares (preview, up leaving others' keys alone,
 * update of one key, drift, a move to another profile, destroy of the owned keys, adopt, the
 * secret scan) is test/lifecycle/suite.ts with test/lifecycle/nevisidm.ts.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder, runEngine } from "../recorder";
import { emulators, findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";
import { base, config as configFor, type Knobs, program, startEmulator, withToken } from "../lifecycle/nevisidm";

const { startNevisidmEmulator } = emulators();

let idm: any;
let token: string;

beforeAll(async () => {
  idm = await startEmulator();
  token = withToken(idm);
});
afterAll(() => idm.stop());

const config = () => configFor(idm, token);

describe("nevisidm.ProfileProperties through the real Pulumi engine", { timeout: 60_000 }, () => {
  const fx = stackFixture();
  const { go, printed, texts, providers } = recorder();
  const opts = (k: Knobs) => ({
    projectDir: fx.dir,
    program: program(k),
    project: "nevisidm-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: config(),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });
  const writes = () => idm.emu.requests.filter((r: any) => r.method === "PATCH");

  it("removing a key clears it in nevisIDM and nothing else", async () => {
    idm.state.setValue("acme", "p-alice", "home_phone", "+41 44 123"); // someone else's key
    expect((await go("up", opts(base))).errors).toEqual([]);
    const before = writes().length;
    const r = await go("up", opts({ alice: { employee_id: "4711", cost_center: "CC-7" } }));
    expect(r.errors).toEqual([]);
    expect(writes().slice(before).map((w: any) => w.body)).toEqual([{ max_sessions: null }]);
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 123", employee_id: "4711", cost_center: "CC-7" });
  });

  it("a value nevisIDM refuses fails the update with the property and the next step, keeping the state", async () => {
    const k: Knobs = { alice: { employee_id: "47-11", cost_center: "CC-7" }, bobCostCenter: "CC-7" };
    const r = await go("up", opts(k));
    expect(r.errors.join("\n")).toMatch(/errors\.property\.stringregex[\s\S]*properties\.employee_id: the value of 'employee_id' does not match/);
    const alice = readState(fx.stateFile).resources.find((x: any) => x.name === "alice");
    expect(alice.outputs.properties.employee_id).toBe("4711");
    expect(idm.state.values("acme", "p-alice").employee_id).toBe("4711");
    expect((await go("destroy", opts(base))).errors).toEqual([]);
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 123" });
  });

  it("kept the token out of the state file, the printed plan, the host's log and the serialized provider", () => {
    const provider = providers();
    expect(printed.length).toBeGreaterThan(10);
    expect(provider.length).toBeGreaterThan(2);
    const hits = findCanaries([token], texts());
    expect(hits).toEqual([]);
    // The serialized provider is the small stub, identical for every resource.
    expect(new Set(provider).size).toBe(1);
    expect(provider[0].length).toBeLessThan(4000);
  });
});

describe("nevisidm.ProfileProperties with a connection per resource", { timeout: 60_000 }, () => {
  it("talks to two tenants from one stack, each resource with its own URL and token", async () => {
    const other = await startNevisidmEmulator({ clients: { globex: { properties: [{ name: "tier" }], profiles: [{ extId: "g-1" }] } } });
    try {
      const fx = stackFixture();
      const run = (verb: string) =>
        runEngine(verb, {
          projectDir: fx.dir,
          project: "nevisidm-two",
          stack: "prod",
          stateFile: fx.stateFile,
          passphrase: "p",
          config: config(),
          out: () => undefined,
          program: () => {
            const pulumi = pulumiSdk();
            const { nevisidm } = trustplane();
            new nevisidm.ProfileProperties("acme", { clientExtId: "acme", profileExtId: "p-bob", properties: { department: "Sales" } });
            new nevisidm.ProfileProperties("globex", {
              clientExtId: "globex",
              profileExtId: "g-1",
              properties: { tier: "gold" },
              connection: { url: other.url, token: pulumi.secret(other.token) },
            });
            return {};
          },
        });
      const up = await run("up");
      expect(up.errors).toEqual([]);
      expect(idm.state.values("acme", "p-bob")).toMatchObject({ department: "Sales" });
      expect(other.state.values("globex", "g-1")).toEqual({ tier: "gold" });
      expect(fs.readFileSync(fx.stateFile, "utf8")).not.toContain(other.token);
      expect((await run("destroy")).errors).toEqual([]);
      expect(other.state.values("globex", "g-1")).toEqual({});
    } finally {
      await other.stop();
    }
  });
});

describe("nevisidm.ProfileProperties for many profiles in one stack", { timeout: 120_000 }, () => {
  it("creates, changes and destroys 40 profiles' values concurrently through the host", async () => {
    for (let i = 0; i < 40; i++) idm.state.addProfile("acme", { extId: `fleet-${i}`, userExtId: `fleet-user-${i}`, unitExtId: "hq" });
    const fx = stackFixture();
    const run = (verb: string, centre: string) =>
      runEngine(verb, {
        projectDir: fx.dir,
        project: "nevisidm-fleet",
        stack: "staging",
        stateFile: fx.stateFile,
        passphrase: "p",
        config: config(),
        out: () => undefined,
        program: () => {
          const { nevisidm } = trustplane();
          for (let i = 0; i < 40; i++) {
            new nevisidm.ProfileProperties(`fleet-${i}`, {
              clientExtId: "acme",
              profileExtId: `fleet-${i}`,
              // employee_id is unique (ABSOLUTE): crossed values between profiles would be refused.
              properties: { employee_id: String(90000 + i), cost_center: centre },
            });
          }
          return {};
        },
      });
    idm.emu.chaos({ rate: 0.1, seed: 11, kinds: ["429", "503"] });
    try {
      const up = await run("up", "CC-1");
      expect(up.errors).toEqual([]);
      expect(up.counts.create).toBe(40);
      const changed = await run("up", "CC-2");
      expect(changed.errors).toEqual([]);
      expect(changed.counts.update).toBe(40);
    } finally {
      idm.emu.chaos(undefined);
    }
    for (let i = 0; i < 40; i++) expect(idm.state.values("acme", `fleet-${i}`)).toEqual({ employee_id: String(90000 + i), cost_center: "CC-2" });
    const down = await run("destroy", "CC-2");
    expect(down.errors).toEqual([]);
    for (let i = 0; i < 40; i++) expect(idm.state.values("acme", `fleet-${i}`)).toEqual({});
  });
});
