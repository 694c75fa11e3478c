/**
 * The VCF emulator over real HTTP: tokens (issue, refresh, expiry), the validation of
 * IdentityProviderSpec, the built-in Embedded IdP, conflicts, 404s, the error model and tasks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EMBEDDED_ID, startVcfEmulator, type VcfEmulator } from "../../src/vcf/emulator";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

let vcf: VcfEmulator;
let token: string;

export function adfsSpec(extra: Record<string, unknown> = {}) {
  return {
    name: "corp-adfs",
    type: "Microsoft ADFS",
    certChain: [PEM],
    ldap: {
      domainName: "corp.example.com",
      domainAlias: "CORP",
      username: "svc-ldap@corp.example.com",
      password: "ldap-pass-1",
      type: "ActiveDirectory",
      sourceDetails: {
        usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com",
        groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
        serverEndpoints: ["ldaps://dc01.corp.example.com:636"],
        certChain: [Buffer.from(PEM).toString("base64")],
      },
    },
    oidc: { clientId: "vcf-client", clientSecret: "oidc-secret-1", discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration" },
    ...extra,
  };
}

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const r = await fetch(vcf.url + path, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

async function login() {
  return call("POST", "/v1/tokens", { username: vcf.username, password: vcf.password }, null);
}

beforeAll(async () => {
  vcf = await startVcfEmulator();
});
afterAll(() => vcf.stop());
beforeEach(async () => {
  vcf.emu.clearFaults();
  for (const id of [...vcf.state.idps.keys()]) if (id !== EMBEDDED_ID) vcf.state.idps.delete(id);
  token = (await login()).body.accessToken;
});

describe("VCF emulator: tokens", () => {
  it("issues a JWT access token and a refresh token id for the right credentials", async () => {
    const r = await login();
    expect(r.status).toBe(200);
    expect(r.body.accessToken.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(r.body.accessToken.split(".")[1], "base64url").toString());
    expect(claims.exp - claims.iat).toBe(3600);
    expect(r.body.refreshToken.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses wrong credentials with 401 in the VCF error model", async () => {
    const r = await call("POST", "/v1/tokens", { username: vcf.username, password: "nope" }, null);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ errorCode: "INVALID_CREDENTIALS", remediationMessage: expect.any(String), referenceToken: expect.any(String) });
  });

  it("requires a valid bearer token on the API and answers 401 once it expired", async () => {
    expect((await call("GET", "/v1/identity-providers", undefined, null)).status).toBe(401);
    expect((await call("GET", "/v1/identity-providers", undefined, "forged")).status).toBe(401);
    vcf.emu.inject({ kind: "token-expired" });
    const r = await call("GET", "/v1/identity-providers");
    expect(r.status).toBe(401);
    expect(r.body.errorCode).toBe("TOKEN_EXPIRED");
    // The token stays expired after the fault.
    expect((await call("GET", "/v1/identity-providers")).status).toBe(401);
  });

  it("refreshes an access token from the refresh token id, answering the bare token", async () => {
    const l = await login();
    vcf.expireAccessTokens();
    expect((await call("GET", "/v1/identity-providers", undefined, l.body.accessToken)).status).toBe(401);
    const r = await fetch(vcf.url + "/v1/tokens/access-token/refresh", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(l.body.refreshToken.id),
    });
    expect(r.status).toBe(200);
    const fresh = await r.text();
    expect(fresh.split(".")).toHaveLength(3);
    expect((await call("GET", "/v1/identity-providers", undefined, fresh)).status).toBe(200);
    const bad = await call("PATCH", "/v1/tokens/access-token/refresh", "not-a-refresh-token", null);
    expect(bad.status).toBe(404);
    expect(bad.body.errorCode).toBe("REFRESH_TOKEN_NOT_FOUND");
  });
});

describe("VCF emulator: identity providers", () => {
  it("always lists the built-in Embedded IdP", async () => {
    const r = await call("GET", "/v1/identity-providers");
    expect(r.status).toBe(200);
    expect(r.body.elements).toEqual([
      expect.objectContaining({ id: EMBEDDED_ID, name: "Embedded IDP", type: "Embedded", status: "ACTIVE", domainNames: ["vsphere.local"] }),
    ]);
  });

  it("adds an AD FS provider, returns it without secrets and makes it the active one", async () => {
    const r = await call("POST", "/v1/identity-providers", adfsSpec());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "corp-adfs", type: "Microsoft ADFS", status: "ACTIVE", domainNames: ["corp.example.com", "CORP"] });
    expect(r.body.identitySources[0]).toMatchObject({ name: "corp.example.com", type: "ActiveDirectory" });
    expect(r.body.oidc).toMatchObject({ clientId: "vcf-client", issuer: "https://adfs.corp.example.com/adfs" });
    expect(JSON.stringify(r.body)).not.toMatch(/ldap-pass-1|oidc-secret-1/);
    expect(vcf.state.idps.get(r.body.id)!.secrets).toEqual({ ldapPassword: "ldap-pass-1", oidcClientSecret: "oidc-secret-1" });
    const got = await call("GET", `/v1/identity-providers/${r.body.id}`);
    expect(got.body).toEqual(r.body);
    expect(vcf.state.idps.get(EMBEDDED_ID)!.status).toBe("INACTIVE");
  });

  it("rejects an invalid spec with 400, one nested error per field", async () => {
    const spec = adfsSpec() as any;
    delete spec.oidc;
    spec.ldap.type = "Novell";
    spec.ldap.sourceDetails.serverEndpoints = ["https://dc01:636", "ldaps://dc02.corp.example.com:636"];
    spec.ldap.sourceDetails.certChain = [];
    spec.certChain = ["not a cert"];
    const r = await call("POST", "/v1/identity-providers", spec);
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe("IDENTITY_PROVIDER_SPEC_INVALID");
    expect(r.body.nestedErrors.map((e: any) => e.arguments[0]).sort()).toEqual(
      ["certChain[0]", "ldap.sourceDetails.certChain", "ldap.sourceDetails.serverEndpoints[0]", "ldap.type", "oidc"].sort(),
    );
    expect(r.body.referenceToken).toMatch(/^[0-9A-F]{6}$/);
  });

  it("rejects unknown types and an OIDC discovery endpoint that is not https", async () => {
    const r = await call("POST", "/v1/identity-providers", adfsSpec({ type: "Okta" }));
    expect(r.status).toBe(400);
    expect(r.body.nestedErrors[0].message).toMatch(/'Okta' is not a supported/);
    const r2 = await call("POST", "/v1/identity-providers", adfsSpec({ oidc: { clientId: "a", clientSecret: "b", discoveryEndpoint: "http://x/.well-known/openid-configuration" } }));
    expect(r2.body.nestedErrors[0].arguments).toEqual(["oidc.discoveryEndpoint"]);
  });

  it("refuses to add, update or remove the Embedded IdP", async () => {
    const add = await call("POST", "/v1/identity-providers", { name: "x", type: "Embedded" });
    expect(add.status).toBe(400);
    expect(add.body.errorCode).toBe("IDENTITY_PROVIDER_EMBEDDED_NOT_ALLOWED");
    expect((await call("DELETE", `/v1/identity-providers/${EMBEDDED_ID}`)).status).toBe(400);
    expect((await call("PATCH", `/v1/identity-providers/${EMBEDDED_ID}`, { name: "x", type: "Embedded" })).status).toBe(400);
  });

  it("answers 409 for a name already taken, also by the Embedded IdP", async () => {
    expect((await call("POST", "/v1/identity-providers", adfsSpec())).status).toBe(201);
    const dup = await call("POST", "/v1/identity-providers", adfsSpec());
    expect(dup.status).toBe(409);
    expect(dup.body.errorCode).toBe("IDENTITY_PROVIDER_ALREADY_EXISTS");
    expect((await call("POST", "/v1/identity-providers", adfsSpec({ name: "Embedded IDP" }))).status).toBe(409);
  });

  it("answers 404 for unknown ids on GET, PATCH and DELETE", async () => {
    for (const m of ["GET", "PATCH", "DELETE"]) {
      const r = await call(m, "/v1/identity-providers/00000000-0000-0000-0000-000000000000", m === "PATCH" ? adfsSpec() : undefined);
      expect(r.status).toBe(404);
      expect(r.body.errorCode).toBe("IDENTITY_PROVIDER_NOT_FOUND");
    }
  });

  it("refuses a PATCH without the ldap and oidc blocks the seed marks Required", async () => {
    const made = (await call("POST", "/v1/identity-providers", adfsSpec())).body;
    const r = await call("PATCH", `/v1/identity-providers/${made.id}`, {
      name: "corp-adfs-2",
      type: "Microsoft ADFS",
      oidc: { clientId: "vcf-client-2", clientSecret: "oidc-secret-2", discoveryEndpoint: made.oidc.discoveryEndpoint },
    });
    expect(r.status).toBe(400);
    expect(r.body.arguments).toContain("ldap");
    expect(vcf.state.idps.get(made.id)!.name).toBe("corp-adfs");
  });

  it("refuses a spec that is not sent as application/json (415)", async () => {
    const r = await fetch(vcf.url + "/v1/identity-providers", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" }, body: JSON.stringify(adfsSpec()) });
    expect(r.status).toBe(415);
    expect(vcf.state.idps.size).toBe(1); // the Embedded IdP only
  });

  it("refuses a key IdentityProviderSpec does not define", async () => {
    const r = await call("POST", "/v1/identity-providers", { ...adfsSpec(), __provider: "exports.handler = ..." });
    expect(r.status).toBe(400);
    expect(r.body.arguments).toEqual(["__provider"]);
  });

  it("patches the whole spec with 204 and no body", async () => {
    const made = (await call("POST", "/v1/identity-providers", adfsSpec())).body;
    const r = await call("PATCH", `/v1/identity-providers/${made.id}`, {
      ...adfsSpec({ name: "corp-adfs-2" }),
      oidc: { clientId: "vcf-client-2", clientSecret: "oidc-secret-2", discoveryEndpoint: made.oidc.discoveryEndpoint },
    });
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    const s = vcf.state.idps.get(made.id)!;
    expect(s.name).toBe("corp-adfs-2");
    expect(s.secrets).toEqual({ ldapPassword: "ldap-pass-1", oidcClientSecret: "oidc-secret-2" });
    const typeChange = await call("PATCH", `/v1/identity-providers/${made.id}`, { ...adfsSpec({ name: "corp-adfs-2" }), type: "Embedded" });
    expect(typeChange.status).toBe(400);
  });

  it("removes an external IdP, and the Embedded one becomes active again", async () => {
    const made = (await call("POST", "/v1/identity-providers", adfsSpec())).body;
    expect((await call("DELETE", `/v1/identity-providers/${made.id}`)).status).toBe(204);
    expect(vcf.state.idps.has(made.id)).toBe(false);
    expect(vcf.state.idps.get(EMBEDDED_ID)!.status).toBe("ACTIVE");
  });

  it("an injected 503 leaves the request unprocessed", async () => {
    vcf.emu.inject({ kind: "503", path: /identity-providers/ });
    expect((await call("POST", "/v1/identity-providers", adfsSpec())).status).toBe(503);
    expect(vcf.state.idps.size).toBe(1);
  });
});

describe("VCF emulator: tasks (asyncTasks)", () => {
  let async: VcfEmulator;
  let t: string;
  beforeAll(async () => {
    async = await startVcfEmulator({ asyncTasks: true, taskPolls: 2 });
    const l = await fetch(async.url + "/v1/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: async.username, password: async.password }),
    }).then((r) => r.json() as Promise<any>);
    t = l.accessToken;
  });
  afterAll(() => async.stop());
  const req = (method: string, path: string, body?: unknown) =>
    fetch(async.url + path, { method, headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }));

  it("answers 202 with a task that completes after polling, then the object exists", async () => {
    const r = await req("POST", "/v1/identity-providers", adfsSpec());
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: "IN_PROGRESS", resources: [{ type: "IDENTITY_PROVIDER" }] });
    const id = r.body.resources[0].resourceId;
    expect(async.state.idps.has(id)).toBe(false);
    expect((await req("GET", `/v1/tasks/${r.body.id}`)).body.status).toBe("IN_PROGRESS");
    expect((await req("GET", `/v1/tasks/${r.body.id}`)).body.status).toBe("SUCCESSFUL");
    expect(async.state.idps.has(id)).toBe(true);
  });

  it("fails a task on demand with the error model in its errors", async () => {
    async.state.failNextTask = { errorCode: "IDP_VALIDATION_FAILED", message: "Unable to reach ADFS", remediationMessage: "Check the network" };
    const r = await req("POST", "/v1/identity-providers", adfsSpec({ name: "other" }));
    await req("GET", `/v1/tasks/${r.body.id}`);
    const done = await req("GET", `/v1/tasks/${r.body.id}`);
    expect(done.body.status).toBe("FAILED");
    expect(done.body.errors[0]).toMatchObject({ errorCode: "IDP_VALIDATION_FAILED", remediationMessage: "Check the network" });
  });
});
