/**
 * `trustplane discover vcf` against the SDDC Manager emulator: an AD FS provider (LDAP over ldaps
 * with its chain, OIDC, a top-level certChain) and an OIDC-only one, beside the built-in Embedded
 * identity provider, which is skipped; then the written program through tsc and the real engine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canary, emulators } from "../helpers";
import { adoptThroughEngine, discoverCli, programDir, secretKeys, seed, stackWithConfig, typecheck } from "./harness";

vi.setConfig({ testTimeout: 180_000 });

const { startVcfEmulator } = emulators();
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const OIDC_ONLY = "Generic OIDC";
const DISCOVERY = "https://adfs.corp.example.com/adfs/.well-known/openid-configuration";
let emu: any;

beforeAll(async () => {
  emu = await startVcfEmulator({ password: canary("vcf-api"), extraTypes: { [OIDC_ONLY]: { ldap: false, oidc: true } } });
});
afterAll(() => emu.stop());

const config = () => ({
  "trustplane:vcfHost": { value: emu.host },
  "trustplane:vcfUsername": { value: emu.username },
  "trustplane:vcfPassword": { value: emu.password, secret: true },
});

const SHAPES = [
  {
    name: "Corp AD FS", type: "Microsoft ADFS", certChain: [PEM],
    ldap: {
      domainName: "corp.example.com", domainAlias: "CORP", username: "svc-ldap@corp.example.com", password: "ldap-by-hand", type: "ActiveDirectory",
      sourceDetails: {
        usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com", groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
        serverEndpoints: ["ldaps://dc01.corp.example.com:636", "ldaps://dc02.corp.example.com:636"], certChain: [PEM],
      },
    },
    oidc: { clientId: "vcf-sso", clientSecret: "oidc-by-hand", discoveryEndpoint: DISCOVERY },
  },
  { name: "backup-oidc", type: OIDC_ONLY, oidc: { clientId: "vcf-backup", clientSecret: "oidc-2", discoveryEndpoint: DISCOVERY } },
];

describe("trustplane discover vcf", () => {
  let ids: string[];
  let text: string;

  it("writes one adopting resource per external provider and skips the Embedded one, reading only", async () => {
    ids = await seed("vcf", { host: emu.host, username: emu.username, password: emu.password }, SHAPES);
    const stack = stackWithConfig(config());
    const before = emu.emu.requests.length;
    const r = await discoverCli(["discover", "vcf", "--stack-dir", stack.dir, "--stack", stack.stack], stack.env);
    expect(r.stderr).toContain("2 identity providers to adopt; skipped 1");
    expect(r.stderr).toMatch(/skipped: .*Embedded identity provider/);
    expect(r.code).toBe(0);
    text = r.stdout;
    // Logins are POSTs to /v1/tokens; nothing else but GETs.
    expect(emu.emu.requests.slice(before).filter((x: any) => !x.path.startsWith("/v1/tokens")).every((x: any) => x.method === "GET")).toBe(true);
    for (const id of ids) expect(text).toContain(`adopt: "${id}"`);
    expect(text).toContain('new vcf.IdentityProvider("corp-ad-fs", {');
    expect(secretKeys(r.stderr).sort()).toEqual(["backupOidcOidcClientSecret", "corpAdFsLdapPassword", "corpAdFsOidcClientSecret"]);
    expect(text).not.toContain(emu.password);
    expect(text).not.toMatch(/by-hand/);
    expect(text).toContain("Skipped:");
    const again = await discoverCli(["discover", "vcf", "--quiet"], { VCF_HOST: emu.host, VCF_USERNAME: emu.username, VCF_PASSWORD: emu.password });
    expect(again.stdout).toBe(text);
    process.stdout.write(`\n--- generated (vcf) ---\n${text}\n--- stderr ---\n${r.stderr}\n`);
  });

  it("type-checks with tsc against the package's types", () => {
    const t = typecheck(programDir(text));
    expect(t.output).toBe("");
    expect(t.ok).toBe(true);
  });

  it("through the real engine: preview shows only the adoptions, up adopts every provider with no POST, then no changes", async () => {
    const values: Record<string, string> = {};
    await adoptThroughEngine(programDir(text), {
      requests: () => emu.emu.requests,
      collection: "/v1/identity-providers",
      liveIds: ids,
      config: config(),
      secretValue: (k) => (values[k] = canary(k)),
    });
    const adfs = emu.state.idps.get(ids[0]);
    expect(adfs.secrets.ldapPassword).toBe(values.corpAdFsLdapPassword);
    expect(adfs.secrets.oidcClientSecret).toBe(values.corpAdFsOidcClientSecret);
  });
});
