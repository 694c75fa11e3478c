/** vcf.IdentityProvider's lifecycle data: an AD FS provider with LDAP and OIDC, and an OIDC-only one named after it. */
import { expect } from "vitest";
import { canary, emulators, pulumiSdk, trustplane } from "../helpers";
import { vcfConfig } from "../stack-config";
import type { Lifecycle, Sent } from "./suite";

export const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
/** A type later releases might add ([unverified]); the emulator is told about it so a change of type can be exercised. */
export const OIDC_ONLY = "Generic OIDC";
export const DISCOVERY = "https://adfs.corp.example.com/adfs/.well-known/openid-configuration";
export const ldapPassword = canary("vcf-ldap");
export const clientSecret = canary("vcf-oidc");

export const startEmulator = () => emulators().startVcfEmulator({ password: canary("vcf-api"), extraTypes: { [OIDC_ONLY]: { ldap: false, oidc: true } } });

export const ldap = (usersBaseDn = "OU=Users,DC=corp,DC=example,DC=com") => ({
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

export interface Knobs {
  type: string;
  clientId: string;
}

export function program(k: Knobs) {
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

export const base: Knobs = { type: "Microsoft ADFS", clientId: "vcf-sso" };
const idps = (emu: any) => [...emu.state.idps.values()] as any[];
const byName = (emu: any, n: string) => idps(emu).find((p) => p.name === n);
const updated: Knobs = { ...base, clientId: "vcf-sso-2" };
const isCreate = (x: Sent) => x.method === "POST" && x.path === "/v1/identity-providers";

export const vcf: Lifecycle<Knobs> = {
  vendor: "vcf",
  type: "vcf:IdentityProvider",
  project: "vcf-e2e",
  // Each step spawns the real host; give a loaded machine room.
  timeout: 180_000,
  start: startEmulator,
  stop: (emu) => emu.stop(),
  config: vcfConfig,
  program,
  resources: ["sso", "backup"],
  base,
  unknownOutput: "ssoId",
  // The built-in Embedded IdP is SDDC Manager's own, never a stack's.
  objects: (emu) => idps(emu).filter((p) => p.type !== "Embedded").map((p) => p.id),
  created: ({ e, r: up }) => {
    const sso = byName(e, "corp-sso");
    expect(byName(e, "corp-sso-backup").type).toBe(OIDC_ONLY);
    expect(sso.secrets).toEqual({ ldapPassword, oidcClientSecret: clientSecret });
    expect(up.outputs.ssoId).toBe(sso.id);
    expect(up.outputs.status).toBe("ACTIVE");
    expect(up.outputs.domainNames).toEqual(["corp.example.com", "CORP"]);
    expect(up.outputs.sources).toEqual([expect.objectContaining({ name: "corp.example.com", type: "ActiveDirectory" })]);
    expect(up.outputs.ldap).toBe("[secret]");
  },
  // The OIDC client, with a PATCH.
  update: {
    knobs: updated,
    resource: "sso",
    changed: ["oidc"],
    check: ({ e }) => expect(byName(e, "corp-sso").oidc.clientId).toBe("vcf-sso-2"),
  },
  drift: {
    make: (emu) => (byName(emu, "corp-sso-backup").oidc.clientId = "changed-in-the-ui"),
    resource: "backup",
    // The engine compares outputs with secrets masked, and `oidc` carries the client secret, so
    // the drifted client id shows through `oidcInfo` (the vendor's read-only echo of it).
    refreshed: { changed: ["oidcInfo"] },
    planned: { changed: ["oidc"] },
    check: ({ e }) => expect(byName(e, "corp-sso-backup").oidc.clientId).toBe("vcf-backup"),
  },
  replace: {
    knobs: { type: OIDC_ONLY, clientId: "vcf-sso-2" },
    resource: "sso",
    changed: ["ldap", "type"],
    // The name is kept and names are unique: the old provider must go first.
    deleteBeforeReplace: true,
    deletes: (x, oldId) => x.method === "DELETE" && x.path === `/v1/identity-providers/${oldId}`,
    creates: isCreate,
    check: ({ e }) => {
      const now = byName(e, "corp-sso");
      expect(now.type).toBe(OIDC_ONLY);
      expect(now.ldap).toBeUndefined();
    },
  },
  destroyed: ({ e }) => expect(idps(e).map((p) => p.type)).toEqual(["Embedded"]),
  adopt: {
    make: async (emu) => {
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
      return { id: created.id, importId: created.id };
    },
    program: (adopt) => () => {
      const pulumi = pulumiSdk();
      const { vcf } = trustplane();
      const p = new vcf.IdentityProvider("legacy", {
        name: "legacy-adfs", type: "Microsoft ADFS", certChain: [PEM],
        ldap: { ...ldap("OU=Staff,DC=corp,DC=example,DC=com"), password: pulumi.secret(ldapPassword) },
        oidc: { clientId: "legacy", clientSecret: pulumi.secret(clientSecret), discoveryEndpoint: DISCOVERY },
        adopt,
      });
      return { id: p.id, unverified: p.unverified };
    },
    creates: isCreate,
    // What the program declares is written, its write-only secrets included, so none stays unverified.
    check: ({ e, r }) => {
      expect(e.state.idps.get(r.outputs.id).ldap.sourceDetails.usersBaseDn).toBe("OU=Staff,DC=corp,DC=example,DC=com");
      expect(e.state.idps.get(r.outputs.id).secrets).toEqual({ ldapPassword, oidcClientSecret: clientSecret });
    },
  },
  secrets: (emu) => [ldapPassword, clientSecret, emu.password],
  encrypted: true,
};
