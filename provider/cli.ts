#!/usr/bin/env node
/**
 * The offline driver from a shell, shaped like the Pulumi CLI:
 *   node dist/provider/cli.js up --cwd examples/scm-scep-profile --stack dev
 *   node dist/provider/cli.js config set --secret trustplane:scmClientSecret ... --stack dev
 * Stack config comes from Pulumi.<stack>.yaml (secure values decrypted with
 * PULUMI_CONFIG_PASSPHRASE); state lives in <project>/.trustplane/<stack>.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { run, type ConfigValue, type RunOptions, type Verb } from "./driver";
import { loadStackConfig, projectName, setStackConfig } from "./stackconfig";

const PKG_ROOT = path.resolve(__dirname, "..", "..");

/** The program's compiled entry: `index.js` beside Pulumi.yaml, or this package's build of it. */
export function programFor(projectDir: string): string {
  const local = path.join(projectDir, "index.js");
  if (fs.existsSync(local)) return local;
  const built = path.join(PKG_ROOT, "dist", path.relative(PKG_ROOT, path.resolve(projectDir)), "index.js");
  if (fs.existsSync(built)) return built;
  throw new Error(`no compiled program for ${projectDir}: expected ${local} or ${built} (run npm run build)`);
}

export interface StackOptions {
  projectDir: string;
  stack: string;
  passphrase: string;
  /** Config values that replace the stack file's (the demo points endpoints at emulators). */
  overrides?: Record<string, ConfigValue>;
  stateFile?: string;
  out?: (line: string) => void;
}

export function stackRunOptions(o: StackOptions): RunOptions {
  return {
    projectDir: path.resolve(o.projectDir),
    program: programFor(o.projectDir),
    project: projectName(o.projectDir),
    stack: o.stack,
    stateFile: o.stateFile ?? path.join(path.resolve(o.projectDir), ".trustplane", `${o.stack}.json`),
    config: { ...loadStackConfig(o.projectDir, o.stack, o.passphrase), ...(o.overrides ?? {}) },
    passphrase: o.passphrase,
    out: o.out,
  };
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const cwd = flag(args, "--cwd") ?? process.cwd();
  const stack = flag(args, "--stack") ?? "dev";
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined) {
    console.error("error: set PULUMI_CONFIG_PASSPHRASE (it decrypts the stack's secure config and state)");
    return 2;
  }
  const [verb, ...rest] = args;
  if (verb === "config" && rest[0] === "set") {
    const secret = rest.includes("--secret");
    const [key, value] = rest.slice(1).filter((a) => a !== "--secret");
    if (!key || value === undefined) throw new Error("usage: config set [--secret] <key> <value>");
    setStackConfig(cwd, stack, passphrase, key, value, secret);
    return 0;
  }
  if (!["preview", "up", "refresh", "destroy"].includes(verb)) {
    console.error("usage: cli.js <preview|up|refresh|destroy> [--cwd <project dir>] [--stack <name>]\n       cli.js config set [--secret] <key> <value> [--cwd <dir>] [--stack <name>]");
    return 2;
  }
  const r = await run(verb as Verb, stackRunOptions({ projectDir: cwd, stack, passphrase }));
  return r.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`error: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
