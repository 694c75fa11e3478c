/**
 * `trustplane discover nevisidm` against the nevisIDM emulator: profiles with values set through
 * the resource, one with a read-only value the tenant set (left out, named in a comment), one with none, and a profile that does
 * not exist (skipped); then the written program through tsc and the real engine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emulators } from "../helpers";
import { adoptThroughEngine, discoverCli, programDir, secretKeys, seed, stackWithConfig, typecheck } from "./harness";

vi.setConfig({ testTimeout: 180_000 });

const { startNevisidmEmulator } = emulators();
let idm: any;

beforeAll(async () => {
  idm = await startNevisidmEmulator();
});
afterAll(() => idm.stop());

const config = () => ({ "trustplane:nevisidmUrl": { value: idm.url }, "trustplane:nevisidmToken": { value: idm.token, secret: true } });

describe("trustplane discover nevisidm", () => {
  let text: string;
  const ids = ["acme/p-alice", "acme/p-bob", "acme/p-carol"];

  it("writes one adopting resource per profile named, from the stack's config, reading only", async () => {
    await seed("nevisidm", { url: idm.url, token: idm.token }, [
      { clientExtId: "acme", profileExtId: "p-alice", properties: { employee_id: "4711", department: "Engineering", vpn_enabled: true } },
      { clientExtId: "acme", profileExtId: "p-bob", properties: { cost_center: "CC-100", max_sessions: 3, home_phone: "+41 44 000 00 00" } },
    ]);
    const stack = stackWithConfig(config());
    const before = idm.emu.requests.length;
    const args = ["discover", "nevisidm", "--client", "acme", "--profile", "p-carol", "--profile", "p-bob", "--profile", "p-alice", "--profile", "p-nobody"];
    const r = await discoverCli([...args, "--stack-dir", stack.dir, "--stack", stack.stack], stack.env);
    expect(r.stderr).toContain("3 profiles' properties to adopt; skipped 1");
    expect(r.stderr).toContain("p-nobody");
    expect(r.code).toBe(0);
    text = r.stdout;
    expect(idm.emu.requests.slice(before).every((x: any) => x.method === "GET")).toBe(true);
    for (const id of ids) expect(text).toContain(`adopt: "${id}"`);
    expect(text).toContain('new nevisidm.ProfileProperties("acme-p-alice", {');
    // A read-only property is named, not declared: no program could write or clear it.
    expect(text).not.toContain('risk_score: "10"');
    expect(text).toContain('read-only in the client\'s property definitions (accessModify READ_ONLY): risk_score = "10"');
    expect(secretKeys(r.stderr)).toEqual([]);
    expect(text).not.toContain(idm.token);
    const again = await discoverCli([...args, "--quiet"], { NEVISIDM_URL: idm.url, NEVISIDM_TOKEN: idm.token });
    expect(again.stdout).toBe(text);
    const missing = await discoverCli(["discover", "nevisidm", "--client", "acme"], { NEVISIDM_URL: idm.url, NEVISIDM_TOKEN: idm.token });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--profile");
    process.stdout.write(`\n--- generated (nevisidm) ---\n${text}\n--- stderr ---\n${r.stderr}\n`);
  });

  it("type-checks with tsc against the package's types", () => {
    const t = typecheck(programDir(text));
    expect(t.output).toBe("");
    expect(t.ok).toBe(true);
  });

  it("through the real engine: preview shows only the adoptions, up adopts every profile with no write, then no changes", async () => {
    const writes = () => idm.emu.requests.filter((x: any) => x.method !== "GET").length;
    const before = writes();
    await adoptThroughEngine(programDir(text), {
      requests: () => idm.emu.requests,
      collection: "/properties",
      liveIds: ids,
      config: config(),
      secretValue: () => undefined,
    });
    // The live values are what the program declares: adopting them writes nothing.
    expect(writes()).toBe(before);
  });
});
