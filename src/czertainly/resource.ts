/**
 * `czertainly.ScepProfile`: a SCEP profile in CZERTAINLY Core (`/v1/scepProfiles`).
 *
 * Other resources and stacks consume `caCertificate` (fingerprint, subjectDn, notAfter, …),
 * `scepUrl` (present with a default RA profile) and `enabled`.
 *
 * Import id: the profile's uuid. Credentials for an import come from the stack config or the
 * environment (the import reads before the program's `connection` is known). Core never answers
 * `challengePassword` nor `intuneApplicationKey` (nor `secret`-typed attribute content), so an
 * import cannot read them: declare them in the program; they are taken as declared (listed in
 * `unverified`) until an update writes them. A challenge password declared on an imported profile
 * that has none stays unverified: Core ignores a password sent to a profile without one.
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import type { Inputify, Outputify } from "../core/types";
import type { ScepProfileOutputs } from "./provider";
import { ATTRIBUTE_KEYS, hasSecretContent, SECRET_OUTPUTS, type ScepProfileInputs } from "./schema";

export type ScepProfileArgs = Inputify<ScepProfileInputs>;

const OUTPUT_KEYS: (keyof ScepProfileOutputs)[] = [
  "name", "description", "raProfileUuid", "caCertificateUuid", "issueCertificateAttributes", "customAttributes",
  "renewalThreshold", "includeCaCertificate", "includeCaCertificateChain", "challengePassword", "enableIntune",
  "intuneTenant", "intuneApplicationId", "intuneApplicationKey", "certificateAssociations", "enabled", "forceDelete",
  "connection", "uuid", "scepUrl", "raProfile", "caCertificate", "unverified",
];

export interface ScepProfile extends Outputify<ScepProfileOutputs> {}

export class ScepProfile extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/czertainly:ScepProfile";

  constructor(name: string, args: ScepProfileArgs, opts?: pulumi.CustomResourceOptions) {
    const given: Record<string, unknown> = { ...args };
    // Attributes typed `secret` carry secrets inside otherwise plain lists: mark the whole input
    // secret when they do, so the engine keeps its output encrypted too.
    for (const k of ATTRIBUTE_KEYS) {
      if (given[k] !== undefined) given[k] = pulumi.output(given[k]).apply((v) => (hasSecretContent(v) ? pulumi.secret(v) : v));
    }
    super("czertainly:ScepProfile", OUTPUT_KEYS, SECRET_OUTPUTS, name, given, opts);
  }
}
