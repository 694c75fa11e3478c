/**
 * `trustplane/emulators`: the vendor emulators, for testing a stack offline the way this
 * package's own tests do. Behind its own subpath so that a Pulumi program importing `trustplane`
 * (or the engine loading `trustplane/provider`) loads no emulator: each is an HTTP server with its
 * seed data, and none of it belongs in a deployment.
 *   import { startScmEmulator } from "trustplane/emulators";
 * Each emulator stays in its vendor's folder (one vendor per folder); this module only gathers them.
 */
export { startScmEmulator, type ScmEmulator, type ScmEmulatorOptions } from "./scm/emulator";
export {
  startCzertainlyEmulator,
  // Flat here, so named for its vendor: the seeded CA certificates, RA profile and attributes.
  SEED as CZERTAINLY_SEED,
  type CzertainlyEmulator,
  type CzertainlyEmulatorOptions,
} from "./czertainly/emulator";
export { startVcfEmulator, type VcfEmulator, type VcfEmulatorOptions } from "./vcf/emulator";
export { startCxifEmulator, type CxifEmulator, type CxifEmulatorOptions } from "./cxif/emulator";
export {
  startNevisidmEmulator,
  technicalUserToken,
  DEFAULT_CLIENTS as NEVISIDM_DEFAULT_CLIENTS,
  type NevisidmEmulator,
  type NevisidmEmulatorOptions,
  type Principal,
  type PropertyDefinitionSeed,
  type ProfileSeed,
  type ClientSeed,
} from "./nevisidm/emulator";

/**
 * One testkit per vendor: its emulator, the resource's `connection` input and the stack config
 * that name it, as this package's tests, benchmark and demo use them:
 *   const e = await scmTestkit.start();  ...config: scmTestkit.stackConfig(e)...;  await e.stop();
 */
export type { StackConfig, Testkit } from "./core/testkit";
export { scmTestkit } from "./scm/testkit";
export { czertainlyTestkit } from "./czertainly/testkit";
export { vcfTestkit } from "./vcf/testkit";
export { cxifTestkit } from "./cxif/testkit";
export { nevisidmTestkit } from "./nevisidm/testkit";
