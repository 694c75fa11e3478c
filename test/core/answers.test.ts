/**
 * The quick check of answers (src/core/answers.ts): where it lets a value through, zod must accept
 * it and answer a value equal to it; everything else must come out as zod's own answer. And the
 * wire schemas of the hot paths must compile, or the quick path is never taken.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodesQuickly, encodeRequest, encodesQuickly, parseAnswer, quickCheckOf, safeParseAnswer } from "../../src/core/answers";
import { expectAnswer, type ApiResult } from "../../src/core/api";
import { certificateSchema, wireDetailSchema, wireSummarySchema } from "../../src/czertainly/schema";
import { wireSchema as scmWire } from "../../src/scm/schema";
import { SCM_ANSWER } from "../scm/fixtures";
import { wireSchema as vcfWire } from "../../src/vcf/schema";
import { toPatch, wirePropertiesSchema } from "../../src/nevisidm/schema";

/** CZERTAINLY's emulator's answer to a GET of a profile after a create (964 bytes, 2026-12-07). */
const DETAIL = {
  uuid: "6bcc05ae-51dd-4875-8c69-0fa790e53113",
  name: "bench-1",
  enabled: true,
  description: "bench",
  includeCaCertificate: false,
  includeCaCertificateChain: false,
  enableIntune: false,
  customAttributes: [],
  caCertificate: {
    uuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51",
    commonName: "Demo SCEP RSA CA",
    serialNumber: "86c20e5d13b53a9992f77816abf88f04",
    issuerCommonName: "Demo Root CA",
    issuerDn: "CN=Demo Root CA,O=Demo,C=CZ",
    subjectDn: "CN=Demo SCEP RSA CA,O=Demo,C=CZ",
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2035-01-01T00:00:00Z",
    publicKeyAlgorithm: "RSA",
    signatureAlgorithm: "SHA256withRSA",
    hybridCertificate: false,
    keySize: 2048,
    state: "issued",
    validationStatus: "valid",
    fingerprint: "cb100eba23b5618164892de186611dcd72484244709d2d2fd9c6092605a3b81b",
    groups: [],
    certificateType: "X.509",
    complianceStatus: "not_checked",
    trustedCa: true,
  },
  raProfile: { uuid: "0c4a3b1e-1111-4a2b-8c3d-000000000001", name: "ra", enabled: true, authorityInstanceUuid: "a-1" },
  issueCertificateAttributes: [{ uuid: "u-1", name: "attr", contentType: "string", version: "v2", content: [{ data: "x" }] }],
  certificateAssociations: { ownerUuid: "o-1", groupUuids: ["g-1"], customAttributes: [] },
};

const SCM = SCM_ANSWER;

/** Deterministic random values of JSON's kinds, nested a few levels (a fixed seed: the same cases every run). */
function randomJson(seed: number): () => unknown {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const words = ["uuid", "name", "enabled", "a", "b", "x", "rsa", "rsa_nbits", "state", "__proto__", "constructor"];
  const gen = (depth: number): unknown => {
    const k = Math.floor(rnd() * (depth > 2 ? 6 : 8));
    switch (k) {
      case 0: return null;
      case 1: return rnd() < 0.5;
      case 2: return Math.floor(rnd() * 5000) - 100;
      case 3: return words[Math.floor(rnd() * words.length)];
      case 4: return "";
      case 5: return rnd() * 10;
      case 6: return Array.from({ length: Math.floor(rnd() * 3) }, () => gen(depth + 1));
      default: {
        // Keys as JSON.parse sets them (an own "__proto__" among them), or, one time in four, by
        // assignment (where "__proto__" sets the prototype: an object JSON.parse never makes).
        const o: Record<string, unknown> = {};
        const assign = rnd() < 0.25;
        for (let i = Math.floor(rnd() * 4); i > 0; i--) {
          const key = words[Math.floor(rnd() * words.length)];
          const value = gen(depth + 1);
          if (assign) o[key] = value;
          else Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
        }
        return o;
      }
    }
  };
  return () => gen(0);
}

/** `v` with the value at one path changed to each of `replacements`, or the key removed (undefined). */
function mutations(v: unknown): unknown[] {
  const out: unknown[] = [];
  const replacements = [undefined, null, "", "s", 0, 1.5, true, [], {}, [1], { extra: 1 }, Number.NaN];
  const walk = (x: unknown, set: (y: unknown) => unknown) => {
    for (const r of replacements) out.push(set(r));
    if (Array.isArray(x)) x.forEach((e, i) => walk(e, (y) => set(x.map((z2, j) => (j === i ? y : z2)))));
    else if (x && typeof x === "object") {
      for (const k of Object.keys(x)) {
        walk((x as Record<string, unknown>)[k], (y) => {
          const c: Record<string, unknown> = { ...(x as Record<string, unknown>) };
          if (y === undefined) delete c[k];
          else c[k] = y;
          return set(c);
        });
      }
      out.push(set({ ...(x as Record<string, unknown>), unmodelledKey: [1, { a: null }] }));
    }
  };
  walk(v, (y) => y);
  return out;
}

/** The property: whatever passes the quick check, zod accepts and gives back equal. */
function agreesWithZod(schema: z.ZodType, values: unknown[]): { quick: number; zodOnly: number } {
  const quick = quickCheckOf(schema);
  let passed = 0;
  let zodOnly = 0;
  for (const v of values) {
    const z1 = schema.safeParse(v);
    if (quick && quick(v)) {
      passed++;
      expect(z1.success, JSON.stringify(v)).toBe(true);
      expect(z1.data, JSON.stringify(v)).toStrictEqual(v);
    } else if (z1.success) zodOnly++;
    // And the public functions answer what zod answers either way.
    const a = safeParseAnswer(schema, v);
    expect(a.success).toBe(z1.success);
    if (a.success) expect(a.data).toStrictEqual(z1.data);
  }
  return { quick: passed, zodOnly };
}

describe("the quick check of answers", () => {
  it("compiles the wire schemas of CZERTAINLY's, SCM's and VCF's answers, so their hot paths take it", () => {
    for (const s of [wireDetailSchema, wireSummarySchema, certificateSchema, scmWire, vcfWire]) expect(quickCheckOf(s)).not.toBeNull();
    expect(quickCheckOf(wireDetailSchema)!(DETAIL)).toBe(true);
    expect(quickCheckOf(wireSummarySchema)!(DETAIL)).toBe(true);
    expect(quickCheckOf(scmWire)!(SCM)).toBe(true);
  });

  it("agrees with zod on the vendors' answers and on every one-field change of them", () => {
    const detail = agreesWithZod(wireDetailSchema, [DETAIL, ...mutations(DETAIL)]);
    const summary = agreesWithZod(wireSummarySchema, [DETAIL, ...mutations(DETAIL)]);
    const scm = agreesWithZod(scmWire, [SCM, ...mutations(SCM)]);
    // Most changes that zod accepts, the quick check accepts too (it is no stub that passes nothing).
    expect(detail.quick).toBeGreaterThan(50);
    expect(summary.quick).toBeGreaterThan(50);
    expect(scm.quick).toBeGreaterThan(20);
  });

  it("agrees with zod on random JSON values, for each kind of schema it compiles", () => {
    const next = randomJson(17);
    const values = Array.from({ length: 3000 }, next);
    const schemas: z.ZodType[] = [
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.literal(["a", 2, null]),
      z.enum(["a", "b", "x"]),
      z.string().nullish(),
      z.array(z.number()),
      z.array(z.union([z.string(), z.number()])),
      z.record(z.string(), z.boolean()),
      z.looseObject({ a: z.number().optional(), b: z.string().optional() }),
      z.strictObject({ a: z.number().optional(), x: z.array(z.unknown()).optional() }),
      z.object({ a: z.number().optional() }),
      z.object({ a: z.string().optional() }).catchall(z.number()),
      z.looseObject({ uuid: z.string(), name: z.string().optional(), rsa: z.looseObject({ rsa_nbits: z.union([z.number(), z.string()]) }).optional() }),
    ];
    // Of them, the values JSON.parse makes, with no "__proto__" key (zod drops one: the value changes).
    const plain = (v: unknown): boolean =>
      Array.isArray(v) ? v.every(plain) : v === null || typeof v !== "object" || (Object.getPrototypeOf(v) === Object.prototype && !Object.hasOwn(v, "__proto__") && Object.values(v).every(plain));
    const jsonMade = values.filter(plain);
    expect(jsonMade.length).toBeGreaterThan(2000);
    for (const s of schemas) {
      expect(quickCheckOf(s)).not.toBeNull();
      agreesWithZod(s, values);
      // And on those, the quick check takes every value zod takes and gives back unchanged
      // (the strip object changes a value with an unknown key, which zod then answers).
      const { quick, zodOnly } = agreesWithZod(s, jsonMade);
      expect(quick).toBeGreaterThan(0);
      if (defType(s) !== "object" || (s as z.ZodObject)._zod.def.catchall !== undefined) expect(zodOnly).toBe(0);
    }
  });

  it("leaves to zod every schema that could answer something else than its input, or refuse what the types allow", () => {
    const leftToZod: z.ZodType[] = [
      z.string().min(1),
      z.uuid(),
      z.int(),
      z.coerce.string(),
      z.string().trim(),
      z.string().default("x"),
      z.string().transform((s) => s.toUpperCase()),
      z.looseObject({ a: z.string() }).refine((o) => o.a !== "b"),
      z.array(z.string()).min(1),
      z.record(z.enum(["a", "b"]), z.string()),
      z.discriminatedUnion("k", [z.object({ k: z.literal("a") }), z.object({ k: z.literal("b") })]),
      z.xor([z.string(), z.string().min(2)]),
      z.looseObject({ a: z.string().optional().transform((a) => a || undefined) }),
      z.date(),
      z.string().readonly(),
    ];
    for (const s of leftToZod) expect(quickCheckOf(s), defType(s)).toBeNull();
  });

  it("answers zod's result where zod would change the value: unknown keys an object strips", () => {
    const strip = z.object({ a: z.string() });
    expect(quickCheckOf(strip)).not.toBeNull();
    expect(parseAnswer(strip, { a: "x", b: 1 })).toStrictEqual({ a: "x" });
    const same = { a: "x" };
    expect(parseAnswer(strip, same)).toBe(same);
  });

  it("answers the value itself where it passes, and zod's error where it does not", () => {
    const body = structuredClone(DETAIL);
    expect(parseAnswer(wireDetailSchema, body)).toBe(body);
    expect(() => parseAnswer(wireDetailSchema, { ...body, enabled: "yes" })).toThrow(z.ZodError);
    const r = safeParseAnswer(wireDetailSchema, { ...body, uuid: 7 });
    expect(r.success).toBe(false);
    expect(r.success ? undefined : r.error.issues[0].path).toEqual(["uuid"]);
    // Objects JSON.parse does not make go to zod, which answers a plain copy.
    class Live { uuid = "u"; name = "n"; enabled = true; }
    const parsed = parseAnswer(wireSummarySchema, new Live());
    expect(parsed).not.toBeInstanceOf(Live);
    expect(parsed).toStrictEqual({ uuid: "u", name: "n", enabled: true });
  });

  it("expectAnswer reads through it and still says what came instead of what was expected", () => {
    const result = (body: unknown): ApiResult<unknown> => ({ status: 200, body, headers: {}, vendor: "CZERTAINLY", method: "GET", url: "https://core/v1/x", text: JSON.stringify(body) });
    const body = structuredClone(DETAIL);
    expect(expectAnswer(result(body), wireDetailSchema, "the detail")).toBe(body);
    expect(() => expectAnswer(result({ uuid: "u" }), wireDetailSchema, "the detail")).toThrow(/a JSON object with the key 'uuid' where the detail was expected/);
  });
});

/** nevisIDM's answer to a PATCH (seed 004's shape: the values, "" for a removed one, and `_classifications`). */
const NEVIS = { cost_center: "CC-17", department: "Sales", home_phone: "", level: 3, _classifications: { cost_center: ["INTERNAL"], department: "HR" } };

/** Where zod and the quick path answer alike: the same success, the same data or the same issues. */
function sameAsZod(schema: z.ZodType, v: unknown): void {
  const z1 = schema.safeParse(v);
  const a = safeParseAnswer(schema, v);
  expect(a.success, JSON.stringify(v)).toBe(z1.success);
  if (a.success) expect(a.data, JSON.stringify(v)).toStrictEqual(z1.data);
  else expect(a.error.issues).toStrictEqual(z1.error!.issues);
}

describe("codecs through the quick check (decode for answers, encode for request bodies)", () => {
  it("reads nevisIDM's answers and writes its PATCH bodies without zod, as zod would", () => {
    expect(decodesQuickly(wirePropertiesSchema, structuredClone(NEVIS))).toBe(true);
    expect(parseAnswer(wirePropertiesSchema, structuredClone(NEVIS))).toStrictEqual(wirePropertiesSchema.parse(structuredClone(NEVIS)));
    const program = { values: { cost_center: "CC-1", home_phone: "" }, classifications: {} };
    expect(encodesQuickly(wirePropertiesSchema, program)).toBe(true);
    expect(encodeRequest(wirePropertiesSchema, program)).toStrictEqual(z.encode(wirePropertiesSchema, program));
    expect(toPatch({ a: "1" }, ["b"])).toStrictEqual({ b: null, a: "1" });
  });

  it("agrees with zod on nevisIDM's answer, every one-field change of it and random JSON, both ways", () => {
    const next = randomJson(23);
    const values = [NEVIS, ...mutations(NEVIS), ...Array.from({ length: 2000 }, next)];
    let quick = 0;
    for (const v of values) {
      sameAsZod(wirePropertiesSchema, v);
      if (decodesQuickly(wirePropertiesSchema, v)) quick++;
    }
    expect(quick).toBeGreaterThan(50);
    // Encoding: program values of every kind, the valid and the refused; the same body or the same error.
    let encoded = 0;
    for (const v of values) {
      const program = { values: v, classifications: {} };
      let expected: unknown;
      try {
        expected = z.encode(wirePropertiesSchema, program as never);
      } catch (e) {
        expect(() => encodeRequest(wirePropertiesSchema, program as never)).toThrow(z.ZodError);
        expect(encodesQuickly(wirePropertiesSchema, program)).toBe(false);
        continue;
      }
      expect(encodeRequest(wirePropertiesSchema, program as never)).toStrictEqual(expected);
      if (encodesQuickly(wirePropertiesSchema, program)) encoded++;
    }
    expect(encoded).toBeGreaterThan(50);
  });

  it("leaves to zod a decode that notes an issue, throws, answers a promise or what the program side refuses", () => {
    const noted = z.codec(z.string(), z.number(), {
      decode: (s, ctx) => {
        if (s === "bad") ctx.issues.push({ code: "custom", message: "bad is not a number", input: s });
        return Number(s);
      },
      encode: (n) => String(n),
    });
    expect(decodesQuickly(noted, "5")).toBe(true);
    expect(parseAnswer(noted, "5")).toBe(5);
    expect(decodesQuickly(noted, "bad")).toBe(false);
    sameAsZod(noted, "bad");
    sameAsZod(noted, "x"); // NaN: the program side refuses it
    sameAsZod(noted, 5); // the wire side refuses it
    const throwing = z.codec(z.string(), z.string(), { decode: (s) => { if (s === "t") throw new Error("decode threw"); return s; }, encode: (s) => s });
    expect(() => parseAnswer(throwing, "t")).toThrow("decode threw");
    const later = z.codec(z.string(), z.string(), { decode: async (s) => s, encode: (s) => s });
    expect(decodesQuickly(later, "a")).toBe(false);
    // A side that does not compile (a check on it) leaves the whole codec to zod.
    const checked = z.codec(z.string().min(2), z.string(), { decode: (s) => s, encode: (s) => s });
    expect(decodesQuickly(checked, "ab")).toBe(false);
    expect(encodesQuickly(checked, "ab")).toBe(false);
    expect(() => encodeRequest(checked, "a")).toThrow(z.ZodError);
    expect(encodeRequest(checked, "ab")).toBe("ab");
  });
});

function defType(s: z.ZodType): string {
  return (s as unknown as { _zod: { def: { type: string } } })._zod.def.type;
}
