/**
 * The lifecycle every resource lives through a user's `pulumi` runs, written once and run for all
 * five through the real engine (test/recorder.ts) against each vendor's emulator: preview, up and
 * a quiet second preview, an in-place update, drift made outside Pulumi, a replacement, destroy,
 * adoption of an object made by hand, and the secret scan of everything those runs produced.
 *
 * What differs between vendors is data (`Lifecycle`, one file per vendor beside this one): the
 * program and its knobs, how to make drift, which key an update changes, what a replacement
 * changes, how to read the emulator's objects. A vendor's own checks of what the API received
 * ride along as `check` functions; its quirks stay in test/<vendor>/e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder, type GoOptions } from "../recorder";
import { findCanaries, readState, stackFixture } from "../helpers";
import type { StackConfig } from "../stack-config";

export type Program = () => unknown;
export type RunResult = Awaited<ReturnType<ReturnType<typeof recorder>["go"]>>;
/** A request as the emulator recorded it. */
export type Sent = { method: string; path: string; body?: any };

/** What a step's `check` gets: the emulator, the run, the requests it sent, and the engine. */
export interface Ctx<K> {
  e: any;
  r: RunResult;
  /** The requests the emulator received since the step began. */
  sent: Sent[];
  /** The stack's resources as the engine exported them after the last run. */
  state: any[];
  /** One more engine run on the step's stack, with these knobs or this program. */
  go(verb: string, what?: K | { program: Program; expectNoChanges?: boolean }): Promise<RunResult>;
}

export interface Lifecycle<K> {
  /** The describe's name and the folder of the vendor's quirks. */
  vendor: string;
  /** The resource's type token without the dynamic prefix: what the serialized provider names. */
  type: string;
  project: string;
  /** Per test, as the vendor's e2e file had it (each run spawns the provider host). */
  timeout?: number;
  start(): Promise<any>;
  stop(e: any): unknown;
  config(e: any): StackConfig;
  /** Changes the emulator's store before the first run (objects the stack must leave alone). */
  setup?(e: any): void;
  program(k: K): Program;
  /** The program's resources, in the order it declares them. */
  resources: string[];
  base: K;
  /** A stack output that comes from the API, so it is unknown in the first preview. */
  unknownOutput: string;
  /** The requests a preview must not send (default: any). */
  touches?(req: Sent): boolean;
  /** The ids of the objects in the emulator that stacks of this program manage. */
  objects(e: any): string[];
  created?(c: Ctx<K>): unknown;
  update: { knobs: K; resource: string; changed: string[]; check(c: Ctx<K>): unknown };
  drift: {
    /** Changes the live object behind Pulumi's back, as someone in the vendor's console would. */
    make(e: any): void;
    resource: string;
    /** What the refresh step shows (matched with toMatchObject). */
    refreshed: Record<string, unknown>;
    /** What the next preview plans for it. */
    planned: Record<string, unknown>;
    /** After the up that puts the declared values back. */
    check(c: Ctx<K>): unknown;
  };
  /** Absent where nothing replaces (the vendor's API takes every change in place). */
  replace?: {
    knobs: K;
    resource: string;
    changed?: string[];
    /** The new object would collide with the old one, so the old one goes first. */
    deleteBeforeReplace: boolean;
    /** The request that deletes (or releases) the old object `oldId`, and the one that makes the new. */
    deletes(req: Sent, oldId: string): boolean;
    creates(req: Sent): boolean;
    check(c: Ctx<K>, oldId: string): unknown;
  };
  destroyed?(c: Ctx<K>): unknown;
  adopt: {
    /** Makes the object by hand through the vendor's API; `id` is the engine id it gets, `importId` what `adopt` names it by. */
    make(e: any): Promise<{ id: string; importId: unknown }>;
    /** One resource named `legacy` whose stack outputs include `id`. */
    program(adopt: unknown): Program;
    /** The request that would create an object (none must be sent); absent where the API has no create. */
    creates?(req: Sent): boolean;
    /** After the adopting up (and after the second stack's, with `byKey`). */
    check?(c: Ctx<K>): unknown;
    /** `adopt: true` from a second stack finds the same object by its natural key. */
    byKey?: boolean;
    /** More runs on the adopting stack before it is destroyed. */
    after?(c: Ctx<K>): unknown;
    gone?(c: Ctx<K>): unknown;
  };
  /** Every secret the runs handle: none may show up anywhere the recorder keeps. */
  secrets(e: any): string[];
  /** The program has secret inputs, so the state must hold them encrypted. */
  encrypted: boolean;
}

export function lifecycle<K>(d: Lifecycle<K>): void {
  describe(`${d.type} lifecycle through the real Pulumi engine`, d.timeout ? { timeout: d.timeout } : {}, () => {
    let e: any;
    beforeAll(async () => {
      e = await d.start();
      d.setup?.(e);
    });
    afterAll(() => d.stop(e));

    const fx = stackFixture();
    const rec = recorder();
    const opts = (k: K, stateFile = fx.stateFile): GoOptions => ({
      projectDir: fx.dir,
      program: d.program(k),
      project: d.project,
      stack: "dev",
      stateFile,
      config: d.config(e),
      passphrase: "test-passphrase",
      out: rec.out,
    });
    const sentSince = (n: number): Sent[] => e.emu.requests.slice(n);
    const stateOf = (file = fx.stateFile) => readState(file).resources;
    const ctx = (r: RunResult, since: number, base: () => GoOptions, file = fx.stateFile): Ctx<K> => ({
      e,
      r,
      sent: sentSince(since),
      state: stateOf(file),
      go: (verb, what) => {
        const o = base();
        if (what && typeof what === "object" && "program" in (what as object)) return rec.go(verb, { ...o, ...(what as object) });
        return rec.go(verb, what === undefined ? o : { ...o, program: d.program(what as K) });
      },
    });
    const step = (r: RunResult, name: string) => r.steps.find((s: any) => s.name === name);
    const others = (r: RunResult, name: string) => r.steps.filter((s: any) => s.name !== name).map((s: any) => [s.name, s.op]);
    const same = (name: string) => d.resources.filter((n) => n !== name).map((n) => [n, "same"]);
    const ids = (file = fx.stateFile) => stateOf(file).map((x: any) => x.id).sort();
    /** The knobs the stack was last deployed with: each step starts from the previous one's. */
    let current = d.base;

    it(`previews ${d.resources.length} creates without touching the API`, async () => {
      const before = e.emu.requests.length;
      const r = await rec.go("preview", opts(d.base));
      expect(r.errors).toEqual([]);
      expect(r.steps.map((s: any) => [s.name, s.op])).toEqual(d.resources.map((n) => [n, "create"]));
      expect(r.outputs[d.unknownOutput]).toBe("(unknown)");
      expect(sentSince(before).filter((x) => d.touches?.(x) ?? true)).toEqual([]);
      expect(r.resources).toEqual([]);
    });

    it("creates them all, then a second preview shows no changes", async () => {
      const before = e.emu.requests.length;
      const up = await rec.go("up", opts(d.base));
      expect(up.errors).toEqual([]);
      expect(up.counts.create).toBe(d.resources.length);
      // The stack tracks exactly the objects the API now holds for it.
      expect(d.objects(e)).toHaveLength(d.resources.length);
      expect(ids()).toEqual([...d.objects(e)].sort());
      await d.created?.(ctx(up, before, () => opts(d.base)));
      const again = await rec.go("preview", opts(d.base));
      expect(again.errors).toEqual([]);
      expect(again.steps.map((s: any) => s.op)).toEqual(d.resources.map(() => "same"));
    });

    it(`updates ${d.update.resource} in place, changing only ${d.update.changed.join(", ")}`, async () => {
      const before = e.emu.requests.length;
      const r = await rec.go("up", opts(d.update.knobs));
      current = d.update.knobs;
      expect(r.errors).toEqual([]);
      expect(step(r, d.update.resource)).toMatchObject({ op: "update", changed: d.update.changed });
      expect(others(r, d.update.resource)).toEqual(same(d.update.resource));
      await d.update.check(ctx(r, before, () => opts(current)));
    });

    it("refresh picks up drift made outside Pulumi, and the next up puts it back", async () => {
      d.drift.make(e);
      const r = await rec.go("refresh", opts(current));
      expect(r.errors).toEqual([]);
      expect(step(r, d.drift.resource)).toMatchObject({ op: "refresh", ...d.drift.refreshed });
      expect(others(r, d.drift.resource)).toEqual(same(d.drift.resource));
      const p = await rec.go("preview", opts(current));
      expect(p.errors).toEqual([]);
      expect(step(p, d.drift.resource)).toMatchObject({ op: "update", ...d.drift.planned });
      const before = e.emu.requests.length;
      const up = await rec.go("up", opts(current));
      expect(up.errors).toEqual([]);
      await d.drift.check(ctx(up, before, () => opts(current)));
      const quiet = await rec.go("preview", opts(current));
      expect(quiet.steps.map((s: any) => s.op)).toEqual(d.resources.map(() => "same"));
    });

    const rp = d.replace;
    if (rp) {
      const order = rp.deleteBeforeReplace ? "deleting the old object before it creates the new one" : "creating the new object before the old one goes";
      it(`replaces ${rp.resource} on a change of ${rp.changed?.join(", ") ?? "identity"}, ${order}`, async () => {
        const oldId = stateOf().find((x: any) => x.name === rp.resource).id;
        const before = e.emu.requests.length;
        const r = await rec.go("up", opts(rp.knobs));
        current = rp.knobs;
        expect(r.errors).toEqual([]);
        expect(step(r, rp.resource)).toMatchObject({ op: "replace", ...(rp.changed ? { changed: rp.changed } : {}) });
        expect(others(r, rp.resource)).toEqual(same(rp.resource));
        expect(d.objects(e)).not.toContain(oldId);
        expect(d.objects(e)).toHaveLength(d.resources.length);
        expect(ids()).toEqual([...d.objects(e)].sort());
        // The order the API saw, as the resource's diff asked the engine for it.
        const sent = sentSince(before);
        const deleted = sent.findIndex((x) => rp.deletes(x, oldId));
        const created = sent.findIndex((x) => rp.creates(x));
        expect(deleted).toBeGreaterThanOrEqual(0);
        expect(created).toBeGreaterThanOrEqual(0);
        if (rp.deleteBeforeReplace) expect(deleted).toBeLessThan(created);
        else expect(created).toBeLessThan(deleted);
        await rp.check(ctx(r, before, () => opts(current)), oldId);
      });
    }

    it("destroys everything it created", async () => {
      const before = e.emu.requests.length;
      const r = await rec.go("destroy", opts(current));
      expect(r.errors).toEqual([]);
      expect(r.counts.delete).toBe(d.resources.length);
      expect(d.objects(e)).toEqual([]);
      expect(stateOf()).toEqual([]);
      await d.destroyed?.(ctx(r, before, () => opts(current)));
    });

    // The engine cannot import a dynamic resource (its import Read carries no __provider:
    // pulumi/pulumi#16175, test/engine/options.test.ts); `adopt` takes over what exists.
    it("adopts an object made by hand by its import id with no create, writing what the program declares, then shows no changes", async () => {
      const made = await d.adopt.make(e);
      const fx2 = stackFixture();
      const o = (): GoOptions => ({ ...opts(d.base, fx2.stateFile), program: d.adopt.program(made.importId) });
      const creates = () => e.emu.requests.filter((x: Sent) => d.adopt.creates?.(x)).length;
      const posts = creates();
      const before = e.emu.requests.length;
      const r = await rec.go("up", o());
      expect(r.errors).toEqual([]);
      expect(r.steps).toMatchObject([{ op: "create", name: "legacy" }]);
      expect(r.outputs.id).toBe(made.id);
      expect(creates()).toBe(posts);
      expect(d.objects(e)).toEqual([made.id]);
      await d.adopt.check?.(ctx(r, before, o, fx2.stateFile));
      const after = await rec.go("preview", { ...o(), expectNoChanges: true });
      expect(after.errors).toEqual([]);

      // The same program with `adopt: true` on a second stack of the same tenant finds it by name.
      const fx3 = stackFixture();
      const second = (): GoOptions => ({ ...opts(d.base, fx3.stateFile), stack: "staging", program: d.adopt.program(true) });
      if (d.adopt.byKey) {
        const named = await rec.go("up", second());
        expect(named.errors).toEqual([]);
        expect(named.outputs.id).toBe(made.id);
        expect(creates()).toBe(posts);
        expect(d.objects(e)).toEqual([made.id]);
        await d.adopt.check?.(ctx(named, before, second, fx3.stateFile));
      }
      await d.adopt.after?.(ctx(after, before, o, fx2.stateFile));
      const down = await rec.go("destroy", o());
      expect(down.errors).toEqual([]);
      expect(d.objects(e)).toEqual([]);
      await d.adopt.gone?.(ctx(down, before, o, fx2.stateFile));
      if (d.adopt.byKey) {
        // The second stack's refresh finds the object gone and forgets it.
        await rec.go("refresh", second());
        expect(readState(fx3.stateFile).resources).toEqual([]);
      }
    });

    it("kept every secret out of the state, the printed plans, the host's log, the errors and the serialized provider", () => {
      const provider = rec.providers();
      expect(rec.printed.length).toBeGreaterThan(20);
      expect(provider.length).toBeGreaterThan(10);
      const hits = findCanaries(d.secrets(e), rec.texts());
      expect(hits).toEqual([]);
      // The serialized provider is the small stub, the same text for every resource of the type.
      expect(new Set(provider).size).toBe(1);
      expect(provider[0]).toContain(JSON.stringify(d.type));
      for (const p of provider) expect(p.length).toBeLessThan(4000);
      // The secrets are in the state, encrypted, not merely absent.
      if (d.encrypted) expect(rec.statesSeen.join("\n")).toContain('"ciphertext": "v1:');
    });
  });
}
