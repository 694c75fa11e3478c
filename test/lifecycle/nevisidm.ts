/**
 * nevisidm.ProfileProperties's lifecycle data: the keys a stack declares on two profiles of the
 * `acme` client, the second's value wired from the first's. A resource owns the keys it declares
 * and nothing else on the profile, so "the objects" here are the profiles holding declared keys.
 */
import { expect } from "vitest";
import { canary, emulators, trustplane } from "../helpers";
import type { Lifecycle, Sent } from "./suite";

export const startEmulator = () => emulators().startNevisidmEmulator();

/** A recognisable token (a technical user the test registers), so the secrets scan can look for it. */
export function withToken(idm: any): string {
  const token = canary("nevisidm-token");
  idm.state.principals.set(token, { name: "pulumi-ci" });
  return token;
}

export const config = (idm: any, token: string) => ({
  "trustplane:nevisidmUrl": { value: idm.url },
  "trustplane:nevisidmToken": { value: token, secret: true },
});

export interface Knobs {
  alice: Record<string, unknown>;
  bobProfile?: string;
  /** Bob's cost center given directly instead of from alice's output. */
  bobCostCenter?: string;
}

export function program(k: Knobs) {
  return () => {
    const { nevisidm } = trustplane();
    const alice = new nevisidm.ProfileProperties("alice", { clientExtId: "acme", profileExtId: "p-alice", properties: k.alice });
    const bob = new nevisidm.ProfileProperties("bob", {
      clientExtId: "acme",
      profileExtId: k.bobProfile ?? "p-bob",
      // Wired from the other resource's output: unknown during the first preview.
      properties: {
        cost_center: k.bobCostCenter ?? alice.values.apply((v: Record<string, string>) => v.cost_center ?? "none"),
        vpn_enabled: false,
      },
    });
    return { aliceValues: alice.values, aliceClassifications: alice.classifications, bobId: bob.id };
  };
}

export const base: Knobs = { alice: { employee_id: "4711", cost_center: "CC-7", max_sessions: 3 } };
/** Every key the lifecycle's programs declare. */
const DECLARED = ["employee_id", "cost_center", "max_sessions", "vpn_enabled"];
const writes = (sent: Sent[]) => sent.filter((x) => x.method === "PATCH");
const profileOf = (x: Sent) => /\/profiles\/([^/]+)/.exec(x.path)?.[1];
const updated: Knobs = { alice: { ...base.alice, max_sessions: 5 } };
let token = "";

export const nevisidm: Lifecycle<Knobs> = {
  vendor: "nevisidm",
  type: "nevisidm:ProfileProperties",
  project: "nevisidm-e2e",
  timeout: 60_000,
  start: async () => {
    const idm = await startEmulator();
    token = withToken(idm);
    return idm;
  },
  stop: (idm) => idm.stop(),
  config: (idm) => config(idm, token),
  setup: (idm) => idm.state.setValue("acme", "p-alice", "home_phone", "+41 44 123"), // someone else's key
  program,
  resources: ["alice", "bob"],
  base,
  unknownOutput: "bobId",
  objects: (idm) =>
    [...idm.state.client("acme").profiles.values()].filter((p: any) => DECLARED.some((k) => p.properties.has(k))).map((p: any) => `acme/${p.extId}`),
  // The declared keys are written and the profile's other keys left alone.
  created: ({ e: idm, r: up }) => {
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 123", employee_id: "4711", cost_center: "CC-7", max_sessions: "3" });
    expect(idm.state.values("acme", "p-bob")).toEqual({ cost_center: "CC-7", vpn_enabled: "false" });
    expect(up.outputs.aliceValues).toEqual({ employee_id: "4711", cost_center: "CC-7", max_sessions: "3" });
    expect(up.outputs.aliceClassifications).toEqual({ employee_id: ["PERSONAL"] });
    expect(up.outputs.bobId).toBe("acme/p-bob");
  },
  // One key, with a PATCH of that key alone.
  update: {
    knobs: updated,
    resource: "alice",
    changed: ["properties"],
    check: ({ sent }) => expect(writes(sent).map((w) => w.body)).toEqual([{ max_sessions: "5" }]),
  },
  // A key changed outside Pulumi is left alone unless declared.
  drift: {
    make: (idm) => {
      idm.state.setValue("acme", "p-alice", "home_phone", "+41 44 999"); // not declared
      idm.state.setValue("acme", "p-alice", "cost_center", "CC-manual"); // declared
    },
    resource: "alice",
    refreshed: {},
    planned: { changed: ["properties"] },
    check: ({ e: idm, sent }) => {
      expect(writes(sent).map((w) => w.body)).toEqual([{ cost_center: "CC-7" }]);
      expect(idm.state.values("acme", "p-alice")).toMatchObject({ home_phone: "+41 44 999", cost_center: "CC-7" });
    },
  },
  // Moving a resource to another profile releases the old profile's keys first.
  replace: {
    knobs: { ...updated, bobProfile: "p-carol" },
    resource: "bob",
    changed: ["profileExtId"],
    deleteBeforeReplace: true,
    deletes: (x, oldId) => x.method === "PATCH" && `acme/${profileOf(x)}` === oldId,
    creates: (x) => x.method === "PATCH" && profileOf(x) === "p-carol",
    check: ({ e: idm }) => {
      expect(idm.state.values("acme", "p-bob")).toEqual({});
      expect(idm.state.values("acme", "p-carol")).toEqual({ cost_center: "CC-7", vpn_enabled: "false" });
    },
  },
  // The owned keys only.
  destroyed: ({ e: idm }) => {
    expect(idm.state.values("acme", "p-alice")).toEqual({ risk_score: "10", home_phone: "+41 44 999" });
    expect(idm.state.values("acme", "p-carol")).toEqual({});
  },
  // adopt: "<client>/<profile>", managing the declared keys from the moment of adoption.
  adopt: {
    make: async (idm) => {
      idm.state.setValue("acme", "p-bob", "employee_id", "5000");
      idm.state.setValue("acme", "p-bob", "department", "Finance");
      return { id: "acme/p-bob", importId: "acme/p-bob" };
    },
    program: (adopt) => adopted({ employee_id: "5000" }, adopt),
    // A change is written, a key the program stops declaring is cleared, and destroy (next)
    // clears the declared keys and nothing else.
    after: async ({ e: idm, go }) => {
      await go("up", { program: adopted({ employee_id: "5002", cost_center: "CC-1" }) });
      expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "5002", cost_center: "CC-1", department: "Finance" });
      await go("up", { program: adopted({ employee_id: "5002" }) });
      expect(idm.state.values("acme", "p-bob")).toEqual({ employee_id: "5002", department: "Finance" });
    },
    gone: ({ e: idm }) => expect(idm.state.values("acme", "p-bob")).toEqual({ department: "Finance" }),
  },
  secrets: () => [token],
  encrypted: false,
};

function adopted(props: Record<string, string>, adopt: unknown = "acme/p-bob") {
  return () => {
    const { nevisidm } = trustplane();
    const p = new nevisidm.ProfileProperties("legacy", { clientExtId: "acme", profileExtId: "p-bob", properties: props, adopt });
    return { id: p.id, values: p.values };
  };
}
