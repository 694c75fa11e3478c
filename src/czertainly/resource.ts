/**
 * `czertainly.ScepProfile`: a SCEP profile in CZERTAINLY Core (`/v1/scepProfiles`).
 *
 * Other resources and stacks consume `caCertificate` (fingerprint, subjectDn, notAfter, …),
 * `scepUrl` (present with a default RA profile) and `enabled`.
 *
 * Adopting an existing profile (the engine cannot `import` a dynamic resource, pulumi/pulumi#16175):
 * `adopt: true` takes over the profile with the same name (names are unique across Core) and
 * creates it when there is none; `adopt: "<uuid>"` takes over that profile and fails, creating
 * nothing, when it does not exist. Core never answers `challengePassword` nor
 * `intuneApplicationKey` (nor `secret`-typed attribute content), so adopting always sends one PUT
 * of everything declared. A challenge password declared on an adopted profile that had none stays
 * unverified (listed in `unverified`): Core ignores a password sent to a profile without one.
 * Changing or removing `adopt` later changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import { refuseSecretIdInputs, type DerivedOutputs } from "../core/secrets";
import type { ScepProfileArgs, ScepProfileOutputProps } from "./types.generated";
import { ATTRIBUTE_KEYS, hasSecretContent, OUTPUT_KEYS, SECRET_OUTPUTS, type ScepProfileInputs, type ScepProfileOutputs } from "./schema";

// Generated from the schema with each field's description (IDE hover) and enums as literal unions.
export type { ScepProfileArgs };

/**
 * Outputs built from inputs under other names: Core's SCEP URL holds the profile name and the
 * base URL it was reached at; `raProfile` and `caCertificate` are the objects the uuids name.
 */
const DERIVED: DerivedOutputs = {
  scepUrl: ["name", "connection.url", "connection.publicUrl"],
  raProfile: ["raProfileUuid"],
  caCertificate: ["caCertificateUuid"],
};

export interface ScepProfile extends ScepProfileOutputProps {}

export class ScepProfile extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/czertainly:ScepProfile";

  constructor(name: string, args: ScepProfileArgs, opts?: pulumi.CustomResourceOptions) {
    const given: Record<string, unknown> = { ...args };
    // Attributes typed `secret` carry secrets inside otherwise plain lists: mark the whole input
    // secret when they do, so the engine keeps its output encrypted too.
    for (const k of ATTRIBUTE_KEYS) {
      if (given[k] !== undefined) given[k] = pulumi.output(given[k]).apply((v) => (hasSecretContent(v) ? pulumi.secret(v) : v));
    }
    super("czertainly:ScepProfile", OUTPUT_KEYS, SECRET_OUTPUTS, name, refuseSecretIdInputs("czertainly.ScepProfile", given, ["adopt"]), opts, DERIVED);
  }
}
