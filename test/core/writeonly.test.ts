/**
 * `takenAsDeclared`: the state as diff compares it, each unverified path holding what the program
 * declares. It copies only what it changes (the top level and the objects on each path), so the
 * state it was given must come out untouched, however deep the path.
 */
import { describe, expect, it } from "vitest";
import { takenAsDeclared } from "../../src/core/writeonly";

const state = () => ({
  name: "corp-ldap",
  ldap: { bindDn: "cn=svc", password: "from-the-state", tls: { certificates: ["-----BEGIN A-----"] } },
  oidc: { clientId: "app" },
  chain: ["c1", "c2"],
  unverified: ["ldap.password", "oidc.clientSecret", "connection.token"],
});

describe("takenAsDeclared", () => {
  it("puts the declared value at each unverified path, at any depth, and makes the levels the state lacks", () => {
    const news = { ldap: { password: "declared" }, oidc: { clientSecret: "declared-secret" }, connection: { token: "t" } };
    const o = takenAsDeclared(state(), news);
    expect(o).toEqual({ ...state(), ldap: { ...state().ldap, password: "declared" }, oidc: { clientId: "app", clientSecret: "declared-secret" }, connection: { token: "t" } });
  });

  it("leaves the state it was given as it was, whatever the caller then sets on the copy", () => {
    const olds = state();
    const before = structuredClone(olds);
    const o = takenAsDeclared(olds, { ldap: { password: "declared" }, oidc: {} });
    o.name = "other";
    expect(olds).toEqual(before);
    // What no path touches is the state's own, read, not copied.
    expect(o.chain).toBe(olds.chain);
    expect((o.ldap as typeof olds.ldap).tls).toBe(olds.ldap.tls);
    expect(o.ldap).not.toBe(olds.ldap);
  });

  it("keeps an array on a path an array", () => {
    const o = takenAsDeclared({ profiles: [{ secret: "old" }] }, { profiles: { 0: { secret: "new" } } }, ["profiles.0.secret"]);
    expect(Array.isArray(o.profiles)).toBe(true);
    expect(o.profiles).toEqual([{ secret: "new" }]);
  });

  it("is a plain copy where nothing is unverified", () => {
    const olds = { name: "n", nested: { a: 1 }, unverified: [] };
    const o = takenAsDeclared(olds, { name: "m" });
    expect(o).toEqual(olds);
    expect(o).not.toBe(olds);
  });
});
