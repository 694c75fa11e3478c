/**
 * A renaming codec's `checked` twin (src/core/codec.ts): the same mapping for an answer the
 * client has already parsed with the wire schema, so each answer is parsed once. It must give
 * what the full codec gives for that answer, still apply the program side's defaults and
 * transforms, and not run the wire schema again.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renamingCodec, snakeCase } from "../../src/core/codec";
import { SCM_ANSWER } from "../scm/fixtures";
import { fromWire as scmFromWire, profileCodec, toWire as scmToWire, wireSchema as scmWire } from "../../src/scm/schema";

describe("renamingCodec(...).checked", () => {
  let wireParses = 0;
  const wire = z
    .looseObject({ display_name: z.string(), max_age: z.number().optional(), tag: z.string().optional().transform((t) => t || undefined) })
    .refine(() => ++wireParses > 0);
  const program = z.object({ displayName: z.string(), maxAge: z.number().default(30), tag: z.string().optional() });
  const codec = renamingCodec(wire, program, { wireName: snakeCase });

  it("decodes a parsed answer as the full codec does, program defaults applied, without parsing the wire again", () => {
    const raw = { display_name: "a", tag: "", extra: 1 };
    const parsed = wire.parse(raw);
    const full = z.decode(codec, raw);
    wireParses = 0;
    const once = z.decode(codec.checked, parsed);
    expect(wireParses).toBe(0);
    expect(once).toStrictEqual(full);
    expect(once).toStrictEqual({ displayName: "a", maxAge: 30 });
  });

  it("still refuses a program side that does not hold", () => {
    expect(() => z.decode(codec.checked, { display_name: 7 } as never)).toThrow();
  });

  it("encodes as the full codec does (over a wire schema without a transform, which zod cannot encode through)", () => {
    const plain = renamingCodec(z.looseObject({ display_name: z.string(), max_age: z.number().optional(), tag: z.string().optional() }), program, { wireName: snakeCase });
    const p = { displayName: "b", maxAge: 5, tag: "t" };
    expect(z.encode(plain.checked, p)).toStrictEqual(z.encode(plain, p));
    expect(z.encode(plain.checked, p)).toStrictEqual({ display_name: "b", max_age: 5, tag: "t" });
  });
});

describe("renamingCodec(...).read", () => {
  const wire = z.looseObject({ display_name: z.string(), max_age: z.number().optional(), extra: z.looseObject({ a: z.string() }).optional() });

  it("gives the full pass's answer without it where the program side has no effects: keys cut, loose objects kept whole", () => {
    const program = z.object({ displayName: z.string(), maxAge: z.number().optional(), extra: z.looseObject({ a: z.string() }).optional() });
    const codec = renamingCodec(wire, program, { wireName: snakeCase, decode: (p) => ({ ...p, dropped: 1 }) });
    const w = wire.parse({ display_name: "a", extra: { a: "x", b: 2 }, unmodelled: true });
    expect(codec.read(w)).toStrictEqual(z.decode(codec.checked, w));
    expect(codec.read(w)).toStrictEqual({ displayName: "a", extra: { a: "x", b: 2 } });
  });

  it("parses the program side where it has a default, a transform or a check", () => {
    for (const program of [
      z.object({ displayName: z.string(), maxAge: z.number().default(30) }),
      z.object({ displayName: z.string().transform((s) => s.toUpperCase()), maxAge: z.number().optional() }),
      z.object({ displayName: z.string().min(2), maxAge: z.number().optional() }),
    ]) {
      const codec = renamingCodec(wire, program, { wireName: snakeCase });
      const w = wire.parse({ display_name: "a" });
      const full = () => z.decode(codec.checked, w);
      const read = () => codec.read(w);
      if (program.shape.displayName.safeParse("a").success) expect(read()).toStrictEqual(full());
      else expect(read).toThrow();
    }
  });
});

describe("renamingCodec over a closed wire schema", () => {
  const program = z.object({ displayName: z.string(), maxAge: z.number().optional() });

  it("is refused when made if the wire schema does not declare a name the renaming writes", () => {
    expect(() => renamingCodec(z.strictObject({ display_name: z.string() }), program, { wireName: snakeCase })).toThrow(/closed wire schema has no key max_age/);
    expect(() => renamingCodec(z.strictObject({ display_name: z.string() }), program, { wireName: snakeCase, skip: ["maxAge"] })).not.toThrow();
    // A loose or plain object lets unknown keys through: nothing to check.
    expect(() => renamingCodec(z.looseObject({ display_name: z.string() }), program, { wireName: snakeCase })).not.toThrow();
  });

  it("writes a checked program object as the full codec encodes it, without a pass on either side", () => {
    let passes = 0;
    const counted = <S extends z.ZodType>(s: S) => s.refine(() => ++passes > 0);
    const wire = counted(z.strictObject({ display_name: z.string(), max_age: z.number().optional(), v: z.literal(1) }));
    const codec = renamingCodec(wire, counted(program), { wireName: snakeCase, encode: (w) => ({ ...w, v: 1 }) });
    const p = { displayName: "a", maxAge: undefined };
    passes = 0;
    expect(codec.write(p)).toStrictEqual({ display_name: "a", v: 1 });
    expect(passes).toBe(0);
    expect(codec.write(p)).toStrictEqual(z.encode(codec, p));
  });
});

describe("SCM answers are decoded once", () => {
  const answer = SCM_ANSWER;

  it("fromWire of the client's parsed answer is the full codec's decode of the raw one", () => {
    const { inputs } = scmFromWire(scmWire.parse(answer));
    expect(inputs).toStrictEqual(z.decode(profileCodec, answer));
  });

  it("toWire gives the body the full codec gives", () => {
    const { inputs } = scmFromWire(scmWire.parse(answer));
    expect(scmToWire(inputs as never)).toStrictEqual(z.encode(profileCodec, inputs as never));
  });
});
