import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defined, renamingCodec, snakeCase } from "../../src/core/codec";
import {
  comparedKeys,
  field,
  fieldLists,
  hasEffects,
  localKeys,
  outputKeys,
  projectOnto,
  replaceOnChangeKeys,
  unknownKeysOf,
  secretOutputs,
  secretPaths,
  undescribed,
  writeOnlyPaths,
} from "../../src/core/fields";

const args = z.strictObject({
  name: field(z.string(), { description: "the name", replaceOnChange: true }),
  challenge: field(
    z.strictObject({
      fixed: field(z.string().optional(), { description: "fixed", secret: true, writeOnly: true }),
      other: field(z.string().optional(), { description: "other" }),
    }),
    { description: "challenge" },
  ).optional(),
  connection: field(
    z.strictObject({ clientSecret: field(z.string(), { description: "s", secret: true }), url: z.string() }).optional(),
    { description: "conn", local: true },
  ),
  adopt: field(z.boolean().optional(), { description: "adopt", createOnly: true, local: true }),
  size: z.number().default(3),
});
const computed = z.object({
  id: field(z.string(), { description: "id" }),
  cipher: field(z.record(z.string(), z.string()), { description: "c", secret: true }),
});

describe("field facts", () => {
  it("derives each list from the facts beside the fields, through optional and default wrappers", () => {
    expect(secretPaths(args)).toEqual(["challenge.fixed", "connection.clientSecret"]);
    expect(writeOnlyPaths(args)).toEqual(["challenge.fixed"]);
    expect(replaceOnChangeKeys(args)).toEqual(["name"]);
    expect(localKeys(args)).toEqual(["connection", "adopt"]);
    expect(comparedKeys(args)).toEqual(["name", "challenge", "connection", "size"]);
    expect(outputKeys(args, computed)).toEqual(["name", "challenge", "connection", "size", "id", "cipher"]);
    expect(secretOutputs(args, computed)).toEqual(["challenge", "connection", "cipher"]);
    expect(undescribed(args)).toEqual(["connection.url", "size"]);
  });

  it("fieldLists gives every list in one call, the local keys the state holds apart from adopt", () => {
    const l = fieldLists(args, computed);
    expect(l.secretPaths).toEqual(secretPaths(args));
    expect(l.secretOutputs).toEqual(["challenge", "connection", "cipher"]);
    expect(l.localKeys).toEqual(["connection", "adopt"]);
    expect(l.localStateKeys).toEqual(["connection"]);
    expect(l.inputKeys).toEqual(["name", "challenge", "connection", "size"]);
    expect(l.replaceOnChange).toEqual(["name"]);
    expect(l.writeOnlyPaths).toEqual(["challenge.fixed"]);
    expect(l.outputKeys).toEqual(outputKeys(args, computed));
  });

  it("sees facts declared outside a wrapper as well as inside it", () => {
    const s = z.object({ a: field(z.string(), { description: "a", secret: true }).optional(), b: field(z.string().optional(), { description: "b", secret: true }) });
    expect(secretPaths(s)).toEqual(["a", "b"]);
  });
});

describe("renamingCodec", () => {
  const program = z.object({ caIdentityName: z.string(), rsaBits: z.string().optional(), local: z.string().optional() });
  const wire = z.looseObject({ ca_identity_name: z.string(), rsa_nbits: z.union([z.string(), z.number()]).optional() });
  const codec = renamingCodec(wire, program, {
    wireName: snakeCase,
    skip: ["local"],
    rename: { rsaBits: "rsa_nbits" },
    decode: (p, w) => ({ ...p, rsaBits: w.rsa_nbits === undefined ? undefined : String(w.rsa_nbits) }),
  });

  it("renames each key, lets the odd ones be fixed, and drops undefined both ways", () => {
    expect(z.decode(codec, { ca_identity_name: "CA", rsa_nbits: 2048 })).toEqual({ caIdentityName: "CA", rsaBits: "2048" });
    const body = z.encode(codec, { caIdentityName: "CA", local: "never sent" });
    expect(body).toEqual({ ca_identity_name: "CA" });
    expect(Object.keys(body)).not.toContain("rsa_nbits");
  });

  it("defined() drops undefined at any depth and keeps arrays' length", () => {
    expect(defined({ a: undefined, b: { c: undefined, d: 1 }, e: [1, undefined] })).toEqual({ b: { d: 1 }, e: [1, undefined] });
  });
});

describe("projectOnto", () => {
  const schema = z.object({
    id: z.string(),
    ca: z.object({ uuid: z.string(), cn: z.string().optional() }).optional(),
    tags: z.array(z.object({ k: z.string() })).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  });
  const wire = z.looseObject({ id: z.string(), ca: z.looseObject({ uuid: z.string(), cn: z.string().optional() }).optional(), tags: z.array(z.looseObject({ k: z.string() })).optional(), labels: z.record(z.string(), z.string()).optional() });

  it("gives what a parse with the schema gives for a value a looser schema of the same fields read, undefined left out", () => {
    const read = wire.parse({ id: "a", ca: { uuid: "u", extra: 1 }, labels: { x: "y" }, more: true, tags: [{ k: "1" }] });
    expect(projectOnto(schema, read)).toStrictEqual(schema.parse(read));
    expect(projectOnto(schema, { id: "a", ca: undefined })).toStrictEqual({ id: "a" });
  });

  it("takes arrays and records whole (their items are not cut)", () => {
    const read = wire.parse({ id: "a", tags: [{ k: "1", extra: 2 }] });
    expect(projectOnto(schema, read).tags).toEqual([{ k: "1", extra: 2 }]);
  });
});

describe("hasEffects", () => {
  it("finds a default, a transform or a check at any depth, and nothing in plain types", () => {
    expect(hasEffects(z.object({ a: z.string().optional(), b: z.array(z.record(z.string(), z.unknown())), c: z.looseObject({}), d: z.union([z.string(), z.number()]) }))).toBe(false);
    expect(hasEffects(z.object({ a: z.object({ b: z.string().default("x") }).optional() }))).toBe(true);
    expect(hasEffects(z.object({ a: z.array(z.string().transform((s) => s.trim())) }))).toBe(true);
    expect(hasEffects(z.object({ a: z.record(z.string(), z.number().int()) }))).toBe(true);
    expect(hasEffects(z.object({ a: z.string() }).refine(() => true))).toBe(true);
  });
});

describe("unknownKeysOf", () => {
  it("says what each kind of object does with keys it does not declare, through wrappers", () => {
    expect(unknownKeysOf(z.object({ a: z.string() }))).toBe("strip");
    expect(unknownKeysOf(z.looseObject({ a: z.string() }).optional())).toBe("keep");
    expect(unknownKeysOf(z.object({}).catchall(z.number()))).toBe("keep");
    expect(unknownKeysOf(z.strictObject({ a: z.string() }))).toBe("refuse");
    expect(unknownKeysOf(z.string())).toBeUndefined();
  });
});
