/**
 * What the example tests share: an example's stack config as the real engine decrypts it, its
 * secret values (to scan for), and the demo run through its CLI entry, as `npm run demo` runs it.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { requireDist, ROOT, tmpDir } from "../helpers";
import { engine } from "../recorder";

export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/** The passphrase the committed examples' stack files are encrypted with. */
export const DEMO_PASSPHRASE: string = requireDist("./dist/tools/demo.js").DEMO_PASSPHRASE;

export const exampleDir = (example: string) => path.join(ROOT, "examples", example);

/** `pulumi config --show-secrets` of the example's committed stack file, on a copy of it. */
export async function stackConfig(example: string, stack: string): Promise<StackConfig> {
  const dir = tmpDir("trustplane-example-config-");
  for (const f of ["Pulumi.yaml", `Pulumi.${stack}.yaml`]) fs.copyFileSync(path.join(exampleDir(example), f), path.join(dir, f));
  return engine().stackConfig({
    workDir: dir,
    backendDir: path.join(dir, "backend"),
    project: example,
    stack,
    program: () => ({}),
    passphrase: DEMO_PASSPHRASE,
    projectFile: true,
  });
}

export async function stackSecrets(example: string, stack: string): Promise<string[]> {
  return Object.values(await stackConfig(example, stack)).filter((v) => v.secret).map((v) => v.value);
}

/** `node dist/tools/demo.js --example <example> --stack <stack>`: everything it printed. */
export async function demoCli(example: string, stack = "dev"): Promise<string> {
  const r = await promisify(execFile)(process.execPath, [path.join(ROOT, "dist", "tools", "demo.js"), "--example", example, "--stack", stack], {
    cwd: ROOT,
    env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.stdout + r.stderr;
}

/** The custom resources of a `pulumi stack export`, by short type. */
export function exportedResources(exported: string): any[] {
  return (JSON.parse(exported).deployment?.resources ?? []).filter((r: any) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
}
