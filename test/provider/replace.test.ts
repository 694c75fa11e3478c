/**
 * A replace that creates the new object first and then cannot delete the old one: the old object
 * still exists, so it must stay in the state (as the engine's pending-delete entries do) until a
 * later `up` or `destroy` deletes it. Dropping it would orphan it in the API.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulators, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";
import { runEngine } from "../recorder";
import { scmConfig } from "../stack-config";

let e: any;
beforeAll(async () => {
  e = await emulators().startScmEmulator({});
});
afterAll(() => e.stop());

function options(folder: string, fx: { dir: string; stateFile: string }) {
  const cfg = scmConfig(e);
  const program = () => {
    const pulumi = pulumiSdk();
    const { scm } = trustplane();
    const p = new scm.ScepProfile("p", {
      folder, name: "gp", scepChallenge: { fixed: pulumi.secret("challenge") }, caIdentityName: "ca",
      algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep",
    });
    return { id: p.id };
  };
  return { projectDir: fx.dir, program, project: "replace", stack: "dev", stateFile: fx.stateFile, config: cfg, passphrase: "p", out: () => undefined };
}

const stateIds = (file: string) => readState(file).resources.map((r: any) => r.id).sort();
const liveIds = () => [...e.state.profiles.keys()].sort();

describe("a replace whose delete of the old object fails", () => {
  const fx = stackFixture();

  it("keeps the old object in the state, marked pending delete, beside its replacement", async () => {
    expect((await runEngine("up", options("A", fx))).errors).toEqual([]);
    const [oldId] = stateIds(fx.stateFile);
    // 409 is not retried: the delete fails for good in this run.
    e.emu.inject({ kind: "409", method: "DELETE" });
    const r = await runEngine("up", options("B", fx));
    expect(r.ok).toBe(false);
    expect(r.errors.join("\n")).toMatch(/DELETE .*failed: HTTP 409/);
    expect(r.steps.map((s: any) => s.op)).toContain("replace");
    expect(liveIds()).toHaveLength(2);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    const pending = readState(fx.stateFile).resources.filter((x: any) => x.delete);
    expect(pending.map((x: any) => x.id)).toEqual([oldId]);
  });

  it("a preview shows the pending delete and changes nothing", async () => {
    const r = await runEngine("preview", options("B", fx));
    // The engine plans the pending entry's deletion as a delete-replaced step of the same URN.
    expect(r.steps.flatMap((s: any) => s.ops).filter((op: string) => op === "delete-replaced")).toHaveLength(1);
    expect(liveIds()).toHaveLength(2);
  });

  it("the next up deletes it, leaving state and API with the replacement alone", async () => {
    const r = await runEngine("up", options("B", fx));
    expect(r.errors).toEqual([]);
    expect(liveIds()).toHaveLength(1);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    expect(readState(fx.stateFile).resources.some((x: any) => x.delete)).toBe(false);
  });

  it("destroy deletes a pending one too", async () => {
    e.emu.inject({ kind: "409", method: "DELETE" });
    await runEngine("up", options("C", fx));
    expect(liveIds()).toHaveLength(2);
    const r = await runEngine("destroy", options("C", fx));
    expect(r.errors).toEqual([]);
    expect(liveIds()).toEqual([]);
    expect(fs.existsSync(fx.stateFile) ? readState(fx.stateFile).resources : []).toEqual([]);
  });
});

describe("a replace whose create of the new object fails", () => {
  const fx = stackFixture();

  it("leaves the old object live, in the state and in the API, for the next up to replace", async () => {
    expect((await runEngine("up", options("A", fx))).errors).toEqual([]);
    const [oldId] = stateIds(fx.stateFile);
    // A 409 on the create is a definite refusal: nothing was made, nothing may be deleted.
    e.emu.inject({ kind: "409", method: "POST", path: /scep-profiles/ });
    const r = await runEngine("up", options("B", fx));
    expect(r.errors.join("\n")).toMatch(/POST \S+\/scep-profiles failed: HTTP 409/);
    expect(liveIds()).toEqual([oldId]);
    expect(readState(fx.stateFile).resources.map((x: any) => [x.id, !!x.delete])).toEqual([[oldId, false]]);

    const again = await runEngine("up", options("B", fx));
    expect(again.errors).toEqual([]);
    expect(again.steps.map((s: any) => s.op)).toContain("replace");
    expect(liveIds()).toHaveLength(1);
    expect(liveIds()).not.toContain(oldId);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    expect((await runEngine("destroy", options("B", fx))).errors).toEqual([]);
  });
});

describe("a CZERTAINLY rename whose new profile is created but cannot be enabled", () => {
  const fx = stackFixture();
  let cz: any;
  beforeAll(async () => {
    cz = await emulators().startCzertainlyEmulator({});
  });
  afterAll(() => cz.stop());

  const run = (op: string, name: string, extra: Record<string, unknown> = {}) =>
    runEngine(op, {
      projectDir: fx.dir, project: "replace", stack: "cz", stateFile: fx.stateFile, passphrase: "p", out: () => undefined,
      config: { "trustplane:czertainlyUrl": { value: cz.url }, "trustplane:czertainlyToken": { value: cz.token, secret: true } },
      program: () => {
        const { czertainly } = trustplane();
        new czertainly.ScepProfile("p", { name, caCertificateUuid: emulators().CZERTAINLY_SEED.rsaCaUuid, ...extra });
        return {};
      },
    });
  const profiles = () => [...cz.state.profiles.values()].map((p: any) => ({ id: p.uuid, name: p.name, enabled: p.enabled }));

  // What the real engine does here: the replacement's create step failed (with the object made),
  // so the replace stops before its delete: the engine records the new object with its init
  // errors and keeps the old one. Both live objects are in the state, so nothing is orphaned.
  it("tracks the half-made new profile and keeps the old one, and the next up finishes the replacement", async () => {
    expect((await run("up", "old-name")).errors).toEqual([]);
    // 409 is not retried: enabling the new profile fails for good in this run.
    cz.emu.inject({ kind: "409", method: "PATCH", path: /\/enable$/ });
    const r = await run("up", "new-name");
    expect(r.errors.join("\n")).toMatch(/was created but enabling it failed/);
    const live = profiles();
    expect(live.map((p) => [p.name, p.enabled]).sort()).toEqual([["new-name", false], ["old-name", true]]);
    const created = live.find((p) => p.name === "new-name")!;
    expect(stateIds(fx.stateFile)).toEqual(live.map((p) => p.id).sort());
    expect(readState(fx.stateFile).resources.find((x: any) => x.id === created.id).initErrors).toBeTruthy();

    const again = await run("up", "new-name");
    expect(again.errors).toEqual([]);
    expect(profiles()).toEqual([{ id: created.id, name: "new-name", enabled: true }]);
    expect(stateIds(fx.stateFile)).toEqual([created.id]);
    expect((await run("destroy", "new-name")).errors).toEqual([]);
    expect(profiles()).toEqual([]);
  });

  it("after deleting the old profile first (same name), a failed create leaves only the engine's pending-replacement entry", async () => {
    expect((await run("up", "same-name")).errors).toEqual([]);
    // Adding a challenge password is a replacement under the same name: delete first, then create.
    cz.emu.inject({ kind: "409", method: "POST", path: /\/scepProfiles$/ });
    const r = await run("up", "same-name", { challengePassword: "s3cret-pw" });
    expect(r.errors.join("\n")).toMatch(/POST \S+\/scepProfiles failed: HTTP 409/);
    expect(profiles()).toEqual([]);
    // The engine keeps the deleted object's entry, marked pendingReplacement: it is gone from the
    // API, and the next up creates its replacement (pulumi/pulumi pkg/resource/deploy/step.go,
    // NewDeleteReplacementStep with pendingReplace). No live object is untracked and no entry claims a live object.
    expect(readState(fx.stateFile).resources.map((x: any) => !!x.pendingReplacement)).toEqual([true]);

    expect((await run("up", "same-name", { challengePassword: "s3cret-pw" })).errors).toEqual([]);
    expect(profiles()).toHaveLength(1);
    expect(stateIds(fx.stateFile)).toEqual([profiles()[0].id]);
    expect((await run("destroy", "same-name")).errors).toEqual([]);
  });
});
