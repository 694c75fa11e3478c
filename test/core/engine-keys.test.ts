/**
 * The engine's own keys never reach a vendor. The dynamic-provider host passes `__provider` (the
 * serialized provider, kB of JavaScript) inside every property map it hands a hook; the hooks the
 * engine reaches through `trustplane/provider` must see the resource's properties only, and no
 * request body may carry an engine key. The host's own objects keep `__provider`: it reads it
 * back from them after each hook to write it into the state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDist } from "../helpers";
import { Canaries, VENDORS, withConnection } from "../reliability/vendors";

const ENGINE = { __provider: "exports.handler = __f0; function __f0() { return require('trustplane/provider'); }", __engineExtra: "x" };

const hasEngineKey = (v: unknown): boolean =>
  Array.isArray(v) ? v.some(hasEngineKey) : !!v && typeof v === "object" && Object.entries(v).some(([k, x]) => k.startsWith("__") || hasEngineKey(x));

describe.each(VENDORS)("$type through trustplane/provider", (v) => {
  let e: any;
  const canaries = new Canaries();
  beforeAll(async () => {
    process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
    process.env.TRUSTPLANE_VCF_TASK_POLL_MS = "5";
    e = await v.start(canaries);
  });
  afterAll(() => e?.stop());

  it("no hook sees an engine key and no request to the vendor carries one, for a whole lifecycle", async () => {
    const hooks = requireDist("./dist/provider/index.js").hooks(v.type);
    const args = (variant: number) => withConnection(v, e, v.args(e, 7, variant, (s) => s, canaries));

    const news = { ...args(0), ...ENGINE };
    const c = await hooks.check({}, news);
    expect(c.failures).toEqual([]);
    expect(hasEngineKey(c.inputs)).toBe(false);
    expect(news.__provider).toBe(ENGINE.__provider);

    const props = { ...c.inputs, ...ENGINE };
    const created = await hooks.create(props);
    expect(props.__provider).toBe(ENGINE.__provider);
    expect(hasEngineKey(created.outs)).toBe(false);
    const state = { ...created.outs, ...ENGINE };

    const next = { ...(await hooks.check(state, { ...args(1), ...ENGINE })).inputs, ...ENGINE };
    const d = await hooks.diff(created.id, state, next);
    expect(d.changes).toBe(true);
    const read = await hooks.read(created.id, state);
    expect(hasEngineKey(read.props)).toBe(false);
    expect(hasEngineKey(read.inputs)).toBe(false);
    const updated = await hooks.update(created.id, { ...read.props, ...ENGINE }, next);
    expect(hasEngineKey(updated.outs)).toBe(false);
    await hooks.delete(created.id, { ...updated.outs, ...ENGINE });

    const writes = e.emu.requests.filter((r: any) => r.body !== undefined);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((r: any) => hasEngineKey(r.body) || JSON.stringify(r.body).includes("exports.handler")).map((r: any) => `${r.method} ${r.path}`)).toEqual([]);
    expect(e.emu.requests.filter((r: any) => r.status >= 400).map((r: any) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
  });
});
