/** The written program's text: names, quoting, order and secrets, whatever the objects are called. */
import { describe, expect, it } from "vitest";
import { requireDist } from "../helpers";

const { render, slug, SecretRef } = requireDist("./dist/src/discover/render.js");
const info = { vendor: "scm", kind: "ScepProfile", noun: "SCEP profile" };

describe("the program discover writes", () => {
  it("gives every object a unique, stable resource name, whatever order the API answered in", () => {
    const objs = [
      { name: "GP Portal", sortKey: "b", importId: "2", inputs: {} },
      { name: "gp-portal", sortKey: "a", importId: "1", inputs: {} },
      { name: "gp_portal", sortKey: "c", importId: "3", inputs: {} },
      { name: "ünïcode  ", sortKey: "d", importId: "4", inputs: {} },
      { name: "***", sortKey: "e", importId: "5", inputs: {} },
    ];
    const a = render(info, { objects: objs, skipped: [], scope: "s" }).text;
    const b = render(info, { objects: [...objs].reverse(), skipped: [], scope: "s" }).text;
    expect(a).toBe(b);
    const names = [...a.matchAll(/new scm\.ScepProfile\("([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(["gp-portal", "gp-portal-2", "gp-portal-3", "unicode", "object"]);
    expect(slug("BranchSCEPOld")).toBe("branch-scepold");
  });

  it("quotes keys that are not identifiers and escapes every string", () => {
    const inputs = { properties: { "partners/emea~eu": 'say "hi"\n', ok: "x" }, n: 3, b: false, list: [] };
    const t = render(info, { objects: [{ name: "x", sortKey: "x", importId: "a\"b", inputs }], skipped: [], scope: "s" }).text;
    expect(t).toContain('"partners/emea~eu": "say \\"hi\\"\\n",');
    expect(t).toContain("    ok: \"x\",");
    expect(t).toContain('adopt: "a\\"b",');
    expect(t).toContain("list: [],");
  });

  it("reads each secret from config once, and imports the SDK only when it does", () => {
    const s = new SecretRef("xChallenge", "the challenge of 'x'");
    const r = render(info, { objects: [{ name: "x", sortKey: "x", importId: "1", inputs: { scepChallenge: { fixed: s } } }], skipped: [], scope: "s" });
    expect(r.text).toContain('fixed: config.requireSecret("xChallenge"),');
    expect(r.text).toContain(`//   pulumi config set --secret xChallenge '<the challenge of "x">'`);
    expect(r.secrets.map((x: any) => x.key)).toEqual(["xChallenge"]);
    const plain = render(info, { objects: [{ name: "x", sortKey: "x", importId: "1", inputs: {} }], skipped: [], scope: "s" }).text;
    expect(plain).not.toContain("@pulumi/pulumi");
    expect(plain).not.toContain("config");
  });
});
