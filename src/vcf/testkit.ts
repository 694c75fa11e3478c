/** SDDC Manager's testkit: its emulator, and the connection and stack config that name it. */
import { testkit } from "../core/testkit";
import { SETTINGS } from "./client";
import { startVcfEmulator } from "./emulator";

export const vcfTestkit = testkit("vcf:IdentityProvider", SETTINGS, startVcfEmulator, (e) => ({
  host: e.host,
  username: e.username,
  password: e.password,
}));
