/**
 * The provider's hooks against the nevisIDM emulator, in process: what the API received and what
 * the hooks return, for each lifecycle call and each documented failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors";
import { hooks } from "../../src/nevisidm/provider";
import { NevisidmApiError } from "../../src/nevisidm/errors";
import { DEFAULT_CLIENTS, startNevisidmEmulator, type NevisidmEmulator } from "../../src/nevisidm/emulator";

let idm: NevisidmEmulator;
let connection: Record<string, string>;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_MAX_BACKOFF_MS = "20";
  idm = await startNevisidmEmulator();
  connection = { url: idm.url, token: idm.token };
  // An import has nothing but the id: its settings come from the stack config or the environment.
  process.env.NEVISIDM_URL = idm.url;
  process.env.NEVISIDM_TOKEN = idm.token;
});
afterAll(() => idm.stop());
beforeEach(() => {
  idm.emu.clearFaults();
  idm.state.propertiesGet = "supported";
  idm.state.clients.clear();
  for (const [extId, seed] of Object.entries(DEFAULT_CLIENTS)) idm.state.addClient(extId, seed);
  idm.emu.requests.length = 0;
});

async function checked(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const r = await hooks.check({}, { clientExtId: "acme", profileExtId: "p-bob", properties, connection, ...extra });
  expect(r.failures).toEqual([]);
  return r.inputs as Record<string, any>;
}

const patches = () => idm.emu.requests.filter((r) => r.method === "PATCH").map((r) => r.body);

describe("nevisidm.ProfileProperties against the nevisIDM API", () => {
  it("creates with one PATCH of the declared keys, leaving the profile's other values alone", async () => {
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 44 000");
    const inputs = await checked({ employee_id: "4711", max_sessions: 3 });
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe("acme/p-bob");
    expect(patches()).toEqual([{ employee_id: "4711", max_sessions: "3" }]);
    const patch = idm.emu.requests.find((r) => r.method === "PATCH")!;
    expect(patch.path).toBe("/nevisidm/api/core/v1/acme/profiles/p-bob/properties");
    expect(patch.headers.authorization).toBe(`Bearer ${idm.token}`);
    expect(idm.state.values("acme", "p-bob")).toEqual({ home_phone: "+41 44 000", employee_id: "4711", max_sessions: "3" });
    // The outputs speak for the owned keys only.
    expect(outs).toMatchObject({
      values: { employee_id: "4711", max_sessions: "3" },
      classifications: { employee_id: ["PERSONAL"] },
      adopted: false,
    });
    expect(outs.values.home_phone).toBeUndefined();
  });

  it("refresh reads the owned keys back, so an unchanged profile shows no drift", async () => {
    const inputs = await checked({ employee_id: "4711", department: "Sales" });
    const { id, outs } = await hooks.create(inputs);
    const read = await hooks.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ values: { employee_id: "4711", department: "Sales" } });
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("refresh reports drift on owned keys only, and the update writes back only what differs", async () => {
    const inputs = await checked({ employee_id: "4711", cost_center: "CC-1" });
    const { id, outs } = await hooks.create(inputs);
    idm.state.setValue("acme", "p-bob", "cost_center", "CC-hacked");
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 1"); // not owned
    const read = await hooks.read(id, outs);
    expect(read.inputs!.properties).toEqual({ employee_id: "4711", cost_center: "CC-hacked" });
    const d = await hooks.diff(id, read.props!, inputs);
    expect(d.changes).toBe(true);
    idm.emu.requests.length = 0;
    await hooks.update(id, read.props!, inputs);
    expect(patches()).toEqual([{ cost_center: "CC-1" }]);
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "4711", cost_center: "CC-1", home_phone: "+41 1" });
  });

  it("a value cleared outside Pulumi comes back as an empty input and is written again", async () => {
    const inputs = await checked({ employee_id: "4711" });
    const { id, outs } = await hooks.create(inputs);
    idm.state.setValue("acme", "p-bob", "employee_id", null);
    const read = await hooks.read(id, outs);
    expect(read.inputs!.properties).toEqual({ employee_id: "" });
    await hooks.update(id, read.props!, inputs);
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "4711" });
  });

  it("an update sends changed keys, and null for a key the program stopped declaring", async () => {
    const { id, outs } = await hooks.create(await checked({ employee_id: "4711", cost_center: "CC-1", department: "Sales" }));
    idm.emu.requests.length = 0;
    const news = await checked({ employee_id: "4711", department: "Finance" });
    const u = await hooks.update(id, outs, news);
    expect(patches()).toEqual([{ cost_center: null, department: "Finance" }]);
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "4711", department: "Finance" });
    expect(u.outs.values).toEqual({ employee_id: "4711", department: "Finance" });
  });

  it("delete clears the owned keys only", async () => {
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 1");
    const { id, outs } = await hooks.create(await checked({ employee_id: "4711", cost_center: "" }));
    idm.emu.requests.length = 0;
    await hooks.delete(id, outs);
    expect(patches()).toEqual([{ employee_id: null, cost_center: null }]);
    expect(idm.state.values("acme", "p-bob")).toEqual({ home_phone: "+41 1" });
  });

  it("a read-only key can be owned at its current value, and is let go with its value when released", async () => {
    idm.state.addProfile("acme", { extId: "p-ro", properties: { risk_score: "10" } });
    const inputs = await checked({ risk_score: "10", cost_center: "CC-1" }, { profileExtId: "p-ro" });
    const { id, outs } = await hooks.create(inputs);
    const u = await hooks.update(id, outs, await checked({ cost_center: "CC-1" }, { profileExtId: "p-ro" }));
    expect(u.outs.properties).toEqual({ cost_center: "CC-1" });
    expect(idm.state.values("acme", "p-ro")).toEqual({ risk_score: "10", cost_center: "CC-1" });
    const again = await hooks.create(inputs);
    await hooks.delete(id, again.outs);
    expect(idm.state.values("acme", "p-ro")).toEqual({ risk_score: "10" });
  });

  it("two resources can own disjoint keys of one profile without disturbing each other", async () => {
    const hr = await hooks.create(await checked({ employee_id: "4711" }));
    const vpn = await hooks.create(await checked({ vpn_enabled: "true", max_sessions: "2" }));
    expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "4711", vpn_enabled: "true", max_sessions: "2" });
    const vpnRead = await hooks.read(vpn.id, vpn.outs);
    expect(vpnRead.props!.values).toEqual({ vpn_enabled: "true", max_sessions: "2" });
    await hooks.delete(hr.id, hr.outs);
    expect(idm.state.values("acme", "p-bob")).toEqual({ vpn_enabled: "true", max_sessions: "2" });
  });

  it("delete of a profile that is gone is done", async () => {
    const { id, outs } = await hooks.create(await checked({ employee_id: "4711" }));
    idm.state.client("acme").profiles.delete("p-bob");
    await expect(hooks.delete(id, outs)).resolves.toBeUndefined();
    expect((await hooks.read(id, outs)).id).toBe("");
  });

  it("import takes the profile's values, and the program's subset shows no diff", async () => {
    idm.state.setValue("acme", "p-bob", "employee_id", "4711");
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 1");
    const read = await hooks.read("acme/p-bob", {});
    expect(read.id).toBe("acme/p-bob");
    expect(read.inputs).toEqual({ clientExtId: "acme", profileExtId: "p-bob", properties: { employee_id: "4711", home_phone: "+41 1" } });
    expect(read.props).toMatchObject({ adopted: true, values: { employee_id: "4711", home_phone: "+41 1" } });
    const news = await checked({ employee_id: "4711" });
    expect((await hooks.diff("acme/p-bob", read.props!, news)).changes).toBe(false);
    // The first update records the declared keys and leaves the undeclared one alone.
    const changed = await checked({ employee_id: "4712" });
    idm.emu.requests.length = 0;
    const u = await hooks.update("acme/p-bob", read.props!, changed);
    expect(patches()).toEqual([{ employee_id: "4712" }]);
    expect(u.outs).toMatchObject({ adopted: false, properties: { employee_id: "4712" } });
    await hooks.delete("acme/p-bob", u.outs);
    expect(idm.state.values("acme", "p-bob")).toEqual({ home_phone: "+41 1" });
  });

  it("destroy right after an import clears nothing, since it cannot tell which keys were declared", async () => {
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 1");
    const read = await hooks.read("acme/p-bob", {});
    idm.emu.requests.length = 0;
    await hooks.delete("acme/p-bob", read.props!);
    expect(patches()).toEqual([]);
    expect(idm.state.values("acme", "p-bob")).toEqual({ home_phone: "+41 1" });
  });

  it("import of an unknown profile finds nothing; a malformed id says what an id looks like", async () => {
    expect((await hooks.read("acme/ghost", {})).id).toBe("");
    await expect(hooks.read("p-bob", {})).rejects.toThrow(/<clientExtId>\/<profileExtId>/);
  });
});

describe("deployments without GET …/properties", () => {
  it("refresh keeps the last PATCH answer", async () => {
    for (const mode of ["absent", "method-not-allowed"] as const) {
      idm.state.propertiesGet = mode;
      const inputs = await checked({ employee_id: "4711" });
      const { id, outs } = await hooks.create(inputs);
      idm.state.setValue("acme", "p-bob", "employee_id", "9999"); // invisible without the GET
      const read = await hooks.read(id, outs);
      expect(read.id).toBe(id);
      expect(read.props).toEqual(outs);
      expect(read.inputs!.properties).toEqual({ employee_id: "4711" });
      await hooks.delete(id, outs);
    }
  });

  it("still notices a profile that is gone", async () => {
    idm.state.propertiesGet = "absent";
    const { id, outs } = await hooks.create(await checked({ employee_id: "4711" }));
    idm.state.client("acme").profiles.delete("p-bob");
    expect((await hooks.read(id, outs)).id).toBe("");
  });

  it("refuses an import, saying to create instead", async () => {
    idm.state.propertiesGet = "method-not-allowed";
    await expect(hooks.read("acme/p-bob", {})).rejects.toThrow(/HTTP 405.*Use `adopt: true` instead of an id/s);
  });
});

describe("failures the user can act on", () => {
  async function createError(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<NevisidmApiError> {
    const e = await hooks.create(await checked(properties, extra)).catch((x) => x);
    expect(e).toBeInstanceOf(NevisidmApiError);
    return e;
  }

  it("names the property whose value breaks its definition, and writes nothing", async () => {
    const e = await createError({ cost_center: "CC-1", employee_id: "12a" });
    expect(e.status).toBe(422);
    expect(e.property).toBe("employee_id");
    expect(e.message).toMatch(/errors\.property\.stringregex/);
    expect(e.message).toMatch(/properties\.employee_id: the value of 'employee_id' does not match/);
    expect(idm.state.values("acme", "p-bob")).toEqual({});
    const long = await createError({ employee_id: "12345678901" });
    expect(long.message).toMatch(/errors\.property\.stringmaxlen.*\n(.*\n)*.*stringMaxLen/);
  });

  it("explains a uniqueness conflict, an unknown property and a read-only one", async () => {
    idm.state.setValue("acme", "p-alice", "employee_id", "123");
    expect((await createError({ employee_id: "123" })).message).toMatch(/another profile already holds this value of 'employee_id'/);
    expect((await createError({ emplyee_id: "1" })).message).toMatch(/no profile property \(scope PROFILE_GLOBAL\) named 'emplyee_id'/);
    expect((await createError({ risk_score: "1" })).message).toMatch(/errors\.modifyReadonlyData[\s\S]*remove it from this resource's properties/);
  });

  it("403: says which right is missing, or that the data room excludes the profile", async () => {
    const viewer = idm.technicalUser({ name: "viewer", rights: ["AccessControl.ProfileView"] });
    const e = await createError({ cost_center: "x" }, { connection: { url: idm.url, token: viewer } });
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/AccessControl\.ProfileModify[\s\S]*grant its technical user a nevisIDM role/);
    const branch = idm.technicalUser({ name: "branch-admin", units: ["branch"] });
    const d = await createError({ cost_center: "x" }, { connection: { url: idm.url, token: branch } });
    expect(d.message).toMatch(/errors\.combinedDataroomDenied[\s\S]*data room does not include/);
  });

  it("404: tells a wrong client from a wrong profile", async () => {
    expect((await createError({ cost_center: "x" }, { clientExtId: "acme-typo" })).message).toMatch(/check clientExtId/);
    expect((await createError({ cost_center: "x" }, { profileExtId: "p-nobody" })).message).toMatch(/check profileExtId.*does not create it/);
  });

  it("401: an expired or wrong token says how to set a new one, without printing it", async () => {
    idm.emu.inject({ kind: "token-expired" });
    const e = await createError({ cost_center: "x" });
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/NEVISIDM_TOKEN/);
    expect(e.message).not.toContain(idm.token);
  });

  it("a missing URL or token is a configuration error naming every place to set it", async () => {
    const saved = { url: process.env.NEVISIDM_URL, token: process.env.NEVISIDM_TOKEN };
    delete process.env.NEVISIDM_URL;
    delete process.env.NEVISIDM_TOKEN;
    try {
      const inputs = (await hooks.check({}, { clientExtId: "acme", profileExtId: "p-bob", properties: {} })).inputs;
      await expect(hooks.create(inputs)).rejects.toThrow(ConfigError);
      await expect(hooks.create(inputs)).rejects.toThrow(/connection\.url.*trustplane:nevisidmUrl.*NEVISIDM_URL/);
      process.env.NEVISIDM_URL = idm.url;
      await expect(hooks.create(inputs)).rejects.toThrow(/--secret trustplane:nevisidmToken.*NEVISIDM_TOKEN/);
      process.env.NEVISIDM_TOKEN = idm.token;
      await expect(hooks.create(inputs)).resolves.toMatchObject({ id: "acme/p-bob" });
    } finally {
      if (saved.url === undefined) delete process.env.NEVISIDM_URL;
      else process.env.NEVISIDM_URL = saved.url;
      if (saved.token === undefined) delete process.env.NEVISIDM_TOKEN;
      else process.env.NEVISIDM_TOKEN = saved.token;
    }
  });

  it("rides out 429s and 503s, and repeats a PATCH whose answer was lost", async () => {
    idm.emu.inject({ kind: "429", method: "PATCH", retryAfterSeconds: 0 });
    idm.emu.inject({ kind: "503", method: "PATCH" });
    idm.emu.inject({ kind: "reset-after", method: "PATCH" });
    const { outs } = await hooks.create(await checked({ employee_id: "4711" }));
    expect(outs.values).toEqual({ employee_id: "4711" });
    expect(idm.emu.count({ method: "PATCH" })).toBe(4);
    idm.emu.inject({ kind: "503", method: "GET", times: 2 });
    expect((await hooks.read("acme/p-bob", outs)).props).toMatchObject({ values: { employee_id: "4711" } });
  });

  it("a create or delete whose first PATCH landed unanswered and whose retry was refused is done, not failed", async () => {
    // Landed, answer lost; the retry meets a refusal: the values are there, so the stack owns them.
    idm.emu.inject({ kind: "reset-after", method: "PATCH" });
    idm.emu.inject({ kind: "409", method: "PATCH" });
    const { id, outs } = await hooks.create(await checked({ employee_id: "4711" }));
    expect(outs.values).toEqual({ employee_id: "4711" });
    expect(idm.state.values("acme", "p-bob")).toMatchObject({ employee_id: "4711" });
    idm.emu.inject({ kind: "reset-after", method: "PATCH" });
    idm.emu.inject({ kind: "409", method: "PATCH" });
    await hooks.delete(id, outs);
    expect(idm.state.values("acme", "p-bob").employee_id).toBeUndefined();
  });

  it("a refused create whose values are not there still fails, with the API's words", async () => {
    idm.emu.inject({ kind: "409", method: "PATCH" });
    await expect(hooks.create(await checked({ employee_id: "4711" }))).rejects.toThrow(/409/);
    expect(idm.state.values("acme", "p-bob").employee_id).toBeUndefined();
  });
});

describe("many profiles at once", () => {
  it("manages 60 profiles concurrently without crossing values", async () => {
    for (let i = 0; i < 60; i++) idm.state.addProfile("acme", { extId: `bulk-${i}`, userExtId: `u${i}`, unitExtId: i % 2 ? "hq" : "branch" });
    idm.emu.chaos({ rate: 0.15, seed: 7, kinds: ["429", "503", "reset-after"] });
    const created = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const r = await hooks.check({}, { clientExtId: "acme", profileExtId: `bulk-${i}`, properties: { employee_id: String(10000 + i), badge_number: `B${i}` }, connection });
        return hooks.create(r.inputs);
      }),
    );
    idm.emu.chaos(undefined);
    expect(created.map((c) => c.id)).toEqual(Array.from({ length: 60 }, (_, i) => `acme/bulk-${i}`));
    for (let i = 0; i < 60; i++) expect(idm.state.values("acme", `bulk-${i}`)).toEqual({ employee_id: String(10000 + i), badge_number: `B${i}` });
    await Promise.all(created.map((c) => hooks.delete(c.id, c.outs)));
    for (let i = 0; i < 60; i++) expect(idm.state.values("acme", `bulk-${i}`)).toEqual({});
  });
});

describe("nevisidm.ProfileProperties adopts a profile's values through the `adopt` input", () => {
  const writes = () => idm.emu.requests.filter((r) => r.method !== "GET");

  it("adopt: true takes over the declared keys: one PATCH of only what differs, and from then on the declared keys are managed", async () => {
    idm.state.setValue("acme", "p-bob", "employee_id", "4711");
    idm.state.setValue("acme", "p-bob", "cost_center", "CC-0");
    idm.state.setValue("acme", "p-bob", "home_phone", "+41 1"); // not declared: never touched
    const inputs = await checked({ employee_id: "4711", cost_center: "CC-1", department: "Sales" }, { adopt: true });
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe("acme/p-bob");
    expect(patches()).toEqual([{ cost_center: "CC-1", department: "Sales" }]);
    for (const r of idm.emu.requests) expect(JSON.stringify(r.body ?? {})).not.toContain("adopt");
    // The state a create leaves: the declared keys owned, not an import's "adopted" state.
    expect(outs).toMatchObject({
      clientExtId: "acme",
      profileExtId: "p-bob",
      properties: { employee_id: "4711", cost_center: "CC-1", department: "Sales" },
      values: { employee_id: "4711", cost_center: "CC-1", department: "Sales" },
      adopted: false,
    });
    expect(outs).not.toHaveProperty("adopt");
    expect(outs.values.home_phone).toBeUndefined();
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
    const read = await hooks.read(id, outs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);

    // Removing a declared key clears it; destroy clears the declared keys and nothing else.
    const fewer = await checked({ employee_id: "4711", department: "Sales" });
    expect((await hooks.diff(id, outs, fewer)).changes).toBe(true);
    idm.emu.requests.length = 0;
    const u = await hooks.update(id, outs, fewer);
    expect(patches()).toEqual([{ cost_center: null }]);
    await hooks.delete(id, u.outs!);
    expect(idm.state.values("acme", "p-bob")).toEqual({ home_phone: "+41 1" });
  });

  it("adopt: true writes nothing when the profile already holds the declared values", async () => {
    idm.state.setValue("acme", "p-bob", "employee_id", "4711");
    const { outs } = await hooks.create(await checked({ employee_id: "4711" }, { adopt: true }));
    expect(writes()).toEqual([]);
    expect(outs).toMatchObject({ properties: { employee_id: "4711" }, values: { employee_id: "4711" }, adopted: false });
    await hooks.delete("acme/p-bob", outs);
    expect(idm.state.values("acme", "p-bob")).toEqual({});
  });

  it("adopt: true on a profile with none of the keys, or whose values cannot be read, writes them as a create does", async () => {
    for (const mode of ["supported", "method-not-allowed"] as const) {
      idm.state.propertiesGet = mode;
      idm.emu.requests.length = 0;
      const { outs } = await hooks.create(await checked({ employee_id: "4711", max_sessions: 3 }, { adopt: true }));
      expect(patches()).toEqual([{ employee_id: "4711", max_sessions: "3" }]);
      expect(outs).toMatchObject({ values: { employee_id: "4711", max_sessions: "3" }, adopted: false });
      await hooks.delete("acme/p-bob", outs);
    }
  });

  it("adopt: \"<clientExtId>/<profileExtId>\" takes over that profile's declared keys", async () => {
    idm.state.setValue("acme", "p-bob", "employee_id", "1234");
    const inputs = await checked({ employee_id: "4711" }, { adopt: "acme/p-bob" });
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe("acme/p-bob");
    expect(patches()).toEqual([{ employee_id: "4711" }]);
    expect(outs).toMatchObject({ properties: { employee_id: "4711" }, adopted: false });
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("adopt: \"<id>\" of a profile that does not exist, or is not the declared one, fails and writes nothing", async () => {
    const ghost = await hooks.create(await checked({ employee_id: "4711" }, { adopt: "acme/ghost" })).catch((e) => e);
    expect(ghost.message).toContain('adopt: "acme/ghost"');
    expect(ghost.message).toContain("nothing was created");
    const other = await hooks.create(await checked({ employee_id: "4711" }, { adopt: "acme/p-carol" })).catch((e) => e);
    expect(other.message).toContain("cannot adopt");
    expect(other.message).toContain("'profileExtId'");
    const malformed = await hooks.create(await checked({ employee_id: "4711" }, { adopt: "p-bob" })).catch((e) => e);
    expect(malformed.message).toMatch(/<clientExtId>\/<profileExtId>/);
    expect(writes()).toEqual([]);
    expect(idm.state.values("acme", "p-bob")).toEqual({});
  });

  it("adopt: \"<id>\" where the values cannot be read says to use adopt: true", async () => {
    idm.state.propertiesGet = "method-not-allowed";
    const e = await hooks.create(await checked({ employee_id: "4711" }, { adopt: "acme/p-bob" })).catch((x) => x);
    expect(e.message).toMatch(/HTTP 405.*Use `adopt: true` instead of an id/s);
    expect(writes()).toEqual([]);
  });

  it("a later change or removal of `adopt` plans nothing", async () => {
    const inputs = await checked({ employee_id: "4711" }, { adopt: true });
    const { id, outs } = await hooks.create(inputs);
    for (const adopt of [undefined, false, "acme/p-bob"]) {
      const news = await checked({ employee_id: "4711" }, adopt === undefined ? {} : { adopt });
      expect(await hooks.diff(id, outs, news)).toMatchObject({ changes: false, replaces: [] });
    }
    expect((await hooks.diff(id, { ...outs, adopt: true }, await checked({ employee_id: "4711" }))).changes).toBe(false);
  });
});
