/**
 * `scm.ScepProfile`: a Strata Cloud Manager SCEP profile (config identity services).
 *
 * Import id: the profile id, or the vendor Terraform provider's `folder:::id`, `:snippet::id`,
 * `::device:id`. Secret fields are answered encrypted by the API, so an import cannot read them:
 * declare them in the program; they are taken as declared until the next update writes them.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import type { Inputify, Outputify } from "../core/types";
import type { ScepProfileOutputs } from "./provider";
import { SECRET_OUTPUTS, type ScepProfileInputs } from "./schema";

export type ScepProfileArgs = Inputify<ScepProfileInputs>;

const OUTPUT_KEYS: (keyof ScepProfileOutputs)[] = [
  "folder", "snippet", "device", "name", "scepChallenge", "caIdentityName", "subject", "algorithm", "digest",
  "fingerprint", "certificateAttributes", "useAsDigitalSignature", "useForKeyEncipherment", "scepUrl",
  "scepCaCert", "scepClientCert", "connection", "encryptedValues", "secretsUnverified",
];

export interface ScepProfile extends Outputify<ScepProfileOutputs> {}

export class ScepProfile extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/scm:ScepProfile";

  constructor(name: string, args: ScepProfileArgs, opts?: pulumi.CustomResourceOptions) {
    super("scm:ScepProfile", OUTPUT_KEYS, SECRET_OUTPUTS, name, args, opts);
  }
}
