/**
 * CX Industries Framework's testkit: its emulator, and the connection and stack config that name
 * it. No scope: the provider derives the framework's admin scope from the host, as the emulator wants.
 */
import { testkit } from "../core/testkit";
import { SETTINGS } from "./client";
import { startCxifEmulator } from "./emulator";

export const cxifTestkit = testkit("cxif:ScimConfiguration", SETTINGS, startCxifEmulator, (e) => ({
  host: e.url,
  tokenUrl: e.tokenUrl,
  clientId: e.clientId,
  clientSecret: e.clientSecret,
}));
