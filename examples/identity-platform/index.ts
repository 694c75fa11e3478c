/**
 * The identity platform of one environment (a stack: dev, prod), across five control planes:
 *
 *   CZERTAINLY ──scepUrl, CA fingerprint──▶ Strata Cloud Manager (GlobalProtect enrolls devices)
 *   SDDC Manager federates the data-centre login with AD FS
 *   CX Industries Framework forwards users to the target IDM over SCIM ──href──▶ stack output
 *   nevisIDM records on the rollout account's profile what this stack put in place
 *
 * Every endpoint, name and credential comes from Pulumi.<stack>.yaml, so dev and prod run the same
 * program. The README's "identity-platform" section lists the config each stack needs.
 *
 * Secrets (the SCEP challenge, the AD FS client secret, the LDAP bind password and the vendors'
 * credentials) are set with `pulumi config set --secret` and stay secret in state and outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { czertainly, cxif, nevisidm, scm, vcf } from "trustplane";

const config = new pulumi.Config();
const stack = pulumi.getStack();

// One challenge password, known to CZERTAINLY (which checks it) and to GlobalProtect (which
// presents it on the device's behalf).
const scepChallenge = config.requireSecret("scepChallengePassword");

// 1. CZERTAINLY issues the device certificates. The RA profile gives the SCEP profile its own URL.
const deviceScep = new czertainly.ScepProfile("device-scep", {
  name: config.get("scepProfileName") ?? `globalprotect-devices-${stack}`,
  description: `GlobalProtect device certificates (${stack})`,
  caCertificateUuid: config.require("caCertificateUuid"),
  raProfileUuid: config.require("raProfileUuid"),
  challengePassword: scepChallenge,
  renewalThreshold: config.getNumber("renewalThresholdDays") ?? 30,
  includeCaCertificate: true,
  enabled: true,
});

// 2. Strata Cloud Manager points GlobalProtect at that profile: its URL, and the fingerprint of the
// CA certificate it answers with, both taken from CZERTAINLY's live object rather than copied.
const globalProtect = new scm.ScepProfile("globalprotect-scep", {
  folder: config.get("scmFolder") ?? "Mobile Users",
  name: config.get("gpProfileName") ?? `gp-devices-${stack}`,
  scepChallenge: { fixed: scepChallenge },
  caIdentityName: deviceScep.caCertificate.apply((c) => c?.commonName ?? "device-ca"),
  subject: "CN=$USERNAME",
  algorithm: { rsa: { rsaNbits: 2048 } },
  // Read from config as text: checked at preview, named here as the literal type the input takes.
  digest: (config.get("digest") ?? "sha256") as scm.Digest,
  fingerprint: deviceScep.caCertificate.apply((c) => c?.fingerprint ?? ""),
  certificateAttributes: { dnsname: "gp.example.com" },
  useAsDigitalSignature: true,
  useForKeyEncipherment: true,
  scepUrl: deviceScep.scepUrl.apply((u) => u ?? ""),
});

// 3. SDDC Manager signs administrators in through AD FS (OIDC) and finds them in Active Directory.
const adfs = config.require("adfsHost");
const datacenterLogin = new vcf.IdentityProvider("datacenter-login", {
  name: config.get("idpName") ?? `corp-adfs-${stack}`,
  type: "Microsoft ADFS",
  oidc: {
    clientId: config.require("adfsClientId"),
    clientSecret: config.requireSecret("adfsClientSecret"),
    discoveryEndpoint: `https://${adfs}/adfs/.well-known/openid-configuration`,
  },
  ldap: {
    domainName: config.require("adDomain"),
    username: config.require("ldapBindUser"),
    password: config.requireSecret("ldapBindPassword"),
    type: "ActiveDirectory",
    sourceDetails: {
      usersBaseDn: config.require("usersBaseDn"),
      groupsBaseDn: config.require("groupsBaseDn"),
      // ldaps:// needs sourceDetails.certChain: the CA chain of the domain controllers.
      serverEndpoints: config.requireObject<string[]>("ldapEndpoints"),
    },
  },
});

// 4. The CX Industries Framework forwards subscribers to the target IDM over SCIM.
const scim = new cxif.ScimConfiguration("subscriber-scim", {
  targetConnectionDescriptorName: config.require("targetIdm"),
  profiles: {
    Subscriber: {
      groupAssignment: ["subscribers"],
      scimRfc7643Mapping: { name: "FORWARD", emails: "FORWARD", phoneNumbers: "SWALLOW" },
      scimCustomAttrMapping: {
        "urn:scim:schemas:extension:custom:1.0:User": [
          { attributeName: "loyalty-since", attributeType: "DATETIMESTRING", mode: "MAP", targetAttributeName: "memberSince" },
          { attributeName: "device-enrolled", attributeType: "BOOLEAN" },
        ],
      },
    },
  },
});

// 5. nevisIDM records, on the rollout account's profile, what this stack put in place.
const rollout = new nevisidm.ProfileProperties("rollout-record", {
  clientExtId: config.require("nevisClient"),
  profileExtId: config.require("rolloutProfile"),
  properties: {
    rollout_stack: stack,
    gp_scep_profile: globalProtect.name,
    scim_href: scim.targetConnectionDescriptorHref,
  },
});

export const scepUrl = deviceScep.scepUrl;
export const scepCaCertificate = deviceScep.caCertificate.apply((c) => ({
  subject: c?.subjectDn,
  fingerprint: c?.fingerprint,
  notAfter: c?.notAfter,
}));
export const globalProtectProfileId = globalProtect.id;
export const globalProtectDigest = globalProtect.digest;
export const datacenterIdentityProviderId = datacenterLogin.id;
export const datacenterIdentityProviderStatus = datacenterLogin.status;
export const scimHref = scim.targetConnectionDescriptorHref;
export const rolloutRecord = rollout.values;
