/**
 * One adapter per vendor, so the reliability suite is written once for all five resources:
 * how to start the emulator, the stack config, a resource's args (index `i`, variant `v`), which
 * emulator objects the stack manages, and how a create POST and its lookup look on the wire.
 */
import { afterAll, beforeAll } from "vitest";
import { mulberry32 } from "../../src/core/emulator";
import type { StackConfig } from "../../src/core/testkit";
import { emulators, pulumiSdk, requireDist, tmpDir, trustplane } from "../helpers";

export type Secret = (s: string) => unknown;

/**
 * Deterministic canaries: the same (vendor, what, i) gives the same string within a process.
 * Keys are `vendor/what` for a vendor's credentials and `vendor/what/i` for resource i's secrets.
 */
export class Canaries {
  private byKey = new Map<string, string>();
  private rand = mulberry32(0xc0ffee);
  get(vendor: string, what: string, i?: number): string {
    const k = i === undefined ? `${vendor}/${what}` : `${vendor}/${what}/${i}`;
    let c = this.byKey.get(k);
    if (!c) {
      c = `CANARY-${k.replace(/\//g, "-")}-${Math.floor(this.rand() * 2 ** 32).toString(36)}`;
      this.byKey.set(k, c);
    }
    return c;
  }
  /** A secret that is not ours to choose (a JWT the emulator signed) but just as unique. */
  add(key: string, value: string): void {
    this.byKey.set(`${key}#${this.byKey.size}`, value);
  }
  all(): string[] {
    return [...this.byKey.values()];
  }
  /** One vendor's canaries; `perResource` keeps only resources' own secrets. */
  of(vendor: string, perResource = false): string[] {
    return [...this.byKey].filter(([k]) => k.startsWith(`${vendor}/`) && (!perResource || k.split("/").length === 3)).map(([, c]) => c);
  }
}

export interface ManagedObject {
  id: string;
  /** The natural key (unique name in its container): two objects with one key are a duplicate. */
  key: string;
}

export interface Vendor {
  name: "scm" | "czertainly" | "vcf" | "cxif" | "nevisidm";
  type: string;
  /** Starts the emulator (TLS options pass through); credentials that are secret are canaries. */
  start(c: Canaries, opts?: Record<string, unknown>): Promise<any>;
  config(e: any): StackConfig;
  /** The resource's `connection` input naming the same endpoint and credentials as `config`. */
  connection(e: any): Record<string, unknown>;
  args(e: any, i: number, v: number, secret: Secret, c: Canaries): Record<string, unknown>;
  objects(e: any): ManagedObject[];
  /** Deletes the object behind Pulumi's back, so the next read or delete meets a real 404. */
  removeOutOfBand(e: any, id: string): void;
  /** The request paths that address object `id` (default: paths ending in `/<id>`). */
  pathOf?(id: string): RegExp;
  /** How a create is sent (POST) and looked up after an unknown outcome (GET); none for nevisidm. */
  create?: { post: RegExp; lookup: RegExp; key(body: any): string };
}

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

export const VENDORS: Vendor[] = [
  {
    name: "scm",
    type: "scm:ScepProfile",
    start: (c, o) => emulators().scmTestkit.start({ clientSecret: c.get("scm", "clientSecret"), ...o }),
    config: (e) => emulators().scmTestkit.stackConfig(e),
    connection: (e) => emulators().scmTestkit.connection(e),
    args: (_e, i, v, secret, c) => ({
      folder: "Reliability",
      name: `rel-${i}`,
      scepChallenge:
        i % 2
          ? { fixed: secret(c.get("scm", "fixed", i)) }
          : { dynamic: { otpServerUrl: "https://otp.example.com", username: "otp-svc", password: secret(c.get("scm", "otp", i)) } },
      caIdentityName: "Corp Issuing CA",
      algorithm: { rsa: { rsaNbits: 2048 } },
      digest: ["sha256", "sha384", "sha512"][v % 3],
      scepUrl: "https://pki.example.com/scep",
      certificateAttributes: { dnsname: "gp.example.com" },
    }),
    objects: (e) => [...e.state.profiles.values()].map((p: any) => ({ id: p.id, key: `${p.folder}/${p.name}` })),
    removeOutOfBand: (e, id) => e.state.profiles.delete(id),
    create: { post: /\/scep-profiles$/, lookup: /\/scep-profiles$/, key: (b) => `${b.folder}/${b.name}` },
  },
  {
    name: "czertainly",
    type: "czertainly:ScepProfile",
    start: async (c, o) => {
      const e = await emulators().czertainlyTestkit.start(o);
      c.add("czertainly/token", e.token); // a JWT the emulator signed: unique, so it is a canary too
      return e;
    },
    config: (e) => emulators().czertainlyTestkit.stackConfig(e),
    connection: (e) => emulators().czertainlyTestkit.connection(e),
    args: (_e, i, v, secret, c) => ({
      name: `rel-${i}`,
      description: `reliability v${v}`,
      caCertificateUuid: emulators().CZERTAINLY_SEED.rsaCaUuid,
      challengePassword: secret(c.get("czertainly", "challenge", i)),
      enableIntune: true,
      intuneTenant: "contoso.onmicrosoft.com",
      intuneApplicationId: "rel-app",
      intuneApplicationKey: secret(c.get("czertainly", "intune", i)),
    }),
    objects: (e) => [...e.state.profiles.values()].map((p: any) => ({ id: p.uuid, key: p.name })),
    removeOutOfBand: (e, id) => e.state.profiles.delete(id),
    create: { post: /\/v1\/scepProfiles$/, lookup: /\/v1\/scepProfiles$/, key: (b) => b.name },
  },
  {
    name: "vcf",
    type: "vcf:IdentityProvider",
    start: (c, o) => emulators().vcfTestkit.start({ password: c.get("vcf", "apiPassword"), ...o }),
    config: (e) => emulators().vcfTestkit.stackConfig(e),
    connection: (e) => emulators().vcfTestkit.connection(e),
    args: (_e, i, v, secret, c) => ({
      name: `rel-${i}`,
      type: "Microsoft ADFS",
      certChain: [PEM],
      ldap: {
        domainName: "corp.example.com",
        username: "svc-ldap@corp.example.com",
        password: secret(c.get("vcf", "ldap", i)),
        type: "ActiveDirectory",
        sourceDetails: {
          usersBaseDn: "OU=Users,DC=corp,DC=example,DC=com",
          groupsBaseDn: "OU=Groups,DC=corp,DC=example,DC=com",
          serverEndpoints: ["ldaps://dc01.corp.example.com:636"],
          certChain: [PEM],
        },
      },
      oidc: {
        clientId: `rel-v${v}`,
        clientSecret: secret(c.get("vcf", "oidc", i)),
        discoveryEndpoint: "https://adfs.corp.example.com/adfs/.well-known/openid-configuration",
      },
    }),
    objects: (e) => [...e.state.idps.values()].filter((p: any) => p.type !== "Embedded").map((p: any) => ({ id: p.id, key: p.name })),
    removeOutOfBand: (e, id) => e.state.idps.delete(id),
    create: { post: /^\/v1\/identity-providers$/, lookup: /^\/v1\/identity-providers$/, key: (b) => b.name },
  },
  {
    name: "cxif",
    type: "cxif:ScimConfiguration",
    start: (c, o) => emulators().cxifTestkit.start({ clientSecret: c.get("cxif", "clientSecret"), ...o }),
    config: (e) => emulators().cxifTestkit.stackConfig(e),
    connection: (e) => emulators().cxifTestkit.connection(e),
    args: (_e, i, v) => ({
      targetConnectionDescriptorName: `rel-${i}`,
      profiles: { Subscriber: { groupAssignment: [`group-v${v}`], scimRfc7643Mapping: { name: "SWALLOW" } } },
    }),
    objects: (e) =>
      [...e.state.configurations.values()].map((x: any) => ({
        id: x.id,
        key: `${x["target-connection-descriptor-namespace"]}/${x["target-connection-descriptor-name"]}`,
      })),
    removeOutOfBand: (e, id) => e.state.configurations.delete(id),
    create: { post: /^\/admin\/scimConfigurations$/, lookup: /^\/admin\/scimConfigurations$/, key: (b) => b["target-connection-descriptor-name"] },
  },
  {
    name: "nevisidm",
    type: "nevisidm:ProfileProperties",
    start: (_c, o) =>
      emulators().nevisidmTestkit.start({
        clients: {
          rel: {
            properties: [{ name: "cost_center", stringMaxLen: 32 }, { name: "badge_number", stringMaxLen: 16 }],
            profiles: Array.from({ length: 64 }, (_, i) => ({ extId: `p-${i}` })),
          },
        },
        ...o,
      }),
    // The URL alone: each resource names its own technical user's token (below).
    config: (e) => emulators().nevisidmTestkit.stackConfig(e, { token: undefined }),
    connection: (e) => emulators().nevisidmTestkit.connection(e),
    // Each resource carries its own technical user's token (a canary), as a stack that talks to
    // two tenants would: the token is the one secret input this resource has.
    args: (e, i, v, secret, c) => {
      const token = c.get("nevisidm", "token", i);
      e.state.principals.set(token, { name: `pulumi-${i}` });
      return {
        clientExtId: "rel",
        profileExtId: `p-${i}`,
        properties: { cost_center: `CC-${i}-v${v}`, badge_number: `B${i}` },
        connection: { token: secret(token) },
      };
    },
    objects: (e) =>
      [...e.state.client("rel").profiles.values()]
        .filter((p: any) => p.properties.has("cost_center") || p.properties.has("badge_number"))
        .map((p: any) => ({ id: `rel/${p.extId}`, key: `rel/${p.extId}` })),
    removeOutOfBand: (e, id) => e.state.client("rel").profiles.delete(id.split("/")[1]),
    pathOf: (id) => new RegExp(`/rel/profiles/${id.split("/")[1]}(/|$)`),
  },
];

/** The resource class a program constructs. */
export function resourceClass(v: Vendor): any {
  const ns = trustplane()[v.name];
  return ns[v.type.split(":")[1]];
}

/**
 * The `__provider` text the SDK serializes for a resource of this vendor, captured under mocks
 * (as the engine would receive it), for tests that talk to the dynamic-provider host directly.
 */
export async function providerText(v: Vendor, args: Record<string, unknown>): Promise<string> {
  const pulumi = pulumiSdk();
  let got!: (s: string) => void;
  const text = new Promise<string>((r) => (got = r));
  await pulumi.runtime.setMocks(
    {
      newResource: async (a: any) => {
        got(a.inputs.__provider);
        return { id: "x", state: {} };
      },
      call: async () => ({}),
    },
    "reliability",
    "mocks",
    true,
  );
  const R = resourceClass(v);
  new R("probe", args);
  return text;
}

export const urnOf = (v: Vendor, name: string) => `urn:pulumi:rel::reliability::pulumi-nodejs:dynamic/${v.type}::${name}`;

/** Sets retry knobs for this file (hosts spawned later inherit the environment) and restores them after. */
export function useEnv(env: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });
}

/**
 * One dynamic-provider host for the whole file, configured once with no stack config, as the
 * engine does (the host configures a provider once per process): each test names its endpoint in
 * the resource's `connection`.
 */
export function useHost(): { host: any } {
  const h: { host: any } = { host: undefined };
  beforeAll(async () => {
    const { ProviderHost } = requireDist("./dist/tools/host.js");
    h.host = await ProviderHost.start({ cwd: tmpDir("trustplane-rel-host-"), project: "reliability" });
    await h.host.configure({});
  }, 60_000);
  afterAll(() => h.host?.stop());
  return h;
}

/** `args` with the emulator's endpoint and credentials (and `extra`) in its `connection`. */
export function withConnection(v: Vendor, e: any, args: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...args, connection: { ...v.connection(e), ...(args.connection as object), ...extra } };
}
