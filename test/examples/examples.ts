/**
 * What the example tests share: an example's stack config as the demo decrypts it, its secret
 * values (to scan for), and the demo run through its CLI entry, as `npm run demo` runs it.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { requireDist, ROOT } from "../helpers";

export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/** The passphrase the committed examples' stack files are encrypted with. */
export const DEMO_PASSPHRASE: string = requireDist("./dist/provider/demo.js").DEMO_PASSPHRASE;

export const exampleDir = (example: string) => path.join(ROOT, "examples", example);

export function stackConfig(example: string, stack: string): StackConfig {
  return requireDist("./dist/provider/stackconfig.js").loadStackConfig(exampleDir(example), stack, DEMO_PASSPHRASE);
}

export function stackSecrets(example: string, stack: string): string[] {
  return Object.values(stackConfig(example, stack)).filter((v) => v.secret).map((v) => v.value);
}

/** `node dist/provider/demo.js --example <example> --stack <stack>`: everything it printed. */
export async function demoCli(example: string, stack = "dev"): Promise<string> {
  const r = await promisify(execFile)(process.execPath, [path.join(ROOT, "dist", "provider", "demo.js"), "--example", example, "--stack", stack], {
    cwd: ROOT,
    env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE },
  });
  return r.stdout + r.stderr;
}
