import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** One HTTP call to the emulator with the given headers (no auth unless given). */
export async function http(
  method: string,
  url: string,
  o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.raw;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export interface KeyPair {
  cert: string;
  key: string;
}

/** A self-signed certificate made with the system's openssl (tests only). */
export function selfSigned(cn: string, ip?: string): KeyPair {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "czertainly-cert-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  const args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-subj", `/CN=${cn}`, "-days", "2"];
  if (ip) args.push("-addext", `subjectAltName=IP:${ip}`);
  execFileSync("openssl", args, { stdio: "ignore" });
  const pair = { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}
