/**
 * The vcf.IdentityProvider hooks against the VCF emulator, in process: what SDDC Manager received
 * and what the hooks return, for each lifecycle call, each documented failure, long-running tasks,
 * token refresh and private CAs.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, ConfigError, PartialCreateError } from "../../src/core/errors";
import { hooks } from "../../src/vcf/provider";
import { vcfClient } from "../../src/vcf/client";
import { VcfTaskFailedError, VcfTaskTimeoutError } from "../../src/vcf/errors";
import { EMBEDDED_ID, startVcfEmulator, type VcfEmulator } from "../../src/vcf/emulator";

import { adfsArgs, PEM } from "./fixtures";

let vcf: VcfEmulator;
let connection: Record<string, unknown>;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_VCF_TASK_POLL_MS = "5";
  vcf = await startVcfEmulator();
  connection = { host: vcf.host, username: vcf.username, password: vcf.password };
});
afterAll(() => vcf.stop());
beforeEach(() => {
  vcf.emu.clearFaults();
  for (const id of [...vcf.state.idps.keys()]) if (id !== EMBEDDED_ID) vcf.state.idps.delete(id);
});


async function checked(extra: Record<string, unknown> = {}, conn: Record<string, unknown> = connection) {
  const r = await hooks.check({}, { ...adfsArgs(extra), connection: conn });
  expect(r.failures).toEqual([]);
  return r.inputs as Record<string, any>;
}

const sent = (method: string, re: RegExp) => vcf.emu.requests.filter((r) => r.method === method && re.test(r.path));

describe("vcf.IdentityProvider against SDDC Manager", () => {
  it("adds the provider with the IdentityProviderSpec body and outputs its live state", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const post = sent("POST", /^\/v1\/identity-providers$/).at(-1)!;
    const { connection: _c, ...spec } = inputs;
    expect(post.body).toEqual(spec);
    expect(vcf.state.idps.get(id)!.secrets).toEqual({ ldapPassword: "ldap-bind-pass", oidcClientSecret: "oidc-client-secret" });
    expect(outs).toMatchObject({
      identityProviderId: id,
      status: "ACTIVE",
      domainNames: ["corp.example.com", "CORP"],
      identitySources: [{ name: "corp.example.com", type: "ActiveDirectory", domainNames: ["corp.example.com", "CORP"] }],
      oidcInfo: { clientId: "vcf-client", issuer: "https://adfs.corp.example.com/adfs" },
      unverified: [],
    });
    // Secrets stay only where the user put them (outputs `ldap` / `oidc`, stored as secrets).
    const { ldap: _l, oidc: _o, connection: _cc, ...rest } = outs;
    expect(JSON.stringify(rest)).not.toMatch(/ldap-bind-pass|oidc-client-secret/);
  });

  it("reads the live provider back as the inputs that produced it, so refresh shows no drift", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const read = await hooks.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.inputs).toEqual(inputs);
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
  });

  it("refresh sees a change made outside Pulumi, and the next update writes the declared value back", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    (vcf.state.idps.get(id)!.ldap!.sourceDetails as any).usersBaseDn = "OU=Elsewhere,DC=corp,DC=example,DC=com";
    const read = await hooks.read(id, outs);
    const d = await hooks.diff(id, read.props!, inputs);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    await hooks.update(id, read.props!, inputs);
    expect((vcf.state.idps.get(id)!.ldap!.sourceDetails as any).usersBaseDn).toBe("OU=Users,DC=corp,DC=example,DC=com");
  });

  it("updates with a PATCH of the whole spec it holds, secrets included, then reads back", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const news = await checked({ oidc: { clientId: "vcf-client-2", clientSecret: "rotated-secret", discoveryEndpoint: inputs.oidc.discoveryEndpoint } });
    const d = await hooks.diff(id, outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const before = vcf.emu.requests.length;
    const r = await hooks.update(id, outs, news);
    const patch = vcf.emu.requests.slice(before).find((x) => x.method === "PATCH")!;
    const { connection: _c, ...spec } = news;
    // As PowerVCF's Update-VCFIdentityProvider sends it, and as the seed's PATCH body requires (ldap and oidc Required).
    expect(patch.body).toEqual(spec);
    expect((patch.body as any).ldap.password).toBe("ldap-bind-pass");
    expect(patch.status).toBe(204);
    expect(vcf.emu.requests.slice(before).some((x) => x.method === "GET" && x.path === `/v1/identity-providers/${id}`)).toBe(true);
    expect(r.outs).toMatchObject({ oidc: news.oidc, oidcInfo: { clientId: "vcf-client-2" } });
    expect(vcf.state.idps.get(id)!.secrets.oidcClientSecret).toBe("rotated-secret");
  });

  it("a rename alone still sends the whole spec, with the secrets from state", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const before = vcf.emu.requests.length;
    await hooks.update(id, outs, await checked({ name: "corp-adfs-renamed" }));
    const patch = vcf.emu.requests.slice(before).find((x) => x.method === "PATCH")!;
    expect(patch.status).toBe(204);
    expect(patch.body).toMatchObject({
      name: "corp-adfs-renamed",
      type: "Microsoft ADFS",
      certChain: inputs.certChain,
      ldap: { ...inputs.ldap, password: "ldap-bind-pass" },
      oidc: { ...inputs.oidc, clientSecret: "oidc-client-secret" },
    });
  });

  it("the two spellings of AD FS ('Microsoft ADFS', 'AD_FS') never plan a change or a replace by themselves", async () => {
    const declared = await checked({ type: "AD_FS" });
    const { id, outs } = await hooks.create(declared);
    // The emulator answers the API reference's spelling for a provider added as AD_FS.
    expect(vcf.state.idps.get(id)!.type).toBe("Microsoft ADFS");
    const read = await hooks.read(id, outs);
    expect(read.inputs!.type).toBe("AD_FS");
    expect(await hooks.diff(id, read.props!, declared)).toMatchObject({ changes: false, replaces: [] });
    // A state that holds one spelling and a program that declares the other.
    expect(await hooks.diff(id, { ...read.props!, type: "Microsoft ADFS" }, declared)).toMatchObject({ changes: false, replaces: [] });
    expect(await hooks.diff(id, read.props!, { ...declared, type: "Microsoft ADFS" })).toMatchObject({ changes: false, replaces: [] });
    // With another change, it is an update, and the PATCH is taken.
    const renamed = await checked({ type: "Microsoft ADFS", name: "corp-adfs-2" });
    const d = await hooks.diff(id, { ...read.props!, type: "AD_FS" }, renamed);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const r = await hooks.update(id, { ...read.props!, type: "AD_FS" }, renamed);
    expect(r.outs).toMatchObject({ name: "corp-adfs-2" });
  });

  it("accepts a PATCH answered 200 as well as 204", async () => {
    const other = await startVcfEmulator({ patchStatus: 200, password: vcf.password });
    try {
      const conn = { ...connection, host: other.host };
      const inputs = await checked({}, conn);
      const { id, outs } = await hooks.create(inputs);
      const r = await hooks.update(id, outs, await checked({ name: "corp-adfs-renamed" }, conn));
      expect(r.outs!.name).toBe("corp-adfs-renamed");
      expect(other.state.idps.get(id)!.name).toBe("corp-adfs-renamed");
    } finally {
      await other.stop();
    }
  });

  it("a change of type replaces the provider, deleting the old one first when the name stays", async () => {
    const inputs = await checked();
    const d = await hooks.diff("x", inputs, { ...inputs, type: "Microsoft Entra Federation" });
    expect(d).toMatchObject({ changes: true, replaces: ["type"], deleteBeforeReplace: true });
    const renamed = await hooks.diff("x", inputs, { ...inputs, name: "other", type: "Microsoft Entra Federation" });
    expect(renamed.deleteBeforeReplace).toBe(false);
  });

  it("dropping the whole ldap block replaces the provider (a PATCH cannot remove it)", async () => {
    const inputs = await checked();
    const { ldap: _l, ...news } = inputs;
    const d = await hooks.diff("x", inputs, news);
    expect(d.replaces).toEqual(["ldap"]);
  });

  it("a change of connection only writes nothing", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const before = vcf.emu.requests.length;
    const r = await hooks.update(id, outs, { ...inputs, connection: { ...connection, insecureSkipTlsVerify: false } });
    expect(vcf.emu.requests.slice(before).filter((x) => x.method === "PATCH")).toEqual([]);
    expect(r.outs).toMatchObject({ identityProviderId: id, connection: { insecureSkipTlsVerify: false } });
  });

  it("reports a provider deleted outside Pulumi as gone, and delete treats 404 as done", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    vcf.state.idps.delete(id);
    expect(await hooks.read(id, outs)).toEqual({ id: "", props: {} });
    await expect(hooks.delete(id, outs)).resolves.toBeUndefined();
  });

  it("deletes the provider", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    await hooks.delete(id, outs);
    expect(vcf.state.idps.has(id)).toBe(false);
    expect(sent("DELETE", new RegExp(id)).at(-1)!.status).toBe(204);
  });

  it("imports by id: the write-only fields are taken as declared, so there is no diff", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    // An import knows only the id (and here the connection, which the stack config would give).
    const read = await hooks.read(id, { connection });
    expect(read.props!.unverified).toEqual(["ldap.password", "oidc.clientSecret", "certChain"]);
    expect(JSON.stringify(read.props)).not.toMatch(/ldap-bind-pass|oidc-client-secret/);
    const declared = inputs;
    expect((await hooks.diff(id, read.props!, declared)).changes).toBe(false);
    // A real difference still shows.
    expect((await hooks.diff(id, read.props!, { ...declared, name: "other" })).changes).toBe(true);
    // The first update writes the whole spec, so it verifies every write-only leaf.
    const newLdap = { ...declared.ldap, username: "svc-ldap2@corp.example.com" };
    const up = await hooks.update(id, read.props!, { ...declared, ldap: newLdap });
    expect(up.outs!.unverified).toEqual([]);
    expect(vcf.state.idps.get(id)!.secrets).toEqual({ ldapPassword: "ldap-bind-pass", oidcClientSecret: "oidc-client-secret" });
  });

  it("a state written with the older name `secretsUnverified` diffs, reads and updates as before, under the name `unverified`", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    // What an import left before the one name was chosen: the write-only leaves empty or absent, listed as unverified.
    const legacy: Record<string, any> = {
      name: inputs.name,
      type: inputs.type,
      ldap: { ...inputs.ldap, password: "" },
      oidc: { ...inputs.oidc, clientSecret: "" },
      connection,
      identityProviderId: id,
      status: "ACTIVE",
      domainNames: ["corp.example.com", "CORP"],
      identitySources: [],
      secretsUnverified: ["ldap.password", "oidc.clientSecret", "certChain"],
    };
    expect((await hooks.diff(id, legacy, inputs)).changes).toBe(false);
    expect((await hooks.diff(id, legacy, { ...inputs, name: "other" })).changes).toBe(true);
    const read = await hooks.read(id, legacy);
    expect(read.props!.unverified).toEqual(["ldap.password", "oidc.clientSecret", "certChain"]);
    expect(read.props).not.toHaveProperty("secretsUnverified");
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
    // A change of connection alone writes nothing and keeps the list, under its one name.
    const before = vcf.emu.requests.length;
    const local = await hooks.update(id, legacy, { ...inputs, connection: { ...connection, insecureSkipTlsVerify: false } });
    expect(vcf.emu.requests.slice(before).filter((x) => x.method === "PATCH")).toEqual([]);
    expect(local.outs!.unverified).toEqual(["ldap.password", "oidc.clientSecret", "certChain"]);
    expect(local.outs).not.toHaveProperty("secretsUnverified");
    // An update that writes verifies every write-only leaf.
    const up = await hooks.update(id, legacy, { ...inputs, name: "corp-adfs-renamed" });
    expect(up.outs!.unverified).toEqual([]);
    expect(up.outs).not.toHaveProperty("secretsUnverified");
    expect(vcf.state.idps.get(id)!.secrets).toEqual({ ldapPassword: "ldap-bind-pass", oidcClientSecret: "oidc-client-secret" });
  });

  it("refuses to import or delete the built-in Embedded identity provider, saying why", async () => {
    await expect(hooks.read(EMBEDDED_ID, { connection })).rejects.toThrow(/built-in Embedded identity provider: it always exists and cannot be created, imported, updated or deleted/);
    await expect(hooks.delete(EMBEDDED_ID, { type: "Embedded", name: "Embedded IDP", connection })).rejects.toThrow(/built-in Embedded/);
    expect(vcf.state.idps.has(EMBEDDED_ID)).toBe(true);
  });

  it("a name already taken fails with the existing provider's id and how to adopt it", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    const e = await hooks.create(inputs).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toMatch(/HTTP 409 IDENTITY_PROVIDER_ALREADY_EXISTS/);
    expect(e.message).toContain("adopt: true");
    expect(e.message).toContain(`adopt: "${id}"`);
    expect(e.message).not.toContain("import:");
    const emb = await hooks.create(await checked({ name: "Embedded IDP" })).catch((x) => x);
    expect(emb.message).toMatch(/name of the built-in Embedded identity provider/);
  });

  it("renders the VCF error model with nested errors, remediation and reference token", async () => {
    // Bypass check to see what the server says about an invalid spec.
    const inputs = await checked();
    (inputs.ldap.sourceDetails as any).serverEndpoints = ["https://dc01:636"];
    const e = await hooks.create(inputs).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.vendorCode).toBe("IDENTITY_PROVIDER_SPEC_INVALID");
    expect(e.message).toMatch(/FIELD_INVALID: ldap\.sourceDetails\.serverEndpoints\[0\] must be ldap:\/\/host/);
    expect(e.message).toMatch(/remediation: Correct the listed fields and retry/);
    expect(e.message).toMatch(/reference token: [0-9A-F]{6} \(quote it to VMware support\)/);
    expect(e.message).not.toMatch(/ldap-bind-pass|oidc-client-secret/);
  });

  it("retries a GET answered 503 and a create whose connection dropped before processing", async () => {
    const inputs = await checked();
    vcf.emu.inject({ kind: "reset", method: "POST", path: /identity-providers$/ });
    const { id, outs } = await hooks.create(inputs);
    expect([...vcf.state.idps.values()].filter((p) => p.name === "corp-adfs")).toHaveLength(1);
    vcf.emu.inject({ kind: "503", method: "GET" });
    expect((await hooks.read(id, outs)).id).toBe(id);
  });

  it("a create whose answer was lost after processing is found by name, not duplicated", async () => {
    const inputs = await checked();
    vcf.emu.inject({ kind: "reset-after", method: "POST", path: /identity-providers$/ });
    const { id } = await hooks.create(inputs);
    expect([...vcf.state.idps.values()].filter((p) => p.name === "corp-adfs").map((p) => p.id)).toEqual([id]);
  });
});

describe("under a flaky network", () => {
  it("completes the whole lifecycle through 429s, 503s and dropped connections without duplicates", async () => {
    const inputs = await checked();
    vcf.emu.chaos({ rate: 0.3, seed: 7, kinds: ["429", "503", "reset", "reset-after"] });
    try {
      const { id, outs } = await hooks.create(inputs);
      expect([...vcf.state.idps.values()].filter((p) => p.name === "corp-adfs").map((p) => p.id)).toEqual([id]);
      const news = await checked({ oidc: { ...inputs.oidc, clientId: "after-chaos" } });
      const up = await hooks.update(id, outs, news);
      expect(vcf.state.idps.get(id)!.oidc!.clientId).toBe("after-chaos");
      expect((await hooks.read(id, up.outs!)).id).toBe(id);
      await hooks.delete(id, up.outs!);
      expect(vcf.state.idps.has(id)).toBe(false);
      expect(vcf.emu.requests.some((r) => r.fault)).toBe(true);
    } finally {
      vcf.emu.chaos(undefined);
    }
  });
});

describe("long-running tasks", () => {
  let t: VcfEmulator;
  let conn: Record<string, unknown>;
  beforeAll(async () => {
    t = await startVcfEmulator({ asyncTasks: true, taskPolls: 3 });
    conn = { host: t.host, username: t.username, password: t.password };
  });
  afterAll(() => t.stop());

  it("waits for the add task, then reads the provider named in it", async () => {
    const inputs = await checked({}, conn);
    const { id, outs } = await hooks.create(inputs);
    expect(t.state.idps.get(id)?.name).toBe("corp-adfs");
    expect(outs.status).toBe("ACTIVE");
    expect(t.emu.count({ method: "GET", path: /^\/v1\/tasks\// })).toBe(3);
    const up = await hooks.update(id, outs, await checked({ name: "corp-adfs-2" }, conn));
    expect(up.outs!.name).toBe("corp-adfs-2");
    await hooks.delete(id, up.outs!);
    expect(t.state.idps.has(id)).toBe(false);
  });

  it("keeps a provider whose add succeeded but could not be read back, so it is neither leaked nor added twice", async () => {
    t.emu.inject({ kind: "404", method: "GET", path: /^\/v1\/identity-providers\/[^/]+$/ });
    const e = await hooks.create(await checked({ name: "half-made" }, conn)).catch((x) => x);
    expect(e).toBeInstanceOf(PartialCreateError);
    expect(t.state.idps.get(e.id)?.name).toBe("half-made");
    expect(e.properties).toMatchObject({ name: "half-made", identityProviderId: e.id });
    expect(e.message).toMatch(/stays tracked in the stack/);
    expect(e.message).not.toMatch(/ldap-bind-pass|oidc-client-secret/);
  });

  it("reports a failed task with its error, remediation and reference token", async () => {
    t.state.failNextTask = { errorCode: "IDP_VALIDATION_FAILED", message: "Unable to connect to ldaps://dc01.corp.example.com:636", remediationMessage: "Check that SDDC Manager reaches the LDAP server" };
    const e = await hooks.create(await checked({ name: "failing" }, conn)).catch((x) => x);
    expect(e).toBeInstanceOf(VcfTaskFailedError);
    expect(e.message).toMatch(/task 'Add identity provider' \(.+\) ended FAILED/);
    expect(e.message).toMatch(/IDP_VALIDATION_FAILED: Unable to connect/);
    expect(e.message).toMatch(/remediation: Check that SDDC Manager reaches the LDAP server/);
    expect(e.message).toMatch(/reference token: [0-9A-F]{6}/);
  });

  it("never prints a secret the task error echoes back", async () => {
    t.state.failNextTask = { errorCode: "LDAP_BIND_FAILED", message: "Bind as svc-ldap@corp.example.com with password ldap-bind-pass failed" };
    const e = await hooks.create(await checked({ name: "echo" }, conn)).catch((x) => x);
    expect(e).toBeInstanceOf(VcfTaskFailedError);
    expect(e.message).toMatch(/with password \[redacted\] failed/);
  });

  it("stops waiting after the bounded time and says how to proceed", async () => {
    process.env.TRUSTPLANE_VCF_TASK_TIMEOUT_MS = "30";
    const slow = await startVcfEmulator({ asyncTasks: true, taskPolls: 1000 });
    try {
      const e = await hooks.create(await checked({}, { host: slow.host, username: slow.username, password: slow.password })).catch((x) => x);
      expect(e).toBeInstanceOf(VcfTaskTimeoutError);
      expect(e.message).toMatch(/still running after .*pulumi refresh/);
    } finally {
      delete process.env.TRUSTPLANE_VCF_TASK_TIMEOUT_MS;
      await slow.stop();
    }
  });
});

describe("tokens", () => {
  it("an expired token is refreshed with the refresh token, once, however many calls saw the 401", async () => {
    const t = await startVcfEmulator();
    try {
      const client = vcfClient({ host: t.host, username: t.username, password: t.password });
      await client.list();
      expect(t.state.logins).toBe(1);
      t.expireAccessTokens();
      // One client per call, as concurrent hooks each build their own: the token cache is what they share.
      const conn = { host: t.host, username: t.username, password: t.password };
      const all = await Promise.all(Array.from({ length: 25 }, () => vcfClient(conn).list()));
      expect(all.every((l) => l.length === 1)).toBe(true);
      expect(t.state.refreshes).toBe(1);
      expect(t.state.logins).toBe(1);
    } finally {
      await t.stop();
    }
  });

  it("a token the server expired early is refreshed once on the 401 and the hook carries on", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const logins = vcf.state.logins;
    const refreshes = vcf.state.refreshes;
    vcf.emu.inject({ kind: "token-expired" });
    expect((await hooks.read(id, outs)).id).toBe(id);
    expect(vcf.state.refreshes).toBe(refreshes + 1);
    expect(vcf.state.logins).toBe(logins);
    expect(vcf.emu.requests.filter((r) => r.status === 401).at(-1)!.responseBody).toMatchObject({ errorCode: "TOKEN_EXPIRED" });
  });

  it("refreshes before expiry, so calls never meet a 401", async () => {
    const t = await startVcfEmulator({ tokenLifetimeSeconds: 2 });
    try {
      const client = vcfClient({ host: t.host, username: t.username, password: t.password });
      await client.list();
      await new Promise((r) => setTimeout(r, 1100));
      await Promise.all(Array.from({ length: 10 }, () => client.list()));
      expect(t.state.refreshes).toBe(1);
      expect(t.emu.requests.filter((r) => r.status === 401)).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it("logs in again when the refresh token is refused too", async () => {
    const t = await startVcfEmulator();
    try {
      const client = vcfClient({ host: t.host, username: t.username, password: t.password });
      await client.list();
      t.expireAccessTokens();
      t.emu.inject({ kind: "409", path: /access-token\/refresh/ });
      await client.list();
      expect(t.state.logins).toBe(2);
    } finally {
      await t.stop();
    }
  });

  it("a wrong password fails with the VCF error and where to set the credentials", async () => {
    const e = await vcfClient({ host: vcf.host, username: vcf.username, password: "wrong-password-123" }).list().catch((x) => x);
    expect(e.message).toMatch(/HTTP 401 INVALID_CREDENTIALS/);
    expect(e.message).toMatch(/VCF_USERNAME \/ VCF_PASSWORD/);
    expect(e.message).not.toContain("wrong-password-123");
  });

  it("takes host and credentials from VCF_* variables, and names them when missing", async () => {
    const saved = { ...process.env };
    try {
      process.env.VCF_HOST = vcf.host;
      process.env.VCF_USERNAME = vcf.username;
      process.env.VCF_PASSWORD = vcf.password;
      expect((await vcfClient(undefined).list()).map((p) => p.type)).toContain("Embedded");
      delete process.env.VCF_PASSWORD;
      expect(() => vcfClient(undefined)).toThrow(ConfigError);
      expect(() => vcfClient(undefined)).toThrow(/trustplane:vcfPassword.*VCF_PASSWORD/);
    } finally {
      process.env = saved;
    }
  });
});

describe("private CA", () => {
  let t: VcfEmulator;
  let caFile: string;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vcf-ca-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sddc-manager.test",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    caFile = path.join(dir, "cert.pem");
    t = await startVcfEmulator({ tls: { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(caFile, "utf8") } });
  });
  afterAll(() => t.stop());

  it("refuses an SDDC Manager certificate from an unknown CA, saying to set the CA bundle", async () => {
    const e = await vcfClient({ host: t.host, username: t.username, password: t.password }).list().catch((x) => x);
    expect(e.message).toMatch(/caBundle|CA_BUNDLE/);
  });

  it("trusts it with the CA bundle (a file path or PEM text)", async () => {
    expect(await vcfClient({ host: t.host, username: t.username, password: t.password, caBundle: caFile }).list()).toHaveLength(1);
    const pem = fs.readFileSync(caFile, "utf8");
    expect(await vcfClient({ host: t.host, username: t.username, password: t.password, caBundle: pem }).list()).toHaveLength(1);
  });

  it("takes the CA bundle from VCF_CA_BUNDLE too", async () => {
    process.env.VCF_CA_BUNDLE = caFile;
    try {
      expect(await vcfClient({ host: t.host, username: t.username, password: t.password }).list()).toHaveLength(1);
    } finally {
      delete process.env.VCF_CA_BUNDLE;
    }
  });

  it("skips verification only when insecureSkipTlsVerify is named", async () => {
    expect(await vcfClient({ host: t.host, username: t.username, password: t.password, insecureSkipTlsVerify: true }).list()).toHaveLength(1);
  });
});

describe("vcf.IdentityProvider adopts an existing provider through the `adopt` input", () => {
  const during = async <T>(f: () => Promise<T>) => {
    const from = vcf.emu.requests.length;
    const result = await f();
    return { result, sent: vcf.emu.requests.slice(from).filter((r) => !/token|sessions/i.test(r.path)) };
  };
  /** An identity provider added by hand, with other secrets than the program's. */
  const byHand = async (extra: Record<string, unknown> = {}) =>
    hooks.create(
      await checked({
        ldap: { ...adfsArgs().ldap, password: "hand-typed-bind", username: "old-svc@corp.example.com" },
        oidc: { ...adfsArgs().oidc, clientSecret: "hand-typed-secret" },
        ...extra,
      }),
    );

  it("adopt: true takes over the provider of that name: no POST, one PATCH of the whole declared spec, the state an add leaves", async () => {
    const before = await byHand();
    const inputs = await checked({ adopt: true });
    const { result, sent: reqs } = await during(() => hooks.create(inputs));
    expect(result.id).toBe(before.id);
    expect(reqs.filter((r) => r.method === "POST")).toEqual([]);
    const patches = reqs.filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    const { connection: _c, adopt: _a, ...spec } = inputs;
    expect(patches[0].body).toEqual(spec);
    for (const r of reqs) expect(JSON.stringify(r.body ?? {})).not.toContain("adopt");
    expect(vcf.state.idps.get(before.id)!.secrets).toEqual({ ldapPassword: "ldap-bind-pass", oidcClientSecret: "oidc-client-secret" });
    expect(result.outs).toMatchObject({ ...spec, identityProviderId: before.id, unverified: [] });
    expect(result.outs).not.toHaveProperty("adopt");
    expect((await hooks.diff(result.id, result.outs, inputs)).changes).toBe(false);
    const read = await hooks.read(result.id, result.outs);
    expect((await hooks.diff(result.id, read.props!, inputs)).changes).toBe(false);
  });

  it("adopt: true adds the provider when there is none of that name", async () => {
    await byHand({ name: "someone-elses" });
    const inputs = await checked({ adopt: true });
    const { result, sent: reqs } = await during(() => hooks.create(inputs));
    const posts = reqs.filter((r) => r.method === "POST" && r.path === "/v1/identity-providers");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).not.toHaveProperty("adopt");
    expect(vcf.state.idps.get(result.id)?.name).toBe("corp-adfs");
    expect(result.outs).not.toHaveProperty("adopt");
  });

  it("adopt: \"<id>\" takes over exactly that provider, renaming it to the declared name", async () => {
    const before = await byHand({ name: "old-name" });
    const inputs = await checked({ adopt: before.id });
    const { result, sent: reqs } = await during(() => hooks.create(inputs));
    expect(result.id).toBe(before.id);
    expect(reqs.filter((r) => r.method === "POST")).toEqual([]);
    expect(vcf.state.idps.get(before.id)?.name).toBe("corp-adfs");
    expect(result.outs.unverified).toEqual([]);
    expect((await hooks.diff(result.id, result.outs, inputs)).changes).toBe(false);
  });

  it("adopt: \"<id>\" of a provider that does not exist fails, names the id and adds nothing", async () => {
    const missing = "0b6f0c8e-0000-4000-8000-0000000000aa";
    const count = vcf.state.idps.size;
    const { result: e, sent: reqs } = await during(() => checked({ adopt: missing }).then((i) => hooks.create(i).catch((x) => x)));
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain(`adopt: "${missing}"`);
    expect(e.message).toContain("nothing was created");
    expect(reqs.filter((r) => r.method !== "GET")).toEqual([]);
    expect(vcf.state.idps.size).toBe(count);
  });

  it("refuses to adopt the built-in Embedded provider, and a provider whose blocks only a replacement could change", async () => {
    const emb = await checked({ adopt: EMBEDDED_ID }).then((i) => hooks.create(i).catch((x) => x));
    expect(emb.message).toMatch(/built-in Embedded identity provider/);
    const before = await byHand();
    const { result: e, sent: reqs } = await during(() =>
      checked({ type: "OpenLDAP", oidc: undefined, adopt: before.id }).then((i) => hooks.create(i).catch((x) => x)),
    );
    expect(e.message).toContain(`cannot adopt VCF identity provider ${before.id}`);
    expect(e.message).toContain("'type'");
    expect(reqs.filter((r) => r.method !== "GET")).toEqual([]);
    expect(vcf.state.idps.get(before.id)?.type).toBe("Microsoft ADFS");
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
