/**
 * Before any test: make sure the Pulumi CLI is there (built from source on first use, see
 * tools/pulumi-cli/ensure.sh) and say which one the lifecycle tests run through.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

export default function setup(): void {
  const root = path.resolve(__dirname, "..");
  const bin = execFileSync("bash", [path.join(root, "tools", "pulumi-cli", "ensure.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  const version = execFileSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
  process.stdout.write(`\nlifecycle tests run through the real Pulumi CLI ${version} (${bin})\n\n`);
}
