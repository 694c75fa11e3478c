/**
 * An update that changes the object and then fails (ErrorResourceInitFailed): the engine records
 * the half-updated object in place of the old entry, with its init errors, and the next `up`
 * starts from it. Keeping the old entry as well would give one URN two entries; keeping only the
 * old one would diff the next run against properties the object no longer has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pulumiSdk, readState, requireDist, stackFixture } from "../helpers";
import { runEngine } from "../recorder";

const fixture = path.join(__dirname, "..", "fixtures", "partial-update-provider.js");

describe("an update that fails after changing the object", () => {
  const fx = stackFixture();
  const store = () => path.join(fx.dir, "object.json");
  const run = (op: string, value: string, failUpdate: boolean) =>
    runEngine(op, {
      projectDir: fx.dir, project: "partial", stack: "dev", stateFile: fx.stateFile, passphrase: "p", out: () => undefined,
      program: () => {
        const pulumi = pulumiSdk();
        const { provider } = requireDist(fixture);
        new pulumi.dynamic.Resource(provider, "obj", { store: store(), value, failUpdate });
        return {};
      },
    });
  const entries = () => readState(fx.stateFile).resources;

  it("records the half-updated object in place of the old entry, and the next up goes on from it", async () => {
    expect((await run("up", "one", false)).errors).toEqual([]);
    expect(entries().map((r: any) => r.outputs.version)).toEqual([1]);

    const r = await run("up", "two", true);
    expect(r.errors.join("\n")).toMatch(/verification failed/);
    const [only, ...rest] = entries();
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ id: "obj-1", outputs: { value: "two", version: 2 }, initErrors: ["verification failed"] });

    // The next up diffs against the half-updated object and updates it from there.
    const again = await run("up", "two", false);
    expect(again.errors).toEqual([]);
    expect(entries()).toHaveLength(1);
    expect(entries()[0].outputs).toMatchObject({ value: "two", version: 3, failUpdate: false });
    expect(entries()[0].initErrors ?? []).toEqual([]);
    expect(JSON.parse(fs.readFileSync(store(), "utf8"))).toEqual({ value: "two", version: 3 });

    expect((await run("destroy", "two", false)).errors).toEqual([]);
    expect(entries()).toEqual([]);
    expect(fs.existsSync(store())).toBe(false);
  });
});
