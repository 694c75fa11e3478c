/**
 * TLS for all five resources (issue 8), through one real dynamic-provider host: verification is
 * on by default (a self-signed emulator fails without the CA bundle and works with it), and an
 * emulator that requires a client certificate (mTLS) works with the connection's certificate and
 * key, and refuses a client without them. Endpoints and TLS settings go in each resource's
 * `connection`, as a stack that talks to a private deployment would set them.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCanaries, tmpDir } from "../helpers";
import { Canaries, providerText, urnOf, useEnv, useHost, VENDORS, withConnection, type Vendor } from "./vendors";

const canaries = new Canaries();
// Set before the host spawns: it inherits the environment.
useEnv({ TRUSTPLANE_MIN_BACKOFF_MS: "1", TRUSTPLANE_MAX_BACKOFF_MS: "10", TRUSTPLANE_MAX_RETRIES: "1" });
const H = useHost();
const dir = tmpDir("trustplane-rel-tls-");

/** A self-signed certificate and key from the system's openssl. */
function selfSigned(name: string, cn: string, san?: string): { cert: string; key: string } {
  const [key, cert] = [path.join(dir, `${name}.key`), path.join(dir, `${name}.pem`)];
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-subj", `/CN=${cn}`, "-days", "2"];
  if (san) args.push("-addext", `subjectAltName=${san}`);
  execFileSync("openssl", args, { stdio: "ignore" });
  return { cert: fs.readFileSync(cert, "utf8"), key: fs.readFileSync(key, "utf8") };
}
let server: { cert: string; key: string };
let client: { cert: string; key: string };

beforeAll(() => {
  server = selfSigned("server", "emulator.test", "IP:127.0.0.1");
  client = selfSigned("client", "pulumi-ci");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(VENDORS.map((v) => [v.name, v] as const))("%s over TLS", (_n, v: Vendor) => {
  it("fails against a self-signed server without the CA bundle, works with it; mTLS works with the client certificate only", { timeout: 60_000 }, async () => {
    const urn = urnOf(v, "tls");
    const errors: string[] = [];
    /** Create through the host with these TLS settings, then delete; or the error it failed with. */
    const lifecycle = async (e: any, i: number, tls: Record<string, unknown>): Promise<string | undefined> => {
      const args = withConnection(v, e, v.args(e, i, 0, (s) => s, canaries), tls);
      const news = { ...args, __provider: await providerText(v, args) };
      const checked = await H.host.check(urn, {}, news);
      expect(checked.failures).toEqual([]);
      try {
        const made = await H.host.create(urn, checked.inputs);
        expect(v.objects(e).map((o) => o.id)).toContain(made.id);
        await H.host.delete(urn, made.id, made.outs);
        expect(v.objects(e)).toEqual([]);
        return undefined;
      } catch (err) {
        errors.push((err as Error).message);
        return (err as Error).message;
      }
    };

    const plain = await v.start(canaries, { tls: { key: server.key, cert: server.cert } });
    try {
      expect(plain.emu.url).toMatch(/^https:/);
      const refused = await lifecycle(plain, 1, {});
      expect(refused).toMatch(/certificate/i);
      expect(refused).toMatch(/caBundle/);
      // Nothing got through the handshake, so nothing reached the API.
      expect(plain.emu.requests).toEqual([]);
      expect(await lifecycle(plain, 2, { caBundle: server.cert })).toBeUndefined();
    } finally {
      await plain.stop();
    }

    const mutual = await v.start(canaries, { tls: { key: server.key, cert: server.cert, ca: client.cert, requestCert: true } });
    const subjects = new Set<string | undefined>();
    const route = mutual.emu.route;
    mutual.emu.route = (req: any, self: any) => (subjects.add(req.clientCertSubject), route(req, self));
    try {
      // The server drops a client without a certificate; the error says what to set.
      const noCert = await lifecycle(mutual, 3, { caBundle: server.cert });
      expect(noCert).toMatch(/client certificate/);
      expect(noCert).toMatch(/clientCert and clientKey/);
      expect(subjects.size).toBe(0);
      expect(await lifecycle(mutual, 4, { caBundle: server.cert, clientCert: client.cert, clientKey: client.key })).toBeUndefined();
      expect([...subjects]).toEqual(["pulumi-ci"]);
    } finally {
      await mutual.stop();
    }
    // The client key is a secret: no error quotes it.
    const keyBody = client.key.split("\n")[1];
    expect(findCanaries([keyBody, ...canaries.all()], { errors: errors.join("\n") })).toEqual([]);
    console.log(`[tls] ${v.name}:\n  ${errors.map((m) => m.replace(/\n/g, " | ").slice(0, 300)).join("\n  ")}`);
  });
});
