/**
 * VMware Cloud Foundation (SDDC Manager) identity providers.
 *
 *   import * as pulumi from "@pulumi/pulumi";
 *   import { vcf } from "trustplane";
 *   const cfg = new pulumi.Config();
 *   const sso = new vcf.IdentityProvider("sso", {
 *     name: "corp-adfs",
 *     type: "Microsoft ADFS",
 *     ldap: {
 *       domainName: "corp.example.com", username: "svc-ldap@corp.example.com",
 *       password: cfg.requireSecret("ldapPassword"), type: "ActiveDirectory",
 *       sourceDetails: {
 *         usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com", groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
 *         serverEndpoints: ["ldaps://dc01.corp.example.com:636"], certChain: [corpRootCaPem],
 *       },
 *     },
 *     oidc: { clientId: "vcf", clientSecret: cfg.requireSecret("oidcSecret"),
 *             discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration" },
 *   });
 *   export const idpId = sso.identityProviderId;
 *
 * Connection, first match wins: the resource's `connection` input; the stack config
 * `trustplane:vcfHost`, `trustplane:vcfUsername`, `trustplane:vcfPassword` (set it with --secret),
 * `trustplane:vcfCaBundle`, `trustplane:vcfInsecureSkipTlsVerify`; the environment variables
 * VCF_HOST, VCF_USERNAME, VCF_PASSWORD, VCF_CA_BUNDLE, VCF_INSECURE_SKIP_TLS_VERIFY.
 * Long-running tasks are polled every TRUSTPLANE_VCF_TASK_POLL_MS (5 s) for at most
 * TRUSTPLANE_VCF_TASK_TIMEOUT_MS (30 min).
 */
export { IdentityProvider, type IdentityProviderArgs } from "./resource";
export type { IdentityProviderOutputs } from "./provider";
