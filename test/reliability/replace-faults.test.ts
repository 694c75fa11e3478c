/**
 * Replaces under faults: the two resources whose replace creates the new object before deleting
 * the old one (an SCM profile moved to another folder, a CZERTAINLY profile renamed). Whatever
 * fails along the way (the create, or the delete of the replaced object), nothing may be lost,
 * duplicated or orphaned, and once the faults stop, one more `up` leaves exactly the new objects.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { FaultKind } from "../../src/core/emulator";
import { pulumiSdk, readState, stackFixture } from "../helpers";
import { recorder } from "../recorder";
import { Canaries, resourceClass, useEnv, VENDORS, type Vendor } from "./vendors";

const R = 20;
const KINDS: FaultKind[] = ["429", "502", "503", "504", "reset", "reset-after", "slow", "malformed", "409"];
useEnv({ TRUSTPLANE_MIN_BACKOFF_MS: "2", TRUSTPLANE_MAX_BACKOFF_MS: "25", TRUSTPLANE_TIMEOUT_MS: "1000", TRUSTPLANE_MAX_RETRIES: "2" });

/** The change that replaces, per vendor: variant 0 is the original, 1 the replacement. */
const REPLACED: Record<string, (args: Record<string, unknown>, i: number) => Record<string, unknown>> = {
  scm: (a) => ({ ...a, folder: "Reliability Moved" }),
  czertainly: (a, i) => ({ ...a, name: `rel-${i}-renamed` }),
};

const canaries = new Canaries();
const vendors = VENDORS.filter((v) => v.name in REPLACED);

// CI runs one seed; `TRUSTPLANE_FAULT_SEED=<n>` runs another, for sweeps across many.
const SEED = Number(process.env.TRUSTPLANE_FAULT_SEED ?? 11);

describe.each(vendors.map((v) => [v.name, v] as const))("%s: replaces under faults", (_name, v: Vendor) => {
  it("never loses, duplicates or orphans an object, and converges once the faults stop", { timeout: 240_000 }, async () => {
    const e = await v.start(canaries);
    const fx = stackFixture();
    const rec = recorder();
    const all = Array.from({ length: R }, (_, i) => i);
    const program = (replaced: boolean) => () => {
      const Res = resourceClass(v);
      const pulumi = pulumiSdk();
      for (const i of all) {
        const a = v.args(e, i, 0, pulumi.secret, canaries);
        new Res(`r${i}`, replaced ? REPLACED[v.name](a, i) : a);
      }
      return {};
    };
    const state = () => (fs.existsSync(fx.stateFile) ? readState(fx.stateFile).resources : []) as any[];
    const consistency = () => {
      const st = state().map((r) => r.id);
      const objs = v.objects(e);
      const ids = new Set(objs.map((o) => o.id));
      const keys = objs.map((o) => o.key);
      // A replaced object kept for deletion may already be gone: its delete was processed but the
      // answer lost to a fault. That is no loss (the next delete meets a 404, which is done); a
      // live resource of the stack missing from the API would be.
      const live = state().filter((r) => !r.delete).map((r) => r.id);
      return {
        lost: live.filter((id) => !ids.has(id)),
        orphaned: objs.filter((o) => !st.includes(o.id)).map((o) => o.key),
        duplicated: keys.filter((k, i) => keys.indexOf(k) !== i),
      };
    };
    const up = async (replaced: boolean) => {
      const r = await rec.go("up", {
        projectDir: fx.dir, program: program(replaced), project: "replace-faults", stack: v.name,
        stateFile: fx.stateFile, config: v.config(e), passphrase: "reliability-passphrase", out: rec.out,
        // Every replacement is tried each run, not only those before the first failure.
        continueOnError: true,
      });
      expect(consistency()).toEqual({ lost: [], orphaned: [], duplicated: [] });
      return r;
    };
    try {
      await up(false);
      expect(v.objects(e)).toHaveLength(R);
      const before = new Set(v.objects(e).map((o) => o.id));

      e.emu.chaos({ rate: 0.2, seed: SEED, kinds: KINDS, delayMs: 1500 });
      // A delete that fails for good on some replaced objects: they must stay in the state.
      e.emu.inject({ kind: "409", method: "DELETE", times: 3 });
      const faulted = await up(true);
      expect(faulted.steps.some((s: any) => s.op === "replace" && !s.error)).toBe(true);
      const pendingAfterFaults = state().filter((r) => r.delete).length;
      expect(pendingAfterFaults).toBeGreaterThan(0);

      e.emu.chaos(undefined);
      e.emu.clearFaults();
      const clean = await up(true);
      expect(clean.errors).toEqual([]);
      const live = v.objects(e);
      expect(live).toHaveLength(R);
      expect(live.some((o) => before.has(o.id))).toBe(false);
      expect(state().some((r) => r.delete)).toBe(false);
      expect(state().map((r) => r.id).sort()).toEqual(live.map((o) => o.id).sort());
      // The replacements carry the new identity.
      const replacedKey = v.name === "scm" ? /^Reliability Moved\// : /-renamed$/;
      expect(live.every((o) => replacedKey.test(o.key))).toBe(true);

      await rec.go("destroy", {
        projectDir: fx.dir, program: program(true), project: "replace-faults", stack: v.name,
        stateFile: fx.stateFile, config: v.config(e), passphrase: "reliability-passphrase", out: rec.out,
        // Every replacement is tried each run, not only those before the first failure.
        continueOnError: true,
      });
      expect(v.objects(e)).toEqual([]);
      expect(state()).toEqual([]);
    } finally {
      await e.stop();
    }
  });
});
