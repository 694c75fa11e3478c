/** Strata Cloud Manager's testkit: its emulator, and the connection and stack config that name it. */
import { testkit } from "../core/testkit";
import { SETTINGS } from "./client";
import { startScmEmulator } from "./emulator";

export const scmTestkit = testkit("scm:ScepProfile", SETTINGS, startScmEmulator, (e) => ({
  clientId: e.clientId,
  clientSecret: e.clientSecret,
  tsgId: e.tsgId,
  tokenUrl: e.tokenUrl,
  apiUrl: e.apiUrl,
}));
