/**
 * `--stack-skip-checkpoints` (tools/stack-bench.ts, `skipCheckpoints`) is a diagnostic that holds
 * only if the variable reaches the engine through a run's `env` and changes what the engine
 * writes: by default the state records a create as pending before the provider is called (a
 * checkpoint per step, pkg/backend/snapshot.go `defaultServiceLoop`); with
 * PULUMI_SKIP_CHECKPOINTS=true nothing is written until the operation ends (`unsafeServiceLoop`).
 * The probe's create reads the stack's state file in the local backend while the engine waits.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pulumiSdk, readState, requireDist, stackFixture } from "../helpers";
import { backendOf, runEngine } from "../recorder";

const fixture = path.join(__dirname, "..", "fixtures", "checkpoint-probe-provider.js");

describe("PULUMI_SKIP_CHECKPOINTS through a run's env", () => {
  const probe = async (env: Record<string, string> | undefined) => {
    const fx = stackFixture();
    const r = await runEngine("up", {
      projectDir: fx.dir, project: "probe", stack: "dev", stateFile: fx.stateFile, passphrase: "p", out: () => undefined,
      ...(env ? { env } : {}),
      program: () => {
        const pulumi = pulumiSdk();
        const { provider } = requireDist(fixture);
        new pulumi.dynamic.Resource(provider, "obj", { backendDir: backendOf(fx.stateFile), stack: "dev", name: "obj" });
        return {};
      },
    });
    expect(r.errors).toEqual([]);
    const [only] = readState(fx.stateFile).resources;
    // The stack's state file exists either way (the stack was created before the up).
    expect(only.outputs.stateFiles).toBe(1);
    return only.outputs.pendingCreateRecorded;
  };

  it("records the pending create before calling the provider by default, and not with the variable set", async () => {
    expect(await probe(undefined)).toBe(true);
    expect(await probe({ PULUMI_SKIP_CHECKPOINTS: "true" })).toBe(false);
  }, 120_000);
});
