#!/usr/bin/env node
/**
 * `npm run demo [-- --stack prod] [--example <name>]`: an example program's whole life through the
 * real Pulumi engine (the CLI that tools/pulumi-cli builds), against the vendor emulators, offline:
 * preview (the plan), up, a second preview that must show no changes (`--expect-no-changes`), a
 * config change and up (an update), a change made outside Pulumi and a refresh that sees it,
 * destroy. What the engine prints is printed as it prints it, with the stack outputs after each
 * step; secrets never are.
 *
 * The example's Pulumi.yaml and Pulumi.<stack>.yaml are copied into
 * examples/<example>/.trustplane/demo-<stack>/ (git-ignored), so pointing the endpoints at the
 * emulators never touches the committed stack file; the stack lives in a local backend beside it.
 * The emulators accept the credentials in the stack file (decrypted by the engine with
 * PULUMI_CONFIG_PASSPHRASE, `trustplane-demo` for the examples), so dev and prod run against
 * separate emulator instances.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiVersion, run, stackConfig, type ConfigValue, type RunOptions, type Verb } from "./engine";

const PKG_ROOT = path.resolve(__dirname, "..", "..");
export const DEMO_PASSPHRASE = "trustplane-demo";

type Config = Record<string, ConfigValue>;

export interface StartedEmulator {
  /** Config values that point the stack at this emulator. */
  overrides: Config;
  stop(): Promise<void>;
  /** Makes a change "outside Pulumi" for the refresh step; returns what it did. */
  drift?(): string | undefined;
}

function need(cfg: Config, key: string): string {
  const v = cfg[key]?.value;
  if (v === undefined) throw new Error(`the stack config has no ${key}`);
  return v;
}

/** Per vendor: does this stack use it, and how to stand up its emulator for the stack's credentials. */
export const EMULATORS: Record<string, { uses(cfg: Config): boolean; start(cfg: Config): Promise<StartedEmulator> }> = {
  scm: {
    uses: (cfg) => "trustplane:scmClientId" in cfg,
    async start(cfg) {
      const { scmTestkit } = await import("../src/scm/testkit");
      const e = await scmTestkit.start({
        clientId: need(cfg, "trustplane:scmClientId"),
        clientSecret: need(cfg, "trustplane:scmClientSecret"),
        tsgId: need(cfg, "trustplane:scmTsgId"),
      });
      return {
        overrides: scmTestkit.endpointConfig(e),
        stop: () => e.stop(),
        drift() {
          const p = [...e.state.profiles.values()][0];
          if (!p) return undefined;
          p.digest = "sha1";
          return `an administrator set SCEP profile '${p.name}' to digest sha1 in Strata Cloud Manager`;
        },
      };
    },
  },
  czertainly: {
    uses: (cfg) => "trustplane:czertainlyUrl" in cfg,
    async start() {
      const { czertainlyTestkit } = await import("../src/czertainly/testkit");
      const e = await czertainlyTestkit.start();
      return {
        // Core accepts JWTs from its configured issuer only; the emulator is its own issuer, so
        // the demo hands the provider a token the emulator signed instead of the stack's.
        overrides: czertainlyTestkit.stackConfig(e),
        stop: () => e.stop(),
        drift() {
          const p = [...e.state.profiles.values()][0];
          if (!p) return undefined;
          p.description = "paused during the PKI audit";
          return `an operator edited SCEP profile '${p.name}''s description in CZERTAINLY`;
        },
      };
    },
  },
  vcf: {
    uses: (cfg) => "trustplane:vcfHost" in cfg,
    async start(cfg) {
      const { vcfTestkit } = await import("../src/vcf/testkit");
      const e = await vcfTestkit.start({ username: need(cfg, "trustplane:vcfUsername"), password: need(cfg, "trustplane:vcfPassword") });
      return {
        overrides: vcfTestkit.endpointConfig(e),
        stop: () => e.stop(),
        drift() {
          const p = [...e.state.idps.values()].find((i) => i.type !== "Embedded");
          if (!p?.ldap) return undefined;
          (p.ldap as { domainAlias?: string }).domainAlias = "CORP";
          return `an administrator set a domain alias on identity provider '${p.name}' in SDDC Manager`;
        },
      };
    },
  },
  cxif: {
    uses: (cfg) => "trustplane:cxifHost" in cfg,
    async start(cfg) {
      const { cxifTestkit } = await import("../src/cxif/testkit");
      const e = await cxifTestkit.start({ clientId: need(cfg, "trustplane:cxifClientId"), clientSecret: need(cfg, "trustplane:cxifClientSecret") });
      return {
        overrides: cxifTestkit.endpointConfig(e),
        stop: () => e.stop(),
        drift() {
          const c = [...e.state.configurations.values()][0];
          const mapping = c && Object.values(c.profiles)[0]?.["scim-rfc7643-mapping"];
          if (!mapping) return undefined;
          mapping.emails = "SWALLOW";
          return `an administrator stopped forwarding e-mail addresses in SCIM configuration ${c.id}`;
        },
      };
    },
  },
  nevisidm: {
    uses: (cfg) => "trustplane:nevisidmUrl" in cfg,
    async start(cfg) {
      const { DEFAULT_CLIENTS } = await import("../src/nevisidm/emulator");
      const { nevisidmTestkit } = await import("../src/nevisidm/testkit");
      const acme = DEFAULT_CLIENTS.acme;
      // The seed client plus the properties and rollout accounts the examples record things on.
      const e = await nevisidmTestkit.start({
        clients: {
          acme: {
            properties: [
              ...(acme.properties ?? []),
              { name: "rollout_stack", stringMaxLen: 32 },
              { name: "gp_scep_profile", stringMaxLen: 64 },
              { name: "scim_href", stringMaxLen: 255 },
            ],
            profiles: [
              ...(acme.profiles ?? []),
              { extId: "p-rollout-dev", userExtId: "svc-rollout-dev", unitExtId: "hq" },
              { extId: "p-rollout-prod", userExtId: "svc-rollout-prod", unitExtId: "hq" },
            ],
          },
        },
      });
      // The stack's token stands for a technical user with the rights the stack needs.
      e.state.principals.set(need(cfg, "trustplane:nevisidmToken"), { name: "svc-pulumi" });
      return {
        overrides: nevisidmTestkit.endpointConfig(e),
        stop: () => e.stop(),
        drift() {
          for (const c of e.state.clients.values())
            for (const p of c.profiles.values())
              for (const key of ["rollout_stack", "cost_center"])
                if (p.properties.has(key)) {
                  p.properties.set(key, "manual-fix");
                  return `a help-desk agent overwrote ${key} on nevisIDM profile '${p.extId}'`;
                }
          return undefined;
        },
      };
    },
  },
};

/** The config change each example's demo makes for its update step. */
const CHANGES: Record<string, { key: string; value: string }> = {
  "scm-scep-profile": { key: "scm-scep-profile:digest", value: "sha512" },
  "identity-platform": { key: "identity-platform:digest", value: "sha512" },
  "czertainly-scep-profile": { key: "czertainly-scep-profile:renewalThresholdDays", value: "14" },
  "vcf-identity-provider": { key: "vcf-identity-provider:usersBaseDn", value: "OU=Staff,DC=corp,DC=example,DC=com" },
  "cxif-scim-configuration": { key: "cxif-scim-configuration:phoneNumbers", value: "FORWARD" },
  "nevisidm-profile-properties": { key: "nevisidm-profile-properties:costCenter", value: "CC-9" },
};

export interface DemoOptions {
  example: string;
  stack: string;
  out?: (line: string) => void;
  /** Called after each step with `pulumi stack export` as that step left it (tests inspect it). */
  onStep?: (title: string, exported: string) => void;
}

export interface DemoStep {
  title: string;
  ok: boolean;
  outputs: Record<string, unknown>;
  counts: Record<string, number>;
  errors: string[];
  /** The engine's diagnostics (the provider host's log lines among them) and its printed output. */
  hostLog: string[];
}

export interface DemoResult {
  ok: boolean;
  /** Where the last `pulumi stack export` was written. */
  stateFile: string;
  steps: DemoStep[];
}

/** The compiled program of an example: this package's build of its index.ts. */
function programOf(example: string): string {
  const built = path.join(PKG_ROOT, "dist", "examples", example, "index.js");
  if (!fs.existsSync(built)) throw new Error(`no compiled program for ${example}: expected ${built} (run npm run build)`);
  return built;
}

export async function demo(o: DemoOptions): Promise<DemoResult> {
  const out = o.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const exampleDir = path.join(PKG_ROOT, "examples", o.example);
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? DEMO_PASSPHRASE;
  const home = path.join(exampleDir, ".trustplane");
  const workDir = path.join(home, `demo-${o.stack}`);
  const stateFile = path.join(home, `demo-${o.stack}.json`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.rmSync(stateFile, { force: true });
  fs.mkdirSync(workDir, { recursive: true });
  for (const f of ["Pulumi.yaml", `Pulumi.${o.stack}.yaml`]) fs.copyFileSync(path.join(exampleDir, f), path.join(workDir, f));
  const main = programOf(o.example);
  // A fresh module per run, as the language host would load the program anew for every command.
  const program = () => {
    delete require.cache[require.resolve(main)];
    return { ...require(main) };
  };
  const base: RunOptions = {
    workDir,
    backendDir: path.join(workDir, "backend"),
    project: o.example,
    stack: o.stack,
    program,
    passphrase,
    projectFile: true,
    out: (l) => out(`  ${l}`),
  };
  out(`Pulumi CLI ${pulumiVersion()}; stack ${o.stack} of examples/${o.example}`);
  const cfg = await stackConfig(base);
  const started: StartedEmulator[] = [];
  const result: DemoResult = { ok: true, stateFile, steps: [] };
  try {
    let overrides: Config = {};
    for (const [vendor, e] of Object.entries(EMULATORS)) {
      if (!e.uses(cfg)) continue;
      const s = await e.start(cfg);
      started.push(s);
      overrides = { ...overrides, ...s.overrides };
      out(`emulator: ${vendor} at ${Object.values(s.overrides)[0].value}`);
    }
    const step = async (title: string, verb: Verb, extra: Config = {}, flags: Partial<RunOptions> = {}) => {
      out("");
      out(`=== ${title} ===`);
      const r = await run(verb, { ...base, ...flags, config: { ...overrides, ...extra } });
      fs.writeFileSync(stateFile, r.state);
      result.steps.push({ title, ok: r.ok, outputs: r.outputs, counts: r.counts, errors: r.errors, hostLog: [...r.diagnostics, ...r.lines] });
      if (!r.ok) result.ok = false;
      if (verb !== "destroy" && Object.keys(r.outputs).length) {
        out("stack outputs:");
        for (const [k, v] of Object.entries(r.outputs)) out(`    ${k}: ${JSON.stringify(v)}`);
      }
      o.onStep?.(title, r.state);
      return r;
    };
    await step("preview: the plan", "preview");
    await step("up", "up");
    await step("preview again: no changes expected", "preview", {}, { expectNoChanges: true });
    const change = CHANGES[o.example];
    const changed: Config = change ? { [change.key]: { value: change.value } } : {};
    if (change) out(`\n$ pulumi config set ${change.key} ${change.value}`);
    await step("up after the config change: an update", "up", changed);
    for (const s of started) {
      const what = s.drift?.();
      if (what) out(`\n(outside Pulumi) ${what}`);
    }
    await step("refresh: the state catches up with the live objects", "refresh", changed);
    await step("destroy", "destroy", changed);
  } finally {
    for (const s of started) await s.stop();
  }
  out("");
  out(result.ok ? `demo finished: every step succeeded (${o.example}, stack ${o.stack})` : "demo finished with errors");
  return result;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const val = (name: string, d: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : d;
  };
  demo({ example: val("--example", "identity-platform"), stack: val("--stack", "dev") }).then(
    (r) => process.exit(r.ok ? 0 : 1),
    (e) => {
      console.error(`demo failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
