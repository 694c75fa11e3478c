/**
 * `trustplane discover cxif` against the CX Industries Framework emulator: configurations with
 * several profiles, RFC 7643 mappings and custom attribute mappings of each mode; then the written
 * program through tsc and the real engine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canary, emulators } from "../helpers";
import { adoptThroughEngine, discoverCli, programDir, secretKeys, seed, stackWithConfig, typecheck } from "./harness";

vi.setConfig({ testTimeout: 180_000 });

const { startCxifEmulator } = emulators();
const URN = "urn:scim:schemas:extension:custom:1.0:User";
let emu: any;

beforeAll(async () => {
  emu = await startCxifEmulator({ clientSecret: canary("cxif-client-secret") });
});
afterAll(() => emu.stop());

const config = () => ({
  "trustplane:cxifHost": { value: emu.url },
  "trustplane:cxifTokenUrl": { value: emu.tokenUrl },
  "trustplane:cxifClientId": { value: emu.clientId },
  "trustplane:cxifClientSecret": { value: emu.clientSecret, secret: true },
});

const SHAPES = [
  {
    targetConnectionDescriptorName: "oci-iam-consumer",
    profiles: {
      Subscriber: {
        groupAssignment: ["oracleGroup"],
        scimRfc7643Mapping: { name: "SWALLOW", emails: "FORWARD" },
        scimCustomAttrMapping: {
          [URN]: [
            { attributeName: "pass-through-attr", mode: "FORWARD" },
            { attributeName: "dropped", attributeType: "BOOLEAN", mode: "SWALLOW" },
            { attributeName: "loyalty-since", attributeType: "DATETIMESTRING", required: true, mode: "MAP", targetAttributeName: "memberSince" },
          ],
        },
      },
      "partners/emea~eu": { groupAssignment: ["emea-partners"] },
    },
  },
  { targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-business", profiles: { Business: { groupAssignment: ["b2b"] } } },
];

describe("trustplane discover cxif", () => {
  let ids: string[];
  let text: string;

  it("writes one adopting resource per SCIM configuration, from the stack's config, reading only", async () => {
    ids = await seed("cxif", { host: emu.url, tokenUrl: emu.tokenUrl, clientId: emu.clientId, clientSecret: emu.clientSecret }, SHAPES);
    const stack = stackWithConfig(config());
    const before = emu.emu.requests.length;
    const r = await discoverCli(["discover", "cxif", "--stack-dir", stack.dir, "--stack", stack.stack], stack.env);
    expect(r.stderr).toContain("2 SCIM configurations to adopt");
    expect(r.code).toBe(0);
    text = r.stdout;
    expect(emu.emu.requests.slice(before).filter((x: any) => x.path !== new URL(emu.tokenUrl).pathname).every((x: any) => x.method === "GET")).toBe(true);
    for (const id of ids) expect(text).toContain(`adopt: "${id}"`);
    expect(text).toContain('"partners/emea~eu": {');
    expect(secretKeys(r.stderr)).toEqual([]);
    expect(text).not.toContain(emu.clientSecret);
    const again = await discoverCli(["discover", "cxif", "--quiet"], { CXIF_HOST: emu.url, CXIF_TOKEN_URL: emu.tokenUrl, CXIF_CLIENT_ID: emu.clientId, CXIF_CLIENT_SECRET: emu.clientSecret });
    expect(again.stdout).toBe(text);
    process.stdout.write(`\n--- generated (cxif) ---\n${text}\n`);
  });

  it("type-checks with tsc against the package's types", () => {
    const t = typecheck(programDir(text));
    expect(t.output).toBe("");
    expect(t.ok).toBe(true);
  });

  it("through the real engine: preview shows only the adoptions, up adopts every configuration with no POST, then no changes", async () => {
    await adoptThroughEngine(programDir(text), {
      requests: () => emu.emu.requests,
      collection: "/scimConfigurations",
      liveIds: ids,
      config: config(),
      secretValue: () => undefined,
    });
    expect(emu.state.configurations.size).toBe(SHAPES.length);
  });
});
