/**
 * The one decision every resource's create makes about `adopt` (src/core/adopt.ts): create, adopt
 * by natural key, or adopt by id; and that the field is the program's only (never compared).
 * The vendor behaviour is proven against each emulator in test/<vendor>/contract.test.ts.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { adoptField, AdoptTargetMissingError, comparedKeys, createOrAdopt, withoutAdopt } from "../../src/core/adopt";
import { factsOf } from "../../src/core/fields";
import { ApiError } from "../../src/core/errors";

function steps(o: { byKey?: (string | undefined)[]; live?: string[]; createFails?: unknown } = {}) {
  const calls: string[] = [];
  const byKey = [...(o.byKey ?? [])];
  const live = new Set(o.live ?? []);
  return {
    calls,
    s: {
      what: "thing",
      findByKey: async () => (calls.push("findByKey"), byKey.shift()),
      take: async (id: string) => (calls.push(`take ${id}`), live.has(id) ? { id, outs: { adopted: id } } : undefined),
      create: async () => {
        calls.push("create");
        if (o.createFails) {
          const e = o.createFails;
          o.createFails = undefined;
          if (typeof e === "string") live.add(e);
          throw new ApiError({ vendor: "V", status: 409, method: "POST", url: "https://v/things", vendorMessage: "name taken" });
        }
        return { id: "new", outs: {} };
      },
    },
  };
}

describe("createOrAdopt", () => {
  it("creates when adopt is absent or false, without looking anything up", async () => {
    for (const adopt of [undefined, false]) {
      const { s, calls } = steps({ byKey: ["x"], live: ["x"] });
      expect((await createOrAdopt(adopt, s)).id).toBe("new");
      expect(calls).toEqual(["create"]);
    }
  });

  it("adopt: true takes over what the natural key finds, and creates only when it finds nothing", async () => {
    const a = steps({ byKey: ["x"], live: ["x"] });
    expect(await createOrAdopt(true, a.s)).toEqual({ id: "x", outs: { adopted: "x" } });
    expect(a.calls).toEqual(["findByKey", "take x"]);
    const b = steps({ byKey: [undefined] });
    expect((await createOrAdopt(true, b.s)).id).toBe("new");
    expect(b.calls).toEqual(["findByKey", "create"]);
  });

  it("adopt: true adopts what another run made between its lookup and its POST (the POST's 409)", async () => {
    const { s, calls } = steps({ byKey: [undefined, "y"], createFails: "y" });
    expect((await createOrAdopt(true, s)).id).toBe("y");
    expect(calls).toEqual(["findByKey", "create", "findByKey", "take y"]);
  });

  it("adopt: \"<id>\" takes over that object, and fails naming the id when there is none, creating nothing", async () => {
    const a = steps({ live: ["x"] });
    expect((await createOrAdopt("x", a.s)).id).toBe("x");
    const b = steps();
    const e = await createOrAdopt("ghost", b.s).catch((x) => x);
    expect(e).toBeInstanceOf(AdoptTargetMissingError);
    expect(e.code).toBe("TRUSTPLANE_ADOPT_TARGET_MISSING");
    expect(e.message).toContain('adopt: "ghost"');
    expect(b.calls).toEqual(["take ghost"]);
  });
});

describe("the adopt field", () => {
  const shape = { name: z.string(), adopt: adoptField("name", "the id") };

  it("is never compared by diff, and is left out of what the other hooks work with", () => {
    expect(comparedKeys(shape)).toEqual(["name"]);
    expect(withoutAdopt({ name: "a", adopt: true })).toEqual({ name: "a" });
    const p = { name: "a" };
    expect(withoutAdopt(p)).toBe(p);
  });

  it("takes true, false or an id, and nothing else", () => {
    const f = adoptField("name", "the id");
    for (const ok of [true, false, "abc", undefined]) expect(f.safeParse(ok).success).toBe(true);
    for (const bad of ["", "   ", 1, {}, null]) expect(f.safeParse(bad).success).toBe(false);
    expect(f.safeParse(" abc ").data).toBe("abc");
  });

  it("is declared local in the schema, with a description", () => {
    expect(factsOf(shape.adopt)).toMatchObject({ local: true, createOnly: true, description: expect.stringContaining("adopt") });
  });
});
