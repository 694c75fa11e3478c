/**
 * Configuration a user of Palo Alto's own tools already has: terraform-provider-scm's
 * environment (`SCM_CLIENT_ID`, `SCM_CLIENT_SECRET`, `SCM_SCOPE=tsg_id:<TSG>`, `SCM_HOST`,
 * `SCM_AUTH_URL`) and `@pulumi/scm`'s stack config (`scm:clientId`, `scm:clientSecret`,
 * `scm:scope`, `scm:host`, `scm:authUrl`) work beside ours, in the documented order: the
 * resource's connection, then `trustplane:scm*`, then `scm:*`, then the environment.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveSetting, setStackConfig } from "../../src/core/settings";
import { apiUrlOfHost, SETTINGS, tsgIdOfScope } from "../../src/scm/client";
import { startScmEmulator, type ScmEmulator } from "../../src/scm/emulator";
import { hooks } from "../../src/scm/provider";

const VARS = ["SCM_CLIENT_ID", "SCM_CLIENT_SECRET", "SCM_TSG_ID", "SCM_SCOPE", "SCM_HOST", "SCM_API_URL", "SCM_AUTH_URL"];
const saved: Record<string, string | undefined> = {};
let scm: ScmEmulator;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  scm = await startScmEmulator();
});
afterAll(() => scm.stop());
beforeEach(() => {
  for (const v of VARS) {
    saved[v] = process.env[v];
    delete process.env[v];
  }
  scm.state.profiles.clear();
});
afterEach(() => {
  for (const v of VARS) if (saved[v] === undefined) delete process.env[v];
  else process.env[v] = saved[v];
  setStackConfig(undefined);
});

function stackConfig(values: Record<string, string>) {
  setStackConfig({ get: (k: string) => values[k] });
}

async function createProfile(name: string) {
  const r = await hooks.check({}, {
    folder: "Mobile Users",
    name,
    scepChallenge: { fixed: "fixed-challenge-1" },
    caIdentityName: "Corp CA",
    algorithm: { rsa: { rsaNbits: 2048 } },
    digest: "sha256",
    scepUrl: "https://pki.example.com/scep",
  });
  expect(r.failures).toEqual([]);
  return hooks.create(r.inputs as Record<string, unknown>);
}

describe("SCM configuration spelled as terraform-provider-scm and @pulumi/scm spell it", () => {
  it("terraform-provider-scm's environment alone (SCM_SCOPE, SCM_HOST, SCM_AUTH_URL) reaches the tenant", async () => {
    process.env.SCM_CLIENT_ID = scm.clientId;
    process.env.SCM_CLIENT_SECRET = scm.clientSecret;
    process.env.SCM_SCOPE = `tsg_id:${scm.tsgId}`;
    process.env.SCM_HOST = scm.url;
    process.env.SCM_AUTH_URL = scm.tokenUrl;
    const made = await createProfile("from-env");
    expect(made.id).toBeTruthy();
    expect([...scm.state.profiles.values()].map((p: any) => p.name)).toEqual(["from-env"]);
  });

  it("@pulumi/scm's stack config alone (scm:clientId, scm:clientSecret, scm:scope, scm:host, scm:authUrl) reaches the tenant", async () => {
    stackConfig({
      "scm:clientId": scm.clientId,
      "scm:clientSecret": scm.clientSecret,
      "scm:scope": `tsg_id:${scm.tsgId}`,
      "scm:host": scm.url,
      "scm:authUrl": scm.tokenUrl,
    });
    const made = await createProfile("from-scm-config");
    expect(made.id).toBeTruthy();
    expect([...scm.state.profiles.values()].map((p: any) => p.name)).toEqual(["from-scm-config"]);
  });

  it("the order: connection, then trustplane:* config, then scm:* config, then the environment (ours before terraform's)", () => {
    const all = { "trustplane:scmTsgId": "from-trustplane", "scm:scope": "tsg_id:from-scm" };
    process.env.SCM_TSG_ID = "from-env-ours";
    process.env.SCM_SCOPE = "tsg_id:from-env-terraform";
    stackConfig(all);
    expect(resolveSetting({ tsgId: "from-connection" }, SETTINGS.tsgId)).toBe("from-connection");
    expect(resolveSetting(undefined, SETTINGS.tsgId)).toBe("from-trustplane");
    stackConfig({ "scm:scope": all["scm:scope"] });
    expect(resolveSetting(undefined, SETTINGS.tsgId)).toBe("from-scm");
    stackConfig({});
    expect(resolveSetting(undefined, SETTINGS.tsgId)).toBe("from-env-ours");
    delete process.env.SCM_TSG_ID;
    expect(resolveSetting(undefined, SETTINGS.tsgId)).toBe("from-env-terraform");

    stackConfig({ "trustplane:scmApiUrl": "https://ours.example.com/config/identity/v1", "scm:host": "api.sase.paloaltonetworks.com" });
    expect(resolveSetting(undefined, SETTINGS.apiUrl)).toBe("https://ours.example.com/config/identity/v1");
    stackConfig({ "scm:host": "api.sase.paloaltonetworks.com" });
    expect(resolveSetting(undefined, SETTINGS.apiUrl)).toBe("https://api.sase.paloaltonetworks.com/config/identity/v1");
    stackConfig({});
    process.env.SCM_HOST = "api.strata.paloaltonetworks.com";
    expect(resolveSetting(undefined, SETTINGS.apiUrl)).toBe("https://api.strata.paloaltonetworks.com/config/identity/v1");
    delete process.env.SCM_HOST;
    expect(resolveSetting(undefined, SETTINGS.apiUrl)).toBe("https://api.strata.paloaltonetworks.com/config/identity/v1");

    stackConfig({ "scm:clientId": "svc@1.iam.panserviceaccount.com", "scm:authUrl": "https://auth.example.com/token" });
    expect(resolveSetting(undefined, SETTINGS.clientId)).toBe("svc@1.iam.panserviceaccount.com");
    expect(resolveSetting(undefined, SETTINGS.tokenUrl)).toBe("https://auth.example.com/token");
  });

  it("SCM_HOST is a host name (terraform-provider-scm's default api.sase.paloaltonetworks.com); a URL is taken too", () => {
    expect(apiUrlOfHost("api.sase.paloaltonetworks.com")).toBe("https://api.sase.paloaltonetworks.com/config/identity/v1");
    expect(apiUrlOfHost("http://127.0.0.1:8080/")).toBe("http://127.0.0.1:8080/config/identity/v1");
    expect(apiUrlOfHost("https://gw.example.com/config/identity/v1")).toBe("https://gw.example.com/config/identity/v1");
    expect(apiUrlOfHost("  ")).toBeUndefined();
  });

  it("a scope that is not tsg_id:<TSG> says what it must be", () => {
    expect(tsgIdOfScope("tsg_id:1234567890")).toBe("1234567890");
    expect(() => tsgIdOfScope("1234567890")).toThrow(/is not 'tsg_id:<TSG id>'/);
  });

  it("a missing client id names every spelling it was looked for under", async () => {
    process.env.SCM_CLIENT_SECRET = scm.clientSecret;
    process.env.SCM_SCOPE = `tsg_id:${scm.tsgId}`;
    process.env.SCM_HOST = scm.url;
    await expect(createProfile("nothing")).rejects.toThrow(/clientId is not set: .*trustplane:scmClientId.*scm:clientId.*SCM_CLIENT_ID/);
  });

  it("credentials in SCM_HOST are refused at check, as in any endpoint setting", async () => {
    process.env.SCM_HOST = "https://svc:pw@api.sase.paloaltonetworks.com";
    const r = await hooks.check({}, { folder: "Mobile Users", name: "x", scepChallenge: { none: {} }, caIdentityName: "CA", algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep" });
    expect(r.failures?.map((f: any) => f.reason).join("\n")).toMatch(/SCM_HOST carries credentials in the URL/);
    expect(JSON.stringify(r.failures)).not.toContain("svc:pw");
  });
});
