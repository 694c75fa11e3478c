/**
 * Shared test helpers. End-to-end tests drive the COMPILED package (dist/), as a user's program
 * and the dynamic-provider host would load it; `npm test` builds before it runs vitest.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
export const requireDist = createRequire(path.join(ROOT, "package.json"));

/** The package as a program sees it: `require("trustplane")`. */
export function trustplane(): any {
  return requireDist("trustplane");
}

/** The emulators as a user's tests load them: `require("trustplane/emulators")`, never through the main entry. */
export function emulators(): typeof import("../src/emulators") {
  return requireDist("trustplane/emulators");
}

export function pulumiSdk(): any {
  return requireDist("@pulumi/pulumi");
}

export function tmpDir(prefix = "trustplane-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A unique, recognisable secret; tests assert it never shows up where secrets must not. */
export function canary(what: string): string {
  return `CANARY-${what}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Every place a secret could escape to, as text. */
export function findCanaries(canaries: string[], texts: Record<string, string>): string[] {
  const hits: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const c of canaries) if (text.includes(c)) hits.push(`${c} in ${where}`);
  }
  return hits;
}

export interface StackFixture {
  dir: string;
  stateFile: string;
}

export function stackFixture(): StackFixture {
  const dir = tmpDir();
  return { dir, stateFile: path.join(dir, "state.json") };
}

export function readState(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}
