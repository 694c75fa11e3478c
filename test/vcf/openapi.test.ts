/**
 * What crosses the wire, checked against the seed page for the identity-provider API written down
 * as OpenAPI (identity-providers.openapi.yaml): every request body the provider sends during whole
 * lifecycles is an IdentityProviderSpec with its Required blocks and no other key, and every
 * answer of the emulator has the shape the page and the reference describe.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hooks } from "../../src/vcf/provider";
import { startVcfEmulator, type VcfEmulator } from "../../src/vcf/emulator";
import { OpenApiContract } from "../openapi";

import { adfsArgs, PEM } from "./fixtures";


const contract = new OpenApiContract(path.join(__dirname, "identity-providers.openapi.yaml"));
const documented = (p: string) => p.startsWith("/v1/identity-providers") || p.startsWith("/v1/tasks/");

let sync: VcfEmulator;
let tasks: VcfEmulator;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  process.env.TRUSTPLANE_VCF_TASK_POLL_MS = "5";
  sync = await startVcfEmulator();
  tasks = await startVcfEmulator({ asyncTasks: true, patchStatus: 200 });
});
afterAll(async () => {
  await sync.stop();
  await tasks.stop();
});

async function lifecycle(vcf: VcfEmulator, name: string, type: string): Promise<void> {
  const connection = { host: vcf.host, username: vcf.username, password: vcf.password };
  const ch = await hooks.check({}, { ...adfsArgs({ name, type }), connection });
  expect(ch.failures).toEqual([]);
  const { id, outs } = await hooks.create(ch.inputs);
  const read = await hooks.read(id, outs);
  const renamed = await hooks.check({}, { ...adfsArgs({ name: `${name}-2`, type }), connection });
  const { outs: a } = await hooks.update(id, read.props!, renamed.inputs);
  const rotated = await hooks.check({}, { ...adfsArgs({ name: `${name}-2`, type, certChain: undefined }), connection, oidc: { ...renamed.inputs.oidc, clientSecret: "rotated" } });
  const { outs: b } = await hooks.update(id, a!, rotated.inputs);
  await hooks.create(rotated.inputs).catch(() => undefined); // 409: the name is taken
  await hooks.delete(id, b!);
  await hooks.read(id, b!); // 404
}

describe("VCF traffic against the seed page's schema", () => {
  it("every request of whole lifecycles (synchronous and with tasks, both spellings of AD FS) and every answer conform", async () => {
    await lifecycle(sync, "corp-adfs", "Microsoft ADFS");
    await lifecycle(sync, "corp-adfs-b", "AD_FS");
    await lifecycle(tasks, "corp-adfs-t", "Microsoft ADFS");
    const exchanges = [...sync.emu.requests, ...tasks.emu.requests].filter((x) => documented(x.path));
    const problems = exchanges.flatMap((x) => contract.check(x));
    expect(problems).toEqual([]);
    const seen = new Set(exchanges.map((x) => `${x.method} ${x.status}`));
    for (const s of ["POST 201", "POST 202", "POST 409", "GET 200", "PATCH 204", "PATCH 202", "DELETE 204", "GET 404"]) expect(seen).toContain(s);
    // Every PATCH carried the whole spec (the seed's Required ldap and oidc) with its secrets.
    const patches = exchanges.filter((x) => x.method === "PATCH");
    expect(patches.length).toBe(6);
    for (const p of patches) expect(p.body).toMatchObject({ ldap: { password: expect.any(String) }, oidc: { clientSecret: expect.any(String) } });
  });

  it("would notice a PATCH of only the changed blocks, and a key the spec does not define", () => {
    const rename = contract.check({ method: "PATCH", path: "/v1/identity-providers/x", status: 204, body: { name: "n", type: "Microsoft ADFS" } });
    expect(rename.join("\n")).toMatch(/must have required property 'ldap'/);
    const spec = adfsArgs();
    expect(contract.check({ method: "POST", path: "/v1/identity-providers", status: 201, body: spec })).toEqual([]);
    const withProvider = contract.check({ method: "POST", path: "/v1/identity-providers", status: 201, body: { ...spec, __provider: "exports.handler = ..." } });
    expect(withProvider.join("\n")).toMatch(/must NOT have additional properties/);
  });
});
