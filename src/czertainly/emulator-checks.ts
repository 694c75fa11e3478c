/**
 * CZERTAINLY emulator: Core's checks on what a SCEP profile refers to: attribute content against
 * its content type (and secret content masked in answers), and which CA certificates may serve.
 */
import type { CertificateRecord } from "./emulator-seed";
import { isObj } from "./emulator-requests";

// ---------------------------------------------------------------------------------------------
// Attribute content checks

export function dataMatches(contentType: string, data: unknown): boolean {
  switch (contentType) {
    case "string":
    case "text":
    case "date":
    case "time":
    case "datetime":
      return typeof data === "string";
    case "integer":
      return typeof data === "number" && Number.isInteger(data);
    case "float":
      return typeof data === "number";
    case "boolean":
      return typeof data === "boolean";
    case "secret":
      return isObj(data);
    case "file":
      return isObj(data) && ["content", "fileName", "mimeType"].every((k) => typeof data[k] === "string");
    // The official document marks these properties required (CodeBlockAttributeContentData,
    // CredentialAttributeContentData); that Core refuses content without them, rather than
    // storing it, is [inferred] from that, and is the stricter reading.
    case "codeblock":
      return isObj(data) && typeof data.code === "string" && typeof data.language === "string";
    case "credential":
      return isObj(data) && ["uuid", "name", "kind"].every((k) => typeof data[k] === "string") && Array.isArray(data.attributes);
    case "resource":
      return isObj(data);
    default:
      return true; // object: any JSON
  }
}

/**
 * Secret content is write-only: answers carry its protection level, never the secret
 * (reference §1.11 counts secret-typed attribute content among the never-read-back values).
 */
export function maskContent(contentType: string, content: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  if (contentType !== "secret") return structuredClone(content);
  return content.map((c) => {
    const data = isObj(c.data) ? c.data : {};
    return { ...c, data: { protectionLevel: (data.protectionLevel as string | undefined) ?? "encrypted" } };
  });
}

/** `isCertificateScepCaCertAcceptable` (reference §1.7). */
export function caAcceptable(c: CertificateRecord, intune: boolean): boolean {
  const d = c.dto;
  const k = c.key;
  if (d.archived || !k || !k.privateKey) return false;
  if (d.state !== "issued" || (d.validationStatus !== "valid" && d.validationStatus !== "expiring")) return false;
  if (k.privateKey.state !== "active") return false;
  const has = (set: string[], need: string[]) => need.every((u) => set.includes(u));
  if (k.algorithm === "RSA") return has(k.publicUsages, ["encrypt", "verify"]) && has(k.privateKey.usages, ["decrypt", "sign"]);
  if (k.algorithm === "ECDSA" && !intune) return has(k.publicUsages, ["verify"]) && has(k.privateKey.usages, ["sign"]);
  return false;
}
