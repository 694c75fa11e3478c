#!/usr/bin/env node
/**
 * `trustplane discover <vendor>`: reads what a tenant already has and writes the Pulumi program
 * that adopts it. Read only: it sends nothing but GETs (and the token requests the vendors' auth
 * needs), through the same clients, settings and errors as the resources.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { redact } from "../core/redact";
import { setStackConfig } from "../core/settings";
import * as cxif from "./cxif";
import * as czertainly from "./czertainly";
import * as nevisidm from "./nevisidm";
import type { DiscoverOptions } from "./options";
import { configSetLine, nounOf, render, type Discovery, type VendorInfo } from "./render";
import * as scm from "./scm";
import * as vcf from "./vcf";

interface VendorModule {
  info: VendorInfo;
  discover(o: DiscoverOptions): Promise<Discovery>;
}

export const VENDORS: Record<string, VendorModule> = { scm, czertainly, vcf, cxif, nevisidm };

export const HELP = `Usage: trustplane discover <vendor> [options]

Lists every object of the vendor's resource kind and writes a TypeScript Pulumi program that
adopts each one (\`adopt: "<import id>"\`), every input filled from the live object and each
write-only secret read from stack config. Read only: nothing is written to the vendor.

Vendors:
  scm          Strata Cloud Manager SCEP profiles        (scm.ScepProfile)
  czertainly   CZERTAINLY Core SCEP profiles             (czertainly.ScepProfile)
  vcf          SDDC Manager identity providers           (vcf.IdentityProvider; the Embedded one is skipped)
  cxif         CX Industries Framework SCIM configs      (cxif.ScimConfiguration)
  nevisidm     nevisIDM profile properties               (nevisidm.ProfileProperties)

Credentials, as the resources take them: the stack config of a Pulumi stack
  --stack-dir <dir>    the Pulumi project folder (where Pulumi.yaml is)
  --stack <name>       the stack; its config is read with \`pulumi config --show-secrets --json\`
                       (PULUMI_CONFIG_PASSPHRASE and the backend login from the environment)
or the vendors' environment variables (SCM_CLIENT_ID, SCM_CLIENT_SECRET, SCM_TSG_ID, SCM_AUTH_URL,
SCM_API_URL; CZERTAINLY_URL, CZERTAINLY_TOKEN, …; VCF_HOST, VCF_USERNAME, VCF_PASSWORD; CXIF_HOST,
CXIF_TOKEN_URL, CXIF_CLIENT_ID, CXIF_CLIENT_SECRET; NEVISIDM_URL, NEVISIDM_TOKEN; see the README).

What to read:
  --folder <name>      scm: a folder to scan (repeatable)
  --snippet <name>     scm: a snippet to scan (repeatable)
  --device <name>      scm: a device to scan (repeatable)
                       (the SCM identity API does not list folders: name at least one container)
  --client <extId>     nevisidm: the client (tenant)
  --profile <extId>    nevisidm: a profile whose properties to adopt (repeatable)

Output:
  --out <file>         write the program there (default: stdout)
  --quiet              no progress lines and no config lines on stderr
  -h, --help           this text

The \`pulumi config set --secret\` lines the program needs are in its header and on stderr.
`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The Pulumi CLI: TRUSTPLANE_PULUMI, the one this checkout built (tools/pulumi-cli), or `pulumi` on PATH. */
export function pulumiCli(): string {
  const explicit = process.env.TRUSTPLANE_PULUMI;
  if (explicit) return explicit;
  const cache = path.resolve(__dirname, "..", "..", "..", ".trustplane", "pulumi-cli");
  try {
    const versions = fs.readdirSync(cache).filter((v) => fs.existsSync(path.join(cache, v, "bin", "pulumi"))).sort();
    if (versions.length) return path.join(cache, versions[versions.length - 1], "bin", "pulumi");
  } catch {
    // no checkout build: the one on PATH
  }
  return "pulumi";
}

/** `pulumi config --show-secrets --json` of a stack: key → value. */
export function readStackConfig(stackDir: string, stack: string): Record<string, string> {
  let out: string;
  try {
    out = execFileSync(pulumiCli(), ["config", "--show-secrets", "--json", "--stack", stack], {
      cwd: stackDir,
      encoding: "utf8",
      env: { PULUMI_SKIP_UPDATE_CHECK: "true", ...process.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`could not read the config of stack '${stack}' in ${stackDir} with \`pulumi config\`: ${redact(String(err.stderr || err.message)).trim()}`);
  }
  const parsed = JSON.parse(out) as Record<string, { value?: unknown; objectValue?: unknown }>;
  const map: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v?.value === "string") map[k] = v.value;
  return map;
}

/** The command, without touching process.exit or the real streams (tests call it too). */
export async function run(argv: string[], io: { stderr: (s: string) => void; stdout: (s: string) => void }): Promise<number> {
  let a;
  try {
    a = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        "stack-dir": { type: "string" },
        stack: { type: "string" },
        folder: { type: "string", multiple: true },
        snippet: { type: "string", multiple: true },
        device: { type: "string", multiple: true },
        client: { type: "string" },
        profile: { type: "string", multiple: true },
        out: { type: "string" },
        quiet: { type: "boolean" },
      },
    });
  } catch (e) {
    io.stderr(`trustplane: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [cmd, vendor, ...extra] = a.positionals;
  if (a.values.help || cmd === "help" || cmd === undefined) {
    (cmd === undefined && !a.values.help ? io.stderr : io.stdout)(HELP);
    return cmd === undefined && !a.values.help ? 2 : 0;
  }
  if (cmd !== "discover") return usage(io, `unknown command '${cmd}'`);
  const mod = vendor === undefined ? undefined : VENDORS[vendor];
  if (!mod) return usage(io, vendor === undefined ? "name a vendor" : `unknown vendor '${vendor}'`);
  if (extra.length) return usage(io, `unexpected argument '${extra[0]}'`);
  const v = a.values;
  if ((v["stack-dir"] === undefined) !== (v.stack === undefined)) return usage(io, "--stack-dir and --stack go together");
  const foreign = [
    ...(vendor !== "scm" ? (["folder", "snippet", "device"] as const).filter((k) => v[k] !== undefined) : []),
    ...(vendor !== "nevisidm" ? (["client", "profile"] as const).filter((k) => v[k] !== undefined) : []),
  ];
  if (foreign.length) return usage(io, `--${foreign[0]} is not an option of \`discover ${vendor}\``);
  const quiet = v.quiet === true;
  try {
    if (v["stack-dir"] !== undefined && v.stack !== undefined) {
      const cfg = readStackConfig(v["stack-dir"], v.stack);
      setStackConfig({ get: (k) => cfg[k] });
    }
    const d = await mod.discover({
      folders: v.folder ?? [],
      snippets: v.snippet ?? [],
      devices: v.device ?? [],
      client: v.client,
      profiles: v.profile ?? [],
      progress: (line) => quiet || io.stderr(`${line}\n`),
    });
    const r = render(mod.info, d);
    if (v.out !== undefined) {
      fs.mkdirSync(path.dirname(path.resolve(v.out)), { recursive: true });
      fs.writeFileSync(v.out, r.text);
    } else io.stdout(r.text);
    if (!quiet) {
      const n = d.objects.length;
      io.stderr(`trustplane discover ${vendor}: ${n} ${nounOf(mod.info, n)} to adopt${v.out ? `, written to ${v.out}` : ""}${d.skipped.length ? `; skipped ${d.skipped.length}` : ""}\n`);
      for (const s of d.skipped) io.stderr(`  skipped: ${s}\n`);
      if (r.secrets.length) {
        io.stderr("Set the write-only secrets the program reads, in the stack that runs it:\n");
        for (const s of r.secrets) io.stderr(`  ${configSetLine(s)}${s.optional ? "   # only if it has one" : ""}\n`);
      }
    }
    return 0;
  } catch (e) {
    // The resources' own errors (vendor code, message, request id), secrets already redacted; redacted again here.
    io.stderr(`trustplane discover ${vendor}: ${redact(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

function usage(io: { stderr: (s: string) => void }, why: string): number {
  io.stderr(`trustplane: ${why}\n\n${HELP}`);
  return 2;
}

if (require.main === module) {
  run(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
    (code) => {
      // The transport keeps connections alive for the next call; the command is done, so it exits
      // once what it wrote has been flushed.
      process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
    },
    (e) => {
      process.stderr.write(`trustplane: ${redact(String((e as Error)?.stack ?? e))}\n`);
      process.exitCode = 1;
    },
  );
}
