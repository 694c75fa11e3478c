/**
 * Bad input and bad answers, the same for all five resources (issue 8), through one real
 * dynamic-provider host.
 *
 * 1. A small seeded generator (no dependency) derives 1,000 invalid inputs per resource from a
 *    valid one: 1 to 3 mutations each, drawn from an unknown property (top level or in
 *    `connection`), a required property removed, a value of the wrong shape anywhere in the tree,
 *    and vendor rules (lengths, alphabets, enums, URL forms) with random values. Every input must
 *    come back from Check as failures, not as a crash of the hook or the host; a single mutation
 *    must be named by its property path; no failure may blame a property that was not touched;
 *    the reason is more than "Invalid input", and does not call a value that is there missing;
 *    and no failure may quote a secret.
 * 2. An API that answers with a body too large to read, or with something that is not JSON, gives
 *    an error that says so, for read, update and create (where a create whose answer was not JSON
 *    is looked up, and nothing is left behind).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/core/emulator";
import { findCanaries } from "../helpers";
import { Canaries, providerText, urnOf, useEnv, useHost, VENDORS, withConnection, type Vendor } from "./vendors";

const N = 1000;
const canaries = new Canaries();
// Set before the host spawns: it inherits the environment.
useEnv({ TRUSTPLANE_MIN_BACKOFF_MS: "1", TRUSTPLANE_MAX_BACKOFF_MS: "10", TRUSTPLANE_MAX_RETRIES: "3" });
const H = useHost();

/* ------------------------------------ the generator ------------------------------------ */

type Path = (string | number)[];
type Rand = ReturnType<typeof gen>;

function gen(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const ALPHABET = "abcXYZ019 -_./:@#%?&=+~\\\"'<>{}[]\u00e9\u4e2d\u{1F600}\t\n\u0000";
  const str = (min = 0, max = 24) => Array.from({ length: min + int(max - min + 1) }, () => pick([...ALPHABET])).join("");
  const word = () => Array.from({ length: 3 + int(8) }, () => pick([..."abcdefghijklmnopqrstuvwxyz"])).join("");
  const scalar = (): unknown => pick([() => str(), () => int(1e6) - 5e5, () => next() * 1e3, () => next() < 0.5, () => str(1000, 20000)])();
  /** A value of another shape than `like`: objects and arrays for scalars, scalars for containers. */
  const wrongShape = (like: unknown): unknown =>
    like !== null && typeof like === "object"
      ? pick([() => str(), () => int(100), () => next() < 0.5])()
      : pick([() => ({ [word()]: scalar() }), () => [scalar(), { [word()]: scalar() }], () => ({})])();
  return { next, int, pick, str, word, scalar, wrongShape };
}

/** `a.b[0]["x/y"]`, as the provider's check prints a property path. */
function fmt(path: Path): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s || "(resource)";
}

const parse = (dotted: string): Path => dotted.split(".");
const clone = <T>(x: T): T => structuredClone(x);
function setAt(o: any, path: Path, v: unknown): void {
  for (const k of path.slice(0, -1)) o = o[k] ??= {};
  o[path[path.length - 1]] = v;
}
function deleteAt(o: any, path: Path): void {
  for (const k of path.slice(0, -1)) o = o?.[k];
  if (o) delete o[path[path.length - 1]];
}
function getAt(o: any, path: Path): unknown {
  for (const k of path) o = o?.[k];
  return o;
}
/** Every node of the tree below the root, with its path. */
function nodes(o: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (o && typeof o === "object") {
    for (const [k, v] of Object.entries(o)) {
      const p = [...at, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      nodes(v, p, out);
    }
  }
  return out;
}
const related = (a: Path, b: Path) => a.slice(0, Math.min(a.length, b.length)).every((k, i) => String(k) === String(b[i]));

/**
 * Vendor rules, by property: a random value each call that the vendor's documented rule refuses.
 * Everything else the generator does is the same for all five.
 */
const RULES: Record<Vendor["name"], { required: string[]; invalid: Record<string, (r: Rand) => unknown> }> = {
  scm: {
    required: ["folder", "name", "scepChallenge", "caIdentityName", "algorithm", "digest", "scepUrl"],
    invalid: {
      name: (r) => r.pick(["", "n".repeat(32 + r.int(500))]),
      folder: (r) => r.word() + r.pick(["/", "\\", "*", "\u00e9", "\n"]) + r.word(),
      digest: (r) => r.pick(["md5", "sha348", "sha-256", r.word()]),
      "algorithm.rsa.rsaNbits": (r) => r.pick([512, 4096, "2047", 0, -2048, r.word()]),
      scepUrl: (r) => r.pick(["ftp://", "", "//", "mailto:"]) + r.word(),
      caIdentityName: () => "",
      "certificateAttributes.rfc822name": (r) => r.word(),
    },
  },
  czertainly: {
    required: ["name", "caCertificateUuid"],
    invalid: {
      name: (r) => r.word() + r.pick([" ", "/", "?", "#", "%", "\u00e9"]) + r.word(),
      caCertificateUuid: (r) => r.pick([r.word(), "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e5", ""]),
      description: (r) => "d".repeat(256 + r.int(2000)),
      renewalThreshold: (r) => r.pick([-1 - r.int(100), 1.5, 2 ** 31 + r.int(1000)]),
      challengePassword: () => "",
      raProfileUuid: (r) => r.word(),
    },
  },
  vcf: {
    required: ["name", "type", "ldap", "oidc"],
    invalid: {
      name: () => "",
      type: (r) => r.pick(["Embedded", ""]),
      "ldap.type": (r) => r.pick(["openldap", "AD", r.word()]),
      "ldap.password": () => "",
      "ldap.sourceDetails.serverEndpoints": (r) => r.pick([[], [`http://${r.word()}`], [`ldaps://${r.word()}/x y`]]),
      "oidc.discoveryEndpoint": (r) => r.pick([`http://${r.word()}`, r.word(), ""]),
    },
  },
  cxif: {
    required: ["targetConnectionDescriptorName"],
    invalid: {
      targetConnectionDescriptorName: () => "",
      targetConnectionDescriptorHref: (r) => r.pick([`https://${r.word()}/y`, r.word(), "/connectionDescriptors/"]),
      "profiles.Subscriber.scimRfc7643Mapping.name": (r) => r.pick(["MAP", "forward", r.word()]),
      "profiles.Subscriber.groupAssignment": (r) => [r.word(), ""],
    },
  },
  nevisidm: {
    required: ["clientExtId", "profileExtId", "properties"],
    invalid: {
      clientExtId: (r) => r.pick(["", ` ${r.word()}`, `${r.word()} `]),
      profileExtId: (r) => r.pick(["", ` ${r.word()}`]),
      "properties.cost_center": (r) => r.pick([0.5 + r.int(10), null, 2 ** 60, -(2 ** 55) - 3]),
      "properties._classifications": (r) => r.word(),
    },
  },
};

interface Mutation {
  kind: "unknown" | "drop" | "shape" | "rule";
  path: Path;
  /** For an unknown property: its name (the failure is at its parent and names it). */
  key?: string;
}

function mutate(valid: Record<string, unknown>, v: Vendor, r: Rand): { input: Record<string, unknown>; muts: Mutation[] } {
  const input = clone(valid);
  const rules = RULES[v.name];
  const muts: Mutation[] = [];
  const count = r.next() < 0.5 ? 1 : 2 + r.int(2);
  for (let tries = 0; muts.length < count && tries < 20; tries++) {
    const kind = r.pick(["unknown", "drop", "shape", "rule", "rule"] as const);
    let m: Mutation;
    if (kind === "unknown") {
      const key = `zz${r.word()}`;
      m = { kind, path: r.next() < 0.7 ? [] : ["connection"], key };
    } else if (kind === "drop") {
      m = { kind, path: parse(r.pick(rules.required)) };
    } else if (kind === "shape") {
      m = { kind, path: r.pick(nodes(valid)) };
    } else {
      m = { kind, path: parse(r.pick(Object.keys(rules.invalid))) };
    }
    // One mutation per branch of the tree, so each can be told apart.
    if (muts.some((x) => related(x.path, m.path))) continue;
    if (m.kind === "unknown" && m.path.length) {
      if (getAt(input, ["connection"]) === undefined) input.connection = {};
      setAt(input, [...m.path, m.key!], r.scalar());
    } else if (m.kind === "unknown") setAt(input, [m.key!], r.scalar());
    else if (m.kind === "drop") deleteAt(input, m.path);
    else if (m.kind === "shape") setAt(input, m.path, r.wrongShape(getAt(valid, m.path)));
    else setAt(input, m.path, rules.invalid[m.path.join(".")](r));
    muts.push(m);
  }
  return { input, muts };
}

/** The failure names the mutation's property: the path itself, below it, or (unknown key) its parent naming the key. */
function names(f: { property: string; reason: string }, m: Mutation): boolean {
  if (m.kind === "unknown") return f.property === fmt(m.path) && f.reason.includes(`'${m.key}'`);
  const p = fmt(m.path);
  return f.property === p || f.property.startsWith(`${p}.`) || f.property.startsWith(`${p}[`);
}
/**
 * Not about a property the input left alone: the failure is at or below a mutation, above it (a
 * rule over a whole object), or it is a rule over siblings ("set only one of …") that quotes the
 * mutated property by name.
 */
function relatedTo(f: { property: string; reason: string }, m: Mutation): boolean {
  if (names(f, m)) return true;
  const p = fmt(m.path);
  if (f.property !== "(resource)" && (p.startsWith(`${f.property}.`) || p.startsWith(`${f.property}[`))) return true;
  return m.path.length > 0 && f.reason.includes(`'${m.path[m.path.length - 1]}'`);
}

describe.each(VENDORS.map((v) => [v.name, v] as const))("%s: generated invalid inputs", (_n, v: Vendor) => {
  it(`checks ${N} invalid inputs: no crash, each failure names the property`, { timeout: 120_000 }, async () => {
    const e = await v.start(canaries);
    try {
      const valid = v.args(e, 0, 0, (s) => s, canaries);
      const provider = await providerText(v, valid);
      const urn = urnOf(v, "bad");
      const ok = await H.host.check(urn, {}, { ...valid, __provider: provider });
      expect(ok.failures).toEqual([]);

      const r = gen(0xbad + VENDORS.indexOf(v));
      const cases = Array.from({ length: N }, () => mutate(valid, v, r));
      const crashes: string[] = [];
      const problems: string[] = [];
      const reasons: string[] = [];
      const kinds: Record<string, number> = {};
      let single = 0;
      for (let i = 0; i < cases.length; i += 25) {
        await Promise.all(
          cases.slice(i, i + 25).map(async ({ input, muts }) => {
            for (const m of muts) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
            const show = () => `${muts.map((m) => `${m.kind}:${fmt(m.path)}${m.key ? `.${m.key}` : ""}`).join(", ")}`;
            let res: { failures: { property: string; reason: string }[] };
            try {
              res = await H.host.check(urn, {}, { ...input, __provider: provider });
            } catch (err) {
              crashes.push(`${show()}: ${(err as Error).message}`);
              return;
            }
            reasons.push(...res.failures.map((f) => f.reason));
            if (res.failures.length === 0) return problems.push(`${show()}: accepted`);
            if (muts.length === 1) {
              single++;
              if (!res.failures.some((f) => names(f, muts[0]))) problems.push(`${show()}: not named in ${JSON.stringify(res.failures)}`);
            } else if (!muts.some((m) => res.failures.some((f) => names(f, m)))) {
              problems.push(`${show()}: none named in ${JSON.stringify(res.failures)}`);
            }
            // A reason a person can act on: not zod's bare "Invalid input", and a value that is
            // there but of the wrong shape is not reported as missing.
            for (const f of res.failures) {
              if (/: Invalid input$/.test(f.reason)) problems.push(`${show()}: vague ${JSON.stringify(f)}`);
              if (/required/.test(f.reason) && muts.some((m) => m.kind === "shape" && names(f, m))) problems.push(`${show()}: given, but said to be missing: ${JSON.stringify(f)}`);
            }
            const stray = res.failures.filter((f) => !muts.some((m) => relatedTo(f, m)));
            if (stray.length) problems.push(`${show()}: blames untouched ${JSON.stringify(stray)}`);
          }),
        );
      }
      expect(crashes).toEqual([]);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(findCanaries(canaries.all(), { reasons: reasons.join("\n") })).toEqual([]);
      // The host survived all of it.
      expect((await H.host.check(urn, {}, { ...valid, __provider: provider })).failures).toEqual([]);
      console.log(`[bad-input] ${v.name}: ${JSON.stringify({ inputs: cases.length, single, kinds, failures: reasons.length, crashes: crashes.length })}`);
    } finally {
      await e.stop();
    }
  });
});

/** Lets a test answer some requests itself, in front of the vendor's routes (token endpoints excluded). */
function intercept(emu: any): { answer?: (req: any) => any } {
  const ctl: { answer?: (req: any) => any } = {};
  const route = emu.route;
  emu.route = (req: any, self: any) => (!/token/i.test(req.path) && ctl.answer?.(req)) || route(req, self);
  return ctl;
}

const HTML = { status: 200, body: "<html><body><h1>Gateway</h1>upstream said hello</body></html>", raw: true, headers: { "content-type": "text/html" } };
const HUGE = { status: 200, body: { padding: "x".repeat(9 * 1024 * 1024) } };

describe.each(VENDORS.map((v) => [v.name, v] as const))("%s: answers that cannot be read", (_n, v: Vendor) => {
  it("an answer too large, or not JSON, fails the read, update and create with an error that says so", { timeout: 120_000 }, async () => {
    const e = await v.start(canaries);
    const ctl = intercept(e.emu);
    try {
      const args = (i: number, variant: number) => withConnection(v, e, v.args(e, i, variant, (s) => s, canaries));
      const provider = await providerText(v, args(1, 0));
      const urn = urnOf(v, "answers");
      const checked = async (i: number, variant: number) => (await H.host.check(urn, {}, { ...args(i, variant), __provider: provider })).inputs;
      const inputs = await checked(1, 0);
      const made = await H.host.create(urn, inputs);
      const errors: string[] = [];
      const fails = async (p: Promise<unknown>, re: RegExp) => {
        const err = await p.then(() => undefined, (x: Error) => x);
        expect(err, `expected ${re}`).toBeInstanceOf(Error);
        errors.push(err!.message);
        expect(err!.message).toMatch(re);
        // Says which API and which call, and is not a stack trace or a parser's complaint.
        expect(err!.message).toMatch(/\w API (GET|PUT|PATCH|POST) http:\/\/127\.0\.0\.1:\d+\/\S+ (answered|failed)/);
        expect(err!.message).not.toMatch(/\n\s+at |SyntaxError|Unexpected token|JSON\.parse/);
      };

      ctl.answer = (req) => (req.method === "GET" ? HUGE : undefined);
      await fails(H.host.read(urn, made.id, made.outs, inputs), /more than 8388608 bytes/);
      ctl.answer = (req) => (req.method === "GET" ? HTML : undefined);
      await fails(H.host.read(urn, made.id, made.outs, inputs), /not JSON: <html>/);
      ctl.answer = (req) => (req.method === "GET" ? { ...HTML, status: 500 } : undefined);
      await fails(H.host.read(urn, made.id, made.outs, inputs), /HTTP 500/);
      ctl.answer = (req) => (["PUT", "PATCH"].includes(req.method) ? HTML : undefined);
      await fails(H.host.update(urn, made.id, made.outs, await checked(1, 1)), /not JSON: <html>/);
      ctl.answer = (req) => (["PUT", "PATCH"].includes(req.method) ? HUGE : undefined);
      await fails(H.host.update(urn, made.id, made.outs, await checked(1, 1)), /more than 8388608 bytes/);

      // A create whose answer is not JSON may have landed: it is looked up, never blindly repeated,
      // and (here it did not land) nothing is left behind.
      const before = v.objects(e).length;
      const from = e.emu.requests.length;
      ctl.answer = (req) => ((v.create ? req.method === "POST" : req.method === "PATCH") ? HTML : undefined);
      await fails(H.host.create(urn, await checked(2, 0)), /not JSON: <html>/);
      expect(v.objects(e).length).toBe(before);
      if (v.create) {
        const sent = e.emu.requests.slice(from);
        const posts = sent.map((r: any, i: number) => [r, i]).filter(([r]: any) => r.method === "POST" && v.create!.post.test(r.path));
        expect(posts.length).toBeGreaterThan(1);
        for (const [, i] of posts.slice(1)) {
          const prev = posts[posts.findIndex(([, j]: any) => j === i) - 1][1];
          expect(sent.slice(prev + 1, i).some((r: any) => r.method === "GET" && v.create!.lookup.test(r.path) && r.status === 200)).toBe(true);
        }
      }

      ctl.answer = undefined;
      await H.host.delete(urn, made.id, made.outs);
      expect(v.objects(e)).toEqual([]);
      expect(findCanaries(canaries.all(), { errors: errors.join("\n") })).toEqual([]);
      console.log(`[answers] ${v.name}:\n  ${errors.map((m) => m.split("\n")[0].slice(0, 220)).join("\n  ")}`);
    } finally {
      await e.stop();
    }
  });
});
