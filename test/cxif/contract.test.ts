/**
 * The provider's hooks against the CXIF emulator, in process: what the API received and what the
 * hooks return, for each lifecycle call and each documented failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tokenCache } from "../../src/core/auth";
import { ApiError, ERROR_CODES, PartialCreateError } from "../../src/core/errors";
import { cxifClient } from "../../src/cxif/client";
import { toCxifError } from "../../src/cxif/errors";
import { hooks } from "../../src/cxif/provider";
import { startCxifEmulator, type CxifEmulator } from "../../src/cxif/emulator";

const URN = "urn:scim:schemas:extension:custom:1.0:User";
let cx: CxifEmulator;
let connection: Record<string, string>;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_MAX_BACKOFF_MS = "20";
  cx = await startCxifEmulator();
  connection = { host: cx.url, tokenUrl: cx.tokenUrl, clientId: cx.clientId, clientSecret: cx.clientSecret };
});
afterAll(() => cx.stop());
beforeEach(() => {
  cx.emu.clearFaults();
  cx.state.configurations.clear();
  cx.emu.requests.length = 0;
});

const api = (method?: string) => cx.emu.requests.filter((r) => r.path.startsWith("/admin/") && (!method || r.method === method));

async function checked(extra: Record<string, unknown> = {}) {
  const r = await hooks.check({}, {
    targetConnectionDescriptorName: "oci-iam-scim",
    profiles: {
      subscriber: {
        groupAssignment: ["oracleGroup"],
        scimRfc7643Mapping: { name: "SWALLOW" },
        scimCustomAttrMapping: {
          [URN]: [
            { attributeName: "pass-through-attr" },
            { attributeName: "mapped-attr", attributeType: "DATETIMESTRING", required: true, mode: "MAP", targetAttributeName: "foo-target" },
          ],
        },
      },
    },
    connection,
    ...extra,
  });
  expect(r.failures).toEqual([]);
  return r.inputs as Record<string, any>;
}

describe("cxif.ScimConfiguration against the CXIF admin API", () => {
  it("creates with a kebab-case body and keeps the server's id, namespace and href", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const [post] = api("POST");
    expect(post.path).toBe("/admin/scimConfigurations");
    expect(post.body).toEqual({
      "target-connection-descriptor-name": "oci-iam-scim",
      profiles: {
        subscriber: {
          "group-assignment": ["oracleGroup"],
          "scim-rfc7643-mapping": { name: "SWALLOW" },
          "scim-custom-attr-mapping": {
            [URN]: [
              { "attribute-name": "pass-through-attr", "attribute-type": "STRING", mode: "FORWARD", required: false },
              { "attribute-name": "mapped-attr", "attribute-type": "DATETIMESTRING", mode: "MAP", required: true, "target-attribute-name": "foo-target" },
            ],
          },
        },
      },
    });
    expect(id).toMatch(/^[a-z0-9]{16}$/);
    expect(outs).toMatchObject({
      configurationId: id,
      targetConnectionDescriptorName: "oci-iam-scim",
      targetConnectionDescriptorNamespace: "dx-prod",
      targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim",
      profiles: inputs.profiles,
    });
  });

  it("authenticates with client credentials and the framework scope, once for many calls", async () => {
    tokenCache.clear();
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    await hooks.read(id, outs);
    await hooks.read(id, outs);
    const tokenCalls = cx.emu.requests.filter((r) => r.path === "/oauth2/v1/token");
    expect(tokenCalls).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls[0].body as string);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")).toBe(`${cx.url}/urn:opc:resource:consumer::all`);
    expect(tokenCalls[0].headers.authorization).toMatch(/^Basic /);
    expect(api().every((r) => /^Bearer /.test(String(r.headers.authorization)))).toBe(true);
  });

  it("reads the live configuration back as the inputs that produced it, so refresh shows no drift", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const read = await hooks.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toEqual(outs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("imports by configuration id with no diff against a program that leaves the namespace to the server", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    const read = await hooks.read(id, { connection });
    expect(read.inputs).toMatchObject({ targetConnectionDescriptorName: "oci-iam-scim", targetConnectionDescriptorNamespace: "dx-prod", profiles: inputs.profiles });
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("updates one mapping with a full PUT that keeps the namespace the server chose", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const news = await checked({
      profiles: { ...inputs.profiles, subscriber: { ...inputs.profiles.subscriber, scimRfc7643Mapping: { name: "FORWARD" } } },
    });
    expect(await hooks.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
    const u = await hooks.update(id, outs, news);
    const [put] = api("PUT");
    expect(put.path).toBe(`/admin/scimConfigurations/${id}`);
    expect(put.body).toMatchObject({
      "target-connection-descriptor-name": "oci-iam-scim",
      "target-connection-descriptor-namespace": "dx-prod",
      profiles: { subscriber: { "scim-rfc7643-mapping": { name: "FORWARD" }, "group-assignment": ["oracleGroup"] } },
    });
    expect((put.body as any).profiles.subscriber["scim-custom-attr-mapping"][URN]).toHaveLength(2);
    expect(u.outs?.profiles.subscriber.scimRfc7643Mapping).toEqual({ name: "FORWARD" });
    expect(cx.state.configurations.get(id)!.profiles.subscriber["scim-rfc7643-mapping"]).toEqual({ name: "FORWARD" });
  });

  it("a change of descriptor without a namespace never sends the old namespace with the new name", async () => {
    const other = await startCxifEmulator({
      clientId: cx.clientId,
      clientSecret: cx.clientSecret,
      connectionDescriptors: [
        { name: "oci-iam-scim", namespace: "dx-prod" },
        { name: "okta-scim", namespace: "dx-stage" },
      ],
    });
    try {
      const conn = { ...connection, host: other.url, tokenUrl: other.tokenUrl };
      const inputs = await checked({ connection: conn });
      const { id, outs } = await hooks.create(inputs);
      expect(outs.targetConnectionDescriptorNamespace).toBe("dx-prod");
      const news = await checked({ connection: conn, targetConnectionDescriptorName: "okta-scim" });
      expect(await hooks.diff(id, outs, news)).toMatchObject({ changes: true, replaces: [] });
      const u = await hooks.update(id, outs, news);
      const put = other.emu.requests.filter((r) => r.method === "PUT").at(-1)!;
      // The server fills the new descriptor's namespace, as the seed's PUT example leaves it to it.
      expect(put.body).not.toHaveProperty("target-connection-descriptor-namespace");
      expect(put.body).not.toHaveProperty("target-connection-descriptor-href");
      expect(put.status).toBe(200);
      expect(u.outs).toMatchObject({ targetConnectionDescriptorName: "okta-scim", targetConnectionDescriptorNamespace: "dx-stage", targetConnectionDescriptorHref: "/connectionDescriptors/okta-scim" });
      // And the next plan holds no change: the namespace the server chose is the state's.
      expect((await hooks.diff(id, u.outs!, news)).changes).toBe(false);
      // A declared namespace is sent as declared.
      const pinned = await checked({ connection: conn, targetConnectionDescriptorName: "oci-iam-scim", targetConnectionDescriptorNamespace: "dx-prod" });
      await hooks.update(id, u.outs!, pinned);
      expect(other.emu.requests.filter((r) => r.method === "PUT").at(-1)!.body).toMatchObject({ "target-connection-descriptor-namespace": "dx-prod" });
    } finally {
      await other.stop();
    }
  });

  it("reads an href of another form (an absolute URL, another prefix) without failing, and plans no change for it", async () => {
    for (const hrefBase of ["https://fabric.example.com/admin", "/api/v2"]) {
      const other = await startCxifEmulator({ clientId: cx.clientId, clientSecret: cx.clientSecret, hrefBase });
      try {
        const conn = { ...connection, host: other.url, tokenUrl: other.tokenUrl };
        const inputs = await checked({ connection: conn });
        const { id, outs } = await hooks.create(inputs);
        expect(outs.targetConnectionDescriptorHref).toBe(`${hrefBase}/connectionDescriptors/oci-iam-scim`);
        const read = await hooks.read(id, outs);
        expect(read.id).toBe(id);
        expect(read.props).toMatchObject({ targetConnectionDescriptorName: "oci-iam-scim", targetConnectionDescriptorHref: `${hrefBase}/connectionDescriptors/oci-iam-scim` });
        expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
        // A program that names the descriptor by the seed's relative href means the same one.
        const byHref = await checked({ connection: conn, targetConnectionDescriptorName: undefined, targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim" });
        expect((await hooks.diff(id, read.props!, byHref)).changes).toBe(false);
        // An update of the same descriptor does not echo the answered href back.
        await hooks.update(id, read.props!, await checked({ connection: conn, profiles: { subscriber: { groupAssignment: ["g2"] } } }));
        const put = other.emu.requests.filter((r) => r.method === "PUT").at(-1)!;
        expect(put.status).toBe(200);
        expect(put.body).toMatchObject({ "target-connection-descriptor-name": "oci-iam-scim", "target-connection-descriptor-namespace": "dx-prod" });
      } finally {
        await other.stop();
      }
    }
  });

  it("sends nothing when only the connection changed, but keeps the new one for later calls", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const news = await checked({ connection: { ...connection, scope: `${cx.url}/urn:opc:resource:consumer::all` } });
    const u = await hooks.update(id, outs, news);
    expect(api("PUT")).toHaveLength(0);
    expect(u.outs?.connection.scope).toBe(`${cx.url}/urn:opc:resource:consumer::all`);
    expect(u.outs?.targetConnectionDescriptorHref).toBe(outs.targetConnectionDescriptorHref);
  });

  it("treats a configuration deleted outside Pulumi as gone on refresh, and a 404 on delete as done", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    await hooks.delete(id, outs);
    expect(cx.state.configurations.size).toBe(0);
    expect((await hooks.read(id, outs)).id).toBe("");
    await expect(hooks.delete(id, outs)).resolves.toBeUndefined();
    expect(api("DELETE").map((r) => r.status)).toEqual([204, 404]);
  });

  it("shows a mapping changed outside Pulumi as drift after refresh", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    cx.state.configurations.get(id)!.profiles.subscriber["scim-custom-attr-mapping"]![URN][0].mode = "SWALLOW";
    const read = await hooks.read(id, outs);
    expect(read.props?.profiles.subscriber.scimCustomAttrMapping[URN][0].mode).toBe("SWALLOW");
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(true);
  });

  it("explains a second configuration for the same descriptor with the existing id and how to adopt it", async () => {
    const inputs = await checked();
    const first = await hooks.create(inputs);
    const err = await hooks.create(inputs).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe(ERROR_CODES.conflict);
    expect(err.message).toContain("HTTP 409 CONFLICT: Conflict");
    expect(err.message).toContain(`adopt it with the input \`adopt: true\` (or \`adopt: "${first.id}"\`)`);
    expect(err.message).not.toContain("import:");
  });

  it("renders the TM Forum error readably: status, code, reason, each problem, the reference", async () => {
    // The schema refuses these before any request; the raw client shows what the API answers.
    const err = await cxifClient(connection)
      .create({
        "target-connection-descriptor-name": "oci-iam-scim",
        profiles: {
          subscriber: {
            "scim-rfc7643-mapping": { emails: "DROP" },
            "scim-custom-attr-mapping": { [URN]: [{ "attribute-name": "a", mode: "MAP" }] },
          },
        },
      } as any)
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.code).toBe(ERROR_CODES.invalid);
    expect(err.vendorCode).toBe("INVALID_REQUEST");
    const lines = err.message.split("\n");
    expect(lines[0]).toBe(`CX Industries Framework API POST ${cx.url}/admin/scimConfigurations failed: HTTP 400 INVALID_REQUEST: Bad Request`);
    expect(lines).toContain(`  - profiles["subscriber"].scim-rfc7643-mapping["emails"]: must be one of FORWARD, SWALLOW`);
    expect(lines).toContain(`  - profiles["subscriber"].scim-custom-attr-mapping["${URN}"][0].target-attribute-name: required when mode is MAP`);
    expect(err.message).toMatch(/remediation: see https:\/\/docs\.oracle\.com\/.*cxif-rest-api\//);
    expect(err.message).not.toContain(cx.clientSecret);
  });

  it("refuses to send what the schema refuses, even when check was skipped", async () => {
    const bad = structuredClone(await checked());
    bad.profiles.subscriber.scimRfc7643Mapping.emails = "DROP";
    await expect(hooks.create(bad)).rejects.toThrow(/FORWARD, SWALLOW/);
    expect(api("POST")).toHaveLength(0);
  });

  it("says what to do when the token endpoint refuses the client", async () => {
    tokenCache.clear();
    const inputs = await checked({ connection: { ...connection, clientSecret: "not-the-secret" } });
    const err = await hooks.create(inputs).catch((e) => e);
    expect(err.message).toContain("OCI IAM identity domain API POST");
    expect(err.message).toContain("HTTP 401 invalid_client: Client authentication failed.");
    expect(err.code).toBe(ERROR_CODES.unauthorized);
    expect(err.message).toContain("check CXIF_CLIENT_ID / CXIF_CLIENT_SECRET");
    expect(err.message).not.toContain("not-the-secret");
  });

  it("says which scope to request when the token may not administer (403)", async () => {
    tokenCache.clear();
    const inputs = await checked({ connection: { ...connection, scope: cx.selfServiceScope } });
    const err = await hooks.create(inputs).catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.code).toBe(ERROR_CODES.forbidden);
    expect(err.message).toContain("urn:opc:resource:consumer::all (CXIF_SCOPE)");
    expect(cx.state.configurations.size).toBe(0);
  });

  it("counts a client refused with a 400 (RFC 6749 lets an identity domain) as refused credentials, and an ungranted scope as forbidden", () => {
    const at = (status: number, body: unknown) =>
      toCxifError({ vendor: "OCI IAM identity domain", status, method: "POST", url: cx.tokenUrl, body, text: JSON.stringify(body) }, "OCI IAM identity domain");
    expect(at(400, { error: "invalid_client", error_description: "Client authentication failed." }).code).toBe(ERROR_CODES.unauthorized);
    expect(at(400, { error: "unauthorized_client", error_description: "not for this grant" }).code).toBe(ERROR_CODES.unauthorized);
    expect(at(400, { error: "invalid_scope", error_description: "The requested scope is invalid, unknown, or malformed." }).code).toBe(ERROR_CODES.forbidden);
    // An OAuth error that says no more than its status keeps the status's code.
    expect(at(400, { error: "unsupported_grant_type", error_description: "no" }).code).toBe(ERROR_CODES.invalid);
    // A TM Forum code has no published meaning (ref §3.4): the status decides.
    expect(toCxifError({ vendor: "CX Industries Framework", status: 404, method: "GET", url: `${cx.url}/admin/scimConfigurations/x`, body: { code: "NOT_FOUND", reason: "Not Found" }, text: "" }).code).toBe(ERROR_CODES.notFound);
  });

  it("fetches a new token once when the framework says the token expired", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    cx.emu.inject({ kind: "token-expired" });
    const before = cx.tokens.issued;
    expect((await hooks.read(id, outs)).id).toBe(id);
    expect(cx.tokens.issued).toBe(before + 1);
  });

  it("retries reads through 429 and 503 and honours Retry-After", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    cx.emu.inject({ kind: "429", method: "GET", retryAfterSeconds: 0 });
    cx.emu.inject({ kind: "503", method: "GET" });
    expect((await hooks.read(id, outs)).id).toBe(id);
    expect(api("GET").map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it("creates exactly once when the answer to the POST is lost: it finds the configuration by its descriptor", async () => {
    const inputs = await checked();
    cx.emu.inject({ kind: "reset-after", method: "POST", path: /^\/admin\// });
    const { id } = await hooks.create(inputs);
    expect(cx.state.configurations.size).toBe(1);
    expect(cx.state.configurations.has(id)).toBe(true);
    expect(api("POST")).toHaveLength(1);
  });

  it("posts again when the POST never reached the server", async () => {
    const inputs = await checked();
    cx.emu.inject({ kind: "reset", method: "POST", path: /^\/admin\// });
    const { id } = await hooks.create(inputs);
    expect(cx.state.configurations.has(id)).toBe(true);
    expect(api("POST").map((r) => r.status)).toEqual([-1, 201]);
  });

  it("reads back a create answered with only a Location", async () => {
    const bare = await startCxifEmulator({ createAnswer: "location" });
    try {
      const inputs = await checked({ connection: { host: bare.url, tokenUrl: bare.tokenUrl, clientId: bare.clientId, clientSecret: bare.clientSecret } });
      const { id, outs } = await hooks.create(inputs);
      expect(bare.state.configurations.has(id)).toBe(true);
      expect(outs.targetConnectionDescriptorNamespace).toBe("dx-prod");
      expect(bare.emu.requests.filter((r) => r.path.startsWith("/admin/")).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 201", "GET 200"]);
    } finally {
      await bare.stop();
    }
  });

  it("keeps an object whose read-back failed in the stack (id and properties on the error)", async () => {
    const bare = await startCxifEmulator({ createAnswer: "location" });
    try {
      const inputs = await checked({ connection: { host: bare.url, tokenUrl: bare.tokenUrl, clientId: bare.clientId, clientSecret: bare.clientSecret } });
      bare.emu.inject({ kind: "404", method: "GET", path: /^\/admin\//, times: 10 });
      const err = await hooks.create(inputs).catch((e) => e);
      expect(err).toBeInstanceOf(PartialCreateError);
      expect(bare.state.configurations.has(err.id)).toBe(true);
      expect(err.properties).toMatchObject({ configurationId: err.id, targetConnectionDescriptorName: "oci-iam-scim" });
      expect(err.message).toContain("created but could not be read back");
    } finally {
      await bare.stop();
    }
  });

  it("says which setting is missing and how to set it", async () => {
    const saved = process.env.CXIF_CLIENT_ID;
    delete process.env.CXIF_CLIENT_ID;
    try {
      const inputs = await checked({ connection: { ...connection, clientId: "" } });
      await expect(hooks.create(inputs)).rejects.toThrow(/clientId is not set: set connection.clientId .*trustplane:cxifClientId.*CXIF_CLIENT_ID/);
    } finally {
      if (saved !== undefined) process.env.CXIF_CLIENT_ID = saved;
    }
  });

  it("takes the host, token URL and credentials from the CXIF_* environment variables", async () => {
    const env = { CXIF_HOST: cx.url, CXIF_TOKEN_URL: cx.tokenUrl, CXIF_CLIENT_ID: cx.clientId, CXIF_CLIENT_SECRET: cx.clientSecret, CXIF_SCOPE: cx.scope };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const inputs = await checked({ connection: undefined });
      const { id } = await hooks.create(inputs);
      expect(cx.state.configurations.has(id)).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("round-trips profile names and URNs with '/' and '~' unchanged", async () => {
    const inputs = await checked({
      profiles: { "partners/emea~eu": { scimCustomAttrMapping: { "urn:acme:2.0/User~v2": [{ attributeName: "tier", mode: "MAP", targetAttributeName: "x" }] } } },
    });
    const { id, outs } = await hooks.create(inputs);
    expect(Object.keys(cx.state.configurations.get(id)!.profiles)).toEqual(["partners/emea~eu"]);
    const read = await hooks.read(id, outs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });
});

describe("cxif.ScimConfiguration adopts an existing configuration through the `adopt` input", () => {
  /** A configuration made by hand for the same descriptor, with another mapping. */
  async function byHand(extra: Record<string, unknown> = {}) {
    const made = await hooks.create(await checked({ profiles: { subscriber: { groupAssignment: ["handGroup"] } }, ...extra }));
    cx.emu.requests.length = 0;
    return made;
  }

  it("adopt: true takes over the configuration of the declared descriptor: no POST, one PUT of the declaration, the state a create leaves", async () => {
    const before = await byHand();
    const inputs = await checked({ adopt: true });
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe(before.id);
    expect(api("POST")).toEqual([]);
    const puts = api("PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toBe(`/admin/scimConfigurations/${id}`);
    expect((puts[0].body as any).profiles.subscriber["group-assignment"]).toEqual(["oracleGroup"]);
    for (const r of cx.emu.requests) expect(JSON.stringify(r.body ?? {})).not.toContain("adopt");
    expect(cx.state.configurations.size).toBe(1);
    expect(outs).toMatchObject({ configurationId: id, targetConnectionDescriptorName: "oci-iam-scim", targetConnectionDescriptorNamespace: "dx-prod", profiles: inputs.profiles });
    expect(outs).not.toHaveProperty("adopt");
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
    const read = await hooks.read(id, outs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("adopt: true writes nothing when the configuration already is what the program declares", async () => {
    const before = await hooks.create(await checked());
    cx.emu.requests.length = 0;
    const { id } = await hooks.create(await checked({ adopt: true }));
    expect(id).toBe(before.id);
    expect(api().filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("adopt: true creates the configuration when no configuration targets the descriptor", async () => {
    await byHand({ targetConnectionDescriptorName: "another-descriptor" });
    const inputs = await checked({ adopt: true });
    const { id, outs } = await hooks.create(inputs);
    expect(api("POST")).toHaveLength(1);
    expect(api("POST")[0].body).not.toHaveProperty("adopt");
    expect(cx.state.configurations.size).toBe(2);
    expect(outs).toMatchObject({ configurationId: id, targetConnectionDescriptorName: "oci-iam-scim" });
    expect(outs).not.toHaveProperty("adopt");
  });

  it("adopt: \"<configuration-id>\" takes over exactly that configuration", async () => {
    const before = await byHand();
    const inputs = await checked({ adopt: before.id });
    const { id, outs } = await hooks.create(inputs);
    expect(id).toBe(before.id);
    expect(api("POST")).toEqual([]);
    expect(outs.profiles).toEqual(inputs.profiles);
    expect((await hooks.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("adopt: \"<configuration-id>\" of a configuration that does not exist fails, names the id and creates nothing", async () => {
    const err = await hooks.create(await checked({ adopt: "nosuchconfig0001" })).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('adopt: "nosuchconfig0001"');
    expect(err.message).toContain("nothing was created");
    expect(api().filter((r) => r.method !== "GET")).toEqual([]);
    expect(cx.state.configurations.size).toBe(0);
  });

  it("a later change or removal of `adopt` plans nothing", async () => {
    const inputs = await checked({ adopt: true });
    const { id, outs } = await hooks.create(inputs);
    for (const adopt of [undefined, false, id]) {
      expect(await hooks.diff(id, outs, await checked(adopt === undefined ? {} : { adopt }))).toMatchObject({ changes: false, replaces: [] });
    }
    expect((await hooks.diff(id, { ...outs, adopt: true }, await checked())).changes).toBe(false);
  });
});

describe("cxif.ScimConfiguration when the token URL is wrong", () => {
  it("a 404 from the token endpoint is a configuration error on read and delete, never 'the configuration is gone'", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    tokenCache.clear();
    const wrong = { ...connection, tokenUrl: `${new URL(cx.tokenUrl).origin}/no/such/token/path` };
    const props = { ...outs, connection: wrong } as Record<string, unknown>;
    // Before: read answered an empty id (a refresh dropped a live configuration from the state)
    // and delete took the 404 as "already gone" (the configuration stayed on the server).
    const read = await hooks.read(id, props).then(() => undefined, (e) => e);
    expect(read?.code).toBe(ERROR_CODES.config);
    expect(String(read?.message)).toMatch(/token URL/);
    const del = await hooks.delete(id, props).then(() => undefined, (e) => e);
    expect(del?.code).toBe(ERROR_CODES.config);
    expect(cx.state.configurations.size).toBe(1);
  });
});
