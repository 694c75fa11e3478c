/**
 * `trustplane discover czertainly` against the CZERTAINLY Core emulator: profiles with and without
 * an RA profile, issue and custom attributes, certificate associations, Intune, a challenge
 * password, a renewal threshold, disabled, `secret`-typed attribute content; then the written program through tsc and the real engine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canary, emulators, requireDist } from "../helpers";
import { adoptThroughEngine, discoverCli, programDir, secretKeys, seed, stackWithConfig, typecheck } from "./harness";

vi.setConfig({ testTimeout: 180_000 });

const { startCzertainlyEmulator, CZERTAINLY_SEED: SEED } = emulators();
const { defaultSeed } = requireDist("./dist/src/czertainly/emulator.js");
/** A custom attribute whose content is `secret`-typed: Core answers it without the secret. */
const SECRET_ATTR = { uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f8ff", name: "enrollmentKey", contentType: "secret" };
let c: any;

beforeAll(async () => {
  const attributeDefinitions = [...defaultSeed().attributeDefinitions, { ...SECRET_ATTR, label: "Enrollment key", resources: ["scepProfiles"] }];
  c = await startCzertainlyEmulator({ seed: { attributeDefinitions } });
});
afterAll(() => c.stop());

const config = () => ({ "trustplane:czertainlyUrl": { value: c.url }, "trustplane:czertainlyToken": { value: c.token, secret: true } });

const SHAPES = [
  {
    name: "devices", description: "SCEP for managed devices", raProfileUuid: SEED.raProfileUuid,
    issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-ee" }] }],
    caCertificateUuid: SEED.rsaCaUuid, customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: "dev" }] }],
    includeCaCertificate: true, includeCaCertificateChain: true, challengePassword: "typed-by-hand",
    enableIntune: true, intuneTenant: "contoso.onmicrosoft.com", intuneApplicationId: "app-1", intuneApplicationKey: "intune-key",
  },
  { name: "servers", caCertificateUuid: SEED.ecdsaCaUuid, renewalThreshold: 30, enabled: false },
  { name: "kiosk", caCertificateUuid: SEED.rsaCaUuid, customAttributes: [{ ...SECRET_ATTR, content: [{ data: { secret: "attr-by-hand" } }] }] },
  {
    name: "laptops.v2", caCertificateUuid: SEED.expiringCaUuid,
    certificateAssociations: {
      ownerUuid: "0e3c1c52-7a35-4b5f-9f8e-6f1d2c3b4a59", groupUuids: ["1f4d2d63-8b46-4c60-a09f-7a2e3d4c5b6a"],
      customAttributes: [{ ...SEED.certificateCustomAttribute, content: [{ data: "it" }] }],
    },
  },
];

describe("trustplane discover czertainly", () => {
  let ids: string[];
  let text: string;

  it("writes one adopting resource per profile, from the stack's config, reading only", async () => {
    ids = await seed("czertainly", { url: c.url, token: c.token }, SHAPES);
    const stack = stackWithConfig(config());
    const before = c.emu.requests.length;
    const r = await discoverCli(["discover", "czertainly", "--stack-dir", stack.dir, "--stack", stack.stack], stack.env);
    expect(r.stderr).toContain("4 SCEP profiles to adopt");
    expect(r.code).toBe(0);
    text = r.stdout;
    expect(c.emu.requests.slice(before).every((x: any) => x.method === "GET")).toBe(true);
    for (const id of ids) expect(text).toContain(`adopt: "${id}"`);
    expect(text).toContain('new czertainly.ScepProfile("laptops-v2", {');
    expect(text).toContain('intuneApplicationKey: config.requireSecret("devicesIntuneKey")');
    expect(text).toContain('challengePassword: config.getSecret("devicesChallengePassword")');
    expect(secretKeys(r.stderr).sort()).toEqual(["devicesChallengePassword", "devicesIntuneKey", "kioskChallengePassword", "kioskEnrollmentKeySecret", "laptopsV2ChallengePassword", "serversChallengePassword"]);
    expect(text).not.toContain(c.token);
    expect(text).not.toMatch(/by-hand/);
    expect(text).toContain('secret: config.requireSecret("kioskEnrollmentKeySecret")');
    const again = await discoverCli(["discover", "czertainly", "--quiet"], { CZERTAINLY_URL: c.url, CZERTAINLY_TOKEN: c.token });
    expect(again.stdout).toBe(text);
    process.stdout.write(`\n--- generated (czertainly) ---\n${text}\n--- stderr ---\n${r.stderr}\n`);
  });

  it("type-checks with tsc against the package's types", () => {
    const t = typecheck(programDir(text));
    expect(t.output).toBe("");
    expect(t.ok).toBe(true);
  });

  it("through the real engine: preview shows only the adoptions, up adopts every profile with no POST, then no changes", async () => {
    const values: Record<string, string> = {};
    await adoptThroughEngine(programDir(text), {
      requests: () => c.emu.requests,
      collection: "/v1/scepProfiles",
      liveIds: ids,
      config: config(),
      // Only the profile that has a challenge password gets one (Core does not say which have one).
      secretValue: (k) => (k.endsWith("ChallengePassword") && k !== "devicesChallengePassword" ? undefined : (values[k] = canary(k))),
    });
    const devices = [...c.state.profiles.values()].find((p: any) => p.name === "devices") as any;
    expect(devices.intuneApplicationKey).toBe(values.devicesIntuneKey);
    expect(devices.challengePassword).toBe(values.devicesChallengePassword);
    const kiosk = [...c.state.profiles.values()].find((p: any) => p.name === "kiosk") as any;
    expect(JSON.stringify(kiosk.customAttributes)).toContain(values.kioskEnrollmentKeySecret);
    expect(c.state.profiles.size).toBe(SHAPES.length);
  });
});
