/**
 * czertainly.ScepProfile end to end, its quirks: programs run through the real Pulumi engine (the
 * CLI built by tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider
 * host and calls Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator. The
 * lifecycle every resource shares (preview, up, update, drift, replace, destroy, adopt, the secret
 * scan) is test/lifecycle/suite.ts with test/lifecycle/czertainly.ts.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runEngine } from "../recorder";
import { canary, findCanaries, readState, stackFixture, trustplane } from "../helpers";
import { challenge, czertainly, intuneKey, type Knobs, legacy as single, program, SEED } from "../lifecycle/czertainly";

// Each run spawns the dynamic-provider host, as the engine does.
vi.setConfig({ testTimeout: 60_000 });

let c: any;
const printed: string[] = [];
const hostLogs: string[] = [];
const errors: string[] = [];
/** Every state file as each run left it (later runs overwrite them). */
const statesSeen: string[] = [];
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const k of ["TRUSTPLANE_MAX_RETRIES", "TRUSTPLANE_MIN_BACKOFF_MS", "TRUSTPLANE_MAX_BACKOFF_MS"]) savedEnv[k] = process.env[k];
  // The host inherits these: a failing call fails fast instead of backing off for seconds.
  process.env.TRUSTPLANE_MAX_RETRIES = "1";
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_MAX_BACKOFF_MS = "20";
  c = await czertainly.start();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await c.stop();
});

function config() {
  return {
    "trustplane:czertainlyUrl": { value: c.url },
    "trustplane:czertainlyToken": { value: c.token, secret: true },
  };
}

const profiles = () => [...c.state.profiles.values()] as any[];
const byName = (n: string) => profiles().find((p) => p.name === n);

async function run(verb: string, o: Record<string, unknown>) {
  const r = await runEngine(verb, o as any);
  statesSeen.push(r.state);
  hostLogs.push(...r.diagnostics, ...r.lines);
  errors.push(...r.errors);
  return r;
}

describe("czertainly.ScepProfile enabled and forceDelete through the real Pulumi engine", () => {
  const fx = stackFixture();
  const opts = (k: Knobs = {}) => ({
    projectDir: fx.dir,
    program: program(k),
    project: "czertainly-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: config(),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });
  const k: Knobs = { description: "edited", renewalThreshold: 21 };

  it("disables and enables again following `enabled`", async () => {
    const up = await run("up", opts(k));
    expect(up.errors).toEqual([]);
    expect(byName("e2e-devices").enabled).toBe(true);
    const off = await run("up", opts({ ...k, enabled: false }));
    expect(off.errors).toEqual([]);
    expect(off.steps.find((s: any) => s.name === "devices")).toMatchObject({ op: "update", changed: ["enabled"] });
    expect(byName("e2e-devices").enabled).toBe(false);
    expect(off.outputs.enabled).toBe(false);
    // What `enabled` means to a device: the profile's SCEP URL stops serving.
    expect((await fetch(`${off.outputs.scepUrl}?operation=GetCACaps`)).status).toBe(400);
    const on = await run("up", opts(k));
    expect(on.errors).toEqual([]);
    expect(byName("e2e-devices").enabled).toBe(true);
    expect((await fetch(`${on.outputs.scepUrl}?operation=GetCACaps`)).status).toBe(200);
  });

  it("refuses to destroy a profile RA profiles still use, naming them; forceDelete then detaches and deletes", async () => {
    const devices = byName("e2e-devices");
    const act = await fetch(`${c.url}/v1/authorities/${SEED.authorityUuid}/raProfiles/${SEED.raProfile2Uuid}/protocols/scep/activate/${devices.uuid}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
      body: JSON.stringify({ issueCertificateAttributes: [] }),
    });
    expect(act.status).toBe(200);
    const refused = await run("destroy", opts(k));
    expect(refused.ok).toBe(false);
    const msg = refused.errors.join("\n");
    expect(msg).toContain(`RA profile '${SEED.raProfile2Name}' has SCEP activated with SCEP profile 'e2e-devices'`);
    expect(msg).toContain("forceDelete: true");
    expect(c.state.profiles.has(devices.uuid)).toBe(true);
    expect(readState(fx.stateFile).resources.map((r: any) => r.name)).toEqual(["devices"]);

    const set = await run("up", opts({ ...k, forceDelete: true }));
    expect(set.errors).toEqual([]);
    const destroyed = await run("destroy", opts({ ...k, forceDelete: true }));
    expect(destroyed.errors).toEqual([]);
    expect(profiles()).toHaveLength(0);
    expect(c.state.raProfiles.get(SEED.raProfile2Uuid).scepProfileUuid).toBeUndefined();
    expect(readState(fx.stateFile).resources).toEqual([]);
  });
});

describe("czertainly.ScepProfile partial create", () => {
  const opts = (stateFile: string, dir: string, program: () => unknown) => ({
    projectDir: dir,
    program,
    project: "czertainly-e2e",
    stack: "prod",
    stateFile,
    config: config(),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });

  it("keeps a profile whose enable failed in the state, never orphaned, and the next up finishes it", async () => {
    const fx = stackFixture();
    c.emu.inject({ kind: "503", method: "PATCH", path: /\/enable$/, times: 5 });
    const r = await run("up", opts(fx.stateFile, fx.dir, single()));
    expect(r.ok).toBe(false);
    expect(r.errors.join("\n")).toMatch(/SCEP profile 'e2e-legacy' was created but enabling it failed; the object exists .* stays tracked in the stack/s);
    const made = byName("e2e-legacy");
    expect(made.enabled).toBe(false);
    const st = readState(fx.stateFile).resources;
    expect(st.map((x: any) => x.id)).toEqual([made.uuid]);
    c.emu.clearFaults();
    const again = await run("up", opts(fx.stateFile, fx.dir, single()));
    expect(again.errors).toEqual([]);
    expect(again.steps).toMatchObject([{ name: "legacy", op: "update" }]);
    expect(profiles()).toHaveLength(1);
    expect(byName("e2e-legacy").enabled).toBe(true);
    const destroyed = await run("destroy", opts(fx.stateFile, fx.dir, single()));
    expect(destroyed.errors).toEqual([]);
    expect(profiles()).toHaveLength(0);
  });
});

describe("czertainly.ScepProfile with secret attribute content", () => {
  it("keeps an attribute list that carries a `secret` content secret in the outputs and the state", async () => {
    const defUuid = "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ee";
    c.state.attributeDefinitions.push({ uuid: defUuid, name: "webhookSecret", label: "Webhook secret", contentType: "secret", resources: ["scepProfiles"] });
    const attrSecret = canary("czertainly-attr-secret");
    const fx = stackFixture();
    const o = {
      projectDir: fx.dir,
      program: () => {
        const { czertainly } = trustplane();
        const p = new czertainly.ScepProfile("hooked", {
          name: "e2e-hooked",
          caCertificateUuid: SEED.rsaCaUuid,
          customAttributes: [{ uuid: defUuid, name: "webhookSecret", contentType: "secret", content: [{ data: { secret: attrSecret } }] }],
        });
        return { attrs: p.customAttributes, name: p.name };
      },
      project: "czertainly-e2e",
      stack: "attrs",
      stateFile: fx.stateFile,
      config: config(),
      passphrase: "test-passphrase",
      out: (l: string) => printed.push(l),
    };
    try {
      const up = await run("up", o);
      expect(up.errors).toEqual([]);
      expect(up.outputs).toMatchObject({ attrs: "[secret]", name: "e2e-hooked" });
      expect(byName("e2e-hooked").customAttributes[0].content).toEqual([{ data: { secret: attrSecret } }]);
      // The whole list is stored encrypted, the attribute's name included.
      const stored = readState(fx.stateFile).resources[0];
      expect(stored.outputs.customAttributes).toHaveProperty("ciphertext");
      expect(JSON.stringify(stored.outputs.customAttributes)).not.toContain("webhookSecret");
      const again = await run("up", o);
      expect(again.steps).toMatchObject([{ op: "same" }]);
      const refreshed = await run("refresh", o);
      expect(refreshed.steps).toMatchObject([{ op: "same" }]);
      expect(findCanaries([attrSecret], { state: fs.readFileSync(fx.stateFile, "utf8"), printed: printed.join("\n"), host: hostLogs.join("\n") })).toEqual([]);
      expect((await run("destroy", o)).errors).toEqual([]);
    } finally {
      c.state.attributeDefinitions.pop();
    }
  });
});

describe("czertainly secrets", () => {
  it("never shows the challenge password, the Intune key or the token in state files, plans, host logs or errors", () => {
    expect(statesSeen.length).toBeGreaterThan(10);
    const provider = statesSeen.flatMap((t) => (JSON.parse(t).deployment?.resources ?? []).map((r: any) => r.outputs?.__provider)).filter(Boolean);
    expect(provider.length).toBeGreaterThan(10);
    expect(provider[0]).toContain('"czertainly:ScepProfile"');
    // The scan looks where the failures were too: the refused destroy and the partial create.
    expect(errors.join("\n")).toContain("forceDelete");
    const hits = findCanaries([challenge, intuneKey, c.token], {
      state: statesSeen.join("\n"),
      printed: printed.join("\n"),
      host: hostLogs.join("\n"),
      errors: errors.join("\n"),
      provider: JSON.stringify(provider),
    });
    expect(hits).toEqual([]);
    // The secrets are in the state, encrypted, not merely absent.
    expect(statesSeen.join("\n")).toContain('"ciphertext": "v1:');
  });
});
