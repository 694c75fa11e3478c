/**
 * cxif.ScimConfiguration end to end: a program run through the real Pulumi engine (the CLI built by
 * tools/pulumi-cli, with the Automation API), which starts the SDK's dynamic-provider host and calls
 * Configure/Check/Diff/Create/Read/Update/Delete on it, against the emulator.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../recorder";
import { canary, emulators, findCanaries, pulumiSdk, readState, stackFixture, trustplane } from "../helpers";

const { startCxifEmulator } = emulators();
const URN = "urn:scim:schemas:extension:custom:1.0:User";

let emu: any;

beforeAll(async () => {
  emu = await startCxifEmulator({ clientSecret: canary("cxif-client-secret") });
});
afterAll(() => emu.stop());

function config() {
  return {
    "trustplane:cxifHost": { value: emu.url },
    "trustplane:cxifTokenUrl": { value: emu.tokenUrl },
    "trustplane:cxifClientId": { value: emu.clientId },
    "trustplane:cxifClientSecret": { value: emu.clientSecret, secret: true },
  };
}

interface Knobs {
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

function program(k: Knobs) {
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

const byDescriptor = (name: string) => [...emu.state.configurations.values()].find((c: any) => c["target-connection-descriptor-name"] === name) as any;

describe("cxif.ScimConfiguration through the real Pulumi engine", () => {
  const fx = stackFixture();
  const { go, printed, hostLogs, errorsSeen, statesSeen, texts, providers } = recorder();
  const opts = (k: Knobs) => ({
    projectDir: fx.dir,
    program: program(k),
    project: "cxif-e2e",
    stack: "dev",
    stateFile: fx.stateFile,
    config: config(),
    passphrase: "test-passphrase",
    out: (l: string) => printed.push(l),
  });
  const base: Knobs = { passThroughMode: "FORWARD" };
  const adminCalls = () => emu.emu.requests.filter((x: any) => x.path.startsWith("/admin/")).length;

  it("previews two creates without touching the API", async () => {
    const before = adminCalls();
    const r = await go("preview", opts(base));
    expect(r.errors).toEqual([]);
    expect(r.steps.map((s: any) => [s.name, s.op])).toEqual([["consumer", "create"], ["business", "create"]]);
    expect(r.outputs.consumerId).toBe("(unknown)");
    expect(adminCalls()).toBe(before);
    expect(r.resources).toEqual([]);
  });

  it("creates both, exports the href other stacks consume, then a second preview shows no changes", async () => {
    const up = await go("up", opts(base));
    expect(up.errors).toEqual([]);
    expect(up.counts.create).toBe(2);
    expect(emu.state.configurations.size).toBe(2);
    expect(up.outputs.consumerHref).toBe("/connectionDescriptors/oci-iam-consumer");
    expect(up.outputs.businessName).toBe("oci-iam-business");
    expect(up.outputs.businessNamespace).toBe("dx-prod");
    expect(emu.state.configurations.has(up.outputs.consumerId)).toBe(true);
    const ids = readState(fx.stateFile).resources.map((r: any) => r.id);
    expect(ids.sort()).toEqual([...emu.state.configurations.keys()].sort());
    // A profile name with '/' and '~' is a map key, sent as is; the collections it left out go as empty.
    expect(byDescriptor("oci-iam-consumer").profiles["partners/emea~eu"]).toEqual({
      "group-assignment": ["emea-partners"],
      "scim-rfc7643-mapping": {},
      "scim-custom-attr-mapping": {},
    });
    const again = await go("preview", opts(base));
    expect(again.errors).toEqual([]);
    expect(again.steps.map((s: any) => s.op)).toEqual(["same", "same"]);
  });

  it("updates one mapping in place with a PUT of the whole configuration", async () => {
    const id = byDescriptor("oci-iam-consumer").id;
    const r = await go("up", opts({ passThroughMode: "SWALLOW" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "consumer")).toMatchObject({ op: "update", changed: ["profiles"] });
    expect(r.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "same" });
    const live = emu.state.configurations.get(id);
    expect(live.profiles.Subscriber["scim-custom-attr-mapping"][URN][0]).toEqual({
      "attribute-name": "pass-through-attr",
      "attribute-type": "STRING",
      required: false,
      mode: "SWALLOW",
    });
    expect(Object.keys(live.profiles).sort()).toEqual(["Subscriber", "partners/emea~eu"]);
    const put = emu.emu.requests.filter((x: any) => x.method === "PUT");
    expect(put).toHaveLength(1);
    expect(put[0].path).toBe(`/admin/scimConfigurations/${id}`);
  });

  it("refresh picks up a mapping changed outside Pulumi, and the next up puts it back", async () => {
    const live = byDescriptor("oci-iam-consumer");
    live.profiles.Subscriber["scim-rfc7643-mapping"].name = "FORWARD";
    const r = await go("refresh", opts({ passThroughMode: "SWALLOW" }));
    expect(r.errors).toEqual([]);
    expect(r.steps.find((s: any) => s.name === "consumer")).toMatchObject({ op: "refresh", changed: ["profiles"] });
    expect(r.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "same" });
    const p = await go("preview", opts({ passThroughMode: "SWALLOW" }));
    expect(p.steps.find((s: any) => s.name === "consumer")).toMatchObject({ op: "update" });
    await go("up", opts({ passThroughMode: "SWALLOW" }));
    expect(emu.state.configurations.get(live.id).profiles.Subscriber["scim-rfc7643-mapping"].name).toBe("SWALLOW");
    expect((await go("preview", opts({ passThroughMode: "SWALLOW" }))).steps.map((s: any) => s.op)).toEqual(["same", "same"]);
  });

  it("refresh drops a configuration deleted outside Pulumi, and the next up creates it again", async () => {
    const gone = byDescriptor("oci-iam-business");
    emu.state.configurations.delete(gone.id);
    const r = await go("refresh", opts({ passThroughMode: "SWALLOW" }));
    expect(r.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "refresh", gone: true });
    const up = await go("up", opts({ passThroughMode: "SWALLOW" }));
    expect(up.errors).toEqual([]);
    expect(up.steps.find((s: any) => s.name === "business")).toMatchObject({ op: "create" });
    expect(byDescriptor("oci-iam-business").id).not.toBe(gone.id);
  });

  it("destroys everything it created", async () => {
    const r = await go("destroy", opts(base));
    expect(r.errors).toEqual([]);
    expect(r.counts.delete).toBe(2);
    expect(emu.state.configurations.size).toBe(0);
    expect(readState(fx.stateFile).resources).toEqual([]);
  });

  // The engine cannot import a dynamic resource (pulumi/pulumi#16175, test/engine/options.test.ts);
  // `adopt` takes over what exists.
  it("adopts an existing configuration by its id with no POST, and by its target descriptor from a second stack", async () => {
    const token = await fetch(emu.tokenUrl, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: emu.scope }).toString(),
    }).then((r) => r.json());
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
    }).then((r) => r.json());
    const declared = (mode: string) => ({
      targetConnectionDescriptorName: "legacy-idm",
      profiles: {
        Subscriber: {
          groupAssignment: ["oracleGroup"],
          scimCustomAttrMapping: { [URN]: [{ attributeName: "pass-through-attr", mode }, { attributeName: "x", mode: "MAP", targetAttributeName: "y" }] },
        },
      },
    });
    const fx2 = stackFixture();
    const prog = (mode: string) => () => {
      const { cxif } = trustplane();
      const c = new cxif.ScimConfiguration("legacy", { ...declared(mode), adopt: created.id });
      return { id: c.id, href: c.targetConnectionDescriptorHref };
    };
    const posts = () => emu.emu.requests.filter((x: any) => x.method === "POST" && x.path.startsWith("/admin/scimConfigurations")).length;
    const before = posts();
    // The program forwards what the live configuration passes through: adopting writes that.
    const o = { ...opts(base), program: prog("FORWARD"), stateFile: fx2.stateFile };
    const r = await go("up", o);
    expect(r.errors).toEqual([]);
    expect(r.steps).toMatchObject([{ op: "create", name: "legacy" }]);
    expect(r.outputs).toEqual({ id: created.id, href: "/connectionDescriptors/legacy-idm" });
    expect(posts()).toBe(before);
    expect(emu.state.configurations.size).toBe(1);
    expect((await go("preview", { ...o, expectNoChanges: true })).errors).toEqual([]);
    // adopt: true finds the same configuration by its target descriptor from a second stack.
    const fx3 = stackFixture();
    const named = () => {
      const { cxif } = trustplane();
      const c = new cxif.ScimConfiguration("legacy", { ...declared("FORWARD"), adopt: true });
      return { id: c.id, href: c.targetConnectionDescriptorHref };
    };
    const second = await go("up", { ...o, stack: "staging", stateFile: fx3.stateFile, program: named });
    expect(second.errors).toEqual([]);
    expect(second.outputs.id).toBe(created.id);
    expect(posts()).toBe(before);

    await go("destroy", o);
    expect(emu.state.configurations.size).toBe(0);
  });

  it("kept the client secret out of the state file, the printed plan, the host's log and the serialized provider", () => {
    const state = statesSeen.join("\n");
    const provider = providers();
    expect(printed.length).toBeGreaterThan(10);
    expect(provider.length).toBeGreaterThan(4);
    // The serialized provider is a stub: it holds no client, schema or credential.
    for (const p of provider) expect(p.length).toBeLessThan(4000);
    const hits = findCanaries([emu.clientSecret], texts());
    expect(hits).toEqual([]);
  });

  it("never lets the client secret out when it comes from a resource's connection input", async () => {
    const secret = emu.clientSecret;
    const fx4 = stackFixture();
    const lines: string[] = [];
    const o = {
      projectDir: fx4.dir,
      project: "cxif-e2e",
      stack: "prod",
      stateFile: fx4.stateFile,
      config: {},
      passphrase: "test-passphrase",
      out: (l: string) => lines.push(l),
      program: () => {
        const pulumi = pulumiSdk();
        const { cxif } = trustplane();
        new cxif.ScimConfiguration("tenant-b", {
          targetConnectionDescriptorName: "tenant-b-idm",
          connection: { host: emu.url, tokenUrl: emu.tokenUrl, clientId: emu.clientId, clientSecret: pulumi.secret(secret) },
        });
        return {};
      },
    };
    const up = await go("up", o);
    expect(up.errors).toEqual([]);
    expect(byDescriptor("tenant-b-idm")).toBeDefined();
    const text = fs.readFileSync(fx4.stateFile, "utf8");
    expect(text).not.toContain(secret);
    expect(text).toContain('"ciphertext": "v1:');
    const down = await go("destroy", o);
    expect(down.errors).toEqual([]);
    expect(byDescriptor("tenant-b-idm")).toBeUndefined();
    expect(findCanaries([secret], { printed: lines.join("\n"), hostLog: hostLogs.join("\n") })).toEqual([]);
  });
});
