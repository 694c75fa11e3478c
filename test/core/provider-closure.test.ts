/**
 * The `__provider` text Pulumi stores in the state of every resource, for each of the five
 * types: small, free of secrets (even a secret in the resource's `connection`), and the same when
 * the package's internals change (else every upgrade would show a diff on every resource).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { canary, ROOT, tmpDir } from "../helpers";

// Real processes: generous under a parallel run on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

interface Case {
  type: string;
  /** JavaScript that constructs one resource; `S` is the secret canary, wrapped by `pulumi.secret`. */
  construct: string;
  /** Names of our internals that must not be in the text. */
  internals: RegExp;
}

const CASES: Case[] = [
  {
    type: "scm:ScepProfile",
    construct: `new tp.scm.ScepProfile("a", { folder: "F", name: "n", scepChallenge: { fixed: pulumi.secret(S) },
      caIdentityName: "ca", algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://x",
      connection: { clientSecret: pulumi.secret(S) } })`,
    internals: /ScmClient|tokenCache/,
  },
  {
    type: "czertainly:ScepProfile",
    construct: `new tp.czertainly.ScepProfile("a", { name: "n", caCertificateUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51",
      challengePassword: pulumi.secret(S),
      customAttributes: [{ uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ee", name: "s", contentType: "secret", content: [{ data: { secret: S } }] }],
      connection: { url: "https://core.example.com/api", token: pulumi.secret(S) } })`,
    internals: /CzertainlyClient|hasSecretContent/,
  },
  {
    type: "vcf:IdentityProvider",
    construct: `new tp.vcf.IdentityProvider("a", { name: "n", type: "Microsoft ADFS",
      oidc: { clientId: "c", clientSecret: pulumi.secret(S), discoveryEndpoint: "https://adfs.example.com/adfs/.well-known/openid-configuration" },
      connection: { host: "sddc.example.com", username: "u", password: pulumi.secret(S) } })`,
    internals: /VcfClient|waitForTask/,
  },
  {
    type: "cxif:ScimConfiguration",
    construct: `new tp.cxif.ScimConfiguration("a", { targetConnectionDescriptorName: "d",
      profiles: { Subscriber: { groupAssignment: ["g"] } },
      connection: { clientId: "id", clientSecret: pulumi.secret(S) } })`,
    internals: /CxifClient|tokenCache/,
  },
  {
    type: "nevisidm:ProfileProperties",
    construct: `new tp.nevisidm.ProfileProperties("a", { clientExtId: "acme", profileExtId: "p",
      properties: { employee_id: pulumi.secret(S) },
      connection: { url: "https://idm.example.com", token: pulumi.secret(S) } })`,
    internals: /NevisidmClient/,
  },
];

function serialize(pkgRoot: string, c: Case, secret: string): string {
  const script = `
    const pulumi = require(${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi"))});
    pulumi.runtime.setMocks({
      newResource: async (a) => { process.stdout.write(a.inputs.__provider); return { id: "x", state: {} }; },
      call: async () => ({}),
    }, "p", "s", true);
    const tp = require(${JSON.stringify(path.join(pkgRoot, "dist/src/index.js"))});
    const S = ${JSON.stringify(secret)};
    ${c.construct};
  `;
  return execFileSync(process.execPath, ["-e", script], { cwd: pkgRoot, encoding: "utf8" });
}

/** A copy of the build whose every vendor module differs; the same dependencies (one SDK instance, as in a real install). */
function alteredCopy(): string {
  const dir = tmpDir("trustplane-altered-");
  fs.cpSync(path.join(ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const v of ["scm", "czertainly", "vcf", "cxif", "nevisidm"])
    for (const f of ["provider.js", "schema.js", "client.js"]) fs.appendFileSync(path.join(dir, "dist/src", v, f), "\nexports.__internalChange = () => 42;\n");
  fs.appendFileSync(path.join(dir, "dist/src/core/transport.js"), "\nexports.__internalChange = () => 42;\n");
  return dir;
}

describe.each(CASES)("the serialized __provider of $type", (c) => {
  const secret = canary(`closure-${c.type.split(":")[0]}`);
  let text: string;

  it("is small and only forwards to trustplane/provider with the type token", () => {
    text = serialize(ROOT, c, secret);
    expect(text.length).toBeGreaterThan(200);
    expect(text.length).toBeLessThan(4096);
    expect(text).toContain('require("trustplane/provider")');
    expect(text).toContain(JSON.stringify(c.type));
    expect(text).not.toMatch(/undici|zod/);
    expect(text).not.toMatch(c.internals);
  });

  it("holds no secret, even when the resource's connection does", () => {
    expect(text).not.toContain(secret);
  });

  it("is identical across two builds whose internals differ", () => {
    expect(serialize(alteredCopy(), c, secret)).toBe(text);
  });

  // Captured on 2026-12-02 before the stub became one shared object per type (issue 17): every
  // existing stack holds this text, so any change to it is a diff on every resource.
  it("is byte-for-byte the text existing stacks hold", () => {
    const fixture = fs.readFileSync(path.join(ROOT, "test/fixtures/provider-closure", `${c.type.replace(":", ".")}.txt`), "utf8");
    expect(text).toBe(fixture);
  });

  it("is the same for the second resource of the type as for the first", () => {
    expect(serialize(ROOT, { ...c, construct: `${c.construct.replace('("a"', '("first"')}; ${c.construct.replace('("a"', '("b"')}` }, secret)).toBe(text + text);
  });
});
