/** cxif.ScimConfiguration's lifecycle data: a consumer configuration by descriptor name, a business one by href. */
import { expect } from "vitest";
import { canary, emulators, trustplane } from "../helpers";
import { cxifConfig } from "../stack-config";
import type { Lifecycle, Sent } from "./suite";

export const URN = "urn:scim:schemas:extension:custom:1.0:User";

export const startEmulator = () => emulators().startCxifEmulator({ clientSecret: canary("cxif-client-secret") });

export interface Knobs {
  /** The mode of the subscriber profile's pass-through attribute. */
  passThroughMode: string;
}

const subscriber = (k: Knobs) => ({
  groupAssignment: ["oracleGroup"],
  scimRfc7643Mapping: { name: "SWALLOW", emails: "FORWARD" },
  scimCustomAttrMapping: {
    [URN]: [
      { attributeName: "pass-through-attr", mode: k.passThroughMode },
      { attributeName: "loyalty-since", attributeType: "DATETIMESTRING", required: true, mode: "MAP", targetAttributeName: "memberSince" },
    ],
  },
});

export function program(k: Knobs) {
  return () => {
    const { cxif } = trustplane();
    const consumer = new cxif.ScimConfiguration("consumer", {
      targetConnectionDescriptorName: "oci-iam-consumer",
      profiles: { Subscriber: subscriber(k), "partners/emea~eu": { groupAssignment: ["emea-partners"] } },
    });
    const business = new cxif.ScimConfiguration("business", {
      targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-business",
      // Wired from the other configuration's output: unknown during the first preview.
      targetConnectionDescriptorNamespace: consumer.targetConnectionDescriptorNamespace,
      profiles: { Business: { groupAssignment: ["b2b"] } },
    });
    return {
      consumerHref: consumer.targetConnectionDescriptorHref,
      consumerId: consumer.id,
      businessName: business.targetConnectionDescriptorName,
      businessNamespace: business.targetConnectionDescriptorNamespace,
    };
  };
}

export const base: Knobs = { passThroughMode: "FORWARD" };
export const byDescriptor = (emu: any, name: string) => [...emu.state.configurations.values()].find((c: any) => c["target-connection-descriptor-name"] === name) as any;
const swallow: Knobs = { passThroughMode: "SWALLOW" };

const declared = (mode: string) => ({
  targetConnectionDescriptorName: "legacy-idm",
  profiles: {
    Subscriber: {
      groupAssignment: ["oracleGroup"],
      scimCustomAttrMapping: { [URN]: [{ attributeName: "pass-through-attr", mode }, { attributeName: "x", mode: "MAP", targetAttributeName: "y" }] },
    },
  },
});

export const cxif: Lifecycle<Knobs> = {
  vendor: "cxif",
  type: "cxif:ScimConfiguration",
  project: "cxif-e2e",
  start: startEmulator,
  stop: (emu) => emu.stop(),
  config: cxifConfig,
  program,
  resources: ["consumer", "business"],
  base,
  unknownOutput: "consumerId",
  // The token endpoint is not the framework's admin API.
  touches: (x) => x.path.startsWith("/admin/"),
  objects: (emu) => [...emu.state.configurations.keys()],
  created: ({ e, r: up }) => {
    // The href other stacks consume.
    expect(up.outputs.consumerHref).toBe("/connectionDescriptors/oci-iam-consumer");
    expect(up.outputs.businessName).toBe("oci-iam-business");
    expect(up.outputs.businessNamespace).toBe("dx-prod");
    expect(e.state.configurations.has(up.outputs.consumerId)).toBe(true);
    // A profile name with '/' and '~' is a map key, sent as is; the collections it left out go as empty.
    expect(byDescriptor(e, "oci-iam-consumer").profiles["partners/emea~eu"]).toEqual({
      "group-assignment": ["emea-partners"],
      "scim-rfc7643-mapping": {},
      "scim-custom-attr-mapping": {},
    });
  },
  // One mapping, with a PUT of the whole configuration.
  update: {
    knobs: swallow,
    resource: "consumer",
    changed: ["profiles"],
    check: ({ e }) => {
      const id = byDescriptor(e, "oci-iam-consumer").id;
      const live = e.state.configurations.get(id);
      expect(live.profiles.Subscriber["scim-custom-attr-mapping"][URN][0]).toEqual({
        "attribute-name": "pass-through-attr",
        "attribute-type": "STRING",
        required: false,
        mode: "SWALLOW",
      });
      expect(Object.keys(live.profiles).sort()).toEqual(["Subscriber", "partners/emea~eu"]);
      // The only PUT the stack ever sent: the creates sent none.
      const put = e.emu.requests.filter((x: Sent) => x.method === "PUT");
      expect(put).toHaveLength(1);
      expect(put[0].path).toBe(`/admin/scimConfigurations/${id}`);
    },
  },
  drift: {
    make: (emu) => (byDescriptor(emu, "oci-iam-consumer").profiles.Subscriber["scim-rfc7643-mapping"].name = "FORWARD"),
    resource: "consumer",
    refreshed: { changed: ["profiles"] },
    planned: {},
    check: ({ e }) => expect(byDescriptor(e, "oci-iam-consumer").profiles.Subscriber["scim-rfc7643-mapping"].name).toBe("SWALLOW"),
  },
  // No replacement: the API takes every change through PUT (reference §3.7), so nothing replaces.
  adopt: {
    make: async (emu) => {
      const token = await fetch(emu.tokenUrl, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: emu.scope }).toString(),
      }).then((r) => r.json() as Promise<any>);
      // Made by hand in the console: the server's defaults filled, the namespace chosen by the server.
      const created = await fetch(`${emu.url}/admin/scimConfigurations`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
        body: JSON.stringify({
          "target-connection-descriptor-name": "legacy-idm",
          profiles: {
            Subscriber: {
              "group-assignment": ["oracleGroup"],
              "scim-custom-attr-mapping": { [URN]: [{ "attribute-name": "pass-through-attr" }, { "attribute-name": "x", mode: "MAP", "target-attribute-name": "y" }] },
            },
          },
        }),
      }).then((r) => r.json() as Promise<any>);
      return { id: created.id, importId: created.id };
    },
    // The program forwards what the live configuration passes through: adopting writes that.
    program: (adopt) => () => {
      const { cxif } = trustplane();
      const c = new cxif.ScimConfiguration("legacy", { ...declared("FORWARD"), adopt });
      return { id: c.id, href: c.targetConnectionDescriptorHref };
    },
    creates: (x) => x.method === "POST" && x.path.startsWith("/admin/scimConfigurations"),
    check: ({ r }) => expect(r.outputs).toEqual({ id: r.outputs.id, href: "/connectionDescriptors/legacy-idm" }),
    // By its target descriptor.
    byKey: true,
  },
  secrets: (emu) => [emu.clientSecret],
  encrypted: false,
};
