/**
 * nevisIDM: some property values of one profile. Only the keys listed here are managed; the
 * profile's other values are never touched.
 *
 * Credentials come from the stack config (`trustplane:nevisidmUrl`, `trustplane:nevisidmToken`).
 *
 * To take over values that are already set, add the `adopt` input (`true`, or the id
 * `<clientExtId>/<profileExtId>`). The keys declared below are managed from then on. (The `import`
 * resource option cannot work for a dynamic resource under the Pulumi engine: pulumi/pulumi#16175.)
 *   new nevisidm.ProfileProperties("alice-hr", { ...inputs..., adopt: "acme/p-alice" });
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
