/**
 * nevisIDM's testkit: its emulator, and the connection and stack config that name it (the
 * emulator's `admin` technical user; `stackConfig(e, { token })` names another principal's).
 */
import { testkit } from "../core/testkit";
import { SETTINGS } from "./client";
import { startNevisidmEmulator } from "./emulator";

export const nevisidmTestkit = testkit("nevisidm:ProfileProperties", SETTINGS, startNevisidmEmulator, (e) => ({ url: e.url, token: e.token }));
