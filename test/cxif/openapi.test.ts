/**
 * What crosses the wire, checked against the vendor's page for the SCIM configuration API written
 * down as OpenAPI (scim-configurations.openapi.yaml): the provider cannot send what the page's
 * schema refuses, and the emulator cannot answer in a shape the page does not describe.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hooks } from "../../src/cxif/provider";
import { startCxifEmulator, type CxifEmulator } from "../../src/cxif/emulator";
import { OpenApiContract } from "../openapi";

const URN = "urn:scim:schemas:extension:custom:1.0:User";
const contract = new OpenApiContract(path.join(__dirname, "scim-configurations.openapi.yaml"));
let cx: CxifEmulator;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  cx = await startCxifEmulator();
});
afterAll(() => cx.stop());

async function token(): Promise<string> {
  const r = await fetch(cx.tokenUrl, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${cx.clientId}:${cx.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: cx.scope }).toString(),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

describe("CXIF traffic against the vendor page's schema", () => {
  it("every request of whole lifecycles, failures included, conforms to the request schema", async () => {
    const connection = { host: cx.url, tokenUrl: cx.tokenUrl, clientId: cx.clientId, clientSecret: cx.clientSecret };
    const variants: Record<string, unknown>[] = [
      { targetConnectionDescriptorName: "a" },
      { targetConnectionDescriptorHref: "/connectionDescriptors/b", targetConnectionDescriptorNamespace: "dx-dev" },
      {
        targetConnectionDescriptorName: "c",
        profiles: {
          "Subscriber/EU~1": {
            groupAssignment: ["g1", "g2"],
            scimRfc7643Mapping: { name: "SWALLOW", emails: "FORWARD" },
            scimCustomAttrMapping: {
              [URN]: [
                { attributeName: "x" },
                { attributeName: "y", attributeType: "OBJECT", mode: "SWALLOW" },
                { attributeName: "z", attributeType: "INTEGER", required: true, mode: "MAP", targetAttributeName: "zz" },
              ],
            },
          },
        },
      },
    ];
    for (const v of variants) {
      const ch = await hooks.check({}, { ...v, connection });
      expect(ch.failures).toEqual([]);
      const { id, outs } = await hooks.create(ch.inputs!);
      await hooks.read(id, outs);
      const changed = await hooks.check({}, { ...v, connection, profiles: { P: { groupAssignment: ["changed"] } } });
      const { outs: changedOuts } = await hooks.update(id, outs, changed.inputs!);
      // A change of descriptor without a namespace: the server fills the new one's.
      const moved = await hooks.check({}, { ...v, targetConnectionDescriptorHref: undefined, targetConnectionDescriptorNamespace: undefined, targetConnectionDescriptorName: `moved-${id}`, connection });
      const { outs: after } = await hooks.update(id, changedOuts!, moved.inputs!);
      await hooks.create(moved.inputs!).catch(() => undefined); // 409
      await hooks.delete(id, after!);
      await hooks.read(id, after!); // 404
      await hooks.delete(id, after!); // 404
    }
    const problems = cx.emu.requests
      .filter((x) => x.path.startsWith("/admin/"))
      .flatMap((x) => contract.check(x))
      // The page's request enum has OBJECT and its response enum does not (ref §3.3: a later
      // release adds it); an OBJECT attribute echoed back is the page's own inconsistency.
      .filter((p) => !/ response: data\/(\d+\/)?profiles\/.*\/1\/attribute-type must be equal to one of the allowed values$/.test(p));
    expect(problems).toEqual([]);
    const seen = new Set(cx.emu.requests.filter((x) => x.path.startsWith("/admin/")).map((x) => `${x.method} ${x.status}`));
    for (const s of ["POST 201", "POST 409", "GET 200", "PUT 200", "DELETE 204", "GET 404", "DELETE 404"]) expect(seen).toContain(s);
  });

  it("the emulator answers in the page's shapes: the configuration, the list and the TM Forum error", async () => {
    const t = await token();
    const call = async (method: string, p: string, body?: unknown) => {
      const r = await fetch(`${cx.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${t}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { method, path: p, status: r.status, body, responseBody: text ? JSON.parse(text) : undefined };
    };
    const created = await call("POST", "/admin/scimConfigurations", {
      "target-connection-descriptor-name": "shape",
      profiles: { s: { "scim-custom-attr-mapping": { [URN]: [{ "attribute-name": "a", mode: "MAP", "target-attribute-name": "b" }] }, "scim-rfc7643-mapping": { name: "SWALLOW" } } },
    });
    const id = created.responseBody.id;
    const exchanges = [
      created,
      await call("GET", `/admin/scimConfigurations/${id}`),
      await call("GET", "/admin/scimConfigurations"),
      await call("PUT", `/admin/scimConfigurations/${id}`, { "target-connection-descriptor-name": "shape", profiles: {} }),
      await call("PUT", `/admin/scimConfigurations/${id}`, { "target-connection-descriptor-name": "shape", profiles: { s: { "scim-rfc7643-mapping": { name: "DROP" } } } }),
      await call("GET", "/admin/scimConfigurations/nope"),
      await call("DELETE", `/admin/scimConfigurations/${id}`),
    ];
    expect(exchanges.map((x) => x.status)).toEqual([201, 200, 200, 200, 400, 404, 204]);
    // The 400 is the point of its exchange: its request is the one the schema refuses.
    const problems = exchanges.flatMap((x) => contract.check(x)).filter((p) => !/^PUT .* request: .*rfc7643-mapping\/name must be equal to one of the allowed values$/.test(p));
    expect(problems).toEqual([]);
  });

  it("would notice a camelCase key or an unknown mode in a request", () => {
    const bad = contract.check({ method: "PUT", path: "/admin/scimConfigurations/x", status: 200, body: { targetConnectionDescriptorName: "a", profiles: { p: { "scim-rfc7643-mapping": { name: "DROP" } } } } });
    expect(bad.join("\n")).toMatch(/must NOT have additional properties/);
    expect(bad.join("\n")).toMatch(/must be equal to one of the allowed values/);
  });
});
