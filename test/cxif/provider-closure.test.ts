/**
 * The `__provider` text Pulumi stores in state for a ScimConfiguration: small, free of secrets,
 * and the same when the package's internals change (else every upgrade would show a diff).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { canary, ROOT, tmpDir } from "../helpers";

const secret = canary("cxif-closure");

function serialize(pkgRoot: string): string {
  const script = `
    const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi"))});
    pulumi.runtime.setMocks({
      newResource: async (a) => { process.stdout.write(a.inputs.__provider); return { id: "x", state: {} }; },
      call: async () => ({}),
    }, "p", "s", true);
    const { cxif } = require(${JSON.stringify(path.join(pkgRoot, "dist/src/index.js"))});
    new cxif.ScimConfiguration("a", { targetConnectionDescriptorName: "d",
      profiles: { Subscriber: { groupAssignment: ["g"] } },
      connection: { clientId: "id", clientSecret: pulumi.secret(${JSON.stringify(secret)}) } });
  `;
  return execFileSync(process.execPath, ["-e", script], { cwd: pkgRoot, encoding: "utf8" });
}

function alteredCopy(): string {
  const dir = tmpDir("trustplane-cxif-altered-");
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const f of ["dist/src/cxif/provider.js", "dist/src/cxif/schema.js", "dist/src/cxif/client.js"]) {
    fs.appendFileSync(path.join(dir, f), "\nexports.__internalChange = () => 42;\n");
  }
  return dir;
}

describe("the serialized __provider of cxif.ScimConfiguration", () => {
  const text = serialize(ROOT);

  it("is small and only forwards to trustplane/provider with the cxif type token", () => {
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain('require("trustplane/provider")');
    expect(text).toContain('"cxif:ScimConfiguration"');
    expect(text).not.toMatch(/undici|zod|CxifClient|tokenCache/);
  });

  it("holds no secret, even when the resource's connection does", () => {
    expect(text).not.toContain(secret);
  });

  it("is identical across two builds whose internals differ", () => {
    expect(serialize(alteredCopy())).toBe(text);
  });
});
