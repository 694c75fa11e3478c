/**
 * The `__provider` text Pulumi stores in state: small, free of secrets, and the same when the
 * package's internals change (else every upgrade would show a diff on every resource).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { canary, ROOT, tmpDir } from "../helpers";

const secret = canary("closure");

/** Serializes a ScepProfile's provider with the package found at `pkgRoot`, in a fresh process. */
function serialize(pkgRoot: string): string {
  const script = `
    const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi"))});
    pulumi.runtime.setMocks({
      newResource: async (a) => { process.stdout.write(a.inputs.__provider); return { id: "x", state: {} }; },
      call: async () => ({}),
    }, "p", "s", true);
    const { scm } = require(${JSON.stringify(path.join(pkgRoot, "dist/src/index.js"))});
    new scm.ScepProfile("a", { folder: "F", name: "n", scepChallenge: { fixed: pulumi.secret(${JSON.stringify(secret)}) },
      caIdentityName: "ca", algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://x",
      connection: { clientSecret: pulumi.secret(${JSON.stringify(secret)}) } });
  `;
  return execFileSync(process.execPath, ["-e", script], { cwd: pkgRoot, encoding: "utf8" });
}

/** A copy of the built package whose internals differ (as after an upgrade). */
function alteredCopy(): string {
  const dir = tmpDir("trustplane-altered-");
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  // Same dependencies (one SDK instance, as in a real install); only our code differs.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const f of ["dist/src/scm/provider.js", "dist/src/core/transport.js", "dist/src/scm/schema.js"]) {
    fs.appendFileSync(path.join(dir, f), "\nexports.__internalChange = () => 42;\n");
  }
  return dir;
}

describe("the serialized __provider", () => {
  const text = serialize(ROOT);

  it("is small and only forwards to trustplane/provider", () => {
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain('require("trustplane/provider")');
    expect(text).toContain('"scm:ScepProfile"');
    expect(text).not.toMatch(/undici|zod|ScmClient|tokenCache/);
  });

  it("holds no secret, even when the resource's inputs do", () => {
    expect(text).not.toContain(secret);
  });

  it("is identical across two builds whose internals differ", () => {
    expect(serialize(alteredCopy())).toBe(text);
  });
});
