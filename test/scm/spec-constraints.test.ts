/**
 * Every `format`, `enum`, `maxLength` and `pattern` the official SCM document declares for
 * `scep-profiles` is refused at preview (`check`), at the property the user wrote, with a reason
 * that says what to write instead. The constraints are read from the document itself, so one the
 * document adds later and `check` does not know fails this test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { hooks } from "../../src/scm/provider";
import { ROOT } from "../helpers";

const SPEC = path.resolve(ROOT, "..", "shared", "specs", "scm-identity-services.openapi.yaml");

interface Constraint {
  /** Wire path, e.g. `certificate_attributes.dnsname`. */
  wire: string;
  kind: "format" | "enum" | "maxLength" | "pattern";
  value: unknown;
}

function constraints(): Constraint[] {
  const doc: any = yaml.load(fs.readFileSync(SPEC, "utf8"));
  const out: Constraint[] = [];
  const walk = (s: any, at: string[]) => {
    if (!s || typeof s !== "object") return;
    for (const b of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]) walk(b, at);
    for (const [k, v] of Object.entries<any>(s.properties ?? {})) {
      if (v.readOnly) continue;
      const here = [...at, k];
      // format `password` says how to show a value, not which values are valid.
      if (v.format && v.format !== "password") out.push({ wire: here.join("."), kind: "format", value: v.format });
      if (v.enum) out.push({ wire: here.join("."), kind: "enum", value: v.enum });
      if (v.maxLength !== undefined) out.push({ wire: here.join("."), kind: "maxLength", value: v.maxLength });
      if (v.pattern) out.push({ wire: here.join("."), kind: "pattern", value: v.pattern });
      walk(v, here);
    }
  };
  walk(doc.components.schemas["scep-profiles"], []);
  return out;
}

const camel = (wire: string) => wire.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

const valid = (): Record<string, any> => ({
  folder: "Mobile Users",
  name: "gp-scep",
  scepChallenge: { fixed: "otp-secret" },
  caIdentityName: "Corp Issuing CA",
  algorithm: { rsa: { rsaNbits: "2048" } },
  digest: "sha256",
  scepUrl: "https://scep.example.com/scep",
});

/** Where the value goes, with the branch of each `oneOf` it needs chosen. */
function withValue(wire: string, v: unknown): Record<string, any> {
  const a = valid();
  switch (wire) {
    case "folder":
    case "snippet":
    case "device":
      delete a.folder;
      a[wire] = v;
      return a;
    case "scep_challenge.fixed":
      a.scepChallenge = { fixed: v };
      return a;
    case "scep_challenge.dynamic.username":
    case "scep_challenge.dynamic.password":
    case "scep_challenge.dynamic.otp_server_url":
      a.scepChallenge = { dynamic: { otpServerUrl: "https://otp.example.com/otp", username: "u", password: "p", [camel(wire.split(".")[2])]: v } };
      return a;
    case "certificate_attributes.rfc822name":
    case "certificate_attributes.dnsname":
    case "certificate_attributes.uniform_resource_identifier":
      a.certificateAttributes = { [camel(wire.split(".")[1])]: v };
      return a;
    case "algorithm.rsa.rsa_nbits":
      a.algorithm = { rsa: { rsaNbits: v } };
      return a;
    default:
      a[camel(wire)] = v;
      return a;
  }
}

/** A value that breaks the constraint and nothing else the document declares there. */
function violating(c: Constraint, all: Constraint[]): unknown {
  const others = all.filter((o) => o.wire === c.wire);
  switch (c.kind) {
    case "maxLength": {
      const n = (c.value as number) + 1;
      const fmt = others.find((o) => o.kind === "format")?.value;
      if (fmt === "uri") return `https://otp.example.com/${"a".repeat(n)}`;
      return "a".repeat(n);
    }
    case "enum":
      return "not-one-of-them";
    case "pattern":
      return "no/slashes";
    case "format":
      return { email: "not an email", fqdn: "not a hostname!", uri: "not a uri" }[c.value as string] ?? "?";
  }
}

describe("scm.ScepProfile check knows every constraint of the SCM document", () => {
  const all = constraints();

  it("finds the constraints the issue names in the document (so the walk is not vacuous)", () => {
    expect(all).toEqual(expect.arrayContaining([{ wire: "certificate_attributes.dnsname", kind: "format", value: "fqdn" }]));
    expect(all.filter((c) => c.kind === "enum").map((c) => c.wire)).toEqual(
      expect.arrayContaining(["scep_ca_cert", "scep_client_cert", "algorithm.rsa.rsa_nbits", "digest"]),
    );
    expect(all.length).toBeGreaterThanOrEqual(15);
  });

  it("accepts a value of each enum", async () => {
    for (const c of all.filter((x) => x.kind === "enum")) {
      for (const v of c.value as string[]) {
        const r = await hooks.check({}, withValue(c.wire, v));
        expect(r.failures, `${c.wire}=${v}`).toEqual([]);
      }
    }
  });

  for (const c of constraints()) {
    it(`refuses ${c.wire} breaking ${c.kind} ${JSON.stringify(c.value).slice(0, 40)} at preview, naming the property`, async () => {
      const r = await hooks.check({}, withValue(c.wire, violating(c, all)));
      const property = camel(c.wire);
      expect(r.failures.map((f: any) => f.property)).toContain(property);
      const reason = r.failures.find((f: any) => f.property === property)!.reason;
      // The reason tells what to write: a limit, a list of values, a form or the allowed alphabet.
      expect(reason).toMatch(/at most \d+|one of|must be|may contain only/);
    });
  }

  it("says what a dnsname must look like (the issue's example)", async () => {
    const r = await hooks.check({}, withValue("certificate_attributes.dnsname", "not a hostname!"));
    expect(r.failures).toEqual([
      { property: "certificateAttributes.dnsname", reason: expect.stringMatching(/fully qualified host name .*e\.g\. vpn\.example\.com/) },
    ]);
    expect((await hooks.check({}, withValue("certificate_attributes.dnsname", "vpn.example.com"))).failures).toEqual([]);
  });
});
