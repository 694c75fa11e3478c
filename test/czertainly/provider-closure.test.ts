/**
 * The `__provider` text Pulumi stores in the state of every czertainly.ScepProfile: small, free of
 * secrets, and the same when the package's internals change (else an upgrade would diff every
 * resource).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { canary, ROOT, tmpDir } from "../helpers";

// Real servers, real processes: generous under a parallel run on a loaded machine.
vi.setConfig({ testTimeout: 30_000 });

const secret = canary("czertainly-closure");

/** Serializes a ScepProfile's provider with the package found at `pkgRoot`, in a fresh process. */
function serialize(pkgRoot: string): string {
  const script = `
    const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi"))});
    pulumi.runtime.setMocks({
      newResource: async (a) => { process.stdout.write(a.inputs.__provider); return { id: "x", state: {} }; },
      call: async () => ({}),
    }, "p", "s", true);
    const { czertainly } = require(${JSON.stringify(path.join(pkgRoot, "dist/src/index.js"))});
    new czertainly.ScepProfile("a", {
      name: "n", caCertificateUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51",
      challengePassword: pulumi.secret(${JSON.stringify(secret)}),
      customAttributes: [{ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ee", name: "s", contentType: "secret", content: [{ data: { secret: ${JSON.stringify(secret)} } }] }],
      connection: { url: "https://core.example.com/api", token: pulumi.secret(${JSON.stringify(secret)}) },
    });
  `;
  return execFileSync(process.execPath, ["-e", script], { cwd: pkgRoot, encoding: "utf8" });
}

/** A copy of the built package whose internals differ (as after an upgrade). */
function alteredCopy(): string {
  const dir = tmpDir("trustplane-altered-");
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const f of ["dist/src/czertainly/provider.js", "dist/src/czertainly/client.js", "dist/src/czertainly/schema.js"]) {
    fs.appendFileSync(path.join(dir, f), "\nexports.__internalChange = () => 42;\n");
  }
  return dir;
}

describe("the serialized __provider of czertainly.ScepProfile", () => {
  const text = serialize(ROOT);

  it("is small and only forwards to trustplane/provider", () => {
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain('require("trustplane/provider")');
    expect(text).toContain('"czertainly:ScepProfile"');
    expect(text).not.toMatch(/undici|zod|CzertainlyClient|hasSecretContent/);
  });

  it("holds no secret, even when the resource's inputs do", () => {
    expect(text).not.toContain(secret);
  });

  it("is identical across two builds whose internals differ", () => {
    expect(serialize(alteredCopy())).toBe(text);
  });
});
