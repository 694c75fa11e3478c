import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { hooks } from "../../src/scm/provider";

const valid = () => ({
  folder: "Mobile Users",
  name: "gp-scep",
  scepChallenge: { fixed: "otp-secret" },
  caIdentityName: "Corp Issuing CA",
  algorithm: { rsa: { rsaNbits: 2048 } },
  digest: "sha256",
  scepUrl: "https://scep.example.com/certsrv/mscep/mscep.dll",
});

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("scm.ScepProfile check", () => {
  it("accepts a minimal profile, fills the subject default and turns the key size into the wire's string", async () => {
    const r = await hooks.check({}, valid());
    expect(r.failures).toEqual([]);
    expect(r.inputs.subject).toBe("CN=$USERNAME");
    expect(r.inputs.algorithm).toEqual({ rsa: { rsaNbits: "2048" } });
  });

  it("needs exactly one container", async () => {
    const { folder, ...none } = valid();
    expect(await failures(none)).toEqual([expect.stringMatching(/^folder \| folder: set exactly one of 'folder', 'snippet', 'device'/)]);
    expect(await failures({ ...valid(), snippet: "s" })).toEqual([expect.stringMatching(/^snippet \| .*set only one of .*found 'folder' and 'snippet'/)]);
  });

  it("limits container names to 64 characters of the documented alphabet", async () => {
    expect(await failures({ ...valid(), folder: "x".repeat(64) })).toEqual([]);
    expect(await failures({ ...valid(), folder: "x".repeat(65) })).toEqual([expect.stringMatching(/^folder \| .*at most 64 characters/)]);
    expect(await failures({ ...valid(), folder: "a/b" })).toEqual([expect.stringMatching(/^folder \| .*only letters, digits/)]);
    expect(await failures({ ...valid(), folder: undefined, device: "fw_01.lab-2 x" })).toEqual([]);
  });

  it("limits the name to 31 characters", async () => {
    expect(await failures({ ...valid(), name: "n".repeat(31) })).toEqual([]);
    expect(await failures({ ...valid(), name: "n".repeat(32) })).toEqual([expect.stringMatching(/^name \| .*at most 31/)]);
  });

  it("takes exactly one kind of challenge, each within its limits", async () => {
    expect(await failures({ ...valid(), scepChallenge: { none: {} } })).toEqual([]);
    expect(await failures({ ...valid(), scepChallenge: {} })).toEqual([expect.stringMatching(/^scepChallenge\.none \| .*set exactly one of 'none', 'fixed', 'dynamic'/)]);
    expect(await failures({ ...valid(), scepChallenge: { none: {}, fixed: "x" } })).toEqual([expect.stringMatching(/^scepChallenge\.fixed \| .*set only one/)]);
    expect(await failures({ ...valid(), scepChallenge: { fixed: "x".repeat(1024) } })).toEqual([]);
    expect(await failures({ ...valid(), scepChallenge: { fixed: "x".repeat(1025) } })).toEqual([expect.stringMatching(/^scepChallenge\.fixed \| .*at most 1024/)]);
    const dyn = { otpServerUrl: "https://otp.example.com", username: "u", password: "p" };
    expect(await failures({ ...valid(), scepChallenge: { dynamic: dyn } })).toEqual([]);
    for (const f of ["otpServerUrl", "username", "password"]) {
      const long = f === "otpServerUrl" ? `https://${"y".repeat(248)}` : "y".repeat(256);
      expect(await failures({ ...valid(), scepChallenge: { dynamic: { ...dyn, [f]: long } } })).toEqual([
        expect.stringMatching(new RegExp(`^scepChallenge\\.dynamic\\.${f} \\| .*at most 255`)),
      ]);
    }
    expect(await failures({ ...valid(), scepChallenge: { none: "" } })).toEqual([expect.stringMatching(/^scepChallenge\.none \| .*none: \{\}/)]);
    expect(await failures({ ...valid(), scepChallenge: { dynamic: { ...dyn, otpServerUrl: "otp.example.com" } } })).toEqual([
      expect.stringMatching(/^scepChallenge\.dynamic\.otpServerUrl \| .*must be a URL/),
    ]);
  });

  it("accepts only 1024, 2048 and 3072-bit RSA keys, as numbers or strings", async () => {
    for (const n of [1024, "2048", 3072]) expect(await failures({ ...valid(), algorithm: { rsa: { rsaNbits: n } } })).toEqual([]);
    expect(await failures({ ...valid(), algorithm: { rsa: { rsaNbits: 4096 } } })).toEqual([expect.stringMatching(/^algorithm\.rsa\.rsaNbits \| .*1024, 2048 or 3072/)]);
  });

  it("takes the four digests, and names the vendor page's sha348 typo", async () => {
    for (const d of ["sha1", "sha256", "sha384", "sha512"]) expect(await failures({ ...valid(), digest: d })).toEqual([]);
    expect(await failures({ ...valid(), digest: "sha348" })).toEqual([expect.stringMatching(/^digest \| .*typo.*use 'sha384'/)]);
    expect(await failures({ ...valid(), digest: "md5" })).toEqual([expect.stringMatching(/^digest \| .*one of sha1, sha256, sha384, sha512/)]);
  });

  it("takes one subject alternative name type", async () => {
    expect(await failures({ ...valid(), certificateAttributes: { dnsname: "gp.example.com" } })).toEqual([]);
    expect(await failures({ ...valid(), certificateAttributes: { dnsname: "a.example.com", rfc822name: "b@example.com" } })).toEqual([expect.stringMatching(/^certificateAttributes\.dnsname \| .*set only one/)]);
    // Formats from the vendor's OpenAPI document.
    expect(await failures({ ...valid(), certificateAttributes: { rfc822name: "not-an-email" } })).toEqual([expect.stringMatching(/^certificateAttributes\.rfc822name \| .*email address/)]);
    expect(await failures({ ...valid(), certificateAttributes: { uniformResourceIdentifier: "no scheme" } })).toEqual([expect.stringMatching(/^certificateAttributes\.uniformResourceIdentifier \| .*URI/)]);
  });

  it("names each missing required input", async () => {
    const f = await failures({ folder: "f" });
    for (const p of ["name", "scepChallenge", "caIdentityName", "algorithm", "digest", "scepUrl"]) {
      expect(f).toContainEqual(expect.stringMatching(new RegExp(`^${p} \\| ${p}: is required`)));
    }
  });

  it("rejects a misspelt input instead of ignoring it", async () => {
    expect(await failures({ ...valid(), sceUrl: "x" })).toEqual([expect.stringMatching(/unknown property 'sceUrl'/)]);
  });

  it("accepts values not known until apply during preview, and still checks the rest", async () => {
    const r = await hooks.check({}, { ...valid(), folder: UNKNOWN, scepUrl: UNKNOWN, fingerprint: UNKNOWN, scepChallenge: { fixed: UNKNOWN } });
    expect(r.failures).toEqual([]);
    expect(r.inputs.folder).toBe(UNKNOWN);
    const bad = await failures({ ...valid(), scepUrl: UNKNOWN, name: "n".repeat(40) });
    expect(bad).toEqual([expect.stringMatching(/^name \|/)]);
    expect(await failures({ ...valid(), algorithm: UNKNOWN })).toEqual([]);
  });

  it("reports a bad connection setting by its path", async () => {
    expect(await failures({ ...valid(), connection: { apiUrl: "not a url" } })).toEqual([expect.stringMatching(/^connection\.apiUrl \| .*http\(s\) URL/)]);
  });
});
