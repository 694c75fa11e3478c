export { ScimConfiguration, type ScimConfigurationArgs } from "./resource";
export type { ScimConfigurationOutputs } from "./provider";
