/**
 * trustplane: Pulumi dynamic resources for identity and PKI control planes, one namespace per vendor.
 *   import { scm } from "trustplane";  new scm.ScepProfile("gp", { ... });
 */
export * as scm from "./scm";
export * as nevisidm from "./nevisidm";
export * as czertainly from "./czertainly";
export * as cxif from "./cxif";
export * as vcf from "./vcf";
