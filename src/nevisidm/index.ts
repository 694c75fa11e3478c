export { ProfileProperties, type ProfilePropertiesArgs } from "./resource";
export type { ProfilePropertiesOutputs } from "./provider";
export { NevisidmApiError } from "./errors";
export {
  startNevisidmEmulator,
  technicalUserToken,
  type NevisidmEmulator,
  type NevisidmEmulatorOptions,
  type Principal,
  type PropertyDefinitionSeed,
  type ProfileSeed,
  type ClientSeed,
} from "./emulator";
