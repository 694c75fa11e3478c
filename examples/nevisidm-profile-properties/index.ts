/**
 * nevisIDM: some property values of one profile. Only the keys listed here are managed; the
 * profile's other values are never touched.
 *
 * Credentials come from the stack config (`trustplane:nevisidmUrl`, `trustplane:nevisidmToken`).
 *
 * To take over values that are already set, add the import option once, run `pulumi up`, then
 * remove it. The keys declared below are the ones imported:
 *   new nevisidm.ProfileProperties("alice-hr", { ...same inputs... },
 *     { import: "acme/p-alice" });   // <clientExtId>/<profileExtId>
 */
import * as pulumi from "@pulumi/pulumi";
import { nevisidm } from "trustplane";

const config = new pulumi.Config();

const alice = new nevisidm.ProfileProperties("alice-hr", {
  clientExtId: config.require("client"),
  profileExtId: config.require("profile"),
  properties: {
    employee_id: "4711",
    cost_center: config.get("costCenter") ?? "CC-7",
    department: "Engineering",
    max_sessions: 3,
    vpn_enabled: true,
  },
});

export const values = alice.values;
export const classifications = alice.classifications;
