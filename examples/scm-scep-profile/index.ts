/**
 * One SCEP profile in Strata Cloud Manager, the way GlobalProtect's portal uses it.
 *
 * Credentials come from the stack config (`trustplane:scmClientId`, `trustplane:scmClientSecret`,
 * `trustplane:scmTsgId`), so `dev` and `prod` differ only in Pulumi.<stack>.yaml.
 *
 * To take over a profile that already exists, add the `adopt` input: `adopt: true` finds it by folder
 * and name (and creates it where there is none), an import id adopts exactly that one. What is
 * declared here is then written. (The `import` resource option cannot work for a dynamic resource
 * under the Pulumi engine: pulumi/pulumi#16175.)
 *   new scm.ScepProfile("portal", { ...inputs..., adopt: "Mobile Users:::7e5c2b1a-0c1d-4b0e-9d6f-2f8f2c1e9a10" });   // or just the profile id
 */
import * as pulumi from "@pulumi/pulumi";
import { scm } from "trustplane";

const config = new pulumi.Config();

const portal = new scm.ScepProfile("portal", {
  folder: config.get("folder") ?? "Mobile Users",
  name: config.get("profileName") ?? "gp-portal-scep",
  // The challenge is a secret: set it with `pulumi config set --secret scepChallenge ...`.
  scepChallenge: { fixed: config.requireSecret("scepChallenge") },
  caIdentityName: "Corp Issuing CA",
  subject: "CN=$USERNAME",
  algorithm: { rsa: { rsaNbits: 2048 } },
  // Read from config as text: checked at preview, named here as the literal type the input takes.
  digest: (config.get("digest") ?? "sha256") as scm.Digest,
  certificateAttributes: { dnsname: "gp.example.com" },
  useAsDigitalSignature: true,
  useForKeyEncipherment: true,
  scepUrl: config.require("scepUrl"),
});

export const profileId = portal.id;
export const profileName = portal.name;
export const digest = portal.digest;
