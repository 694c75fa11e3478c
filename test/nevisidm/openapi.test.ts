/**
 * What crossed the wire for the profile-properties PATCH, checked against the vendor's page
 * written out as OpenAPI (profile-properties.openapi.yaml): the bodies the provider sends and the
 * answers the emulator gives, successes and every documented failure.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenApiContract } from "../openapi";
import { hooks } from "../../src/nevisidm/provider";
import { startNevisidmEmulator, type NevisidmEmulator } from "../../src/nevisidm/emulator";

let idm: NevisidmEmulator;
const contract = new OpenApiContract(path.join(__dirname, "profile-properties.openapi.yaml"), "/nevisidm/api/core/v1");

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  idm = await startNevisidmEmulator();
});
afterAll(() => idm.stop());

async function lifecycle(token: string, profileExtId: string, properties: Record<string, unknown>) {
  const connection = { url: idm.url, token };
  const r = await hooks.check({}, { clientExtId: "acme", profileExtId, properties, connection });
  expect(r.failures).toEqual([]);
  const made = await hooks.create(r.inputs).catch(() => undefined);
  if (!made) return;
  const next = await hooks.check({}, { clientExtId: "acme", profileExtId, properties: { cost_center: "CC-9" }, connection });
  const u = await hooks.update(made.id, made.outs, next.inputs);
  await hooks.delete(made.id, u.outs);
}

describe("nevisIDM profile-properties traffic against the vendor's documented shapes", () => {
  it("every PATCH and its answer conform, for successes, 403, 404 and 422", async () => {
    const viewer = idm.technicalUser({ name: "viewer", rights: ["AccessControl.ProfileView"] });
    const branch = idm.technicalUser({ name: "branch", units: ["branch"] });
    idm.state.setValue("acme", "p-alice", "employee_id", "123");
    await lifecycle(idm.token, "p-bob", { employee_id: "4711", department: "Sales", vpn_enabled: true });
    await lifecycle(idm.token, "p-carol", { home_phone: "+41 1", badge_number: "B1" });
    await lifecycle(idm.token, "p-bob", { employee_id: "123" }); // uniqueness
    await lifecycle(idm.token, "p-bob", { employee_id: "12a" }); // regex
    await lifecycle(idm.token, "p-bob", { employee_id: "12345678901" }); // max length
    await lifecycle(idm.token, "p-bob", { nickname: "x" }); // wrong scope
    await lifecycle(idm.token, "p-bob", { risk_score: "1" }); // read-only
    await lifecycle(idm.token, "p-dave-old", { cost_center: "x" }); // archived
    await lifecycle(idm.token, "ghost", { cost_center: "x" }); // 404 profile
    await lifecycle(viewer, "p-bob", { cost_center: "x" }); // 403 right
    await lifecycle(branch, "p-bob", { cost_center: "x" }); // 403 data room
    const patches = idm.emu.requests.filter((r) => r.method === "PATCH");
    expect(new Set(patches.map((p) => p.status))).toEqual(new Set([200, 403, 404, 422]));
    const problems = patches.flatMap((p) => contract.check(p));
    expect(problems).toEqual([]);
  });

  it("a body the page does not allow is caught by the contract", () => {
    const bad = contract.check({
      method: "PATCH",
      path: "/nevisidm/api/core/v1/acme/profiles/p-bob/properties",
      body: { employee_id: 4711 },
      status: 200,
      responseBody: { employee_id: "4711" },
    });
    expect(bad.join("\n")).toMatch(/request: .*must be string/);
    expect(bad.join("\n")).toMatch(/response: .*_classifications/);
  });
});
