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
