/**
 * CZERTAINLY's testkit: its emulator, and the connection and stack config that name it (a JWT
 * the emulator signed: Core accepts tokens from its configured issuer only).
 */
import { testkit } from "../core/testkit";
import { SETTINGS } from "./client";
import { startCzertainlyEmulator } from "./emulator";

export const czertainlyTestkit = testkit("czertainly:ScepProfile", SETTINGS, startCzertainlyEmulator, (e) => ({ url: e.url, token: e.token }));
