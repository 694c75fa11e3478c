/**
 * nevisidm.ProfileProperties end to end: a program run through the real Pulumi engine (the CLI built by
 * tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider host and calls
 * Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder, runEngine } from "../recorder";
import { canary, emulators, findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";

const { startNevisidmEmulator } = emulators();

let idm: any;
let token: string;

beforeAll(async () => {
  idm = await startNevisidmEmulator();
  // A recognisable token, so the secrets scan can look for it.
  token = canary("nevisidm-token");
  idm.state.principals.set(token, { name: "pulumi-ci" });
});
afterAll(() => idm.stop());

function config() {
  return {
    "trustplane:nevisidmUrl": { value: idm.url },
    "trustplane:nevisidmToken": { value: token, secret: true },
  };
}

interface Knobs {
  alice: Record<string, unknown>;
  bobProfile?: string;
  /** Bob's cost center given directly instead of from alice's output. */
  bobCostCenter?: string;
}

function program(k: Knobs) {
  return () => {
    const { nevisidm } = trustplane();
    const alice = new nevisidm.ProfileProperties("alice", { clientExtId: "acme", profileExtId: "p-alice", properties: k.alice });
    const bob = new nevisidm.ProfileProperties("bob", {
      clientExtId: "acme",
      profileExtId: k.bobProfile ?? "p-bob",
      // Wired from the other resource's output: unknown during the first preview.
      properties: {
        cost_center: k.bobCostCenter ?? alice.values.apply((v: Record<string, string>) => v.cost_center ?? "none"),
        vpn_enabled: false,
      },
    });
    return { aliceValues: alice.values, aliceClassifications: alice.classifications, bobId: bob.id };
  };
}

describe("nevisidm.ProfileProperties through the real Pulumi engine", { timeout: 60_000 }, () => {
  const fx = stackFixture();
  const { go, printed, hostLogs, errorsSeen, statesSeen, texts, providers } = recorder();
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
  const base: Knobs = { alice: { employee_id: "4711", cost_center: "CC-7", max_sessions: 3 } };
  const writes = () => idm.emu.requests.filter((r: any) => r.method === "PATCH");

  it("previews two creates without writing anything", async () => {
    idm.state.setValue("acme", "p-alice", "home_phone", "+41 44 123"); // someone else's key
    const r = await go("preview", opts(base));
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => [s.name, s.op])).toEqual([["alice", "create"], ["bob", "create"]]);
    expect(r.outputs.bobId).toBe("(unknown)");
    expect(writes().length).toBe(0);
    expect(r.resources).toEqual([]);
  });

  it("up writes the declared keys and leaves the profile's other keys alone; a second preview is quiet", async () => {
    const up = await go("up", opts(base));
    expect(up.errors).toEqual([]);
    expect(up.counts.create).toBe(2);
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 123", employee_id: "4711", cost_center: "CC-7", max_sessions: "3" });
    expect(idm.state.values("acme", "p-bob")).toEqual({ cost_center: "CC-7", vpn_enabled: "false" });
    expect(up.outputs.aliceValues).toEqual({ employee_id: "4711", cost_center: "CC-7", max_sessions: "3" });
    expect(up.outputs.aliceClassifications).toEqual({ employee_id: ["PERSONAL"] });
    expect(up.outputs.bobId).toBe("acme/p-bob");
    const again = await go("preview", opts(base));
    expect(again.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
  });

  it("changing one key updates in place with a PATCH of that key alone", async () => {
    const before = writes().length;
    const r = await go("up", opts({ alice: { ...base.alice, max_sessions: 5 } }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "alice")).toMatchObject({ op: "update", changed: ["properties"] });
    expect(r.steps.find((s: any) => s.name === "bob")).toMatchObject({ op: "same" });
    expect(writes().slice(before).map((w: any) => w.body)).toEqual([{ max_sessions: "5" }]);
  });

  it("removing a key clears it in nevisIDM and nothing else", async () => {
    const before = writes().length;
    const r = await go("up", opts({ alice: { employee_id: "4711", cost_center: "CC-7" } }));
    expect(r.errors).toEqual([]);
    expect(writes().slice(before).map((w: any) => w.body)).toEqual([{ max_sessions: null }]);
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 123", employee_id: "4711", cost_center: "CC-7" });
  });

  it("a key changed outside Pulumi is left alone unless declared; refresh shows declared drift and up puts it back", async () => {
    const k: Knobs = { alice: { employee_id: "4711", cost_center: "CC-7" } };
    idm.state.setValue("acme", "p-alice", "home_phone", "+41 44 999"); // not declared
    idm.state.setValue("acme", "p-alice", "cost_center", "CC-manual"); // declared
    const r = await go("refresh", opts(k));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "alice")).toMatchObject({ op: "refresh" });
    expect(r.steps.find((s: any) => s.name === "bob")).toMatchObject({ op: "same" });
    const p = await go("preview", opts(k));
    expect(p.steps.find((s: any) => s.name === "alice")).toMatchObject({ op: "update", changed: ["properties"] });
    const before = writes().length;
    await go("up", opts(k));
    expect(writes().slice(before).map((w: any) => w.body)).toEqual([{ cost_center: "CC-7" }]);
    expect(idm.state.values("acme", "p-alice")).toMatchObject({ home_phone: "+41 44 999", cost_center: "CC-7" });
  });

  it("moving a resource to another profile releases the old profile's keys first", async () => {
    const k: Knobs = { alice: { employee_id: "4711", cost_center: "CC-7" }, bobProfile: "p-carol" };
    const r = await go("up", opts(k));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "bob")).toMatchObject({ op: "replace" });
    expect(idm.state.values("acme", "p-bob")).toEqual({});
    expect(idm.state.values("acme", "p-carol")).toEqual({ cost_center: "CC-7", vpn_enabled: "false" });
  });

  it("a value nevisIDM refuses fails the update with the property and the next step, keeping the state", async () => {
    const k: Knobs = { alice: { employee_id: "47-11", cost_center: "CC-7" }, bobProfile: "p-carol", bobCostCenter: "CC-7" };
    const r = await go("up", opts(k));
    expect(r.errors.join("\n")).toMatch(/errors\.property\.stringregex[\s\S]*properties\.employee_id: the value of 'employee_id' does not match/);
    const alice = readState(fx.stateFile).resources.find((x: any) => x.name === "alice");
    expect(alice.outputs.properties.employee_id).toBe("4711");
    expect(idm.state.values("acme", "p-alice").employee_id).toBe("4711");
  });

  it("destroy clears the owned keys only", async () => {
    const r = await go("destroy", opts(base));
    expect(r.errors).toEqual([]);
    expect(r.counts.delete).toBe(2);
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 999" });
    expect(idm.state.values("acme", "p-carol")).toEqual({});
    expect(readState(fx.stateFile).resources).toEqual([]);
  });

  it("adopts a profile's values with adopt: \"<client>/<profile>\", managing the declared keys from the moment of adoption", async () => {
    idm.state.setValue("acme", "p-bob", "employee_id", "5000");
    idm.state.setValue("acme", "p-bob", "department", "Finance");
    const fx2 = stackFixture();
    const prog = (props: Record<string, string>) => () => {
      const { nevisidm } = trustplane();
      const p = new nevisidm.ProfileProperties("legacy", { clientExtId: "acme", profileExtId: "p-bob", properties: props, adopt: "acme/p-bob" });
      return { id: p.id, values: p.values };
    };
    const o = { ...opts(base), stateFile: fx2.stateFile };
    const r = await go("up", { ...o, program: prog({ employee_id: "5000" }) });
    expect(r.errors).toEqual([]);
    expect(r.steps).toMatchObject([{ op: "create", name: "legacy" }]);
    expect(r.outputs.id).toBe("acme/p-bob");
    expect((await go("preview", { ...o, program: prog({ employee_id: "5000" }), expectNoChanges: true })).errors).toEqual([]);
    // The declared keys are managed from the moment of adoption: a change is written, a key
    // the program stops declaring is cleared, and destroy clears the declared keys and nothing else.
    await go("up", { ...o, program: prog({ employee_id: "5002", cost_center: "CC-1" }) });
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "5002", cost_center: "CC-1", department: "Finance" });
    await go("up", { ...o, program: prog({ employee_id: "5002" }) });
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "5002", department: "Finance" });
    await go("destroy", { ...o, program: prog({ employee_id: "5002" }) });
    expect(idm.state.values("acme", "p-bob")).toEqual({ department: "Finance" });
  });

  it("kept the token out of the state file, the printed plan, the host's log and the serialized provider", () => {
    const state = statesSeen.join("\n");
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
