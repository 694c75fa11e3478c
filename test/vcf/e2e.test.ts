/**
 * vcf.IdentityProvider end to end: a program run through the real Pulumi engine (the CLI built by
 * tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider host and calls
 * Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { canary, emulators, findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";

const { startVcfEmulator } = emulators();

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
/** A type later releases might add ([unverified]); the emulator is told about it so a change of type can be exercised. */
const OIDC_ONLY = "Generic OIDC";

let emu: any;
const ldapPassword = canary("vcf-ldap");
const clientSecret = canary("vcf-oidc");

beforeAll(async () => {
  emu = await startVcfEmulator({ password: canary("vcf-api"), extraTypes: { [OIDC_ONLY]: { ldap: false, oidc: true } } });
});
afterAll(() => emu.stop());

function config() {
  return {
    "trustplane:vcfHost": { value: emu.host },
    "trustplane:vcfUsername": { value: emu.username },
    "trustplane:vcfPassword": { value: emu.password, secret: true },
  };
}

const ldap = (usersBaseDn = "OU=Users,DC=corp,DC=example,DC=com") => ({
  domainName: "corp.example.com",
  domainAlias: "CORP",
  username: "svc-ldap@corp.example.com",
  password: ldapPassword,
  type: "ActiveDirectory",
  sourceDetails: {
    usersBaseDn,
    groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
    serverEndpoints: ["ldaps://dc01.corp.example.com:636", "ldaps://dc02.corp.example.com:636"],
    certChain: [PEM],
  },
});

const DISCOVERY = "https://adfs.corp.example.com/adfs/.well-known/openid-configuration";

interface Knobs {
  type: string;
  clientId: string;
}

function program(k: Knobs) {
  return () => {
    const pulumi = pulumiSdk();
    const { vcf } = trustplane();
    const sso = new vcf.IdentityProvider("sso", {
      name: "corp-sso",
      type: k.type,
      certChain: [PEM],
      ...(k.type === OIDC_ONLY ? {} : { ldap: { ...ldap(), password: pulumi.secret(ldapPassword) } }),
      oidc: { clientId: k.clientId, clientSecret: pulumi.secret(clientSecret), discoveryEndpoint: DISCOVERY },
    });
    const backup = new vcf.IdentityProvider("backup", {
      // Wired from the other provider's output: unknown during the first preview.
      name: sso.name.apply((n: string) => `${n}-backup`),
      type: OIDC_ONLY,
      oidc: { clientId: "vcf-backup", clientSecret: pulumi.secret(clientSecret), discoveryEndpoint: DISCOVERY },
    });
    return {
      ssoId: sso.identityProviderId,
      status: sso.status,
      domainNames: sso.domainNames,
      sources: sso.identitySources,
      ldap: sso.ldap,
      backupId: backup.id,
    };
  };
}

// Each step spawns the real host; give a loaded machine room.
describe("vcf.IdentityProvider through the real Pulumi engine", { timeout: 180_000 }, () => {
  const fx = stackFixture();
  const { go, printed, hostLogs, errorsSeen, statesSeen, texts, providers } = recorder();
  const opts = (k: Knobs) => ({
    projectDir: fx.dir,
    program: program(k),
    project: "vcf-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: config(),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });
  const base: Knobs = { type: "Microsoft ADFS", clientId: "vcf-sso" };
  const byName = (n: string) => [...emu.state.idps.values()].find((p: any) => p.name === n) as any;

  it("previews two creates without calling SDDC Manager", async () => {
    const before = emu.emu.requests.length;
    const r = await go("preview", opts(base));
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => [s.name, s.op])).toEqual([["sso", "create"], ["backup", "create"]]);
    expect(r.outputs.ssoId).toBe("(unknown)");
    expect(emu.emu.requests.length).toBe(before);
    expect(r.resources).toEqual([]);
  });

  it("creates both, outputs the live state, and a second preview shows no changes", async () => {
    const up = await go("up", opts(base));
    expect(up.errors).toEqual([]);
    expect(up.counts.create).toBe(2);
    const sso = byName("corp-sso");
    expect(byName("corp-sso-backup").type).toBe(OIDC_ONLY);
    expect(sso.secrets).toEqual({ ldapPassword, oidcClientSecret: clientSecret });
    expect(up.outputs.ssoId).toBe(sso.id);
    expect(up.outputs.status).toBe("ACTIVE");
    expect(up.outputs.domainNames).toEqual(["corp.example.com", "CORP"]);
    expect(up.outputs.sources).toEqual([expect.objectContaining({ name: "corp.example.com", type: "ActiveDirectory" })]);
    expect(up.outputs.ldap).toBe("[secret]");
    const ids = readState(fx.stateFile).resources.map((r: any) => r.id).sort();
    expect(ids).toEqual([...emu.state.idps.keys()].filter((id: string) => emu.state.idps.get(id).type !== "Embedded").sort());
    const again = await go("preview", opts(base));
    expect(again.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
  });

  it("updates the OIDC client in place with a PATCH", async () => {
    const id = byName("corp-sso").id;
    const r = await go("up", opts({ ...base, clientId: "vcf-sso-2" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "sso")).toMatchObject({ op: "update", changed: ["oidc"] });
    expect(r.steps.find((s: any) => s.name === "backup")).toMatchObject({ op: "same" });
    expect(emu.state.idps.get(id).oidc.clientId).toBe("vcf-sso-2");
  });

  it("refresh picks up drift made outside Pulumi, and the next up puts it back", async () => {
    const backup = byName("corp-sso-backup");
    backup.oidc.clientId = "changed-in-the-ui";
    const r = await go("refresh", opts({ ...base, clientId: "vcf-sso-2" }));
    // The engine compares outputs with secrets masked, and `oidc` carries the client secret, so
    // the drifted client id shows through `oidcInfo` (the vendor's read-only echo of it).
    expect(r.steps.find((s: any) => s.name === "backup")).toMatchObject({ op: "refresh", changed: ["oidcInfo"] });
    const p = await go("preview", opts({ ...base, clientId: "vcf-sso-2" }));
    expect(p.steps.find((s: any) => s.name === "backup")).toMatchObject({ op: "update", changed: ["oidc"] });
    await go("up", opts({ ...base, clientId: "vcf-sso-2" }));
    expect(backup.oidc.clientId).toBe("vcf-backup");
  });

  it("replaces on a change of type, removing the old provider first since the name is kept", async () => {
    const oldId = byName("corp-sso").id;
    const r = await go("up", opts({ type: OIDC_ONLY, clientId: "vcf-sso-2" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "sso")).toMatchObject({ op: "replace" });
    expect(emu.state.idps.has(oldId)).toBe(false);
    const now = byName("corp-sso");
    expect(now.type).toBe(OIDC_ONLY);
    expect(now.ldap).toBeUndefined();
    // The DELETE of the old one came before the POST of the new one (unique names).
    const reqs = emu.emu.requests.map((x: any) => `${x.method} ${x.path}`);
    expect(reqs.lastIndexOf(`DELETE /v1/identity-providers/${oldId}`)).toBeLessThan(reqs.lastIndexOf("POST /v1/identity-providers"));
  });

  it("a token that expires mid-run is refreshed once in the host and the run carries on", async () => {
    const logins = emu.state.logins;
    const refreshes = emu.state.refreshes;
    emu.emu.inject({ kind: "token-expired" });
    const r = await go("refresh", opts({ type: OIDC_ONLY, clientId: "vcf-sso-2" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
    // The new host logged in once; both concurrent reads then shared one refresh.
    expect(emu.state.logins).toBe(logins + 1);
    expect(emu.state.refreshes).toBe(refreshes + 1);
  });

  it("destroys everything it created and leaves the Embedded IdP", async () => {
    const r = await go("destroy", opts({ type: OIDC_ONLY, clientId: "vcf-sso-2" }));
    expect(r.errors).toEqual([]);
    expect(r.counts.delete).toBe(2);
    expect([...emu.state.idps.values()].map((p: any) => p.type)).toEqual(["Embedded"]);
    expect(readState(fx.stateFile).resources).toEqual([]);
  });

  // The engine cannot import a dynamic resource (pulumi/pulumi#16175, test/engine/options.test.ts);
  // `adopt` takes over what exists.
  it("adopts an existing provider by id with no POST, writes what the program declares, then shows no changes", async () => {
    const login = await fetch(`${emu.url}/v1/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: emu.username, password: emu.password }),
    }).then((r) => r.json() as Promise<any>);
    const created = await fetch(`${emu.url}/v1/identity-providers`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "legacy-adfs", type: "Microsoft ADFS", certChain: [PEM], ldap: ldap(),
        oidc: { clientId: "legacy", clientSecret, discoveryEndpoint: DISCOVERY },
      }),
    }).then((r) => r.json() as Promise<any>);
    const fx2 = stackFixture();
    const prog = (usersBaseDn?: string) => () => {
      const pulumi = pulumiSdk();
      const { vcf } = trustplane();
      const p = new vcf.IdentityProvider("legacy", {
        name: "legacy-adfs", type: "Microsoft ADFS", certChain: [PEM],
        ldap: { ...ldap(usersBaseDn), password: pulumi.secret(ldapPassword) },
        oidc: { clientId: "legacy", clientSecret: pulumi.secret(clientSecret), discoveryEndpoint: DISCOVERY },
        adopt: created.id,
      });
      return { id: p.id, unverified: p.unverified };
    };
    const posts = () => emu.emu.requests.filter((x: any) => x.method === "POST" && x.path === "/v1/identity-providers").length;
    const before = posts();
    const o = { ...opts(base), program: prog("OU=Staff,DC=corp,DC=example,DC=com"), stateFile: fx2.stateFile };
    const r = await go("up", o);
    expect(r.errors).toEqual([]);
    expect(r.steps).toMatchObject([{ op: "create", name: "legacy" }]);
    expect(r.outputs.id).toBe(created.id);
    expect(posts()).toBe(before);
    // What the program declares is written, its write-only secrets included, so none stays unverified.
    expect(emu.state.idps.get(created.id).ldap.sourceDetails.usersBaseDn).toBe("OU=Staff,DC=corp,DC=example,DC=com");
    expect(emu.state.idps.get(created.id).secrets).toEqual({ ldapPassword, oidcClientSecret: clientSecret });
    expect((await go("preview", { ...o, expectNoChanges: true })).errors).toEqual([]);
    await go("destroy", o);
    expect(emu.state.idps.has(created.id)).toBe(false);
  });

  it("refuses to adopt the built-in Embedded IdP, saying why", async () => {
    const fx4 = stackFixture();
    const r = await go("up", {
      ...opts(base),
      stateFile: fx4.stateFile,
      program: () => {
        const { vcf } = trustplane();
        new vcf.IdentityProvider("embedded", { name: "Embedded IDP", type: "Microsoft ADFS", ldap: ldap(), oidc: { clientId: "x", clientSecret, discoveryEndpoint: DISCOVERY }, adopt: emu.state.idps.keys().next().value });
        return {};
      },
    });
    errorsSeen.pop();
    expect(r.errors.join("\n")).toMatch(/built-in Embedded identity provider/);
  });

  it("kept every secret out of the state file, the printed plan, the host's log, errors and the serialized provider", () => {
    const state = statesSeen.join("\n");
    const provider = providers();
    expect(printed.length).toBeGreaterThan(10);
    expect(provider.length).toBeGreaterThan(2);
    const hits = findCanaries([ldapPassword, clientSecret, emu.password], texts());
    expect(hits).toEqual([]);
    expect(new Set(provider).size).toBe(1);
  });
});
