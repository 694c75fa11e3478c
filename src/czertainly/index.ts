export { ScepProfile, type ScepProfileArgs } from "./resource";
export type { ScepProfileOutputs } from "./provider";
export type { CaCertificate, RequestAttribute } from "./schema";
export { startCzertainlyEmulator, SEED, type CzertainlyEmulator, type CzertainlyEmulatorOptions } from "./emulator";
