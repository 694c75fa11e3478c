export { ScepProfile, type ScepProfileArgs } from "./resource";
export type { ScepProfileOutputs } from "./provider";
export { startScmEmulator, type ScmEmulator } from "./emulator";
