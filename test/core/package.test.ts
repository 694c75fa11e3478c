/**
 * What the shipped package loads: a Pulumi program importing `trustplane`, and the engine loading
 * `trustplane/provider` for every resource type, load no emulator (an HTTP server with seed data
 * has no place in a deployment); the emulators come from their own subpath, `trustplane/emulators`.
 * Each load runs in a fresh `node` process resolving the package by name from the built tree, as a
 * user's program would, so that nothing this test process already loaded hides a stray require.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers";

const VENDORS = ["scm", "czertainly", "vcf", "cxif", "nevisidm"];

/** The package's own modules (node_modules left out) that `script` leaves in `require.cache`. */
function loadedBy(script: string): string[] {
  const out = execFileSync(
    process.execPath,
    ["-e", `${script}; process.stdout.write(JSON.stringify(Object.keys(require.cache)))`],
    { cwd: ROOT, encoding: "utf8" },
  );
  return (JSON.parse(out) as string[]).filter((k) => !k.includes(`${path.sep}node_modules${path.sep}`)).map((k) => path.relative(ROOT, k));
}

const emulatorModules = (files: string[]) => files.filter((f) => /^emulator/.test(path.basename(f)));

describe("the package as a program and the engine load it", () => {
  it("the main entry loads every vendor's resource and no emulator module", () => {
    const files = loadedBy(`require(${JSON.stringify(path.join(ROOT, "dist/src/index.js"))})`);
    for (const v of VENDORS) expect(files).toContain(path.join("dist/src", v, "resource.js"));
    expect(emulatorModules(files)).toEqual([]);
  });

  it("`require(\"trustplane\")` by name resolves to that same entry", () => {
    const resolved = execFileSync(process.execPath, ["-e", `process.stdout.write(require.resolve("trustplane"))`], { cwd: ROOT, encoding: "utf8" });
    expect(resolved).toBe(path.join(ROOT, "dist/src/index.js"));
  });

  it("trustplane/provider, with the hooks of every resource type loaded, loads no emulator module", () => {
    const files = loadedBy(`const p = require("trustplane/provider"); for (const t of p.resourceTypes) { p.hooks(t); p.secretOutputs(t); }`);
    for (const v of VENDORS) expect(files).toContain(path.join("dist/src", v, "provider.js"));
    expect(emulatorModules(files)).toEqual([]);
  });

  it("a preview's host (check and diff of every resource type) loads no HTTP client: undici comes with the first request", () => {
    // The engine starts a host per operation; a preview only checks and diffs, offline.
    const script = `
      const p = require("trustplane/provider");
      const undiciLoaded = () => Object.keys(require.cache).some((k) => k.includes("/node_modules/undici/"));
      (async () => {
        for (const t of p.resourceTypes) {
          const h = p.hooks(t);
          const checked = await h.check({}, {});
          await h.diff("id", checked.inputs ?? {}, checked.inputs ?? {});
        }
        const before = undiciLoaded();
        // The first request loads it: a read of an unreachable endpoint fails fast, after the load.
        await p.hooks("scm:ScepProfile").read("x", { connection: { clientId: "c", clientSecret: "s", tsgId: "1", tokenUrl: "http://127.0.0.1:9/t", apiUrl: "http://127.0.0.1:9/a" } }).catch(() => {});
        process.stdout.write(JSON.stringify({ before, after: undiciLoaded() }));
      })();`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TRUSTPLANE_MAX_RETRIES: "0" } });
    expect(JSON.parse(out)).toEqual({ before: false, after: true });
  });

  it("the engine's host parses without zod's generated parsers (no code made at run time): a host lives for one operation", () => {
    // zod makes each object schema's parser with `new Function` on its first parse; counted here.
    const script = `
      let made = 0;
      const RealFunction = Function;
      globalThis.Function = new Proxy(RealFunction, { construct: (t, args) => (made++, Reflect.construct(t, args)) });
      const p = require("trustplane/provider");
      (async () => {
        for (const t of p.resourceTypes) await p.hooks(t).check({}, {});
        const scm = await p.hooks("scm:ScepProfile").check({}, {
          folder: "F", name: "n", scepChallenge: { none: {} }, caIdentityName: "CA",
          algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha256", scepUrl: "https://pki.example.com/scep",
        });
        process.stdout.write(JSON.stringify({ failures: scm.failures ?? [], made, jitless: require("zod/v4/core").globalConfig.jitless }));
      })();`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
    expect(out).toEqual({ failures: [], made: 0, jitless: true });
  });

  it("trustplane/emulators resolves to the built module and exports the five start functions", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `const e = require("trustplane/emulators");
         process.stdout.write(JSON.stringify({ file: require.resolve("trustplane/emulators"), kinds: Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v])) }))`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const { file, kinds } = JSON.parse(out);
    expect(file).toBe(path.join(ROOT, "dist/src/emulators.js"));
    for (const fn of ["startScmEmulator", "startCzertainlyEmulator", "startVcfEmulator", "startCxifEmulator", "startNevisidmEmulator"]) expect(kinds[fn]).toBe("function");
  });

  it("package.json names the emulators' types and code, both in the built tree and in `files`", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const entry = pkg.exports["./emulators"];
    expect(entry).toEqual({ types: "./dist/src/emulators.d.ts", default: "./dist/src/emulators.js" });
    for (const f of [entry.types, entry.default]) {
      expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
      expect(pkg.files.some((p: string) => path.normalize(f).startsWith(path.normalize(p)))).toBe(true);
    }
  });
});
