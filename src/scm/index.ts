export { ScepProfile, type ScepProfileArgs } from "./resource";
export type { ScepProfileOutputs } from "./schema";
