/**
 * A framework host and identity domain served with a private CA's certificate: the token request
 * and the admin calls both trust the CA bundle the connection (or CXIF_CA_BUNDLE) names, and
 * nothing works without it, unless verification is turned off by name.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tokenCache } from "../../src/core/auth";
import { hooks } from "../../src/cxif/provider";
import { startCxifEmulator, type CxifEmulator } from "../../src/cxif/emulator";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cxif-tls-"));
let cx: CxifEmulator;
let caFile: string;

beforeAll(async () => {
  process.env.TRUSTPLANE_MAX_RETRIES = "1";
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  const keyFile = path.join(dir, "server.key");
  caFile = path.join(dir, "server.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", caFile, "-subj", "/CN=fabric.test", "-days", "2", "-addext", "subjectAltName=IP:127.0.0.1"],
    { stdio: "ignore" },
  );
  cx = await startCxifEmulator({ tls: { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(caFile, "utf8") } });
});
afterAll(async () => {
  await cx.stop();
  delete process.env.TRUSTPLANE_MAX_RETRIES;
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => tokenCache.clear());

async function create(connection: Record<string, unknown>, name: string) {
  const r = await hooks.check({}, { targetConnectionDescriptorName: name, connection: { host: cx.url, tokenUrl: cx.tokenUrl, clientId: cx.clientId, clientSecret: cx.clientSecret, ...connection } });
  expect(r.failures).toEqual([]);
  return hooks.create(r.inputs);
}

describe("CXIF behind a private CA", () => {
  it("works with the CA bundle given as a file path in the connection", async () => {
    expect(cx.url).toMatch(/^https:/);
    const { id } = await create({ caBundle: caFile }, "tls-a");
    expect(cx.state.configurations.has(id)).toBe(true);
  });

  it("takes the CA bundle from CXIF_CA_BUNDLE as PEM text", async () => {
    process.env.CXIF_CA_BUNDLE = fs.readFileSync(caFile, "utf8");
    try {
      const { id } = await create({}, "tls-b");
      expect(cx.state.configurations.has(id)).toBe(true);
    } finally {
      delete process.env.CXIF_CA_BUNDLE;
    }
  });

  it("refuses an unknown CA, naming the TLS failure, and sends nothing", async () => {
    const before = cx.state.configurations.size;
    await expect(create({}, "tls-c")).rejects.toThrow(/OCI IAM identity domain API POST .* did not complete: .*(certificate|self.signed|SELF_SIGNED)/i);
    expect(cx.state.configurations.size).toBe(before);
  });

  it("skips verification only when insecureSkipTlsVerify is set", async () => {
    const { id } = await create({ insecureSkipTlsVerify: true }, "tls-d");
    expect(cx.state.configurations.has(id)).toBe(true);
  });
});
