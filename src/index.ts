/**
 * trustplane: Pulumi dynamic resources for identity and PKI control planes, one namespace per vendor.
 *   import { scm } from "trustplane";  new scm.ScepProfile("gp", { ... });
 * The vendor emulators and their testkits, for testing a stack offline, are `trustplane/emulators`:
 * not re-exported here, so that a program importing this entry loads none of them.
 */
export * as scm from "./scm";
export * as nevisidm from "./nevisidm";
export * as czertainly from "./czertainly";
export * as cxif from "./cxif";
export * as vcf from "./vcf";
