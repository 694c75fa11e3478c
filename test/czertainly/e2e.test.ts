/**
 * czertainly.ScepProfile end to end: programs run through the real Pulumi engine (the CLI built by
 * tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider host and calls
 * Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runEngine } from "../recorder";
import { canary, emulators, findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";

const { startCzertainlyEmulator, CZERTAINLY_SEED: SEED } = emulators();
// Each run spawns the dynamic-provider host, as the engine does.
vi.setConfig({ testTimeout: 60_000 });

let c: any;
const challenge = canary("czertainly-challenge");
const intuneKey = canary("czertainly-intune-key");
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
  c = await startCzertainlyEmulator();
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

interface Knobs {
  description?: string;
  renewalThreshold?: number;
  enabled?: boolean;
  serversName?: string;
  forceDelete?: boolean;
}

function program(k: Knobs) {
  return () => {
    const pulumi = pulumiSdk();
    const { czertainly } = trustplane();
    const devices = new czertainly.ScepProfile("devices", {
      name: "e2e-devices",
      description: k.description ?? "SCEP for managed devices",
      raProfileUuid: SEED.raProfileUuid,
      issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-ee" }] }],
      caCertificateUuid: SEED.rsaCaUuid,
      customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: "dev" }] }],
      renewalThreshold: k.renewalThreshold,
      includeCaCertificate: true,
      challengePassword: pulumi.secret(challenge),
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "e2e-app",
      intuneApplicationKey: pulumi.secret(intuneKey),
      enabled: k.enabled,
      forceDelete: k.forceDelete,
    });
    const servers = new czertainly.ScepProfile("servers", {
      name: k.serversName ?? "e2e-servers",
      // Wired from the other profile's outputs: unknown during the first preview.
      description: pulumi.interpolate`same CA as e2e-devices (${devices.caCertificate.apply((ca: any) => ca?.fingerprint)})`,
      caCertificateUuid: devices.caCertificateUuid,
      forceDelete: k.forceDelete,
    });
    return {
      devicesUuid: devices.uuid,
      scepUrl: devices.scepUrl,
      caFingerprint: devices.caCertificate.apply((ca: any) => ca?.fingerprint),
      caNotAfter: devices.caCertificate.apply((ca: any) => ca?.notAfter),
      caSubject: devices.caCertificate.apply((ca: any) => ca?.subjectDn),
      enabled: devices.enabled,
      challenge: devices.challengePassword,
      serversUuid: servers.uuid,
    };
  };
}

describe("czertainly.ScepProfile through the real Pulumi engine", () => {
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

  it("previews two creates without touching the API", async () => {
    const before = c.emu.requests.length;
    const r = await run("preview", opts());
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => [s.name, s.op])).toEqual([["devices", "create"], ["servers", "create"]]);
    expect(r.outputs.caFingerprint).toBe("(unknown)");
    expect(c.emu.requests.length).toBe(before);
    expect(r.resources).toEqual([]);
  });

  it("creates both enabled, exposes the CA certificate and SCEP URL, and a second preview shows no changes", async () => {
    const up = await run("up", opts());
    expect(up.errors).toEqual([]);
    expect(up.counts.create).toBe(2);
    const devices = byName("e2e-devices");
    expect(devices).toMatchObject({ enabled: true, challengePassword: challenge, intuneApplicationKey: intuneKey, renewalThreshold: undefined });
    expect(byName("e2e-servers").enabled).toBe(true);
    const ca = c.state.certificates.get(SEED.rsaCaUuid).dto;
    expect(up.outputs).toMatchObject({
      devicesUuid: devices.uuid,
      scepUrl: `${c.url}/v1/protocols/scep/e2e-devices/pkiclient.exe`,
      caFingerprint: ca.fingerprint,
      caNotAfter: ca.notAfter,
      caSubject: ca.subjectDn,
      enabled: true,
      challenge: "[secret]",
    });
    expect(byName("e2e-servers").description).toBe(`same CA as e2e-devices (${ca.fingerprint})`);
    const again = await run("preview", opts());
    expect(again.errors).toEqual([]);
    expect(again.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
  });

  it("updates in place with a full PUT that keeps the secrets", async () => {
    const n = c.emu.requests.length;
    const r = await run("up", opts({ description: "edited", renewalThreshold: 21 }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "devices")).toMatchObject({ op: "update", changed: ["description", "renewalThreshold"] });
    expect(r.steps.find((s: any) => s.name === "servers")).toMatchObject({ op: "same" });
    const puts = c.emu.requests.slice(n).filter((x: any) => x.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(byName("e2e-devices")).toMatchObject({ description: "edited", renewalThreshold: 21, challengePassword: challenge, intuneApplicationKey: intuneKey, enableIntune: true });
  });

  it("disables and enables again following `enabled`", async () => {
    const off = await run("up", opts({ description: "edited", renewalThreshold: 21, enabled: false }));
    expect(off.errors).toEqual([]);
    expect(off.steps.find((s: any) => s.name === "devices")).toMatchObject({ op: "update", changed: ["enabled"] });
    expect(byName("e2e-devices").enabled).toBe(false);
    expect(off.outputs.enabled).toBe(false);
    // What `enabled` means to a device: the profile's SCEP URL stops serving.
    expect((await fetch(`${off.outputs.scepUrl}?operation=GetCACaps`)).status).toBe(400);
    const on = await run("up", opts({ description: "edited", renewalThreshold: 21 }));
    expect(on.errors).toEqual([]);
    expect(byName("e2e-devices").enabled).toBe(true);
    expect((await fetch(`${on.outputs.scepUrl}?operation=GetCACaps`)).status).toBe(200);
  });

  it("refresh picks up drift made outside Pulumi, and the next up puts it back", async () => {
    const d = byName("e2e-devices");
    d.description = "changed in the UI";
    d.enabled = false;
    d.renewalThreshold = 0;
    const r = await run("refresh", opts());
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "devices")).toMatchObject({ op: "refresh", changed: expect.arrayContaining(["description", "enabled", "renewalThreshold"]) });
    const p = await run("preview", opts({ description: "edited", renewalThreshold: 21 }));
    expect(p.steps.find((s: any) => s.name === "devices")).toMatchObject({ op: "update" });
    const up = await run("up", opts({ description: "edited", renewalThreshold: 21 }));
    expect(up.errors).toEqual([]);
    expect(byName("e2e-devices")).toMatchObject({ description: "edited", enabled: true, renewalThreshold: 21, challengePassword: challenge });
  });

  it("replaces on rename, creating the new profile before the old one goes", async () => {
    const oldUuid = byName("e2e-servers").uuid;
    const r = await run("up", opts({ description: "edited", renewalThreshold: 21, serversName: "e2e-servers-v2" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "servers")).toMatchObject({ op: "replace", changed: ["name"] });
    expect(c.state.profiles.has(oldUuid)).toBe(false);
    expect(byName("e2e-servers-v2")).toMatchObject({ enabled: true });
    expect(profiles()).toHaveLength(2);
    expect(r.outputs.serversUuid).toBe(byName("e2e-servers-v2").uuid);
  });

  it("refuses to destroy a profile RA profiles still use, naming them; forceDelete then detaches and deletes", async () => {
    const devices = byName("e2e-devices");
    const act = await fetch(`${c.url}/v1/authorities/${SEED.authorityUuid}/raProfiles/${SEED.raProfile2Uuid}/protocols/scep/activate/${devices.uuid}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
      body: JSON.stringify({ issueCertificateAttributes: [] }),
    });
    expect(act.status).toBe(200);
    const k = { description: "edited", renewalThreshold: 21, serversName: "e2e-servers-v2" };
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

describe("czertainly.ScepProfile partial create and adoption", () => {
  const single = (adopt?: string | boolean) => () => {
    const pulumi = pulumiSdk();
    const { czertainly } = trustplane();
    const p = new czertainly.ScepProfile(
      "legacy",
      {
        name: "e2e-legacy",
        caCertificateUuid: SEED.ecdsaCaUuid,
        includeCaCertificateChain: true,
        renewalThreshold: 10,
        challengePassword: pulumi.secret(challenge),
        adopt,
      },
    );
    return { uuid: p.uuid, enabled: p.enabled, unverified: p.unverified };
  };
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

  // The engine cannot import a dynamic resource (pulumi/pulumi#16175, test/engine/options.test.ts);
  // `adopt` takes over what exists.
  it("adopts an existing profile by uuid with no POST, writing the declared values and secrets, then shows no changes", async () => {
    const res = await fetch(`${c.url}/v1/scepProfiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "e2e-legacy", caCertificateUuid: SEED.ecdsaCaUuid, issueCertificateAttributes: [], includeCaCertificateChain: false, renewalThreshold: 20, challengePassword: "set-by-hand" }),
    });
    const created = await res.json();
    const posts = () => c.emu.requests.filter((x: any) => x.method === "POST" && x.path.endsWith("/scepProfiles")).length;
    const before = posts();
    const fx = stackFixture();
    const r = await run("up", opts(fx.stateFile, fx.dir, single(created.uuid)));
    expect(r.errors).toEqual([]);
    expect(r.steps).toMatchObject([{ op: "create", name: "legacy" }]);
    expect(r.outputs).toMatchObject({ uuid: created.uuid });
    expect(posts()).toBe(before);
    expect(byName("e2e-legacy")).toMatchObject({ includeCaCertificateChain: true, renewalThreshold: 10, challengePassword: challenge });
    expect(profiles()).toHaveLength(1);
    const after = await run("preview", { ...opts(fx.stateFile, fx.dir, single(created.uuid)), expectNoChanges: true });
    expect(after.errors).toEqual([]);
    // adopt: true finds the same profile by name from a second stack.
    const fx2 = stackFixture();
    const byNameUp = await run("up", { ...opts(fx2.stateFile, fx2.dir, single(true)), stack: "staging" });
    expect(byNameUp.errors).toEqual([]);
    expect(byNameUp.outputs).toMatchObject({ uuid: created.uuid });
    expect(posts()).toBe(before);
    await run("destroy", opts(fx.stateFile, fx.dir, single(created.uuid)));
    expect(profiles()).toHaveLength(0);
    await run("refresh", { ...opts(fx2.stateFile, fx2.dir, single(true)), stack: "staging" });
    expect(readState(fx2.stateFile).resources).toEqual([]);
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
