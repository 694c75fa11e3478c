export { ProfileProperties, type ProfilePropertiesArgs } from "./resource";
export type { ProfilePropertiesOutputs } from "./provider";
export { NevisidmApiError } from "./errors";
