/**
 * `trustplane discover scm` against the SCM emulator: profiles of every shape the resource takes
 * (no / fixed / dynamic challenge, each kind of subject alternative name, the optional flags and
 * certificates) in a folder, a snippet and a device, two of them with the same name in different
 * containers; then the written program through tsc and the real engine.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canary, emulators, tmpDir } from "../helpers";
import { adoptThroughEngine, discoverCli, programDir, secretKeys, seed, stackWithConfig, typecheck } from "./harness";

vi.setConfig({ testTimeout: 180_000 });

const { startScmEmulator } = emulators();
let emu: any;

beforeAll(async () => {
  emu = await startScmEmulator({ clientSecret: canary("scm-discover-client-secret") });
});
afterAll(() => emu.stop());

const config = () => ({
  "trustplane:scmClientId": { value: emu.clientId },
  "trustplane:scmClientSecret": { value: emu.clientSecret, secret: true },
  "trustplane:scmTsgId": { value: emu.tsgId },
  "trustplane:scmTokenUrl": { value: emu.tokenUrl },
  "trustplane:scmApiUrl": { value: emu.apiUrl },
});
const connection = () => ({ clientId: emu.clientId, clientSecret: emu.clientSecret, tsgId: emu.tsgId, tokenUrl: emu.tokenUrl, apiUrl: emu.apiUrl });

const base = { caIdentityName: "Corp Issuing CA", algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep" };
const SHAPES = [
  { ...base, folder: "Mobile Users", name: "gp-portal", scepChallenge: { fixed: "hand-typed-1" }, certificateAttributes: { dnsname: "gp.corp.example.com" } },
  { ...base, folder: "Mobile Users", name: "gp-none", scepChallenge: { none: {} }, subject: "CN=$USERNAME,O=Corp", fingerprint: "AB:CD:EF" },
  {
    ...base, folder: "Mobile Users", name: "gp-otp", digest: "sha512", algorithm: { rsa: { rsaNbits: "3072" } },
    scepChallenge: { dynamic: { otpServerUrl: "https://otp.example.com", username: "otp-svc", password: "otp-pw" } },
    certificateAttributes: { rfc822name: "pki@corp.example.com" }, useAsDigitalSignature: true, useForKeyEncipherment: false,
    scepCaCert: "Forward-Trust-CA", scepClientCert: "Root CA",
  },
  { ...base, snippet: "GP Shared", name: "gp-portal", scepChallenge: { fixed: "hand-typed-2" }, certificateAttributes: { uniformResourceIdentifier: "urn:corp:device" } },
  { ...base, device: "fw-01", name: "Branch SCEP (old)", scepChallenge: { none: {} }, digest: "sha1", algorithm: { rsa: { rsaNbits: 1024 } } },
];
const SCAN = ["--folder", "Mobile Users", "--snippet", "GP Shared", "--device", "fw-01"];

describe("trustplane discover scm", () => {
  let ids: string[];
  let text: string;
  let stderr: string;

  it("writes one adopting resource per profile, from the stack's config, reading only", async () => {
    ids = await seed("scm", connection(), SHAPES);
    const stack = stackWithConfig(config());
    const before = emu.emu.requests.length;
    const r = await discoverCli(["discover", "scm", "--stack-dir", stack.dir, "--stack", stack.stack, ...SCAN], stack.env);
    expect(r.stderr).toContain("5 SCEP profiles to adopt");
    expect(r.code).toBe(0);
    text = r.stdout;
    stderr = r.stderr;
    const calls = emu.emu.requests.slice(before).filter((x: any) => !x.path.includes("oauth2"));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((x: any) => x.method === "GET")).toBe(true);
    for (const id of ids) expect(text).toContain(id);
    expect(text).toContain('adopt: "Mobile Users:::');
    expect(text).toContain('adopt: ":GP Shared::');
    expect(text).toContain('adopt: "::fw-01:');
    // Names unique across containers, derived from container and name.
    expect(text).toContain('new scm.ScepProfile("mobile-users-gp-portal", {');
    expect(text).toContain('new scm.ScepProfile("gp-shared-gp-portal", {');
    expect(text).toContain('new scm.ScepProfile("fw-01-branch-scep-old", {');
    // Write-only secrets from config, the lines to set them printed; no ciphertext in the program.
    expect(secretKeys(stderr).sort()).toEqual(["gpSharedGpPortalChallenge", "mobileUsersGpOtpOtpPassword", "mobileUsersGpPortalChallenge"]);
    expect(text).toContain('fixed: config.requireSecret("mobileUsersGpPortalChallenge")');
    expect(text).toContain('password: config.requireSecret("mobileUsersGpOtpOtpPassword")');
    expect(text).toContain("pulumi config set --secret mobileUsersGpPortalChallenge");
    expect(text).not.toContain(emu.clientSecret);
    for (const p of emu.state.profiles.values()) if (p.scep_challenge.fixed) expect(text).not.toContain(p.scep_challenge.fixed);
    process.stdout.write(`\n--- generated (scm) ---\n${text}\n--- stderr ---\n${stderr}\n`);
  });

  it("writes the same file from the vendor's environment variables, and again on a second run", async () => {
    const env = { SCM_CLIENT_ID: emu.clientId, SCM_CLIENT_SECRET: emu.clientSecret, SCM_TSG_ID: emu.tsgId, SCM_AUTH_URL: emu.tokenUrl, SCM_API_URL: emu.apiUrl };
    const a = await discoverCli(["discover", "scm", ...SCAN, "--quiet"], env);
    const b = await discoverCli(["discover", "scm", "--device", "fw-01", "--folder", "Mobile Users", "--snippet", "GP Shared", "--quiet"], env);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe("");
    expect(a.stdout).toBe(text);
    expect(b.stdout).toBe(text);
    const out = path.join(tmpDir(), "infra", "adopted.ts");
    const c = await discoverCli(["discover", "scm", ...SCAN, "--out", out], env);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe("");
    expect(c.stderr).toContain(`written to ${out}`);
    expect(fs.readFileSync(out, "utf8")).toBe(text);
  });

  it("type-checks with tsc against the package's types", () => {
    const dir = programDir(text);
    const t = typecheck(dir);
    expect(t.output).toBe("");
    expect(t.ok).toBe(true);
  });

  it("through the real engine: preview shows only the adoptions, up adopts every profile with no POST, then no changes", async () => {
    const dir = programDir(text);
    const values: Record<string, string> = {};
    const { up } = await adoptThroughEngine(dir, {
      requests: () => emu.emu.requests,
      collection: "/scep-profiles",
      liveIds: ids,
      config: config(),
      secretValue: (k) => (values[k] = canary(k)),
    });
    expect(up.steps.map((s: any) => s.op)).toEqual(ids.map(() => "create"));
    // The secrets set in config are what the profiles now hold.
    const portal = [...emu.state.profiles.values()].find((p: any) => p.folder === "Mobile Users" && p.name === "gp-portal") as any;
    expect(emu.state.plaintextOf.get(portal.scep_challenge.fixed)).toBe(values.mobileUsersGpPortalChallenge);
    expect(emu.state.profiles.size).toBe(SHAPES.length);
  });

  it("says which containers to pass when none is given, and shows the API's error for a bad credential", async () => {
    const env = { SCM_CLIENT_ID: emu.clientId, SCM_CLIENT_SECRET: "wrong-secret", SCM_TSG_ID: emu.tsgId, SCM_AUTH_URL: emu.tokenUrl, SCM_API_URL: emu.apiUrl };
    const none = await discoverCli(["discover", "scm"], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("--folder");
    const bad = await discoverCli(["discover", "scm", "--folder", "Mobile Users"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/401|invalid_client/);
    expect(bad.stderr).not.toContain("wrong-secret");
    const foreign = await discoverCli(["discover", "scm", "--folder", "Mobile Users", "--profile", "p-1"], env);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("--profile is not an option of `discover scm`");
    const help = await discoverCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: trustplane discover <vendor>");
  });
});

describe("trustplane discover scm at scale", () => {
  it("lists 1,000 profiles across 10 folders and writes the program in seconds", async () => {
    const big = await startScmEmulator();
    try {
      const folders = Array.from({ length: 10 }, (_, i) => `Folder ${String(i).padStart(2, "0")}`);
      for (let i = 0; i < 1000; i++) {
        const id = randomUUID();
        big.state.profiles.set(id, {
          id, folder: folders[i % 10], name: `scep-${String(i).padStart(4, "0")}`,
          scep_challenge: i % 2 ? { none: {} } : { fixed: `-AQ==${i}` }, ca_identity_name: "Corp Issuing CA", subject: "CN=$USERNAME",
          algorithm: { rsa: { rsa_nbits: "2048" } }, digest: "sha256", scep_url: "https://pki.example.com/scep",
        });
      }
      const env = { SCM_CLIENT_ID: big.clientId, SCM_CLIENT_SECRET: big.clientSecret, SCM_TSG_ID: big.tsgId, SCM_AUTH_URL: big.tokenUrl, SCM_API_URL: big.apiUrl };
      const r = await discoverCli(["discover", "scm", ...folders.flatMap((f) => ["--folder", f])], env);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/new scm\.ScepProfile\(/g)?.length).toBe(1000);
      expect(secretKeys(r.stderr).length).toBe(500);
      const gets = big.emu.requests.filter((x: any) => x.method === "GET").length;
      process.stdout.write(`\ndiscover scm: 1,000 profiles in 10 folders listed and written in ${(r.ms / 1000).toFixed(2)} s (whole command, node start included; ${gets} GETs)\n`);
      expect(r.ms).toBeLessThan(60_000);
    } finally {
      await big.stop();
    }
  });
});

describe("trustplane discover scm paging", () => {
  it("pages through a folder longer than a page, with a progress line on stderr", async () => {
    const emu2 = await startScmEmulator();
    try {
      for (let i = 0; i < 450; i++) {
        const id = randomUUID();
        emu2.state.profiles.set(id, {
          id, folder: "Big", name: `p-${String(i).padStart(3, "0")}`, scep_challenge: { none: {} }, ca_identity_name: "CA",
          subject: "CN=$USERNAME", algorithm: { rsa: { rsa_nbits: "2048" } }, digest: "sha256", scep_url: "https://pki.example.com/scep",
        });
      }
      const env = { SCM_CLIENT_ID: emu2.clientId, SCM_CLIENT_SECRET: emu2.clientSecret, SCM_TSG_ID: emu2.tsgId, SCM_AUTH_URL: emu2.tokenUrl, SCM_API_URL: emu2.apiUrl };
      const r = await discoverCli(["discover", "scm", "--folder", "Big"], env);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/new scm\.ScepProfile\(/g)?.length).toBe(450);
      const pages = emu2.emu.requests.filter((x: any) => x.method === "GET" && x.path.endsWith("/scep-profiles"));
      expect(pages.length).toBe(3);
      expect(r.stderr).toContain("listed 450 of 450 SCEP profiles");
      // Sorted by name: p-000 first, p-449 last.
      expect(r.stdout.indexOf('"p-000"')).toBeLessThan(r.stdout.indexOf('"p-449"'));
    } finally {
      await emu2.stop();
    }
  });
});
