export { IdentityProvider, type IdentityProviderArgs } from "./resource";
export type { IdentityProviderOutputs } from "./provider";
export { startVcfEmulator, type VcfEmulator, type VcfEmulatorOptions } from "./emulator";
