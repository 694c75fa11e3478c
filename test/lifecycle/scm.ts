/** scm.ScepProfile's lifecycle data: two profiles in a folder, the second wired from the first. */
import { expect } from "vitest";
import { canary, emulators, pulumiSdk, trustplane } from "../helpers";
import { scmConfig } from "../stack-config";
import type { Lifecycle, Sent } from "./suite";

export const fixedSecret = canary("scm-fixed");
export const otpPassword = canary("scm-otp");

export interface Knobs {
  digest: string;
  container: Record<string, string>;
}

export function program(k: Knobs) {
  return () => {
    const pulumi = pulumiSdk();
    const { scm } = trustplane();
    const portal = new scm.ScepProfile("portal", {
      ...k.container,
      name: "gp-portal-scep",
      scepChallenge: { fixed: pulumi.secret(fixedSecret) },
      caIdentityName: "Corp Issuing CA",
      algorithm: { rsa: { rsaNbits: 2048 } },
      digest: k.digest,
      scepUrl: "https://pki.example.com/scep",
      certificateAttributes: { dnsname: "gp.corp.example.com" },
    });
    const gateway = new scm.ScepProfile("gateway", {
      folder: "Remote Networks",
      name: "gp-gw-scep",
      scepChallenge: { dynamic: { otpServerUrl: "https://otp.example.com", username: "otp-svc", password: pulumi.secret(otpPassword) } },
      caIdentityName: "Corp Issuing CA",
      // Wired from the other profile's output: unknown during the first preview.
      scepUrl: portal.scepUrl,
      algorithm: { rsa: { rsaNbits: "3072" } },
      digest: "sha256",
    });
    return { portalId: portal.id, gatewayId: gateway.id, portalName: portal.name, challenge: portal.scepChallenge };
  };
}

/** A token for the emulator's API, fetched as SCM's own clients do (client credentials, the TSG as scope). */
export async function accessToken(emu: any): Promise<string> {
  const token = await fetch(emu.tokenUrl, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=client_credentials&scope=tsg_id:${emu.tsgId}`,
  }).then((r) => r.json() as Promise<any>);
  return token.access_token;
}

const profiles = (emu: any) => [...emu.state.profiles.values()] as any[];
const byName = (emu: any, n: string) => profiles(emu).find((p) => p.name === n);
const base: Knobs = { digest: "sha256", container: { folder: "Mobile Users" } };
const updated: Knobs = { ...base, digest: "sha512" };
const isCreate = (x: Sent) => x.method === "POST" && x.path.includes("scep-profiles");

export const scm: Lifecycle<Knobs> = {
  vendor: "scm",
  type: "scm:ScepProfile",
  project: "scm-e2e",
  start: () => emulators().startScmEmulator({ clientSecret: canary("scm-client-secret") }),
  stop: (emu) => emu.stop(),
  config: scmConfig,
  program,
  resources: ["portal", "gateway"],
  base,
  unknownOutput: "portalId",
  // The token a provider host fetches in configure is not a call on the profiles.
  touches: (x) => !x.path.includes("oauth2"),
  objects: (emu) => [...emu.state.profiles.keys()],
  created: ({ r }) => expect(r.outputs.challenge).toBe("[secret]"),
  update: {
    knobs: updated,
    resource: "portal",
    changed: ["digest"],
    check: ({ e }) => expect(byName(e, "gp-portal-scep").digest).toBe("sha512"),
  },
  drift: {
    make: (emu) => (byName(emu, "gp-gw-scep").digest = "sha1"),
    resource: "gateway",
    refreshed: { changed: ["digest"] },
    planned: { changed: ["digest"] },
    check: ({ e }) => expect(byName(e, "gp-gw-scep").digest).toBe("sha256"),
  },
  replace: {
    knobs: { digest: "sha512", container: { snippet: "GP Shared" } },
    resource: "portal",
    changed: ["folder", "snippet"],
    // Names are unique per container: the new one in the snippet does not collide with the old.
    deleteBeforeReplace: false,
    deletes: (x, oldId) => x.method === "DELETE" && x.path.endsWith(`/scep-profiles/${oldId}`),
    creates: isCreate,
    check: ({ e }) => expect(byName(e, "gp-portal-scep").snippet).toBe("GP Shared"),
  },
  adopt: {
    make: async (emu) => {
      const created = await fetch(`${emu.apiUrl}/scep-profiles`, {
        method: "POST",
        headers: { authorization: `Bearer ${await accessToken(emu)}`, "content-type": "application/json" },
        body: JSON.stringify({
          folder: "Mobile Users", name: "legacy-scep", scep_challenge: { fixed: "set-by-hand" }, ca_identity_name: "Corp Issuing CA",
          subject: "CN=$USERNAME", algorithm: { rsa: { rsa_nbits: "2048" } }, digest: "sha256", scep_url: "https://pki.example.com/scep",
        }),
      }).then((r) => r.json() as Promise<any>);
      expect(created.id).toBeTruthy();
      return { id: created.id, importId: `Mobile Users:::${created.id}` };
    },
    program: (adopt) => () => {
      const pulumi = pulumiSdk();
      const { scm } = trustplane();
      const p = new scm.ScepProfile("legacy", {
        folder: "Mobile Users", name: "legacy-scep", scepChallenge: { fixed: pulumi.secret(fixedSecret) }, caIdentityName: "Corp Issuing CA",
        algorithm: { rsa: { rsaNbits: 2048 } }, digest: "sha512", scepUrl: "https://pki.example.com/scep", adopt,
      });
      return { id: p.id };
    },
    creates: isCreate,
    check: ({ e, r }) => {
      // What the program declares is written, the write-only challenge included.
      const live = e.state.profiles.get(r.outputs.id);
      expect(live.digest).toBe("sha512");
      // The API stores the challenge encrypted; the emulator keeps what each ciphertext stands for.
      expect(e.state.plaintextOf.get(live.scep_challenge.fixed)).toBe(fixedSecret);
    },
    after: async ({ go }) => {
      // adopt is local: dropping it later changes nothing.
      const dropped = await go("preview", { program: scm.adopt.program(undefined), expectNoChanges: true });
      expect(dropped.errors).toEqual([]);
      expect(dropped.steps).toMatchObject([{ op: "same" }]);
    },
  },
  secrets: (emu) => [fixedSecret, otpPassword, emu.clientSecret],
  encrypted: true,
};
