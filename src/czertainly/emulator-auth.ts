/**
 * CZERTAINLY emulator: authentication material, as Core checks it (reference §1.2): the JWTs of
 * the OAuth2 provider it trusts, and the client certificate a TLS-terminating ingress forwards.
 */
import { createHash, createHmac, timingSafeEqual, X509Certificate } from "node:crypto";

/**
 * Where the emulator answers OAuth2 client-credentials token requests, standing for the OAuth2
 * provider configured in Core. The Keycloak form of the path matches the default issuer's
 * (`…/realms/czertainly`); Core does not prescribe the provider, so the path is [inferred].
 */
export const TOKEN_PATH = "/realms/czertainly/protocol/openid-connect/token";

// ---------------------------------------------------------------------------------------------
// JWT (HS256): stands for the OAuth2 provider Core trusts; Core checks signature, `iss`, `exp`.

export function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString("base64url");
}

export function signJwt(key: Buffer, iss: string, sub: string, lifetimeSeconds: number, extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ iss, sub, iat: now, exp: now + lifetimeSeconds, preferred_username: sub, ...extra }));
  const sig = createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

export function verifyJwt(key: Buffer, issuer: string, token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const expected = createHmac("sha256", key).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], "base64url");
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  let claims: { iss?: string; sub?: string; exp?: number };
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (claims.iss !== issuer) return undefined;
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) return undefined;
  return claims.sub ?? "unknown";
}

/** Core URL-decodes the header and strips PEM armour and line breaks (reference §1.2). */
export function certDer(value: string): Buffer | undefined {
  let text = value;
  try {
    text = decodeURIComponent(value);
  } catch {
    // not URL-encoded
  }
  const b64 = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/=]+$/.test(b64)) return undefined;
  const der = Buffer.from(b64, "base64");
  return der.length > 0 ? der : undefined;
}

export function commonName(der: Buffer): string {
  try {
    const subject = new X509Certificate(der).subject;
    return /CN=([^\n,]+)/.exec(subject)?.[1] ?? subject;
  } catch {
    return createHash("sha256").update(der).digest("hex").slice(0, 16);
  }
}
