/**
 * `vcf.IdentityProvider`: an external identity provider of VMware Cloud Foundation SDDC Manager
 * (`/v1/identity-providers`).
 *
 * Adopting an existing provider (the engine cannot `import` a dynamic resource, pulumi/pulumi#16175):
 * `adopt: true` takes over the identity provider with the same name and adds it when there is
 * none; `adopt: "<id>"` takes over the provider with that id (`GET /v1/identity-providers`) and
 * fails, adding nothing, when it does not exist. The API never returns the LDAP bind password, the
 * OIDC client secret nor the top-level certChain, so adopting PATCHes the whole declared spec once;
 * a different type, or a block the provider has and the program drops, is refused (only a new
 * provider could change it). Changing or removing `adopt` later changes nothing.
 * The built-in Embedded identity provider cannot be created, adopted or deleted.
 *
 * Outputs: the inputs, `identityProviderId` (the same value as `id`, which Pulumi reserves),
 * `status` (ACTIVE for the provider in use), `domainNames`, `identitySources`, `oidcInfo` (the
 * discovered OIDC endpoints), `idpMessage`, `fedIdp`, and `unverified` (the write-only inputs an
 * adoption could not read back).
 */
import * as pulumi from "@pulumi/pulumi";
import { TrustplaneResource } from "../core/resource";
import { refuseSecretIdInputs, type DerivedOutputs } from "../core/secrets";
import type { IdentityProviderArgs, IdentityProviderOutputProps } from "./types.generated";
import type { IdentityProviderOutputs } from "./provider";
import { outputKeys } from "../core/fields";
import { argsSchema, outputsSchema, SECRET_OUTPUTS, type IdentityProviderInputs } from "./schema";

// Generated from the schema with each field's description (IDE hover) and enums as literal unions.
export type { IdentityProviderArgs };

/** Every input the state holds, then every computed output: from the schemas. */
export const OUTPUT_KEYS = outputKeys(argsSchema, outputsSchema) as (keyof IdentityProviderOutputs)[];

/**
 * Outputs SDDC Manager builds from the spec under other names: the domain names and identity
 * sources from the LDAP block (all but its password), the discovered OIDC endpoints from the OIDC
 * block (all but its client secret), and the messages and federation details that may quote them.
 */
const LDAP = ["ldap.domainName", "ldap.domainAlias", "ldap.username", "ldap.type", "ldap.sourceDetails"];
const OIDC = ["oidc.clientId", "oidc.discoveryEndpoint"];
const DERIVED: DerivedOutputs = {
  domainNames: ["ldap.domainName", "ldap.domainAlias"],
  identitySources: ["name", ...LDAP],
  oidcInfo: OIDC,
  fedIdp: ["name", ...OIDC],
  idpMessage: ["name", ...LDAP, ...OIDC],
};

export interface IdentityProvider extends IdentityProviderOutputProps {}

export class IdentityProvider extends TrustplaneResource {
  static readonly __pulumiType = "pulumi-nodejs:dynamic/vcf:IdentityProvider";

  constructor(name: string, args: IdentityProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super("vcf:IdentityProvider", OUTPUT_KEYS, SECRET_OUTPUTS, name, refuseSecretIdInputs("vcf.IdentityProvider", { ...args }, ["adopt"]), opts, DERIVED);
  }
}
