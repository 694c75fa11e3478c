export { ScimConfiguration, type ScimConfigurationArgs } from "./resource";
export type { ScimConfigurationOutputs } from "./provider";
export { startCxifEmulator, type CxifEmulator, type CxifEmulatorOptions } from "./emulator";
