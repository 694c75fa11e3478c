import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { hooks, parseId } from "../../src/nevisidm/provider";
import { toNevisidmError } from "../../src/nevisidm/errors";
import { baseUrlOf } from "../../src/nevisidm/client";
import { ERROR_CODES } from "../../src/core/errors";
import { undescribed } from "../../src/core/fields";
import { reference } from "../../src/nevisidm/reference";
import {
  argsSchema,
  DERIVED_SECRET_OUTPUTS,
  INPUT_KEYS,
  LOCAL_KEYS,
  OUTPUT_KEYS,
  outputsSchema,
  REPLACE_ON,
  SECRET_OUTPUTS,
  SECRET_PATHS,
  toPatch,
  WRITE_ONLY_PATHS,
  wirePropertiesSchema,
} from "../../src/nevisidm/schema";

const valid = () => ({
  clientExtId: "acme",
  profileExtId: "p-alice",
  properties: { employee_id: "4711", cost_center: "CC-1" },
});

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("nevisidm.ProfileProperties check", () => {
  it("accepts string values and keeps them as given", async () => {
    const r = await hooks.check({}, valid());
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual(valid());
  });

  it("turns integers and booleans into the text nevisIDM stores", async () => {
    const r = await hooks.check({}, { ...valid(), properties: { max_sessions: 5, vpn_enabled: true, locked: false, delta: -3 } });
    expect(r.failures).toEqual([]);
    expect(r.inputs.properties).toEqual({ max_sessions: "5", vpn_enabled: "true", locked: "false", delta: "-3" });
  });

  it("says so when a number has no single text form", async () => {
    expect(await failures({ ...valid(), properties: { ratio: 0.5 } })).toEqual([
      expect.stringMatching(/^properties\.ratio \| .*0\.5 has no single text form.*give it as a string, e.g. "0\.5"/),
    ]);
    expect(await failures({ ...valid(), properties: { big: 2 ** 60 } })).toEqual([
      expect.stringMatching(/^properties\.big \| .*beyond the integers a number can hold exactly/),
    ]);
  });

  it("refuses null, objects and the _classifications key with the next step", async () => {
    expect(await failures({ ...valid(), properties: { a: null } })).toEqual([expect.stringMatching(/^properties\.a \| .*remove the key/)]);
    expect(await failures({ ...valid(), properties: { a: { x: 1 } } })).toEqual([expect.stringMatching(/^properties\.a \| .*must be a string/)]);
    expect(await failures({ ...valid(), properties: { _classifications: "x" } })).toEqual([
      expect.stringMatching(/^properties\._classifications \| .*classifications` output/),
    ]);
  });

  it("needs a client and a profile, and no unknown inputs", async () => {
    expect(await failures({ properties: {} })).toEqual([
      expect.stringMatching(/^clientExtId \| clientExtId: clientExtId is required/),
      expect.stringMatching(/^profileExtId \| profileExtId: profileExtId is required/),
    ]);
    expect(await failures({ ...valid(), profileExtId: "" })).toEqual([expect.stringMatching(/^profileExtId \| .*must not be empty/)]);
    expect(await failures({ ...valid(), profile: "x" })).toEqual([expect.stringMatching(/unknown property 'profile'/)]);
  });

  it("accepts values not known until apply during preview", async () => {
    expect(await failures({ ...valid(), profileExtId: UNKNOWN, properties: { employee_id: UNKNOWN } })).toEqual([]);
    expect(await failures({ ...valid(), properties: UNKNOWN })).toEqual([]);
  });

  it("validates the connection's URL", async () => {
    expect(await failures({ ...valid(), connection: { url: "api.example.net" } })).toEqual([
      expect.stringMatching(/^connection\.url \| .*http\(s\) URL/),
    ]);
    expect(await failures({ ...valid(), connection: { url: "https://api.acme.getnevis.net", token: "t", caBundle: "/x.pem" } })).toEqual([]);
  });
});

describe("nevisidm.ProfileProperties diff (offline)", () => {
  const olds = { ...valid(), values: { employee_id: "4711", cost_center: "CC-1" }, classifications: {}, adopted: false };

  it("shows no change for the same declared values", async () => {
    const d = await hooks.diff("acme/p-alice", olds, valid());
    expect(d.changes).toBe(false);
  });

  it("updates in place when a value changes, a key is added or a key is removed", async () => {
    for (const properties of [{ employee_id: "4712", cost_center: "CC-1" }, { ...valid().properties, department: "Sales" }, { employee_id: "4711" }]) {
      const d = await hooks.diff("acme/p-alice", olds, { ...valid(), properties });
      expect(d).toMatchObject({ changes: true, replaces: [] });
    }
  });

  it("replaces, releasing the old profile's values first, when the profile or client changes", async () => {
    const d = await hooks.diff("acme/p-alice", olds, { ...valid(), profileExtId: "p-bob" });
    expect(d).toMatchObject({ changes: true, replaces: ["profileExtId"], deleteBeforeReplace: true });
    const c = await hooks.diff("acme/p-alice", olds, { ...valid(), clientExtId: "globex" });
    expect(c.replaces).toEqual(["clientExtId"]);
  });

  it("counts a value not known until apply as a change during preview", async () => {
    const d = await hooks.diff("acme/p-alice", olds, { ...valid(), properties: { employee_id: UNKNOWN, cost_center: "CC-1" } });
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  it("after an import compares only the keys the program declares", async () => {
    const adopted = { ...olds, properties: { employee_id: "4711", cost_center: "CC-1", home_phone: "+41" }, adopted: true };
    expect((await hooks.diff("acme/p-alice", adopted, valid())).changes).toBe(false);
    expect((await hooks.diff("acme/p-alice", adopted, { ...valid(), properties: { employee_id: "1" } })).changes).toBe(true);
    // An owned key declared empty matches a key that has no value.
    expect((await hooks.diff("acme/p-alice", adopted, { ...valid(), properties: { department: "" } })).changes).toBe(false);
  });
});

describe("nevisidm ids, URLs and errors", () => {
  it("parses the import id <clientExtId>/<profileExtId>", () => {
    expect(parseId("acme/p-alice")).toEqual({ clientExtId: "acme", profileExtId: "p-alice" });
    expect(parseId("100/profiles/with/slash")).toEqual({ clientExtId: "100", profileExtId: "profiles/with/slash" });
    expect(() => parseId("p-alice")).toThrow(/<clientExtId>\/<profileExtId>/);
  });

  it("takes the host, or a URL already ending in /nevisidm/api", () => {
    expect(baseUrlOf("https://api.acme.getnevis.net/")).toBe("https://api.acme.getnevis.net");
    expect(baseUrlOf("https://idm.example.com/nevisidm/api")).toBe("https://idm.example.com");
    expect(baseUrlOf("https://idm.example.com/nevisidm/api/core/v1/")).toBe("https://idm.example.com");
  });

  const err = (status: number, body: unknown) =>
    toNevisidmError({ vendor: "nevisIDM", status, method: "PATCH", url: "https://idm/nevisidm/api/core/v1/acme/profiles/p/properties", body, text: JSON.stringify(body) });

  it("renders the errors[] envelope with the property that failed and what to do", () => {
    const e = err(422, { errors: [{ code: "errors.property.stringregex", message: "employee_id" }] });
    expect(e.property).toBe("employee_id");
    expect(e.vendorCode).toBe("errors.property.stringregex");
    expect(e.message).toMatch(/HTTP 422 errors\.property\.stringregex: property 'employee_id' violates its definition/);
    expect(e.message).toMatch(/what to do: .*does not match its definition's stringRegex/);
    const u = err(422, { errors: [{ code: "errors.propertyUniquenessViolated", message: "Property Uniqueness (uScope is 'absolute') constraints violated by value '123' for property 'employee_id'." }] });
    expect(u.property).toBe("employee_id");
    expect(u.message).toMatch(/another profile already holds this value/);
    const unknown = err(422, { errors: [{ code: "errors.invalidData", message: "No property exists with the name 'additionalProp1' for the scope." }] });
    expect(unknown.property).toBe("additionalProp1");
    expect(unknown.message).toMatch(/no profile property \(scope PROFILE_GLOBAL\) named 'additionalProp1'/);
  });

  it("tells a missing right from a data room, and a missing client from a missing profile", () => {
    expect(err(403, { errors: [{ code: "errors.insufficientRightsFunction", message: "Permission denied: … 'AccessControl.ProfileModify' …" }] }).message).toMatch(
      /grant its technical user a nevisIDM role/,
    );
    expect(err(403, { errors: [{ code: "errors.combinedDataroomDenied", message: "Permission denied: AccessControl.ProfileModify" }] }).message).toMatch(
      /data room does not include/,
    );
    expect(err(404, { errors: [{ code: "errors.noRecord", message: "Client doesn't exist with extId 'x'" }] }).message).toMatch(/check clientExtId/);
    const p = err(404, { errors: [{ code: "errors.noRecord", message: "Profile doesn't exist with extId 'x'" }] });
    expect(p.isNoRecord).toBe(true);
    expect(p.message).toMatch(/does not create it/);
  });

  it("reads policy violations and bodies that are not the envelope", () => {
    const e = err(422, {
      errors: [{ code: "errors.policyViolation", message: "policy" }],
      policyViolations: [{ displayName: "Max length", suppliedValue: "4", limitValue: 3, actualValue: "5" }],
    });
    expect(e.message).toMatch(/policy violation: Max length, supplied "4", limit 3, actual "5"/);
    const html = toNevisidmError({ vendor: "nevisIDM", status: 404, method: "GET", url: "https://idm/x", body: undefined, text: "<html>Not Found</html>" });
    expect(html.isNoRecord).toBe(false);
    expect(html.message).toMatch(/non-JSON answer: <html>Not Found<\/html>/);
  });
});

describe("nevisidm field facts: every list derived from the schema, unchanged", () => {
  it("derives the lists the code wrote by hand before, to the same values", () => {
    // The literals are the lists schema.ts and resource.ts held before the facts moved beside the fields.
    expect(SECRET_PATHS).toEqual(["connection.token", "connection.clientKey"]);
    expect(SECRET_OUTPUTS).toEqual(["connection"]);
    expect(REPLACE_ON).toEqual(["clientExtId", "profileExtId"]);
    expect(OUTPUT_KEYS).toEqual(["clientExtId", "profileExtId", "properties", "connection", "values", "classifications", "adopted"]);
    expect(INPUT_KEYS).toEqual(["clientExtId", "profileExtId", "properties", "connection"]);
    // Had no literal before: the connection and `adopt` are never sent, and nothing is write-only
    // (every owned value comes back in the GET/PATCH answer).
    expect(LOCAL_KEYS).toEqual(["connection", "adopt"]);
    expect(WRITE_ONLY_PATHS).toEqual([]);
    // resource.ts's DERIVED before: values echo properties, classifications are keyed by its names.
    expect(DERIVED_SECRET_OUTPUTS).toEqual({ values: ["properties"], classifications: ["keys:properties"] });
  });

  it("describes every input and every output", () => {
    expect(undescribed(argsSchema)).toEqual([]);
    expect(undescribed(outputsSchema)).toEqual([]);
    expect(reference.args).toBe(argsSchema);
    expect(reference.outputs).toBe(outputsSchema);
    expect(reference.adopt.importIds).toEqual(["<clientExtId>/<profileExtId>"]);
    for (const e of reference.errors) expect(Object.values(ERROR_CODES)).toContain(e.code);
  });
});

describe("nevisidm wire codec", () => {
  it("writes each owned key as its text and each released or empty key as null, released keys first", () => {
    expect(JSON.stringify(toPatch({ employee_id: "4711", cost_center: "" }, ["home_phone"]))).toBe(
      '{"home_phone":null,"employee_id":"4711","cost_center":null}',
    );
    // A key both released and set is set, where the release put it.
    expect(JSON.stringify(toPatch({ a: "1" }, ["a", "b"]))).toBe('{"a":"1","b":null}');
    expect(toPatch({})).toEqual({});
  });

  it("reads the answer's values and _classifications, tolerating numbers and dropping emptied keys", () => {
    expect(
      wirePropertiesSchema.parse({ employee_id: "4711", max: 3, on: true, gone: "", odd: { x: 1 }, _classifications: { employee_id: ["PERSONAL"], on: "X" } }),
    ).toEqual({ values: { employee_id: "4711", max: "3", on: "true" }, classifications: { employee_id: ["PERSONAL"], on: ["X"] } });
    expect(wirePropertiesSchema.safeParse(null).success).toBe(false);
  });
});

describe("nevisidm errors: a stable code for each envelope", () => {
  const err = (status: number, code: string | undefined, message = "m") =>
    toNevisidmError({
      vendor: "nevisIDM",
      status,
      method: "PATCH",
      url: "https://idm/nevisidm/api/core/v1/acme/profiles/p/properties",
      body: code === undefined ? undefined : { errors: [{ code, message }] },
      text: "",
    });

  it("maps nevisIDM's codes onto ours where they say more than the status", () => {
    expect(err(422, "errors.propertyUniquenessViolated", "… for property 'employee_id'.").code).toBe(ERROR_CODES.conflict);
    expect(err(422, "errors.property.stringregex", "employee_id").code).toBe(ERROR_CODES.invalid);
    expect(err(422, "errors.modifyReadonlyData", "Property 'badge' is read-only").code).toBe(ERROR_CODES.invalid);
    expect(err(403, "errors.insufficientRightsFunction").code).toBe(ERROR_CODES.forbidden);
    expect(err(403, "errors.combinedDataroomDenied").code).toBe(ERROR_CODES.forbidden);
    expect(err(401, "errors.invalidJWTToken").code).toBe(ERROR_CODES.unauthorized);
    expect(err(503, undefined).code).toBe(ERROR_CODES.unavailable);
  });

  it("reads a 404 and a 405 as not found, and only errors.noRecord as a missing client or profile", () => {
    expect(err(405, undefined).code).toBe(ERROR_CODES.notFound);
    expect(err(405, undefined).isNoRecord).toBe(false);
    expect(err(404, undefined).code).toBe(ERROR_CODES.notFound);
    expect(err(404, undefined).isNoRecord).toBe(false);
    expect(err(404, "errors.noRecord", "Profile doesn't exist").isNoRecord).toBe(true);
  });

  it("names the read-only property a PATCH could not clear, and nothing for other refusals", () => {
    expect(err(422, "errors.modifyReadonlyData", "Property 'badge' is read-only").readOnlyProperty).toBe("badge");
    expect(err(422, "errors.propertyUniquenessViolated", "… for property 'employee_id'.").readOnlyProperty).toBeUndefined();
  });
});
