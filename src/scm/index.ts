export { ScepProfile, type ScepProfileArgs } from "./resource";
export type { ScepProfileOutputs } from "./schema";
export { DIGESTS } from "./schema";
/** The digests a profile takes, as the type of `digest`. */
export type Digest = (typeof import("./schema").DIGESTS)[number];
