import { describe, expect, it } from "vitest";
import { UniqueIndex } from "../../src/core/emulator";

type Obj = { name: string };

describe("UniqueIndex (the emulators' uniqueness constraint)", () => {
  const setup = () => {
    const objects = new Map<string, Obj>();
    const index = new UniqueIndex<Obj>(objects, (o) => o.name);
    const put = (id: string, name: string) => {
      objects.set(id, { name });
      index.claim(id);
    };
    return { objects, index, put };
  };

  it("names the holder of a key, but not to the holder itself", () => {
    const { index, put } = setup();
    put("a", "alpha");
    expect(index.holder("alpha")).toBe("a");
    expect(index.holder("alpha", "b")).toBe("a");
    expect(index.holder("alpha", "a")).toBeUndefined();
    expect(index.holder("beta")).toBeUndefined();
    expect(index.holder(undefined)).toBeUndefined();
  });

  it("frees a key when its object is removed from the map directly, as tests do out of band", () => {
    const { objects, index, put } = setup();
    put("a", "alpha");
    objects.delete("a");
    expect(index.holder("alpha")).toBeUndefined();
  });

  it("moves the claim on rename: the old name is free and the new one taken", () => {
    const { index, put } = setup();
    put("a", "alpha");
    put("a", "omega");
    expect(index.holder("alpha")).toBeUndefined();
    expect(index.holder("omega")).toBe("a");
    put("b", "alpha");
    expect(index.holder("alpha")).toBe("b");
  });

  it("sees a rename made in place once the object is claimed again", () => {
    const { objects, index, put } = setup();
    put("a", "alpha");
    objects.get("a")!.name = "omega";
    expect(index.holder("alpha")).toBeUndefined();
    index.claim("a");
    expect(index.holder("omega")).toBe("a");
  });
});
