/**
 * A replace that creates the new object first and then cannot delete the old one: the old object
 * still exists, so it must stay in the state (as the engine's pending-delete entries do) until a
 * later `up` or `destroy` deletes it. Dropping it would orphan it in the API.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driver, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";

let e: any;
beforeAll(async () => {
  e = await trustplane().scm.startScmEmulator({});
});
afterAll(() => e.stop());

function options(folder: string, fx: { dir: string; stateFile: string }) {
  const cfg = {
    "trustplane:scmClientId": { value: e.clientId },
    "trustplane:scmClientSecret": { value: e.clientSecret, secret: true },
    "trustplane:scmTsgId": { value: e.tsgId },
    "trustplane:scmTokenUrl": { value: e.tokenUrl },
    "trustplane:scmApiUrl": { value: e.apiUrl },
  };
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
    expect((await driver().run("up", options("A", fx))).errors).toEqual([]);
    const [oldId] = stateIds(fx.stateFile);
    // 409 is not retried: the delete fails for good in this run.
    e.emu.inject({ kind: "409", method: "DELETE" });
    const r = await driver().run("up", options("B", fx));
    expect(r.errors.join("\n")).toMatch(new RegExp(`delete of the replaced object \\(id ${oldId}\\) failed, kept in the state`));
    expect(r.steps.map((s: any) => s.op)).toContain("replace");
    expect(liveIds()).toHaveLength(2);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    const pending = readState(fx.stateFile).resources.filter((x: any) => x.pendingDelete);
    expect(pending.map((x: any) => x.id)).toEqual([oldId]);
  });

  it("a preview shows the pending delete and changes nothing", async () => {
    const r = await driver().run("preview", options("B", fx));
    expect(r.steps.filter((s: any) => s.op === "delete")).toHaveLength(1);
    expect(liveIds()).toHaveLength(2);
  });

  it("the next up deletes it, leaving state and API with the replacement alone", async () => {
    const r = await driver().run("up", options("B", fx));
    expect(r.errors).toEqual([]);
    expect(liveIds()).toHaveLength(1);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    expect(readState(fx.stateFile).resources.some((x: any) => x.pendingDelete)).toBe(false);
  });

  it("destroy deletes a pending one too", async () => {
    e.emu.inject({ kind: "409", method: "DELETE" });
    await driver().run("up", options("C", fx));
    expect(liveIds()).toHaveLength(2);
    const r = await driver().run("destroy", options("C", fx));
    expect(r.errors).toEqual([]);
    expect(liveIds()).toEqual([]);
    expect(fs.existsSync(fx.stateFile) ? readState(fx.stateFile).resources : []).toEqual([]);
  });
});

describe("a replace whose create of the new object fails", () => {
  const fx = stackFixture();

  it("leaves the old object live, in the state and in the API, for the next up to replace", async () => {
    expect((await driver().run("up", options("A", fx))).errors).toEqual([]);
    const [oldId] = stateIds(fx.stateFile);
    // A 409 on the create is a definite refusal: nothing was made, nothing may be deleted.
    e.emu.inject({ kind: "409", method: "POST" });
    const r = await driver().run("up", options("B", fx));
    expect(r.errors.join("\n")).toMatch(/create failed/);
    expect(liveIds()).toEqual([oldId]);
    expect(readState(fx.stateFile).resources.map((x: any) => [x.id, !!x.pendingDelete])).toEqual([[oldId, false]]);

    const again = await driver().run("up", options("B", fx));
    expect(again.errors).toEqual([]);
    expect(again.steps.map((s: any) => s.op)).toContain("replace");
    expect(liveIds()).toHaveLength(1);
    expect(liveIds()).not.toContain(oldId);
    expect(stateIds(fx.stateFile)).toEqual(liveIds());
    expect((await driver().run("destroy", options("B", fx))).errors).toEqual([]);
  });
});

describe("a CZERTAINLY rename whose new profile is created but cannot be enabled", () => {
  const fx = stackFixture();
  let cz: any;
  beforeAll(async () => {
    cz = await trustplane().czertainly.startCzertainlyEmulator({});
  });
  afterAll(() => cz.stop());

  const run = (op: string, name: string, extra: Record<string, unknown> = {}) =>
    driver().run(op, {
      projectDir: fx.dir, project: "replace", stack: "cz", stateFile: fx.stateFile, passphrase: "p", out: () => undefined,
      config: { "trustplane:czertainlyUrl": { value: cz.url }, "trustplane:czertainlyToken": { value: cz.token, secret: true } },
      program: () => {
        const { czertainly } = trustplane();
        new czertainly.ScepProfile("p", { name, caCertificateUuid: czertainly.SEED.rsaCaUuid, ...extra });
        return {};
      },
    });
  const profiles = () => [...cz.state.profiles.values()].map((p: any) => ({ id: p.uuid, name: p.name, enabled: p.enabled }));

  it("tracks the new profile (half made) instead of the old one, deletes the old one, and finishes on the next up", async () => {
    expect((await run("up", "old-name")).errors).toEqual([]);
    // 409 is not retried: enabling the new profile fails for good in this run.
    cz.emu.inject({ kind: "409", method: "PATCH", path: /\/enable$/ });
    const r = await run("up", "new-name");
    expect(r.errors.join("\n")).toMatch(/create partially failed/);
    const [created] = profiles();
    expect(profiles()).toEqual([{ id: created.id, name: "new-name", enabled: false }]);
    const st = readState(fx.stateFile).resources;
    expect(st.map((x: any) => [x.id, !!x.pendingDelete, !!x.initErrors])).toEqual([[created.id, false, true]]);

    const again = await run("up", "new-name");
    expect(again.errors).toEqual([]);
    expect(profiles()).toEqual([{ id: created.id, name: "new-name", enabled: true }]);
    expect(stateIds(fx.stateFile)).toEqual([created.id]);
    expect((await run("destroy", "new-name")).errors).toEqual([]);
    expect(profiles()).toEqual([]);
  });

  it("after deleting the old profile first (same name), a failed create leaves nothing stale in the state", async () => {
    expect((await run("up", "same-name")).errors).toEqual([]);
    // Adding a challenge password is a replacement under the same name: delete first, then create.
    cz.emu.inject({ kind: "409", method: "POST" });
    const r = await run("up", "same-name", { challengePassword: "s3cret-pw" });
    expect(r.errors.join("\n")).toMatch(/create failed/);
    expect(profiles()).toEqual([]);
    expect(readState(fx.stateFile).resources).toEqual([]);

    expect((await run("up", "same-name", { challengePassword: "s3cret-pw" })).errors).toEqual([]);
    expect(profiles()).toHaveLength(1);
    expect(stateIds(fx.stateFile)).toEqual([profiles()[0].id]);
    expect((await run("destroy", "same-name")).errors).toEqual([]);
  });
});
