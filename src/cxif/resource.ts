/**
 * `cxif.ScimConfiguration`: an Oracle CX Industries Framework SCIM configuration, which tells the
 * framework's user-management API how each profile's users reach the target identity system
 * (group assignment, RFC 7643 and custom attribute mapping).
 *
 * Adopting an existing configuration (the engine cannot `import` a dynamic resource,
 * pulumi/pulumi#16175): `adopt: true` takes over the configuration that targets the declared
 * connection descriptor (the server allows one per descriptor; with no namespace declared, only a
 * configuration that is the only one for that name counts) and creates it when there is none;
 * `adopt: "<configuration-id>"` takes over that configuration and fails, creating nothing, when it
 * does not exist. What differs is written with one PUT. Changing or removing `adopt` later changes
 * nothing. Other stacks consume `targetConnectionDescriptorHref`.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import { refuseSecretIdInputs, type DerivedOutputs } from "../core/secrets";
import { outputKeys } from "../core/fields";
import type { ScimConfigurationArgs, ScimConfigurationOutputProps } from "./types.generated";
import { argsSchema, outputsSchema, SECRET_OUTPUTS, type ScimConfigurationInputs, type ScimConfigurationOutputs } from "./schema";

// Generated from the schema with each field's description (IDE hover) and enums as literal unions.
export type { ScimConfigurationArgs };

/** The inputs the state holds, then the computed outputs: the engine reports only the keys registered. */
export const OUTPUT_KEYS = outputKeys(argsSchema, outputsSchema) as (keyof ScimConfigurationOutputs)[];

/** The descriptor's name and href are each derived from the other when only one is declared. */
const DERIVED: DerivedOutputs = {
  targetConnectionDescriptorName: ["targetConnectionDescriptorHref"],
  targetConnectionDescriptorHref: ["targetConnectionDescriptorName"],
};

export interface ScimConfiguration extends ScimConfigurationOutputProps {}

export class ScimConfiguration extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/cxif:ScimConfiguration";

  constructor(name: string, args: ScimConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    super("cxif:ScimConfiguration", OUTPUT_KEYS, SECRET_OUTPUTS, name, refuseSecretIdInputs("cxif.ScimConfiguration", { ...args }, ["adopt"]), opts, DERIVED);
  }
}
