/** What the VCF tests declare: an AD FS identity provider with LDAP and OIDC, and a stand-in certificate. */
export const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

export function adfsArgs(extra: Record<string, unknown> = {}) {
  return {
    name: "corp-adfs",
    type: "Microsoft ADFS",
    certChain: [PEM],
    ldap: {
      domainName: "corp.example.com",
      domainAlias: "CORP",
      username: "svc-ldap@corp.example.com",
      password: "ldap-bind-pass",
      type: "ActiveDirectory",
      sourceDetails: {
        usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com",
        groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
        serverEndpoints: ["ldaps://dc01.corp.example.com:636"],
        certChain: [PEM],
      },
    },
    oidc: { clientId: "vcf-client", clientSecret: "oidc-client-secret", discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration" },
    ...extra,
  };
}
