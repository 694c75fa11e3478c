/**
 * `scm.ScepProfile`: a Strata Cloud Manager SCEP profile (config identity services).
 *
 * Adopting an existing profile (the engine cannot `import` a dynamic resource, pulumi/pulumi#16175):
 * `adopt: true` takes over the profile with the same name in the same container (folder, snippet
 * or device) and creates it when there is none; `adopt: "<id>"` takes over that profile (the
 * profile id, or the vendor Terraform provider's `folder:::id`, `:snippet::id`, `::device:id`) and
 * fails, creating nothing, when it does not exist. The declared profile is then written with one
 * PUT (the API answers secrets encrypted, so the declared challenge is written rather than
 * compared), and the state is what a create leaves. Changing or removing `adopt` later changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import { refuseSecretIdInputs } from "../core/secrets";
import type { ScepProfileArgs, ScepProfileOutputProps } from "./types.generated";
import { OUTPUT_KEYS, SECRET_OUTPUTS, type ScepProfileInputs, type ScepProfileOutputs } from "./schema";

// Generated from the schema with each field's description (IDE hover) and enums as literal unions.
export type { ScepProfileArgs };

export interface ScepProfile extends ScepProfileOutputProps {}

export class ScepProfile extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/scm:ScepProfile";

  constructor(name: string, args: ScepProfileArgs, opts?: pulumi.CustomResourceOptions) {
    // Every other output echoes an input at its own name, which the engine re-marks itself.
    super("scm:ScepProfile", OUTPUT_KEYS, SECRET_OUTPUTS, name, refuseSecretIdInputs("scm.ScepProfile", { ...args }, ["adopt"]), opts);
  }
}
