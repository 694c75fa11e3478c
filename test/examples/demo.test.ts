/**
 * `npm run demo`, end to end through the real Pulumi engine: the identity-platform example's dev
 * stack in process (so the exported state can be read after every step) and its prod stack at the same time through the CLI entry,
 * against their own emulators. Asserts the plan, the outputs wired across vendors, the state after
 * each step, and that no secret of either stack's config shows up anywhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findCanaries, requireDist } from "../helpers";
import { demoCli, exampleDir, exportedResources, stackSecrets } from "./examples";

const EXAMPLE = exampleDir("identity-platform");

describe("the identity-platform demo", () => {
  // Two stacks of five resources through twelve host runs: minutes on a loaded two-core machine.
  it("runs dev and prod independently: plan, up, no-op preview, update, refresh with drift, destroy, and leaks no secret", { timeout: 400_000 }, async () => {
    const { demo } = requireDist("./dist/tools/demo.js");
    const secrets = [...(await stackSecrets("identity-platform", "dev")), ...(await stackSecrets("identity-platform", "prod"))];
    expect(secrets.length).toBeGreaterThanOrEqual(16);

    // prod through the CLI entry, as `npm run demo -- --stack prod` runs it, while dev runs here.
    const prod = demoCli("identity-platform", "prod");

    const lines: string[] = [];
    const states: Record<string, string> = {};
    const resourcesAfter: Record<string, string[]> = {};
    const dev = await demo({
      example: "identity-platform",
      stack: "dev",
      out: (l: string) => lines.push(l),
      onStep: (title: string, exported: string) => {
        states[title] = exported;
        resourcesAfter[title] = exportedResources(exported).map((r: { type: string }) => r.type.replace(/^pulumi-nodejs:dynamic\//, "")).sort();
      },
    });
    const prodOut = await prod;

    expect(dev.ok, lines.join("\n")).toBe(true);
    // The engine's own output, as `pulumi preview` and `pulumi up` print it.
    expect(lines[0]).toMatch(/^Pulumi CLI v3\.\d+\.\d+; stack dev of examples\/identity-platform$/);
    expect(lines).toContain("  Previewing update (dev):");
    expect(lines).toContain("  Updating (dev):");
    expect(lines).toContain("  Destroying (dev):");
    const [plan, up, again, update, refresh, destroy] = dev.steps;
    expect(dev.steps.map((s: { title: string }) => s.title.split(":")[0])).toEqual([
      "preview", "up", "preview again", "up after the config change", "refresh", "destroy",
    ]);
    const five = ["cxif:ScimConfiguration", "czertainly:ScepProfile", "nevisidm:ProfileProperties", "scm:ScepProfile", "vcf:IdentityProvider"];

    // The plan creates all five and knows no server-assigned value yet.
    expect(plan.counts.create).toBe(5);
    expect(resourcesAfter[plan.title]).toEqual([]);
    expect(plan.outputs.scimHref).toBe("(unknown)");

    // up: five objects in state, and outputs wired across vendors.
    expect(up.counts.create).toBe(5);
    expect(resourcesAfter[up.title]).toEqual(five);
    const ca = up.outputs.scepCaCertificate as { subject: string; fingerprint: string; notAfter: string };
    expect(ca.subject).toMatch(/^CN=/);
    expect(ca.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(ca.notAfter)).toBeGreaterThan(Date.now());
    expect(up.outputs.scepUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/protocols\/scep\/globalprotect-devices-dev\/pkiclient\.exe$/);
    expect(up.outputs.scimHref).toBe("/connectionDescriptors/oci-iam-dev");
    expect(up.outputs.datacenterIdentityProviderStatus).toBe("ACTIVE");
    expect(up.outputs.rolloutRecord).toEqual({ rollout_stack: "dev", gp_scep_profile: "gp-devices-dev", scim_href: "/connectionDescriptors/oci-iam-dev" });
    // The SCM profile carries what CZERTAINLY answered, not a copy.
    const scm = exportedResources(states[up.title]).find((r: { type: string }) => r.type.endsWith("scm:ScepProfile"));
    expect(scm.outputs.scepUrl).toBe(up.outputs.scepUrl);
    expect(scm.outputs.fingerprint).toBe(ca.fingerprint);

    // An unchanged program plans nothing.
    expect(again.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 5 });

    // The config change (digest) updates the SCM profile alone.
    expect(update.counts).toMatchObject({ update: 1, create: 0, replace: 0, delete: 0, same: 4 });
    expect(update.outputs.globalProtectDigest).toBe("sha512");

    // Every vendor's emulator was changed outside Pulumi; refresh sees each change.
    expect(refresh.counts.refresh).toBe(5);
    expect(lines.filter((l) => l.includes("(outside Pulumi)"))).toHaveLength(5);
    expect(resourcesAfter[refresh.title]).toEqual(five);

    expect(destroy.counts.delete).toBe(5);
    expect(resourcesAfter[destroy.title]).toEqual([]);
    expect(exportedResources(fs.readFileSync(dev.stateFile, "utf8"))).toEqual([]);

    // prod ran on its own emulators with its own names and state file.
    expect(prodOut).toContain("demo finished: every step succeeded (identity-platform, stack prod)");
    expect(prodOut).toContain('scimHref: "/connectionDescriptors/oci-iam-prod"');
    expect(prodOut).toContain('globalProtectDigest: "sha384"');
    expect(prodOut).not.toContain("oci-iam-dev");
    expect(exportedResources(fs.readFileSync(path.join(EXAMPLE, ".trustplane", "demo-prod.json"), "utf8"))).toEqual([]);

    const texts: Record<string, string> = { "dev output": lines.join("\n"), "prod output": prodOut };
    for (const [title, text] of Object.entries(states)) texts[`dev state after ${title}`] = text;
    for (const s of dev.steps) {
      texts[`dev host log, ${s.title}`] = s.hostLog.join("\n");
      texts[`dev errors, ${s.title}`] = s.errors.join("\n");
    }
    expect(findCanaries(secrets, texts)).toEqual([]);
    // The state holds the secrets encrypted, in Pulumi's wire shape, not absent.
    expect(states[up.title]).toContain("4dabf18193072939515e22adb298388d");
  });
});
