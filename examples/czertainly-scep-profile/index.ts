/**
 * One SCEP profile in CZERTAINLY Core, with its own SCEP URL through an RA profile.
 *
 * Credentials come from the stack config (`trustplane:czertainlyUrl`, `trustplane:czertainlyToken`,
 * or a client certificate: `trustplane:czertainlyClientCert` / `czertainlyClientKey`).
 *
 * To take over a profile that already exists, add the `adopt` input: `adopt: true` finds it by
 * name (and creates it where there is none), a uuid adopts exactly that one. What is declared here,
 * the challenge password included, is then written. (The `import` resource option cannot work for
 * a dynamic resource under the Pulumi engine: pulumi/pulumi#16175.)
 *   new czertainly.ScepProfile("devices", { ...inputs..., adopt: "3f1c9a52-6d0e-4b7a-9c21-5e8d7f6a4b30" });   // the profile's uuid
 */
import * as pulumi from "@pulumi/pulumi";
import { czertainly } from "trustplane";

const config = new pulumi.Config();

const devices = new czertainly.ScepProfile("devices", {
  name: config.get("profileName") ?? `devices-${pulumi.getStack()}`,
  description: "Managed laptops and phones",
  caCertificateUuid: config.require("caCertificateUuid"),
  raProfileUuid: config.require("raProfileUuid"),
  challengePassword: config.requireSecret("challengePassword"),
  renewalThreshold: config.getNumber("renewalThresholdDays") ?? 30,
  includeCaCertificate: true,
});

export const uuid = devices.uuid;
export const scepUrl = devices.scepUrl;
export const caSubject = devices.caCertificate.apply((c) => c?.subjectDn);
export const caFingerprint = devices.caCertificate.apply((c) => c?.fingerprint);
export const caNotAfter = devices.caCertificate.apply((c) => c?.notAfter);
export const renewalThreshold = devices.renewalThreshold;
