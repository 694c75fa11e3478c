/**
 * Writes that landed although their caller saw a failure: the transport retries an idempotent
 * request whose answer was lost (the server processed it, then the connection was cut), and the
 * retry meets a refusal. For every resource, a delete in that situation is done (the object is
 * gone), and the stack is left with neither a stale entry nor an orphan.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { pulumiSdk, readState, stackFixture } from "../helpers";
import { runEngine } from "../recorder";
import { Canaries, resourceClass, useEnv, VENDORS, type Vendor } from "./vendors";

useEnv({ TRUSTPLANE_MIN_BACKOFF_MS: "2", TRUSTPLANE_MAX_BACKOFF_MS: "10" });
const canaries = new Canaries();

describe.each(VENDORS.map((v) => [v.name, v] as const))("%s", (_name, v: Vendor) => {
  it("a delete whose first attempt landed unanswered and whose retry was refused is done", { timeout: 60_000 }, async () => {
    const e = await v.start(canaries);
    const fx = stackFixture();
    const run = (verb: "up" | "destroy") =>
      runEngine(verb, {
        projectDir: fx.dir, project: "landed", stack: v.name, stateFile: fx.stateFile, config: v.config(e), passphrase: "p", out: () => undefined,
        program: () => {
          const Res = resourceClass(v);
          new Res("r0", v.args(e, 0, 0, pulumiSdk().secret, canaries));
          return {};
        },
      });
    try {
      expect((await run("up")).errors).toEqual([]);
      const [obj] = v.objects(e);
      const at = v.pathOf ? v.pathOf(obj.id) : new RegExp(`/${obj.id}$`);
      // nevisIDM's delete clears the owned keys with a PATCH; the others send DELETE.
      const method = v.name === "nevisidm" ? "PATCH" : "DELETE";
      e.emu.inject({ kind: "reset-after", method, path: at });
      e.emu.inject({ kind: "409", method, path: at });
      const r = await run("destroy");
      expect(r.errors).toEqual([]);
      // Both faults were met: the landed attempt and the refused retry.
      expect(e.emu.requests.filter((q: any) => q.fault && q.method === method).map((q: any) => q.fault)).toEqual(["reset-after", "409"]);
      expect(v.objects(e)).toEqual([]);
      expect(fs.existsSync(fx.stateFile) ? readState(fx.stateFile).resources : []).toEqual([]);
    } finally {
      await e.stop();
    }
  });
});
