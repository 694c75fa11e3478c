/** czertainly.ScepProfile's lifecycle data: a profile with Intune and secrets, and one wired from its CA certificate. */
import { expect } from "vitest";
import { canary, emulators, pulumiSdk, trustplane } from "../helpers";
import { czertainlyConfig } from "../stack-config";
import type { Lifecycle, Sent } from "./suite";

export const SEED = emulators().CZERTAINLY_SEED;
export const challenge = canary("czertainly-challenge");
export const intuneKey = canary("czertainly-intune-key");

export interface Knobs {
  description?: string;
  renewalThreshold?: number;
  enabled?: boolean;
  serversName?: string;
  forceDelete?: boolean;
}

export function program(k: Knobs) {
  return () => {
    const pulumi = pulumiSdk();
    const { czertainly } = trustplane();
    const devices = new czertainly.ScepProfile("devices", {
      name: "e2e-devices",
      description: k.description ?? "SCEP for managed devices",
      raProfileUuid: SEED.raProfileUuid,
      issueCertificateAttributes: [{ ...SEED.issueAttribute, content: [{ data: "scep-ee" }] }],
      caCertificateUuid: SEED.rsaCaUuid,
      customAttributes: [{ ...SEED.profileCustomAttribute, content: [{ data: "dev" }] }],
      renewalThreshold: k.renewalThreshold,
      includeCaCertificate: true,
      challengePassword: pulumi.secret(challenge),
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "e2e-app",
      intuneApplicationKey: pulumi.secret(intuneKey),
      enabled: k.enabled,
      forceDelete: k.forceDelete,
    });
    const servers = new czertainly.ScepProfile("servers", {
      name: k.serversName ?? "e2e-servers",
      // Wired from the other profile's outputs: unknown during the first preview.
      description: pulumi.interpolate`same CA as e2e-devices (${devices.caCertificate.apply((ca: any) => ca?.fingerprint)})`,
      caCertificateUuid: devices.caCertificateUuid,
      forceDelete: k.forceDelete,
    });
    return {
      devicesUuid: devices.uuid,
      scepUrl: devices.scepUrl,
      caFingerprint: devices.caCertificate.apply((ca: any) => ca?.fingerprint),
      caNotAfter: devices.caCertificate.apply((ca: any) => ca?.notAfter),
      caSubject: devices.caCertificate.apply((ca: any) => ca?.subjectDn),
      enabled: devices.enabled,
      challenge: devices.challengePassword,
      serversUuid: servers.uuid,
    };
  };
}

/** One profile on the ECDSA CA, `legacy`, for the partial create and the adoption. */
export const legacy = (adopt?: string | boolean) => () => {
  const pulumi = pulumiSdk();
  const { czertainly } = trustplane();
  const p = new czertainly.ScepProfile("legacy", {
    name: "e2e-legacy",
    caCertificateUuid: SEED.ecdsaCaUuid,
    includeCaCertificateChain: true,
    renewalThreshold: 10,
    challengePassword: pulumi.secret(challenge),
    adopt,
  });
  return { id: p.id, uuid: p.uuid, enabled: p.enabled, unverified: p.unverified };
};

const profiles = (c: any) => [...c.state.profiles.values()] as any[];
const byName = (c: any, n: string) => profiles(c).find((p) => p.name === n);
const edited: Knobs = { description: "edited", renewalThreshold: 21 };
const isCreate = (x: Sent) => x.method === "POST" && x.path.endsWith("/scepProfiles");

export const czertainly: Lifecycle<Knobs> = {
  vendor: "czertainly",
  type: "czertainly:ScepProfile",
  project: "czertainly-e2e",
  timeout: 60_000,
  start: () => emulators().startCzertainlyEmulator(),
  stop: (c) => c.stop(),
  config: czertainlyConfig,
  program,
  resources: ["devices", "servers"],
  base: {},
  unknownOutput: "caFingerprint",
  objects: (c) => [...c.state.profiles.keys()],
  created: ({ e: c, r: up }) => {
    const devices = byName(c, "e2e-devices");
    expect(devices).toMatchObject({ enabled: true, challengePassword: challenge, intuneApplicationKey: intuneKey, renewalThreshold: undefined });
    expect(byName(c, "e2e-servers").enabled).toBe(true);
    const ca = c.state.certificates.get(SEED.rsaCaUuid).dto;
    expect(up.outputs).toMatchObject({
      devicesUuid: devices.uuid,
      scepUrl: `${c.url}/v1/protocols/scep/e2e-devices/pkiclient.exe`,
      caFingerprint: ca.fingerprint,
      caNotAfter: ca.notAfter,
      caSubject: ca.subjectDn,
      enabled: true,
      challenge: "[secret]",
    });
    expect(byName(c, "e2e-servers").description).toBe(`same CA as e2e-devices (${ca.fingerprint})`);
  },
  // A full PUT that keeps the secrets the program declared.
  update: {
    knobs: edited,
    resource: "devices",
    changed: ["description", "renewalThreshold"],
    check: ({ e: c, sent }) => {
      expect(sent.filter((x) => x.method === "PUT")).toHaveLength(1);
      expect(byName(c, "e2e-devices")).toMatchObject({ description: "edited", renewalThreshold: 21, challengePassword: challenge, intuneApplicationKey: intuneKey, enableIntune: true });
    },
  },
  drift: {
    make: (c) => {
      const d = byName(c, "e2e-devices");
      d.description = "changed in the UI";
      d.enabled = false;
      d.renewalThreshold = 0;
    },
    resource: "devices",
    refreshed: { changed: expect.arrayContaining(["description", "enabled", "renewalThreshold"]) },
    planned: {},
    check: ({ e: c }) => expect(byName(c, "e2e-devices")).toMatchObject({ description: "edited", enabled: true, renewalThreshold: 21, challengePassword: challenge }),
  },
  replace: {
    knobs: { ...edited, serversName: "e2e-servers-v2" },
    resource: "servers",
    changed: ["name"],
    // A new name does not collide with the old one.
    deleteBeforeReplace: false,
    deletes: (x, oldUuid) => x.method === "DELETE" && x.path.endsWith(`/scepProfiles/${oldUuid}`),
    creates: isCreate,
    check: ({ e: c, r }) => {
      expect(byName(c, "e2e-servers-v2")).toMatchObject({ enabled: true });
      expect(r.outputs.serversUuid).toBe(byName(c, "e2e-servers-v2").uuid);
    },
  },
  adopt: {
    make: async (c) => {
      const res = await fetch(`${c.url}/v1/scepProfiles`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "e2e-legacy", caCertificateUuid: SEED.ecdsaCaUuid, issueCertificateAttributes: [], includeCaCertificateChain: false, renewalThreshold: 20, challengePassword: "set-by-hand" }),
      });
      const created = (await res.json()) as any;
      return { id: created.uuid, importId: created.uuid };
    },
    program: legacy,
    creates: isCreate,
    // The declared values and secrets are written over what was set by hand.
    check: ({ e: c, r }) => {
      expect(r.outputs).toMatchObject({ uuid: r.outputs.id });
      expect(byName(c, "e2e-legacy")).toMatchObject({ includeCaCertificateChain: true, renewalThreshold: 10, challengePassword: challenge });
    },
    byKey: true,
  },
  secrets: (c) => [challenge, intuneKey, c.token],
  encrypted: true,
};
