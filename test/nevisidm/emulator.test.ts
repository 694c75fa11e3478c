import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startNevisidmEmulator, technicalUserToken, type NevisidmEmulator } from "../../src/nevisidm/emulator";

let e: NevisidmEmulator;

beforeEach(async () => {
  e = await startNevisidmEmulator();
});
afterEach(async () => {
  await e.stop();
});

const propsPath = (client: string, profile: string) =>
  `/nevisidm/api/core/v1/${encodeURIComponent(client)}/profiles/${encodeURIComponent(profile)}/properties`;

async function call(method: string, path: string, body?: unknown, token: string | null = e.token, headers: Record<string, string> = {}) {
  const res = await fetch(`${e.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

describe("nevisIDM emulator: authentication", () => {
  it("refuses a call without a bearer token with 401 in the errors[] envelope", async () => {
    const r = await call("GET", propsPath("acme", "p-alice"), undefined, null);
    expect(r.status).toBe(401);
    expect(r.body.errors[0].code).toBe("errors.invalidJWTToken");
  });

  it("refuses an unknown token", async () => {
    const r = await call("GET", propsPath("acme", "p-alice"), undefined, technicalUserToken("x", "y", "z"));
    expect(r.status).toBe(401);
  });

  it("accepts a Nevis ID cloud technical-user token built from userExtId:credExtId:secret", async () => {
    const token = e.technicalUser({ name: "ops-bot" });
    expect(Buffer.from(token, "base64").toString("utf8")).toMatch(/^ops-bot:cred-ops-bot:[a-z0-9]{40}$/);
    const r = await call("GET", propsPath("acme", "p-alice"), undefined, token);
    expect(r.status).toBe(200);
  });

  it("accepts a short-lived nevisAuth-issued token until it expires", async () => {
    const token = e.issueToken({ name: "flow" }, 1);
    expect((await call("GET", propsPath("acme", "p-alice"), undefined, token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call("GET", propsPath("acme", "p-alice"), undefined, token)).status).toBe(401);
  });

  it("answers 401 once when a token-expired fault is injected, then works again", async () => {
    e.emu.inject({ kind: "token-expired" });
    const first = await call("GET", propsPath("acme", "p-alice"));
    expect(first.status).toBe(401);
    expect(first.body.errors[0].message).toMatch(/expired/);
    expect((await call("GET", propsPath("acme", "p-alice"))).status).toBe(200);
  });
});

describe("nevisIDM emulator: PATCH and GET of profile properties", () => {
  it("merges the keys sent, keeps the others, and answers the complete map with _classifications", async () => {
    const r = await call("PATCH", propsPath("acme", "p-alice"), { employee_id: "4711", cost_center: "CC-1" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      risk_score: "10",
      employee_id: "4711",
      cost_center: "CC-1",
      _classifications: { employee_id: ["PERSONAL"] },
    });
    const again = await call("PATCH", propsPath("acme", "p-alice"), { cost_center: "CC-2" });
    expect(again.body.employee_id).toBe("4711");
    expect(again.body.cost_center).toBe("CC-2");
    expect(e.state.values("acme", "p-alice")).toEqual({ risk_score: "10", employee_id: "4711", cost_center: "CC-2" });
  });

  it("removes a value sent as null or as an empty string", async () => {
    await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "CC-1", home_phone: "+41 1" });
    const r = await call("PATCH", propsPath("acme", "p-bob"), { cost_center: null, home_phone: "" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ _classifications: {} });
    expect(e.state.values("acme", "p-bob")).toEqual({});
  });

  it("GET returns the same shape as the PATCH answer", async () => {
    await call("PATCH", propsPath("acme", "p-bob"), { home_phone: "+41 44" });
    const r = await call("GET", propsPath("acme", "p-bob"));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ home_phone: "+41 44", _classifications: { home_phone: ["PERSONAL", "CONTACT"] } });
  });

  it("turns JSON numbers and booleans into strings, as Jackson does for Map<String,String>", async () => {
    const r = await call("PATCH", propsPath("acme", "p-bob"), { max_sessions: 5, vpn_enabled: true });
    expect(r.status).toBe(200);
    expect(r.body.max_sessions).toBe("5");
    expect(r.body.vpn_enabled).toBe("true");
  });

  it("refuses objects as values, an empty body, a non-JSON body and a non-JSON content type", async () => {
    expect((await call("PATCH", propsPath("acme", "p-bob"), { cost_center: { a: 1 } })).body.errors[0].code).toBe("errors.deserialization");
    expect((await call("PATCH", propsPath("acme", "p-bob"), [])).status).toBe(400);
    expect((await call("PATCH", propsPath("acme", "p-bob"), "")).body.errors[0].code).toBe("errors.nullRequestBody");
    expect((await call("PATCH", propsPath("acme", "p-bob"), "{nope")).body.errors[0].code).toBe("errors.jsonProcessingError");
    const r = await call("PATCH", propsPath("acme", "p-bob"), "cost_center=1", e.token, { "content-type": "text/plain" });
    expect(r.status).toBe(415);
  });

  it("answers a 404 with errors.noRecord for an unknown client or profile", async () => {
    const c = await call("PATCH", propsPath("nope", "p-bob"), { cost_center: "x" });
    expect(c.status).toBe(404);
    expect(c.body.errors[0]).toEqual({ code: "errors.noRecord", message: "Client doesn't exist with extId 'nope'" });
    const p = await call("GET", propsPath("acme", "ghost"));
    expect(p.status).toBe(404);
    expect(p.body.errors[0]).toEqual({ code: "errors.noRecord", message: "Profile doesn't exist with extId 'ghost'" });
  });

  it("serves the profile itself, without its properties", async () => {
    const r = await call("GET", "/nevisidm/api/core/v1/acme/profiles/p-carol");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ extId: "p-carol", userExtId: "carol", unitExtId: "branch", clientExtId: "acme", profileState: "active" });
    expect(r.body.properties).toBeUndefined();
  });

  it("lists the client's property definitions", async () => {
    const r = await call("GET", "/nevisidm/api/core/v1/clients/acme/properties");
    expect(r.status).toBe(200);
    const dept = r.body.items.find((d: any) => d.name === "department");
    expect(dept.type).toBe("ENUM");
    expect(dept.propertyAllowedValues.map((v: any) => v.value)).toContain("Sales");
  });
});

describe("nevisIDM emulator: validation against the property definitions (422)", () => {
  it("refuses a key that names no profile property, writing nothing", async () => {
    const r = await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "CC-9", additionalProp1: "x" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toEqual({ code: "errors.invalidData", message: "No property exists with the name 'additionalProp1' for the scope." });
    expect(e.state.values("acme", "p-bob")).toEqual({});
  });

  it("refuses a property of another scope (a USER_GLOBAL name on a profile)", async () => {
    const r = await call("PATCH", propsPath("acme", "p-bob"), { nickname: "bobby" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].code).toBe("errors.invalidData");
  });

  it("enforces stringMaxLen and stringRegex with the property name as message", async () => {
    const long = await call("PATCH", propsPath("acme", "p-bob"), { employee_id: "12345678901" });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toEqual({ code: "errors.property.stringmaxlen", message: "employee_id" });
    const bad = await call("PATCH", propsPath("acme", "p-bob"), { employee_id: "12a" });
    expect(bad.body.errors[0]).toEqual({ code: "errors.property.stringregex", message: "employee_id" });
    // Java's matches() anchors the whole value: "truex" must not pass "true|false".
    expect((await call("PATCH", propsPath("acme", "p-bob"), { vpn_enabled: "truex" })).status).toBe(422);
  });

  it("accepts only allowed values of an ENUM property", async () => {
    expect((await call("PATCH", propsPath("acme", "p-bob"), { department: "Sales" })).status).toBe(200);
    const r = await call("PATCH", propsPath("acme", "p-bob"), { department: "Marketing" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].message).toMatch(/Marketing.*department/);
  });

  it("enforces ABSOLUTE uniqueness across profiles with the vendor's wording", async () => {
    expect((await call("PATCH", propsPath("acme", "p-alice"), { employee_id: "123" })).status).toBe(200);
    const r = await call("PATCH", propsPath("acme", "p-bob"), { employee_id: "123" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toEqual({
      code: "errors.propertyUniquenessViolated",
      message: "Property Uniqueness (uScope is 'absolute') constraints violated by value '123' for property 'employee_id'.",
    });
    // Writing the value a profile already holds is not a conflict with itself.
    expect((await call("PATCH", propsPath("acme", "p-alice"), { employee_id: "123" })).status).toBe(200);
  });

  it("enforces RELATIVE_UNIT uniqueness only within a unit", async () => {
    expect((await call("PATCH", propsPath("acme", "p-alice"), { badge_number: "B1" })).status).toBe(200);
    expect((await call("PATCH", propsPath("acme", "p-carol"), { badge_number: "B1" })).status).toBe(200); // other unit
    expect((await call("PATCH", propsPath("acme", "p-bob"), { badge_number: "B1" })).status).toBe(422); // same unit
  });

  it("refuses to change a READ_ONLY property, but accepts re-sending its current value", async () => {
    const r = await call("PATCH", propsPath("acme", "p-alice"), { risk_score: "99" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].code).toBe("errors.modifyReadonlyData");
    expect((await call("PATCH", propsPath("acme", "p-alice"), { risk_score: "10" })).status).toBe(200);
    expect((await call("PATCH", propsPath("acme", "p-alice"), { risk_score: null })).status).toBe(422);
  });

  it("refuses to modify an archived profile", async () => {
    const r = await call("PATCH", propsPath("acme", "p-dave-old"), { cost_center: "x" });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].code).toBe("errors.modifyArchivedProfile");
  });
});

describe("nevisIDM emulator: permissions and data rooms (403)", () => {
  it("refuses a caller without AccessControl.ProfileModify with errors.insufficientRightsFunction", async () => {
    const viewer = e.technicalUser({ name: "viewer", rights: ["AccessControl.ProfileView"] });
    expect((await call("GET", propsPath("acme", "p-bob"), undefined, viewer)).status).toBe(200);
    const r = await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "x" }, viewer);
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toEqual({
      code: "errors.insufficientRightsFunction",
      message: "Permission denied: Caller does not have the required right 'AccessControl.ProfileModify' to perform this action",
    });
  });

  it("refuses a profile outside the caller's unit data room with errors.combinedDataroomDenied", async () => {
    const hqOnly = e.technicalUser({ name: "hq-admin", units: ["hq"] });
    expect((await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "x" }, hqOnly)).status).toBe(200);
    const r = await call("PATCH", propsPath("acme", "p-carol"), { cost_center: "x" }, hqOnly);
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toEqual({ code: "errors.combinedDataroomDenied", message: "Permission denied: AccessControl.ProfileModify" });
  });

  it("refuses a client outside the caller's client data room", async () => {
    const other = e.technicalUser({ name: "other", clients: ["globex"] });
    expect((await call("GET", propsPath("acme", "p-bob"), undefined, other)).status).toBe(403);
  });
});

describe("nevisIDM emulator: deployments without the inferred GET", () => {
  it("answers a bare 404 (no envelope) when the GET route does not exist", async () => {
    e.state.propertiesGet = "absent";
    const r = await call("GET", propsPath("acme", "p-bob"));
    expect(r.status).toBe(404);
    expect(r.body.errors).toBeUndefined();
    expect((await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "x" })).status).toBe(200);
  });

  it("answers 405 with Allow: PATCH when the path only serves PATCH", async () => {
    e.state.propertiesGet = "method-not-allowed";
    const r = await call("GET", propsPath("acme", "p-bob"));
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("PATCH");
  });
});

describe("nevisIDM emulator: faults and seeds", () => {
  it("injects a 429 with Retry-After and records the request", async () => {
    e.emu.inject({ kind: "429", method: "PATCH", retryAfterSeconds: 2 });
    const r = await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "x" });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("2");
    expect(e.state.values("acme", "p-bob")).toEqual({});
    expect(e.emu.count({ method: "PATCH" })).toBe(1);
  });

  it("applies a PATCH whose answer is lost (reset-after), so a retry must be harmless", async () => {
    e.emu.inject({ kind: "reset-after", method: "PATCH" });
    await expect(call("PATCH", propsPath("acme", "p-bob"), { cost_center: "lost" })).rejects.toThrow();
    expect(e.state.values("acme", "p-bob")).toEqual({ cost_center: "lost" });
    expect((await call("PATCH", propsPath("acme", "p-bob"), { cost_center: "lost" })).status).toBe(200);
  });

  it("takes custom clients, definitions and profiles", async () => {
    const custom = await startNevisidmEmulator({
      clients: {
        "100": {
          properties: [{ name: "color", allowedValues: ["red", "blue"], classifications: ["PUBLIC"] }],
          profiles: [{ extId: "1", properties: { color: "red" } }],
        },
      },
      propertiesGet: "method-not-allowed",
    });
    try {
      expect(custom.state.propertiesGet).toBe("method-not-allowed");
      const r = await fetch(`${custom.url}${propsPath("100", "1")}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${custom.token}`, "content-type": "application/json" },
        body: JSON.stringify({ color: "blue" }),
      });
      expect(await r.json()).toEqual({ color: "blue", _classifications: { color: ["PUBLIC"] } });
    } finally {
      await custom.stop();
    }
  });
});
