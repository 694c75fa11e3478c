/**
 * VMware Cloud Foundation: SDDC Manager signs administrators in through AD FS and finds them in
 * Active Directory.
 *
 * Credentials come from the stack config (`trustplane:vcfHost`, `trustplane:vcfUsername`,
 * `trustplane:vcfPassword`, and `trustplane:vcfCaBundle` for SDDC Manager's private CA).
 *
 * To take over the provider that already exists, add the `adopt` input: `adopt: true` finds it by
 * name (and creates it where there is none), an id adopts exactly that one. SDDC Manager never
 * answers the bind password or the client secret: declare them here and adopting writes them.
 * (The `import` resource option cannot work for a dynamic resource under the Pulumi engine:
 * pulumi/pulumi#16175.)
 *   new vcf.IdentityProvider("adfs", { ...inputs..., adopt: "8b0c2f7e-1d3a-4e5b-9c6d-7f8e9a0b1c2d" });   // GET /v1/identity-providers lists ids
 */
import * as pulumi from "@pulumi/pulumi";
import { vcf } from "trustplane";

const config = new pulumi.Config();

const adfs = new vcf.IdentityProvider("adfs", {
  name: "corp-adfs",
  type: "Microsoft ADFS",
  oidc: {
    clientId: config.require("clientId"),
    clientSecret: config.requireSecret("clientSecret"),
    discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration",
  },
  ldap: {
    domainName: "corp.example.com",
    username: "svc-vcf-ldap@corp.example.com",
    password: config.requireSecret("bindPassword"),
    type: "ActiveDirectory",
    sourceDetails: {
      usersBaseDn: config.get("usersBaseDn") ?? "OU=Users,DC=corp,DC=example,DC=com",
      groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
      // ldaps:// endpoints also need sourceDetails.certChain (the domain controllers' CA chain).
      serverEndpoints: ["ldap://dc01.corp.example.com:389"],
    },
  },
});

export const identityProviderId = adfs.id;
export const status = adfs.status;
export const domainNames = adfs.domainNames;
