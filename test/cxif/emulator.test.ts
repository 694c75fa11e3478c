import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyJsonPatch, parsePointer, startCxifEmulator, type CxifEmulator } from "../../src/cxif/emulator";

let e: CxifEmulator;
let token: string;

async function fetchToken(form: Record<string, string>, basic: [string, string] | null = [e.clientId, e.clientSecret]) {
  const res = await fetch(e.tokenUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(basic ? { authorization: `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString("base64")}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function call(method: string, path: string, body?: unknown, bearer: string | null = token, contentType = "application/json") {
  const res = await fetch(`${e.url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { "content-type": contentType } : {}),
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

/** The request body of the vendor's own PUT example (seed 003). */
const vendorExample = () => ({
  "target-connection-descriptor-name": "flytxtjmbfz",
  profiles: {
    subscriber: {
      "group-assignment": ["oracleGroup"],
      "scim-custom-attr-mapping": {
        "urn:scim:schemas:extension:custom:1.0:User": [
          { "attribute-name": "donot-forward-attr", mode: "SWALLOW" },
          { "attribute-name": "pass-through-attr", mode: "FORWARD" },
          {
            "attribute-name": "this-needs-to-be-mapped-attr",
            "attribute-type": "DATETIMESTRING",
            required: true,
            mode: "MAP",
            "target-attribute-name": "foo-target-attribute",
          },
        ],
      },
      "scim-rfc7643-mapping": { bar: "FORWARD", foo: "SWALLOW", name: "SWALLOW" },
    },
  },
});

beforeEach(async () => {
  e = await startCxifEmulator();
  token = (await fetchToken({ grant_type: "client_credentials", scope: e.scope })).body.access_token;
});
afterEach(async () => {
  await e.stop();
});

describe("CXIF emulator: the identity domain token endpoint", () => {
  it("issues a bearer token for client credentials with the framework scope", async () => {
    const r = await fetchToken({ grant_type: "client_credentials", scope: e.scope });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(typeof r.body.access_token).toBe("string");
    expect(e.scope).toBe(`${e.url}/urn:opc:resource:consumer::all`);
  });

  it("accepts the client credentials as form fields too (client_secret_post)", async () => {
    const r = await fetchToken({ grant_type: "client_credentials", scope: e.scope, client_id: e.clientId, client_secret: e.clientSecret }, null);
    expect(r.status).toBe(200);
  });

  it("refuses a wrong secret with invalid_client, another grant or an unknown scope with 400", async () => {
    const bad = await fetchToken({ grant_type: "client_credentials", scope: e.scope }, [e.clientId, "wrong"]);
    expect(bad).toEqual({ status: 401, body: { error: "invalid_client", error_description: "Client authentication failed." } });
    expect((await fetchToken({ grant_type: "password", scope: e.scope })).body.error).toBe("unsupported_grant_type");
    expect((await fetchToken({ grant_type: "client_credentials", scope: "urn:opc:idm:__myscopes__" })).body.error).toBe("invalid_scope");
  });
});

describe("CXIF emulator: admin API authentication", () => {
  it("answers 401 with a TM Forum error and a Bearer challenge when no token is sent", async () => {
    const r = await call("GET", "/admin/scimConfigurations/x", undefined, null);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ "@type": "Error", code: "UNAUTHORIZED", reason: "Unauthorized", status: "401" });
    expect(r.body.referenceError).toMatch(/^https:\/\/docs\.oracle\.com\//);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("answers 401 for an unknown token", async () => {
    expect((await call("GET", "/admin/scimConfigurations", undefined, "forged")).status).toBe(401);
  });

  it("answers 403 for a token of the self-service scope, which may not administer", async () => {
    const self = (await fetchToken({ grant_type: "client_credentials", scope: e.selfServiceScope })).body.access_token;
    const r = await call("GET", "/admin/scimConfigurations", undefined, self);
    expect(r.status).toBe(403);
    expect(r.body.message).toContain("urn:opc:resource:consumer::all");
  });

  it("answers 401 'expired' once when a token-expired fault is injected, and the token stays dead", async () => {
    e.emu.inject({ kind: "token-expired" });
    const r = await call("GET", "/admin/scimConfigurations");
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/expired/);
    expect((await call("GET", "/admin/scimConfigurations")).status).toBe(401);
    const fresh = (await fetchToken({ grant_type: "client_credentials", scope: e.scope })).body.access_token;
    expect((await call("GET", "/admin/scimConfigurations", undefined, fresh)).status).toBe(200);
  });
});

describe("CXIF emulator: create, read, replace, delete", () => {
  it("creates the vendor's example and answers it with the server's defaults, namespace, href and a new id", async () => {
    const r = await call("POST", "/admin/scimConfigurations", vendorExample());
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^[a-z0-9]{16}$/);
    expect(r.headers.get("location")).toBe(`/admin/scimConfigurations/${r.body.id}`);
    // The seed page's example response, id aside.
    expect(r.body).toEqual({
      id: r.body.id,
      "target-connection-descriptor-name": "flytxtjmbfz",
      "target-connection-descriptor-namespace": "dx-prod",
      "target-connection-descriptor-href": "/connectionDescriptors/flytxtjmbfz",
      profiles: {
        subscriber: {
          "scim-rfc7643-mapping": { bar: "FORWARD", foo: "SWALLOW", name: "SWALLOW" },
          "scim-custom-attr-mapping": {
            "urn:scim:schemas:extension:custom:1.0:User": [
              { "attribute-name": "donot-forward-attr", "attribute-type": "STRING", required: false, mode: "SWALLOW" },
              { "attribute-name": "pass-through-attr", "attribute-type": "STRING", required: false, mode: "FORWARD" },
              {
                "attribute-name": "this-needs-to-be-mapped-attr",
                "attribute-type": "DATETIMESTRING",
                required: true,
                mode: "MAP",
                "target-attribute-name": "foo-target-attribute",
              },
            ],
          },
          "group-assignment": ["oracleGroup"],
        },
      },
    });
    const got = await call("GET", `/admin/scimConfigurations/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
    expect(e.state.configurations.get(r.body.id)).toEqual(r.body);
  });

  it("accepts the descriptor named by href alone and derives its name", async () => {
    const r = await call("POST", "/admin/scimConfigurations", { "target-connection-descriptor-href": "/connectionDescriptors/oci-iam", "target-connection-descriptor-namespace": "dx-stage" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ "target-connection-descriptor-name": "oci-iam", "target-connection-descriptor-namespace": "dx-stage", profiles: {} });
  });

  it("replaces the whole configuration on PUT: what is left out is gone", async () => {
    const c = (await call("POST", "/admin/scimConfigurations", vendorExample())).body;
    const r = await call("PUT", `/admin/scimConfigurations/${c.id}`, {
      "target-connection-descriptor-name": "flytxtjmbfz",
      profiles: { partner: { "group-assignment": ["partners"] } },
    });
    expect(r.status).toBe(200);
    expect(r.body.profiles).toEqual({ partner: { "group-assignment": ["partners"] } });
    expect(r.body.id).toBe(c.id);
  });

  it("lists every configuration", async () => {
    await call("POST", "/admin/scimConfigurations", vendorExample());
    await call("POST", "/admin/scimConfigurations", { "target-connection-descriptor-name": "other" });
    const r = await call("GET", "/admin/scimConfigurations");
    expect(r.status).toBe(200);
    expect(r.body.map((c: any) => c["target-connection-descriptor-name"]).sort()).toEqual(["flytxtjmbfz", "other"]);
  });

  it("deletes with 204, then answers 404 for GET, PUT, PATCH and DELETE of that id", async () => {
    const c = (await call("POST", "/admin/scimConfigurations", vendorExample())).body;
    expect((await call("DELETE", `/admin/scimConfigurations/${c.id}`)).status).toBe(204);
    const g = await call("GET", `/admin/scimConfigurations/${c.id}`);
    expect(g.status).toBe(404);
    expect(g.body).toMatchObject({ code: "NOT_FOUND", reason: "Not Found", status: "404" });
    expect((await call("PUT", `/admin/scimConfigurations/${c.id}`, vendorExample())).status).toBe(404);
    expect((await call("PATCH", `/admin/scimConfigurations/${c.id}`, [])).status).toBe(404);
    expect((await call("DELETE", `/admin/scimConfigurations/${c.id}`)).status).toBe(404);
  });

  it("refuses a second configuration for the same target connection descriptor with 409", async () => {
    await call("POST", "/admin/scimConfigurations", vendorExample());
    const r = await call("POST", "/admin/scimConfigurations", vendorExample());
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "CONFLICT", status: "409" });
    expect(r.body.message).toContain("dx-prod/flytxtjmbfz");
    expect(e.state.configurations.size).toBe(1);
    // Another namespace is another descriptor.
    expect((await call("POST", "/admin/scimConfigurations", { ...vendorExample(), "target-connection-descriptor-namespace": "dx-dev" })).status).toBe(201);
  });

  it("can answer a create with only a Location, the other plausible shape of the inferred create", async () => {
    const bare = await startCxifEmulator({ createAnswer: "location" });
    try {
      const t = await fetch(bare.tokenUrl, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${bare.clientId}:${bare.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: bare.scope }).toString(),
      }).then((r) => r.json() as any);
      const res = await fetch(`${bare.url}/admin/scimConfigurations`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.access_token}`, "content-type": "application/json" },
        body: JSON.stringify(vendorExample()),
      });
      expect(res.status).toBe(201);
      expect(await res.text()).toBe("");
      const id = res.headers.get("location")!.split("/").pop()!;
      expect(bare.state.configurations.get(id)?.["target-connection-descriptor-href"]).toBe("/connectionDescriptors/flytxtjmbfz");
    } finally {
      await bare.stop();
    }
  });

  it("starts with seeded configurations, ids kept", async () => {
    const seeded = await startCxifEmulator({
      seed: [{ id: "seeded0000000001", "target-connection-descriptor-name": "a", "target-connection-descriptor-namespace": "n", "target-connection-descriptor-href": "/connectionDescriptors/a", profiles: {} }],
    });
    try {
      expect(seeded.state.configurations.has("seeded0000000001")).toBe(true);
    } finally {
      await seeded.stop();
    }
  });
});

describe("CXIF emulator: the schema's validation", () => {
  const bad = async (body: unknown) => {
    const r = await call("POST", "/admin/scimConfigurations", body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ "@type": "Error", code: "INVALID_REQUEST", reason: "Bad Request", status: "400" });
    return r.body.message as string;
  };

  it("requires the target descriptor by name or by href, and a matching one when both are given", async () => {
    expect(await bad({ profiles: {} })).toContain("target-connection-descriptor-name: required");
    expect(await bad({ "target-connection-descriptor-name": "a", "target-connection-descriptor-href": "/connectionDescriptors/b" })).toContain('names descriptor "b"');
    expect(await bad({ "target-connection-descriptor-href": "https://elsewhere/x" })).toContain("/connectionDescriptors/{name}");
  });

  it("refuses unknown enum values with the allowed list", async () => {
    const body = vendorExample();
    (body.profiles.subscriber["scim-rfc7643-mapping"] as Record<string, string>).foo = "MAP";
    (body.profiles.subscriber["scim-custom-attr-mapping"]["urn:scim:schemas:extension:custom:1.0:User"][0] as Record<string, unknown>)["attribute-type"] = "DATE";
    const m = await bad(body);
    expect(m).toContain('scim-rfc7643-mapping["foo"]: must be one of FORWARD, SWALLOW');
    expect(m).toContain("attribute-type: must be one of STRING, NUMBER, INTEGER, BOOLEAN, DATETIMESTRING, OBJECT");
  });

  it("requires target-attribute-name when the mode is MAP", async () => {
    const body = vendorExample();
    delete (body.profiles.subscriber["scim-custom-attr-mapping"]["urn:scim:schemas:extension:custom:1.0:User"][2] as Record<string, unknown>)["target-attribute-name"];
    expect(await bad(body)).toContain('["urn:scim:schemas:extension:custom:1.0:User"][2].target-attribute-name: required when mode is MAP');
  });

  it("refuses camelCase or otherwise unknown fields instead of silently dropping them", async () => {
    expect(await bad({ targetConnectionDescriptorName: "a" })).toContain("targetConnectionDescriptorName: unrecognized field");
    expect(await bad({ "target-connection-descriptor-name": "a", profiles: { p: { groupAssignment: [] } } })).toContain("groupAssignment: unrecognized field");
  });

  it("refuses an attribute mapped twice under one schema, a non-boolean required and an empty attribute name", async () => {
    const m = await bad({
      "target-connection-descriptor-name": "a",
      profiles: { p: { "scim-custom-attr-mapping": { u: [{ "attribute-name": "x" }, { "attribute-name": "x", required: "yes" }, { "attribute-name": "" }] } } },
    });
    expect(m).toContain('"x" is mapped twice');
    expect(m).toContain("required: must be a boolean");
    expect(m).toContain("[2].attribute-name: required");
  });

  it("refuses a client-chosen id on create and a mismatching id on replace", async () => {
    expect(await bad({ ...vendorExample(), id: "mine" })).toContain("assigned by the server");
    const c = (await call("POST", "/admin/scimConfigurations", vendorExample())).body;
    const r = await call("PUT", `/admin/scimConfigurations/${c.id}`, { ...vendorExample(), id: "other" });
    expect(r.status).toBe(400);
  });

  it("refuses a non-JSON body with 400 and a non-JSON content type with 415", async () => {
    expect((await call("POST", "/admin/scimConfigurations", "{nope")).status).toBe(400);
    const r = await call("POST", "/admin/scimConfigurations", "x=1", token, "application/x-www-form-urlencoded");
    expect(r.status).toBe(415);
    expect(r.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("accepts OBJECT as an attribute type (listed on the newer page) and fills an omitted rfc7643 mode as FORWARD", async () => {
    const r = await call("POST", "/admin/scimConfigurations", {
      "target-connection-descriptor-name": "a",
      profiles: { p: { "scim-rfc7643-mapping": { emails: null }, "scim-custom-attr-mapping": { u: [{ "attribute-name": "addr", "attribute-type": "OBJECT" }] } } },
    });
    expect(r.status).toBe(201);
    expect(r.body.profiles.p["scim-rfc7643-mapping"]).toEqual({ emails: "FORWARD" });
    expect(r.body.profiles.p["scim-custom-attr-mapping"].u[0]["attribute-type"]).toBe("OBJECT");
  });

  it("answers 405 in the TM Forum shape for an unsupported method", async () => {
    const r = await call("DELETE", "/admin/scimConfigurations");
    expect(r.status).toBe(405);
    expect(r.body.code).toBe("METHOD_NOT_ALLOWED");
  });
});

describe("CXIF emulator: profile names and schema URNs with '/' and '~'", () => {
  const awkward = () => ({
    "target-connection-descriptor-name": "idm",
    profiles: {
      "partners/emea~eu": {
        "scim-custom-attr-mapping": { "urn:acme:params:scim:schemas:extension:2.0/User~v2": [{ "attribute-name": "tier" }] },
      },
    },
  });

  it("stores and answers such keys unchanged", async () => {
    const r = await call("POST", "/admin/scimConfigurations", awkward());
    expect(r.status).toBe(201);
    expect(Object.keys(r.body.profiles)).toEqual(["partners/emea~eu"]);
    expect(Object.keys(r.body.profiles["partners/emea~eu"]["scim-custom-attr-mapping"])).toEqual(["urn:acme:params:scim:schemas:extension:2.0/User~v2"]);
  });

  it("PATCH resolves ~1 and ~0 in JSON pointers to those keys", async () => {
    const c = (await call("POST", "/admin/scimConfigurations", awkward())).body;
    const r = await call(
      "PATCH",
      `/admin/scimConfigurations/${c.id}`,
      [
        { op: "test", path: "/profiles/partners~1emea~0eu/scim-custom-attr-mapping/urn:acme:params:scim:schemas:extension:2.0~1User~0v2/0/attribute-name", value: "tier" },
        { op: "replace", path: "/profiles/partners~1emea~0eu/scim-custom-attr-mapping/urn:acme:params:scim:schemas:extension:2.0~1User~0v2/0/mode", value: "SWALLOW" },
        { op: "add", path: "/profiles/partners~1emea~0eu/group-assignment", value: ["emea"] },
      ],
      token,
      "application/json-patch+json",
    );
    expect(r.status).toBe(200);
    const p = r.body.profiles["partners/emea~eu"];
    expect(p["group-assignment"]).toEqual(["emea"]);
    expect(p["scim-custom-attr-mapping"]["urn:acme:params:scim:schemas:extension:2.0/User~v2"][0]).toEqual({
      "attribute-name": "tier",
      "attribute-type": "STRING",
      required: false,
      mode: "SWALLOW",
    });
  });

  it("PATCH validates the patched document and answers 409 for a failed test, leaving the stored one alone", async () => {
    const c = (await call("POST", "/admin/scimConfigurations", awkward())).body;
    const invalid = await call("PATCH", `/admin/scimConfigurations/${c.id}`, [{ op: "add", path: "/profiles/partners~1emea~0eu/scim-rfc7643-mapping", value: { name: "DROP" } }]);
    expect(invalid.status).toBe(400);
    const failed = await call("PATCH", `/admin/scimConfigurations/${c.id}`, [{ op: "test", path: "/target-connection-descriptor-name", value: "nope" }]);
    expect(failed.status).toBe(409);
    const missing = await call("PATCH", `/admin/scimConfigurations/${c.id}`, [{ op: "remove", path: "/profiles/partners~1emea/x" }]);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain("does not exist");
    expect(e.state.configurations.get(c.id)).toEqual(c);
  });

  it("PATCH of the descriptor name recomputes the href", async () => {
    const c = (await call("POST", "/admin/scimConfigurations", awkward())).body;
    const r = await call("PATCH", `/admin/scimConfigurations/${c.id}`, [{ op: "replace", path: "/target-connection-descriptor-name", value: "idm2" }]);
    expect(r.status).toBe(200);
    expect(r.body["target-connection-descriptor-href"]).toBe("/connectionDescriptors/idm2");
  });

  it("parses pointers per RFC 6901: ~01 is the two characters ~1", () => {
    expect(parsePointer("/a~01b/c~1d")).toEqual(["a~1b", "c/d"]);
    expect(() => parsePointer("/a~2")).toThrow(/invalid escape/);
    expect(applyJsonPatch({ a: [1, 2] }, [{ op: "move", from: "/a/0", path: "/a/-" }])).toEqual({ a: [2, 1] });
  });
});

describe("CXIF emulator: fault injection", () => {
  it("answers an injected 429 with Retry-After before touching the store", async () => {
    e.emu.inject({ kind: "429", method: "POST", retryAfterSeconds: 2 });
    const r = await call("POST", "/admin/scimConfigurations", vendorExample());
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("2");
    expect(e.state.configurations.size).toBe(0);
    expect((await call("POST", "/admin/scimConfigurations", vendorExample())).status).toBe(201);
  });

  it("processes a request and then drops the connection for reset-after, so the client cannot know the outcome", async () => {
    e.emu.inject({ kind: "reset-after", method: "POST" });
    await expect(call("POST", "/admin/scimConfigurations", vendorExample())).rejects.toThrow();
    expect(e.state.configurations.size).toBe(1);
  });

  it("records what it received, token requests included", async () => {
    await call("POST", "/admin/scimConfigurations", vendorExample());
    expect(e.emu.count({ method: "POST", path: /^\/admin\// })).toBe(1);
    expect(e.emu.count({ path: /^\/oauth2\/v1\/token$/ })).toBe(1);
  });
});
