/**
 * nevisIDM behind a proxy that demands a client certificate (mTLS) and serves a private CA's
 * certificate: the settings come from `connection` or from the NEVISIDM_* variables.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors";
import { hooks } from "../../src/nevisidm/provider";
import { startNevisidmEmulator, type NevisidmEmulator } from "../../src/nevisidm/emulator";

interface KeyPair {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nevisidm-tls-"));

/** A self-signed P-256 certificate made with the system's openssl (tests only). */
function selfSigned(name: string, cn: string, ip?: string): KeyPair {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  args.push("-keyout", keyFile, "-out", certFile, "-subj", `/CN=${cn}`, "-days", "2");
  if (ip) args.push("-addext", `subjectAltName=IP:${ip}`);
  execFileSync("openssl", args, { stdio: "ignore" });
  return { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8"), certFile, keyFile };
}

let idm: NevisidmEmulator;
let server: KeyPair;
let client: KeyPair;

beforeAll(async () => {
  process.env.TRUSTPLANE_MAX_RETRIES = "1";
  process.env.TRUSTPLANE_MIN_BACKOFF_MS = "5";
  server = selfSigned("server", "nevisidm.test", "127.0.0.1");
  client = selfSigned("client", "pulumi-ci");
  idm = await startNevisidmEmulator({ tls: { key: server.key, cert: server.cert, ca: client.cert, requestCert: true } });
});
afterAll(async () => {
  await idm.stop();
  delete process.env.TRUSTPLANE_MAX_RETRIES;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function create(connection: Record<string, unknown> | undefined, properties: Record<string, string>) {
  const r = await hooks.check({}, { clientExtId: "acme", profileExtId: "p-bob", properties, ...(connection ? { connection } : {}) });
  expect(r.failures).toEqual([]);
  return hooks.create(r.inputs);
}

describe("nevisIDM behind mTLS with a private CA", () => {
  it("works with the CA bundle and client certificate given as PEM text in the connection", async () => {
    const { outs } = await create({ url: idm.url, token: idm.token, caBundle: server.cert, clientCert: client.cert, clientKey: client.key }, { cost_center: "CC-tls" });
    expect(outs.values).toEqual({ cost_center: "CC-tls" });
    expect(idm.state.values("acme", "p-bob").cost_center).toBe("CC-tls");
  });

  it("works with file paths from NEVISIDM_URL, _TOKEN, _CA_BUNDLE, _CLIENT_CERT and _CLIENT_KEY", async () => {
    const vars = {
      NEVISIDM_URL: idm.url,
      NEVISIDM_TOKEN: idm.token,
      NEVISIDM_CA_BUNDLE: server.certFile,
      NEVISIDM_CLIENT_CERT: client.certFile,
      NEVISIDM_CLIENT_KEY: client.keyFile,
    };
    Object.assign(process.env, vars);
    try {
      const { outs } = await create(undefined, { department: "Engineering" });
      expect(outs.values).toEqual({ department: "Engineering" });
    } finally {
      for (const k of Object.keys(vars)) delete process.env[k];
    }
  });

  it("without the CA bundle the server is not trusted, and the error says to set it", async () => {
    await expect(create({ url: idm.url, token: idm.token, clientCert: client.cert, clientKey: client.key }, { cost_center: "x" })).rejects.toThrow(
      /caBundle/,
    );
  });

  it("without a client certificate the proxy refuses the connection", async () => {
    await expect(create({ url: idm.url, token: idm.token, caBundle: server.cert }, { cost_center: "x" })).rejects.toThrow(/did not complete/);
  });

  it("a certificate without its key is a configuration error before any request", async () => {
    const before = idm.emu.requests.length;
    await expect(create({ url: idm.url, token: idm.token, caBundle: server.cert, clientCert: client.cert }, { cost_center: "x" })).rejects.toThrow(
      ConfigError,
    );
    expect(idm.emu.requests.length).toBe(before);
  });
});
