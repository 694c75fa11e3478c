/**
 * `nevisidm.ProfileProperties`: the values of some properties of one nevisIDM profile.
 *
 * The resource owns the keys in `properties` and nothing else: other values of the profile, set
 * by people or other tools, are never read into a diff, written or cleared. A key removed from
 * `properties` is cleared in nevisIDM; destroying the resource clears the keys it owns.
 *
 * Adopting values already set (the engine cannot `import` a dynamic resource, pulumi/pulumi#16175):
 * `adopt: true` reads the profile named by `clientExtId` and `profileExtId` and PATCHes only the
 * declared keys whose value differs; `adopt: "<clientExtId>/<profileExtId>"` does the same for that
 * profile, which must exist and be the declared one. From then on the declared keys are the
 * resource's: removing one clears it, destroy clears them, and the profile's other keys are left
 * alone. Changing or removing `adopt` later changes nothing. Deployments whose nevisIDM has no
 * `GET …/profiles/{extId}/properties` (the GET is inferred from sibling entities, not documented)
 * cannot read the values: there `adopt: true` writes the declared keys as a create does, an id is
 * refused, and refresh keeps the answer of the last PATCH, so changes made elsewhere are not seen.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import { refuseSecretIdInputs } from "../core/secrets";
import type { ProfilePropertiesArgs, ProfilePropertiesOutputProps } from "./types.generated";
import {
  DERIVED_SECRET_OUTPUTS,
  OUTPUT_KEYS,
  SECRET_OUTPUTS,
  type ProfilePropertiesInputs,
  type ProfilePropertiesOutputs,
} from "./schema";

// Generated from the schema with each field's description (IDE hover) and enums as literal unions.
export type { ProfilePropertiesArgs };

export interface ProfileProperties extends ProfilePropertiesOutputProps {}

export class ProfileProperties extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/nevisidm:ProfileProperties";

  constructor(name: string, args: ProfilePropertiesArgs, opts?: pulumi.CustomResourceOptions) {
    // The id is `<clientExtId>/<profileExtId>`, never encrypted by the engine.
    const given = refuseSecretIdInputs("nevisidm.ProfileProperties", { ...args }, ["clientExtId", "profileExtId", "adopt"]);
    super("nevisidm:ProfileProperties", OUTPUT_KEYS, SECRET_OUTPUTS, name, given, opts, DERIVED_SECRET_OUTPUTS);
  }
}
