export { ScepProfile, type ScepProfileArgs } from "./resource";
export type { ScepProfileOutputs } from "./provider";
export type { CaCertificate, RequestAttribute } from "./schema";
