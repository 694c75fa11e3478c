/**
 * What a fresh CZERTAINLY Core emulator holds before anyone creates a SCEP profile: CA
 * certificates (some eligible as SCEP CA, some not, each for a different reason of reference
 * §1.7 "CA certificate eligibility"), one authority whose connector defines issue attributes,
 * one without a connector, RA profiles on both, and custom attribute definitions.
 *
 * The UUIDs are fixed so that tests and example programs can name them.
 */
import { createHash } from "node:crypto";

/** Key usages as Core stores them on a platform-managed key (reference §1.7). */
export type KeyUsage = "encrypt" | "decrypt" | "sign" | "verify" | "wrap" | "unwrap";

export interface CertificateKey {
  algorithm: "RSA" | "ECDSA" | "FALCON";
  publicUsages: KeyUsage[];
  /** Absent: the platform holds no private key for this certificate. */
  privateKey?: { state: "active" | "deactivated" | "compromised" | "destroyed"; usages: KeyUsage[] };
}

/** `CertificateDto` (reference §1.6) plus what Core checks for SCEP eligibility but never returns. */
export interface CertificateRecord {
  dto: CertificateDto;
  /** Absent: not a platform-managed key. */
  key?: CertificateKey;
}

export interface CertificateDto {
  uuid: string;
  commonName: string;
  serialNumber: string;
  issuerCommonName?: string;
  issuerDn: string;
  subjectDn: string;
  notBefore: string;
  notAfter: string;
  publicKeyAlgorithm: string;
  signatureAlgorithm: string;
  hybridCertificate: boolean;
  keySize: number;
  state: "requested" | "rejected" | "pending_approval" | "pending_issue" | "pending_revoke" | "failed" | "issued" | "revoked";
  validationStatus: "not_checked" | "failed" | "inactive" | "invalid" | "valid" | "revoked" | "expiring" | "expired";
  fingerprint: string;
  groups: unknown[];
  certificateType: "X.509" | "SSH";
  issuerSerialNumber?: string;
  complianceStatus: "not_checked" | "ok" | "nok" | "na" | "failed";
  issuerCertificateUuid?: string;
  privateKeyAvailability: boolean;
  trustedCa?: boolean;
  archived: boolean;
}

/** A connector-defined data attribute the authority expects when issuing (reference §1.5). */
export interface ConnectorAttributeDefinition {
  uuid: string;
  name: string;
  label: string;
  contentType: string;
  required?: boolean;
}

export interface AuthorityRecord {
  uuid: string;
  name: string;
  /** Absent: a legacy authority without a connector; SCEP cannot be activated on its RA profiles. */
  connectorUuid?: string;
  issueAttributes: ConnectorAttributeDefinition[];
}

export interface RaProfileRecord {
  uuid: string;
  name: string;
  description?: string;
  enabled: boolean;
  authorityUuid: string;
  /** The SCEP profile activated on this RA profile (reference §1.9, way 2). */
  scepProfileUuid?: string;
  scepIssueAttributes?: StoredAttribute[];
}

/** A custom attribute definition; `resources` are the object kinds it may be set on. */
export interface CustomAttributeDefinition {
  uuid: string;
  name: string;
  label: string;
  contentType: string;
  resources: Array<"scepProfiles" | "certificates">;
}

/** A `RequestAttribute` as received, `version` defaulted to v2 (reference §1.1). */
export interface StoredAttribute {
  uuid: string;
  name: string;
  contentType: string;
  version: "v2" | "v3";
  content: Array<Record<string, unknown>>;
}

export interface CzertainlySeed {
  certificates: CertificateRecord[];
  authorities: AuthorityRecord[];
  raProfiles: RaProfileRecord[];
  attributeDefinitions: CustomAttributeDefinition[];
}

/** The seeded objects by role, for tests and examples. */
export const SEED = {
  /** RSA 2048, issued, valid, private key active: eligible, also with Intune. */
  rsaCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e51",
  /** ECDSA P-256, eligible without Intune only (Intune needs RSA). */
  ecdsaCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e52",
  /** RSA, validation status `expiring`: still eligible. */
  expiringCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e53",
  /** RSA, expired: not eligible. */
  expiredCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e54",
  /** RSA certificate whose private key the platform does not hold: not eligible. */
  noKeyCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e55",
  /** Archived RSA CA: not eligible. */
  archivedCaUuid: "5d0f7c2a-1b3e-4c6d-9e8f-0a1b2c3d4e56",
  authorityUuid: "7a1e2f3d-4c5b-4a69-8877-665544332201",
  legacyAuthorityUuid: "7a1e2f3d-4c5b-4a69-8877-665544332202",
  /** RA profile on the connector-backed authority, enabled. */
  raProfileUuid: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c01",
  raProfileName: "ra-devices",
  /** A second RA profile on the same authority. */
  raProfile2Uuid: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c02",
  raProfile2Name: "ra-servers",
  /** RA profile on the legacy authority: SCEP activation answers 422. */
  legacyRaProfileUuid: "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c03",
  /** Issue attribute defined by the authority's connector. */
  issueAttribute: { uuid: "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f1", name: "endEntityProfile", contentType: "string" },
  /** Custom attribute settable on SCEP profiles. */
  profileCustomAttribute: { uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f801", name: "environment", contentType: "string" },
  /** Custom attribute settable on certificates (certificate associations). */
  certificateCustomAttribute: { uuid: "2a3b4c5d-6e7f-4081-9203-b4c5d6e7f802", name: "department", contentType: "string" },
} as const;

function fingerprint(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

function ca(
  uuid: string,
  cn: string,
  alg: "RSA" | "ECDSA",
  over: Partial<CertificateDto> = {},
  key: CertificateKey | null = alg === "RSA"
    ? { algorithm: "RSA", publicUsages: ["encrypt", "verify"], privateKey: { state: "active", usages: ["decrypt", "sign"] } }
    : { algorithm: "ECDSA", publicUsages: ["verify"], privateKey: { state: "active", usages: ["sign"] } },
): CertificateRecord {
  const dto: CertificateDto = {
    uuid,
    commonName: cn,
    serialNumber: fingerprint(`serial:${uuid}`).slice(0, 32),
    issuerCommonName: "Demo Root CA",
    issuerDn: "CN=Demo Root CA,O=Demo,C=CZ",
    subjectDn: `CN=${cn},O=Demo,C=CZ`,
    notBefore: "2025-01-01T00:00:00Z",
    notAfter: "2035-01-01T00:00:00Z",
    publicKeyAlgorithm: alg,
    signatureAlgorithm: alg === "RSA" ? "SHA256withRSA" : "SHA256withECDSA",
    hybridCertificate: false,
    keySize: alg === "RSA" ? 2048 : 256,
    state: "issued",
    validationStatus: "valid",
    fingerprint: fingerprint(`cert:${uuid}`),
    groups: [],
    certificateType: "X.509",
    issuerSerialNumber: fingerprint("root").slice(0, 32),
    complianceStatus: "not_checked",
    privateKeyAvailability: key?.privateKey !== undefined,
    trustedCa: true,
    archived: false,
    ...over,
  };
  return { dto, key: key ?? undefined };
}

export function defaultSeed(): CzertainlySeed {
  return {
    certificates: [
      ca(SEED.rsaCaUuid, "Demo SCEP RSA CA", "RSA"),
      ca(SEED.ecdsaCaUuid, "Demo SCEP ECDSA CA", "ECDSA"),
      ca(SEED.expiringCaUuid, "Demo Expiring RSA CA", "RSA", { notAfter: "2026-12-31T00:00:00Z", validationStatus: "expiring" }),
      ca(SEED.expiredCaUuid, "Demo Expired RSA CA", "RSA", {
        notBefore: "2020-01-01T00:00:00Z",
        notAfter: "2024-01-01T00:00:00Z",
        validationStatus: "expired",
      }),
      ca(SEED.noKeyCaUuid, "Demo External RSA CA", "RSA", {}, { algorithm: "RSA", publicUsages: ["encrypt", "verify"] }),
      ca(SEED.archivedCaUuid, "Demo Archived RSA CA", "RSA", { archived: true }),
    ],
    authorities: [
      {
        uuid: SEED.authorityUuid,
        name: "ejbca",
        connectorUuid: "3b4c5d6e-7f80-4192-a3b4-c5d6e7f80901",
        issueAttributes: [
          { ...SEED.issueAttribute, label: "End Entity Profile" },
          { uuid: "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f2", name: "certificateProfile", label: "Certificate Profile", contentType: "string" },
        ],
      },
      { uuid: SEED.legacyAuthorityUuid, name: "legacy-ca", issueAttributes: [] },
    ],
    raProfiles: [
      { uuid: SEED.raProfileUuid, name: SEED.raProfileName, enabled: true, authorityUuid: SEED.authorityUuid },
      { uuid: SEED.raProfile2Uuid, name: SEED.raProfile2Name, enabled: true, authorityUuid: SEED.authorityUuid },
      { uuid: SEED.legacyRaProfileUuid, name: "ra-legacy", enabled: true, authorityUuid: SEED.legacyAuthorityUuid },
    ],
    attributeDefinitions: [
      { ...SEED.profileCustomAttribute, label: "Environment", resources: ["scepProfiles"] },
      { ...SEED.certificateCustomAttribute, label: "Department", resources: ["certificates"] },
    ],
  };
}
