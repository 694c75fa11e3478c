/**
 * Each per-resource example runs its whole demo (create, no-op preview, update from a config
 * change, refresh of a change made outside Pulumi, destroy) through the CLI entry and the real
 * Pulumi engine, and documents adoption (`adopt`) in a comment.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findCanaries } from "../helpers";
import { demoCli, exampleDir, exportedResources, stackSecrets } from "./examples";

const EXAMPLES = ["scm-scep-profile", "czertainly-scep-profile", "vcf-identity-provider", "cxif-scim-configuration", "nevisidm-profile-properties"];

describe("per-resource examples", () => {
  it.each(EXAMPLES)("%s: a Pulumi project with an adoption comment", (ex) => {
    const dir = exampleDir(ex);
    for (const f of ["Pulumi.yaml", "package.json", "index.ts", "Pulumi.dev.yaml"]) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toMatch(/adopt: "[^"]+"/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies.trustplane).toBe("file:../..");
  });

  // Five demos of six host runs each, two at a time (the machine has two cores): minutes when loaded.
  it("every example's demo succeeds, updates and sees drift, and prints no secret", { timeout: 400_000 }, async () => {
    const demo = (ex: string) => demoCli(ex).then((out) => ({ ex, out }));
    const queue = [...EXAMPLES];
    const results: { ex: string; out: string }[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        for (let ex = queue.shift(); ex; ex = queue.shift()) results.push(await demo(ex));
      }),
    );
    expect(results.map((r) => r.ex).sort()).toEqual([...EXAMPLES].sort());
    for (const { ex, out } of results) {
      expect(out, ex).toContain(`demo finished: every step succeeded (${ex}, stack dev)`);
      // The engine's summaries (its counts include the stack resource): create, update, the
      // refresh that found drift, destroy.
      expect(out, ex).toMatch(/Resources:\n\s+\+ 2 created/);
      expect(out.match(/Resources:\n\s+~ 1 updated\n\s+1 unchanged/g), ex).toHaveLength(2);
      expect(out, ex).toContain("=== refresh: the state catches up with the live objects ===");
      expect(out, ex).toMatch(/Resources:\n\s+- 2 deleted/);
      const stateFile = path.join(exampleDir(ex), ".trustplane", "demo-dev.json");
      expect(exportedResources(fs.readFileSync(stateFile, "utf8")), ex).toEqual([]);
      const secrets = await stackSecrets(ex, "dev");
      expect(secrets.length, ex).toBeGreaterThan(0);
      expect(findCanaries(secrets, { [`${ex} output`]: out, [`${ex} state`]: fs.readFileSync(stateFile, "utf8") })).toEqual([]);
    }
  });
});
