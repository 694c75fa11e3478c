/**
 * The vendor testkits (`trustplane/emulators`): the stack config a testkit writes is read back by
 * the provider's own settings lookup as the emulator's endpoint and credentials, secrets marked;
 * its keys are the ones the engine tests and the benchmark used to spell by hand.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { setStackConfig, resolveSettings, type SettingSpec } from "../../src/core/settings";
import type { StackConfig } from "../../src/core/testkit";
import { cxifTestkit, czertainlyTestkit, nevisidmTestkit, scmTestkit, vcfTestkit } from "../../src/emulators";
import { SETTINGS as CXIF } from "../../src/cxif/client";
import { SETTINGS as CZERTAINLY } from "../../src/czertainly/client";
import { SETTINGS as NEVISIDM } from "../../src/nevisidm/client";
import { SETTINGS as SCM } from "../../src/scm/client";
import { SETTINGS as VCF } from "../../src/vcf/client";

const KITS: { kit: any; settings: Record<string, SettingSpec>; keys: Record<string, boolean>; endpoints: string[] }[] = [
  {
    kit: scmTestkit,
    settings: SCM,
    keys: { "trustplane:scmClientId": false, "trustplane:scmClientSecret": true, "trustplane:scmTsgId": false, "trustplane:scmTokenUrl": false, "trustplane:scmApiUrl": false },
    endpoints: ["trustplane:scmTokenUrl", "trustplane:scmApiUrl"],
  },
  { kit: czertainlyTestkit, settings: CZERTAINLY, keys: { "trustplane:czertainlyUrl": false, "trustplane:czertainlyToken": true }, endpoints: ["trustplane:czertainlyUrl"] },
  { kit: vcfTestkit, settings: VCF, keys: { "trustplane:vcfHost": false, "trustplane:vcfUsername": false, "trustplane:vcfPassword": true }, endpoints: ["trustplane:vcfHost"] },
  {
    kit: cxifTestkit,
    settings: CXIF,
    keys: { "trustplane:cxifHost": false, "trustplane:cxifTokenUrl": false, "trustplane:cxifClientId": false, "trustplane:cxifClientSecret": true },
    endpoints: ["trustplane:cxifHost", "trustplane:cxifTokenUrl"],
  },
  { kit: nevisidmTestkit, settings: NEVISIDM, keys: { "trustplane:nevisidmUrl": false, "trustplane:nevisidmToken": true }, endpoints: ["trustplane:nevisidmUrl"] },
];

const started: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
});
afterEach(() => setStackConfig(undefined));

const reader = (c: StackConfig) => ({ get: (k: string) => c[k]?.value });

describe.each(KITS)("the $kit.type testkit", ({ kit, settings, keys, endpoints }) => {
  it("writes the stack config keys the provider reads first, secret exactly where the setting is", async () => {
    const e = await kit.start();
    started.push(e);
    const config: StackConfig = kit.stackConfig(e);
    expect(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.secret === true]))).toEqual(keys);
    for (const v of Object.values(config)) expect(v.value).not.toBe("");
  });

  it("names the emulator the same way in the stack config as in the connection input", async () => {
    const e = await kit.start();
    started.push(e);
    const connection = kit.connection(e);
    setStackConfig(reader(kit.stackConfig(e)));
    const fromConfig = resolveSettings(undefined, settings);
    for (const [k, v] of Object.entries(connection)) expect(fromConfig[k]).toBe(v);
    // The connection input alone, with no stack config, resolves to the same values.
    setStackConfig(undefined);
    const fromInput = resolveSettings(connection, settings);
    for (const [k, v] of Object.entries(connection)) expect(fromInput[k]).toBe(v);
  });

  it("points a stack that keeps its own credentials at the emulator with the endpoints alone", async () => {
    const e = await kit.start();
    started.push(e);
    const endpointConfig: StackConfig = kit.endpointConfig(e);
    expect(Object.keys(endpointConfig)).toEqual(endpoints);
    const full: StackConfig = kit.stackConfig(e);
    for (const k of endpoints) expect(endpointConfig[k]).toEqual(full[k]);
  });
});

describe("a testkit's stack config with a change", () => {
  it("takes another value for one setting and leaves out a setting changed to undefined", async () => {
    const n = await nevisidmTestkit.start();
    started.push(n);
    expect(nevisidmTestkit.stackConfig(n, { token: "other-user" })["trustplane:nevisidmToken"]).toEqual({ value: "other-user", secret: true });
    expect(Object.keys(nevisidmTestkit.stackConfig(n, { token: undefined }))).toEqual(["trustplane:nevisidmUrl"]);
  });
});
