/**
 * Stack config that points a stack at a vendor emulator, as `pulumi config set` would write it:
 * each vendor's testkit derives it from the settings its client reads, so no test spells a key.
 */
import { emulators } from "./helpers";

export type { StackConfig } from "../src/core/testkit";

export const scmConfig = (e: any) => emulators().scmTestkit.stackConfig(e);
export const czertainlyConfig = (c: any) => emulators().czertainlyTestkit.stackConfig(c);
export const vcfConfig = (v: any) => emulators().vcfTestkit.stackConfig(v);
export const cxifConfig = (x: any) => emulators().cxifTestkit.stackConfig(x);
/** The emulator's URL with `token`: a technical user's the test registered, not the emulator's admin. */
export const nevisidmConfig = (n: any, token: string) => emulators().nevisidmTestkit.stackConfig(n, { token });
