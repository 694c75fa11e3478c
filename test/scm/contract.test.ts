/**
 * The provider's hooks against the SCM emulator, in process: what the API received and what the
 * hooks return, for each lifecycle call and each documented failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors";
import { hooks, parseImportId } from "../../src/scm/provider";
import { startScmEmulator, type ScmEmulator } from "../../src/scm/emulator";

let scm: ScmEmulator;
let connection: Record<string, string>;

beforeAll(async () => {
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  scm = await startScmEmulator();
  connection = { clientId: scm.clientId, clientSecret: scm.clientSecret, tsgId: scm.tsgId, tokenUrl: scm.tokenUrl, apiUrl: scm.apiUrl };
});
afterAll(() => scm.stop());
beforeEach(() => {
  scm.emu.clearFaults();
  scm.state.profiles.clear();
  scm.state.references.clear();
});

async function checked(extra: Record<string, unknown> = {}) {
  const r = await hooks.check({}, {
    folder: "Mobile Users",
    name: "gp-scep",
    scepChallenge: { fixed: "fixed-challenge-1" },
    caIdentityName: "Corp CA",
    algorithm: { rsa: { rsaNbits: 2048 } },
    digest: "sha384",
    scepUrl: "https://scep.example.com/scep",
    certificateAttributes: { uniformResourceIdentifier: "urn:device" },
    connection,
    ...extra,
  });
  expect(r.failures).toEqual([]);
  return r.inputs as Record<string, any>;
}

describe("scm.ScepProfile against the SCM API", () => {
  it("creates with the container in the body, snake_case fields and the key size as a string", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const post = scm.emu.requests.find((r) => r.method === "POST" && r.path.endsWith("/scep-profiles"))!;
    expect(post.body).toMatchObject({
      folder: "Mobile Users",
      name: "gp-scep",
      scep_challenge: { fixed: "fixed-challenge-1" },
      ca_identity_name: "Corp CA",
      subject: "CN=$USERNAME",
      algorithm: { rsa: { rsa_nbits: "2048" } },
      digest: "sha384",
      certificate_attributes: { uniform_resource_identifier: "urn:device" },
      scep_url: "https://scep.example.com/scep",
    });
    expect(scm.state.profiles.get(id)?.name).toBe("gp-scep");
    // The state keeps the declared plaintext (as a secret) and the API's ciphertext beside it, never one for the other.
    expect(outs.scepChallenge).toEqual({ fixed: "fixed-challenge-1" });
    expect(outs.encryptedValues["scepChallenge.fixed"]).toMatch(/^-AQ==/);
    expect(outs.encryptedValues["scepChallenge.fixed"]).not.toContain("fixed-challenge-1");
  });

  it("reads the live profile back as the inputs that produced it, so refresh shows no drift", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const read = await hooks.read(id, outs);
    expect(read.id).toBe(id);
    const { connection: _c, ...declared } = inputs;
    expect(read.inputs).toMatchObject(declared);
    const d = await hooks.diff(id, read.props, inputs);
    expect(d.changes).toBe(false);
  });

  it("updates with a full PUT and reports the change as an in-place update", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const news = await checked({ digest: "sha512", useAsDigitalSignature: true });
    const d = await hooks.diff(id, outs, news);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const u = await hooks.update(id, outs, news);
    const put = scm.emu.requests.find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/config/identity/v1/scep-profiles/${id}`);
    expect(put.body).toMatchObject({ digest: "sha512", use_as_digital_signature: true, scep_challenge: { fixed: "fixed-challenge-1" } });
    expect(u.outs?.digest).toBe("sha512");
  });

  it("replaces on a change of container; deletes first only when the new one would collide", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    const moved = await checked({ folder: undefined, snippet: "GP Snippet" });
    expect(await hooks.diff(id, outs, moved)).toMatchObject({ changes: true, replaces: ["folder", "snippet"], deleteBeforeReplace: false });
  });

  it("treats a profile deleted outside Pulumi as gone on refresh, and a 404 on delete as done", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    scm.state.profiles.delete(id);
    expect((await hooks.read(id, outs)).id).toBe("");
    await expect(hooks.delete(id, outs)).resolves.toBeUndefined();
  });

  it("explains a name collision with the existing profile's id and how to adopt it", async () => {
    const inputs = await checked();
    const first = await hooks.create(inputs);
    const err = await hooks.create(inputs).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain("HTTP 409 E006: Name Not Unique");
    expect(err.message).toContain(`already exists in folder 'Mobile Users' (id ${first.id})`);
    expect(err.message).toContain(`adopt: true`);
    expect(err.message).toContain(`adopt: "${first.id}"`);
    expect(err.message).not.toContain("import:");
    expect(err.message).toMatch(/request id: [0-9a-f-]{36}/);
  });

  it("renders the error envelope with its details and request id, without the secret", async () => {
    const inputs = await checked();
    // The emulator validates as the API does; bypass our own check to see its answer.
    const err = await hooks.create({ ...inputs, name: "n".repeat(40) }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toContain("HTTP 400 E003: Invalid Object");
    expect(err.message).toContain("name: required, at most 31 characters");
    expect(err.message).toMatch(/request id: /);
    expect(err.message).not.toContain("fixed-challenge-1");
    expect(err.message).not.toContain(scm.clientSecret);
  });

  it("says what still references a profile when the API refuses to delete it", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    scm.state.references.set(id, ["GlobalProtect portal gp-portal"]);
    const err = await hooks.delete(id, outs).catch((e) => e);
    expect(err.message).toContain("HTTP 409 E009: Reference Not Zero");
    expect(err.message).toContain("references: [\"GlobalProtect portal gp-portal\"]");
    expect(err.message).toContain("remove it from the GlobalProtect portals/gateways");
  });

  it("does not blame references for a 409 on delete that is not E009", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    scm.emu.inject({ kind: "409", method: "DELETE" });
    const err = await hooks.delete(id, outs).catch((e) => e);
    expect(err.message).toContain("HTTP 409");
    expect(err.message).not.toContain("still referenced");
    expect(scm.state.profiles.has(id)).toBe(true);
  });

  it("shows a secret changed outside Pulumi as drift, without comparing ciphertext to plaintext", async () => {
    const inputs = await checked();
    const { id, outs } = await hooks.create(inputs);
    // Another admin re-enters a different challenge: the API re-encrypts it.
    const p = scm.state.profiles.get(id)!;
    (p.scep_challenge as any).fixed = "-AQ==someone-else";
    const read = await hooks.read(id, outs);
    expect(read.props?.scepChallenge).toEqual({});
    expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(true);
  });

  it("imports by id or by the Terraform provider's container-qualified ids with no diff", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    for (const importId of [id, `Mobile Users:::${id}`]) {
      const read = await hooks.read(importId, { connection });
      expect(read.id).toBe(id);
      expect(read.props?.unverified).toEqual(["scepChallenge.fixed"]);
      expect((await hooks.diff(id, read.props!, inputs)).changes).toBe(false);
    }
    expect(parseImportId(`:snip::${id}`)).toEqual({ id, container: { kind: "snippet", name: "snip" } });
    expect(parseImportId(`::fw1:${id}`)).toEqual({ id, container: { kind: "device", name: "fw1" } });
    await expect(hooks.read(`Other Folder:::${id}`, { connection })).rejects.toThrow(/not in folder 'Other Folder'/);
  });

  it("reads a state written with the older name `secretsUnverified` as before: the leaf stays unverified, under the one name `unverified`", async () => {
    const inputs = await checked();
    const { id } = await hooks.create(inputs);
    const imported = await hooks.read(id, { connection });
    // The same state as an earlier version wrote it after an import.
    const { unverified, ...rest } = imported.props as Record<string, unknown>;
    const legacy = { ...rest, secretsUnverified: unverified };
    expect(legacy.secretsUnverified).toEqual(["scepChallenge.fixed"]);
    const read = await hooks.read(id, legacy);
    expect(read.props?.unverified).toEqual(["scepChallenge.fixed"]);
    expect(read.props).not.toHaveProperty("secretsUnverified");
    expect((await hooks.diff(id, legacy, inputs)).changes).toBe(false);
    // Without the list, the unknown plaintext would count as drift.
    expect((await hooks.diff(id, rest, inputs)).changes).toBe(true);
  });

  it("sends the service account id and secret in HTTP Basic exactly as Palo Alto's clients do, '@' unencoded", async () => {
    expect(scm.clientId).toContain("@");
    const inputs = await checked({ connection: { ...connection, clientSecret: `${scm.clientSecret}` } });
    const { tokenCache } = await import("../../src/core/auth");
    tokenCache.clear();
    await hooks.create(inputs);
    const tokenCall = scm.emu.requests.filter((r) => r.path.endsWith("/oauth2/access_token")).at(-1)!;
    expect(tokenCall.status).toBe(200);
    const basic = Buffer.from(String(tokenCall.headers.authorization).replace(/^Basic /, ""), "base64").toString("utf8");
    // What `curl -u id:secret` and the Go SDK's SetBasicAuth(id, secret) send.
    expect(basic).toBe(`${scm.clientId}:${scm.clientSecret}`);
    expect(basic).not.toContain("%40");
  });

  it("the emulator, like the SCM auth service, refuses the id when it arrives form-encoded ('%40' for '@')", async () => {
    const encoded = Buffer.from(`${encodeURIComponent(scm.clientId)}:${scm.clientSecret}`).toString("base64");
    const res = await fetch(scm.tokenUrl, {
      method: "POST",
      headers: { authorization: `Basic ${encoded}`, "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&scope=tsg_id:${scm.tsgId}`,
    });
    expect(res.status).toBe(401);
  });

  it("the emulator, like the SCM API, refuses a profile body that is not declared JSON (E003 Input Format Mismatch)", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", scope: `tsg_id:${scm.tsgId}` }).toString();
    const auth = `Basic ${Buffer.from(`${scm.clientId}:${scm.clientSecret}`).toString("base64")}`;
    const asJson = await fetch(scm.tokenUrl, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ grant_type: "client_credentials" }) });
    expect(asJson.status).toBe(400);
    const t = await fetch(scm.tokenUrl, { method: "POST", headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" }, body: form });
    const token = ((await t.json()) as { access_token: string }).access_token;
    const inputs = await checked();
    const { toWire } = await import("../../src/scm/schema");
    const res = await fetch(`${scm.apiUrl}/scep-profiles`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" }, body: JSON.stringify(toWire(inputs as any)) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("Input Format Mismatch");
    expect(scm.state.profiles.size).toBe(0);
  });

  it("an id that is not a UUID is a 400 from the API (the document's id is format uuid), not a profile that is gone", async () => {
    const err = await hooks.read("not-a-uuid", { connection }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toContain("Invalid Path Parameter");
  });

  it("says which setting is missing and how to set it", async () => {
    const inputs = await checked({ connection: { ...connection, clientId: "" } });
    const saved = process.env.SCM_CLIENT_ID;
    delete process.env.SCM_CLIENT_ID;
    await expect(hooks.create(inputs)).rejects.toThrow(/clientId is not set: set connection.clientId .*trustplane:scmClientId.*SCM_CLIENT_ID/);
    if (saved !== undefined) process.env.SCM_CLIENT_ID = saved;
  });
});

describe("scm.ScepProfile adopts an existing profile through the `adopt` input", () => {
  /** The requests a step sent, token calls aside. */
  function sentDuring<T>(f: () => Promise<T>): Promise<{ result: T; sent: typeof scm.emu.requests }> {
    const from = scm.emu.requests.length;
    return f().then((result) => ({ result, sent: scm.emu.requests.slice(from).filter((r) => !r.path.endsWith("/oauth2/access_token")) }));
  }

  async function existing(extra: Record<string, unknown> = {}) {
    const made = await hooks.create(await checked({ scepChallenge: { fixed: "hand-typed-challenge" }, ...extra }));
    return made;
  }

  it("adopt: true takes over the profile with the same name in the same container: no POST, the declared challenge written once", async () => {
    const before = await existing({ digest: "sha256" });
    const inputs = await checked({ adopt: true });
    const { result, sent } = await sentDuring(() => hooks.create(inputs));
    expect(result.id).toBe(before.id);
    expect(sent.filter((r) => r.method === "POST")).toEqual([]);
    const put = sent.find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/config/identity/v1/scep-profiles/${before.id}`);
    expect(put.body).toMatchObject({ digest: "sha384", scep_challenge: { fixed: "fixed-challenge-1" } });
    for (const r of sent) expect(JSON.stringify(r.body ?? {})).not.toContain("adopt");
    expect(scm.state.profiles.size).toBe(1);
    // The state a create leaves: the declared inputs, the ciphertext, nothing unverified, no `adopt`.
    const { adopt: _a, ...declared } = inputs;
    expect(result.outs).toMatchObject(declared);
    expect(result.outs.unverified).toEqual([]);
    expect(result.outs).not.toHaveProperty("adopt");
    expect(result.outs.encryptedValues["scepChallenge.fixed"]).toMatch(/^-AQ==/);
    expect((await hooks.diff(result.id, result.outs, inputs)).changes).toBe(false);
    // Refresh then shows no drift either.
    const read = await hooks.read(result.id, result.outs);
    expect((await hooks.diff(result.id, read.props!, inputs)).changes).toBe(false);
  });

  it("adopt: true creates the profile when the container has none of that name", async () => {
    await existing({ folder: "Other Folder" });
    const inputs = await checked({ adopt: true });
    const { result, sent } = await sentDuring(() => hooks.create(inputs));
    expect(sent.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(sent.find((r) => r.method === "POST")!.body).not.toHaveProperty("adopt");
    expect(scm.state.profiles.get(result.id)?.folder).toBe("Mobile Users");
    expect(scm.state.profiles.size).toBe(2);
    expect(result.outs).not.toHaveProperty("adopt");
  });

  it("adopt: \"<id>\" takes over exactly that profile, by bare id or the Terraform provider's container-qualified id", async () => {
    for (const form of [(id: string) => id, (id: string) => `Mobile Users:::${id}`]) {
      scm.state.profiles.clear();
      const before = await existing();
      const { result, sent } = await sentDuring(() => checked({ adopt: form(before.id) }).then((i) => hooks.create(i)));
      expect(result.id).toBe(before.id);
      expect(sent.filter((r) => r.method === "POST")).toEqual([]);
      // The declared challenge was written (the API keeps it encrypted), not the one typed by hand.
      const stored = (scm.state.profiles.get(before.id)?.scep_challenge as { fixed: string }).fixed;
      expect(scm.state.plaintextOf.get(stored)).toBe("fixed-challenge-1");
      expect(result.outs.unverified).toEqual([]);
    }
  });

  it("adopt: \"<id>\" of a profile that does not exist fails, names the id and creates nothing", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const { result: err, sent } = await sentDuring(() => checked({ adopt: missing }).then((i) => hooks.create(i).catch((e) => e)));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(`adopt: "${missing}"`);
    expect(err.message).toContain("nothing was created");
    expect(sent.filter((r) => r.method !== "GET")).toEqual([]);
    expect(scm.state.profiles.size).toBe(0);
  });

  it("refuses to adopt a profile in another container than the program declares, writing nothing", async () => {
    const before = await existing({ folder: "Other Folder" });
    for (const adopt of [before.id, `Mobile Users:::${before.id}`]) {
      const { result: err, sent } = await sentDuring(() => checked({ adopt }).then((i) => hooks.create(i).catch((e) => e)));
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/folder|not in folder 'Mobile Users'/);
      expect(sent.filter((r) => r.method !== "GET")).toEqual([]);
    }
    expect(scm.state.profiles.get(before.id)?.folder).toBe("Other Folder");
  });

  it("a later change or removal of `adopt` plans nothing", async () => {
    const inputs = await checked({ adopt: true });
    const { id, outs } = await hooks.create(inputs);
    for (const adopt of [undefined, false, id, `Mobile Users:::${id}`]) {
      const news = await checked(adopt === undefined ? {} : { adopt });
      expect(await hooks.diff(id, outs, news)).toMatchObject({ changes: false, replaces: [] });
    }
    // Even from a state that held it (as the engine's inputs do), removing it is no change.
    expect((await hooks.diff(id, { ...outs, adopt: true }, await checked())).changes).toBe(false);
  });

  it("check takes true, false or an import id, and refuses anything else with the accepted forms", async () => {
    for (const adopt of [true, false, "abc", "Mobile Users:::abc"]) {
      expect((await hooks.check({}, { ...(await checked()), adopt })).failures).toEqual([]);
    }
    for (const adopt of [1, "", { id: "x" }]) {
      const r = await hooks.check({}, { ...(await checked()), adopt });
      expect(r.failures.map((f: { property: string }) => f.property)).toEqual(["adopt"]);
    }
  });
});
