/**
 * `nevisidm.ProfileProperties`: the values of some properties of one nevisIDM profile.
 *
 * The resource owns the keys in `properties` and nothing else: other values of the profile, set
 * by people or other tools, are never read into a diff, written or cleared. A key removed from
 * `properties` is cleared in nevisIDM; destroying the resource clears the keys it owns.
 *
 * Import id: `<clientExtId>/<profileExtId>`. The import takes the profile's current values of
 * the keys the program declares (the others are left alone); until the first update after the
 * import, destroy leaves the values in place, because an import cannot tell which keys were the
 * program's. Deployments whose nevisIDM has no `GET …/profiles/{extId}/properties` (the GET is
 * inferred from sibling entities, not documented) cannot import, and refresh there keeps the
 * answer of the last PATCH, so changes made elsewhere are not seen.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import type { Inputify, Outputify } from "../core/types";
import type { ProfilePropertiesOutputs } from "./provider";
import { SECRET_OUTPUTS, type ProfilePropertiesInputs } from "./schema";

export type ProfilePropertiesArgs = Inputify<ProfilePropertiesInputs>;

const OUTPUT_KEYS: (keyof ProfilePropertiesOutputs)[] = [
  "clientExtId", "profileExtId", "properties", "connection", "values", "classifications", "adopted",
];

export interface ProfileProperties extends Outputify<ProfilePropertiesOutputs> {}

export class ProfileProperties extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/nevisidm:ProfileProperties";

  constructor(name: string, args: ProfilePropertiesArgs, opts?: pulumi.CustomResourceOptions) {
    super("nevisidm:ProfileProperties", OUTPUT_KEYS, SECRET_OUTPUTS, name, args, opts);
  }
}
