/**
 * CZERTAINLY emulator: request bodies as Core's Jackson reads them, and Core's error envelopes.
 */
import type { EmuRequest, EmuResponse } from "../core/emulator";
import type { StoredAttribute } from "./emulator-seed";

// ---------------------------------------------------------------------------------------------
// Errors, in Core's envelopes (reference §1.8)

export class Fail {
  constructor(readonly res: EmuResponse) {}
}

export const fail = {
  badRequest: (message: string) => new Fail({ status: 400, body: { message } }),
  unreadable: () => new Fail({ status: 400, body: { message: "Unable to read HTTP message" } }),
  notFound: (type: string, id: string) =>
    new Fail({ status: 404, body: { message: `Object of type '${type}' identified by ${id} is not found.` } }),
  conflict: (message: string) => new Fail({ status: 409, body: { message } }),
  /** `ValidationException`: a JSON array of strings, not an object. */
  validation: (...messages: string[]) => new Fail({ status: 422, body: messages }),
  forbidden: (action: string, resource: string) =>
    new Fail({
      status: 403,
      headers: { "content-type": "application/problem+json" },
      body: { statusCode: 403, code: "ACCESS_DENIED", message: `Access Denied. Required '${action}' permission for '${resource}'` },
    }),
};

export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** RFC 3986 unreserved characters: the name is a path segment of the SCEP URL (reference §1.7, §1.9). */
export const NAME_RE = /^[A-Za-z0-9\-._~]+$/;
export const CONTENT_TYPES = ["string", "text", "integer", "boolean", "float", "date", "time", "datetime", "secret", "file", "credential", "codeblock", "object", "resource"];

/** `SecuredUUID.fromString`: a malformed UUID is an IllegalArgumentException, hence 400. */
export function uuidParam(v: string): string {
  if (!UUID_RE.test(v)) throw fail.badRequest(`Invalid UUID string: ${v}`);
  return v.toLowerCase();
}

export const RESOURCE_LABEL: Record<string, string> = { scepProfiles: "SCEP Profile", raProfiles: "RA Profile" };

// ---------------------------------------------------------------------------------------------
// Request bodies: what Jackson would accept (wrong JSON types are HttpMessageNotReadable → 400;
// unknown properties are ignored, reference §1.2)

export interface ProfileBody {
  name?: string;
  description?: string;
  raProfileUuid?: string;
  issueCertificateAttributes?: StoredAttribute[];
  caCertificateUuid?: string;
  customAttributes?: StoredAttribute[];
  renewalThreshold?: number;
  includeCaCertificate: boolean;
  includeCaCertificateChain: boolean;
  challengePassword?: string;
  enableIntune?: boolean;
  intuneTenant?: string;
  intuneApplicationId?: string;
  intuneApplicationKey?: string;
  certificateAssociations?: { ownerUuid?: string; groupUuids?: string[]; customAttributes?: StoredAttribute[] };
}

export function jsonBody(req: EmuRequest): unknown {
  if (req.rawBody.trim() === "") throw fail.unreadable(); // "Required request body is missing"
  try {
    return JSON.parse(req.rawBody);
  } catch {
    throw fail.unreadable();
  }
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function optString(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v); // Jackson coerces scalars to String
  throw fail.unreadable();
}

export function optBool(o: Record<string, unknown>, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw fail.unreadable();
}

export function optInt(o: Record<string, unknown>, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw fail.unreadable();
  return n;
}

export function optAttributes(o: Record<string, unknown>, k: string): StoredAttribute[] | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw fail.unreadable();
  return v.map((a) => {
    if (!isObj(a)) throw fail.unreadable();
    // Jackson `defaultImpl = RequestAttributeV2`: no version means v2 (reference §1.1).
    const version = a.version ?? "v2";
    if (version !== "v2" && version !== "v3") throw fail.unreadable();
    const contentType = optString(a, "contentType");
    if (contentType !== undefined && !CONTENT_TYPES.includes(contentType)) throw fail.unreadable();
    const content = a.content ?? [];
    if (!Array.isArray(content) || !content.every(isObj)) throw fail.unreadable();
    if (version === "v3" && !content.every((c) => typeof c.contentType === "string")) throw fail.unreadable();
    return {
      uuid: optString(a, "uuid") ?? "",
      name: optString(a, "name") ?? "",
      // ≤2.16 derived a missing content type from the content; 2.17 requires it, so default to string.
      contentType: contentType ?? "string",
      version,
      content: content as Array<Record<string, unknown>>,
    };
  });
}

export function parseProfileBody(raw: unknown): ProfileBody {
  if (!isObj(raw)) throw fail.unreadable();
  let certificateAssociations: ProfileBody["certificateAssociations"];
  const ca = raw.certificateAssociations;
  if (ca !== undefined && ca !== null) {
    if (!isObj(ca)) throw fail.unreadable();
    const groups = ca.groupUuids;
    if (groups !== undefined && groups !== null && (!Array.isArray(groups) || !groups.every((g) => typeof g === "string"))) {
      throw fail.unreadable();
    }
    const owner = optString(ca, "ownerUuid");
    // Declared `format: uuid` and typed UUID in the DTO: Jackson rejects a malformed one.
    if (owner !== undefined && !UUID_RE.test(owner)) throw fail.unreadable();
    if (Array.isArray(groups) && !groups.every((g) => UUID_RE.test(g as string))) throw fail.unreadable();
    certificateAssociations = {
      ownerUuid: owner,
      groupUuids: (groups as string[] | null | undefined) ?? undefined,
      customAttributes: optAttributes(ca, "customAttributes"),
    };
  }
  return {
    name: optString(raw, "name"),
    description: optString(raw, "description"),
    raProfileUuid: optString(raw, "raProfileUuid"),
    issueCertificateAttributes: optAttributes(raw, "issueCertificateAttributes"),
    caCertificateUuid: optString(raw, "caCertificateUuid"),
    customAttributes: optAttributes(raw, "customAttributes"),
    renewalThreshold: optInt(raw, "renewalThreshold"),
    // Primitive booleans in the DTO: omitted or null is false (reference §1.4).
    includeCaCertificate: optBool(raw, "includeCaCertificate") ?? false,
    includeCaCertificateChain: optBool(raw, "includeCaCertificateChain") ?? false,
    challengePassword: optString(raw, "challengePassword"),
    enableIntune: optBool(raw, "enableIntune"),
    intuneTenant: optString(raw, "intuneTenant"),
    intuneApplicationId: optString(raw, "intuneApplicationId"),
    intuneApplicationKey: optString(raw, "intuneApplicationKey"),
    certificateAssociations,
  };
}

export function uuidList(req: EmuRequest): string[] {
  const body = jsonBody(req);
  if (!Array.isArray(body) || !body.every((u) => typeof u === "string")) throw fail.unreadable();
  return body as string[];
}

export const empty = (s: string | undefined): boolean => s === undefined || s === "";
