/**
 * `czertainly.ScepProfile` inputs, outputs and the wire mapping, from CZERTAINLY Core 2.17.0
 * (`../shared/specs/czertainly-core-scep-2.17.0.openapi.yaml` and
 * `../shared/reference/czertainly-nevisidm-cxif.md` §1). Core speaks camelCase, so the wire
 * mapping is about the three places where the answer differs from the request: `renewThreshold`
 * (answer) for `renewalThreshold` (request), `caCertificate.uuid` for `caCertificateUuid`, and
 * `raProfile.uuid` for `raProfileUuid` (reference §1.6).
 *
 * Replace on change: `name` (immutable: the edit DTO has no name). Secret: `challengePassword`,
 * `intuneApplicationKey`, `connection.token`, `connection.clientSecret`, `connection.clientKey`, and the content of
 * attributes typed `secret`. None of the secrets is ever answered back (§1.6, §1.11).
 */
import { z } from "zod";
import { adoptField, comparedKeys } from "../core/adopt";
import { httpUrl, tlsConnectionShape, tlsSecretPaths, tokenTlsConnectionShape } from "../core/schema";

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const uuid = (what: string) =>
  z
    .string()
    .regex(UUID_RE, `must be a UUID like 6b55de1c-844f-11ec-a8a3-0242ac120002 (the ${what}'s uuid in CZERTAINLY)`)
    .transform((s) => s.toLowerCase());

/** RFC 3986 unreserved characters: the name is a path segment of the profile's SCEP URL (§1.7, §1.9). */
const NAME_RE = /^[A-Za-z0-9\-._~]*$/;
const INT32_MAX = 2 ** 31 - 1;

/* ------------------------------- attributes ------------------------------- */

export const CONTENT_TYPES = [
  "string",
  "text",
  "integer",
  "boolean",
  "float",
  "date",
  "time",
  "datetime",
  "secret",
  "file",
  "credential",
  "codeblock",
  "object",
  "resource",
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** `ProgrammingLanguageEnum` of the official OpenAPI document (specs/czertainly-core-scep-2.17.0): a codeblock's `language`. */
export const PROGRAMMING_LANGUAGES = [
  "apacheconf", "bash", "basic", "c", "csharp", "cpp", "css", "docker", "fsharp", "gherkin", "git", "go", "graphql", "html",
  "http", "ini", "java", "javascript", "json", "kotlin", "latex", "lisp", "makefile", "markdown", "matlab", "nginx",
  "objectivec", "perl", "php", "powershell", "properties", "python", "ruby", "rust", "smalltalk", "sql", "typescript",
  "vbnet", "xquery", "xml", "yaml",
] as const;

/**
 * What `data` must be for each content type (reference §1.5), with the required properties of
 * the official document's `*AttributeContentData` schemas (CodeBlock: language and code;
 * Credential: uuid, name, kind and attributes).
 */
function dataProblem(ct: ContentType, data: unknown): string | undefined {
  const isObj = typeof data === "object" && data !== null && !Array.isArray(data);
  const str = (re: RegExp, shape: string) => (typeof data === "string" && re.test(data) ? undefined : `must be ${shape}`);
  switch (ct) {
    case "string":
    case "text":
      return typeof data === "string" ? undefined : "must be a string";
    case "integer":
      return Number.isInteger(data) ? undefined : "must be an integer";
    case "float":
      return typeof data === "number" ? undefined : "must be a number";
    case "boolean":
      return typeof data === "boolean" ? undefined : "must be true or false";
    case "date":
      return str(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
    case "time":
      return str(/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/, "a time HH:MM[:SS]");
    case "datetime":
      return str(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/, "an ISO 8601 date-time");
    case "secret":
      return isObj && typeof (data as Record<string, unknown>).secret === "string"
        ? undefined
        : 'must be { secret: "...", protectionLevel?: "none" | "encrypted" }';
    case "file":
      return isObj && ["content", "fileName", "mimeType"].every((k) => typeof (data as Record<string, unknown>)[k] === "string")
        ? undefined
        : "must be { content (base64), fileName, mimeType }";
    case "codeblock": {
      const d = data as Record<string, unknown>;
      if (!isObj || typeof d.code !== "string") return "must be { language, code (base64) }: code is missing";
      if (d.language === undefined) return `must be { language, code }: language is missing (one of ${PROGRAMMING_LANGUAGES.join(", ")})`;
      if (!(PROGRAMMING_LANGUAGES as readonly unknown[]).includes(d.language)) {
        return `must be { language, code }: language ${JSON.stringify(d.language)} is not one of ${PROGRAMMING_LANGUAGES.join(", ")}`;
      }
      return undefined;
    }
    case "credential": {
      const d = data as Record<string, unknown>;
      if (!isObj) return "must be { uuid, name, kind, attributes }";
      const missing = ["uuid", "name", "kind"].filter((k) => typeof d[k] !== "string");
      if (!Array.isArray(d.attributes)) missing.push("attributes");
      return missing.length ? `must be { uuid, name, kind, attributes: [...] }: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing` : undefined;
    }
    case "resource":
      return isObj && typeof (data as Record<string, unknown>).uuid === "string" ? undefined : "must be { uuid, name, resource }";
    case "object":
      return undefined;
  }
}

const contentItemSchema = z.looseObject({
  reference: z.string().optional(),
  data: z.unknown(),
  contentType: z.enum(CONTENT_TYPES).optional(),
});

/**
 * `RequestAttribute` (≥ 2.17): polymorphic on `version`, v2 when omitted (Jackson's default
 * implementation, §1.1). v3 content items carry their own `contentType`.
 */
export const requestAttributeSchema = z
  .strictObject({
    uuid: uuid("attribute"),
    name: z.string().min(1, "must not be empty"),
    contentType: z.enum(CONTENT_TYPES, { error: `must be one of ${CONTENT_TYPES.join(", ")}` }),
    version: z.enum(["v2", "v3"], { error: "must be v2 or v3" }).default("v2"),
    content: z.array(contentItemSchema).default([]),
  })
  .superRefine((a, ctx) => {
    if (a.version === "v3" && (a.contentType === "secret" || a.contentType === "credential")) {
      ctx.addIssue({ code: "custom", path: ["contentType"], message: `'${a.contentType}' exists only in v2 attributes; use version: "v2"` });
    }
    if (a.version === "v2" && a.contentType === "resource") {
      ctx.addIssue({ code: "custom", path: ["contentType"], message: `'resource' exists only in v3 attributes; use version: "v3"` });
    }
    a.content.forEach((c, i) => {
      if (a.version === "v3" && c.contentType === undefined) {
        ctx.addIssue({ code: "custom", path: ["content", i, "contentType"], message: `v3 content items need their own contentType (here '${a.contentType}')` });
      }
      if (!("data" in c) || c.data === undefined) {
        ctx.addIssue({ code: "custom", path: ["content", i, "data"], message: "is required" });
        return;
      }
      const problem = dataProblem(c.contentType ?? a.contentType, c.data);
      if (problem) ctx.addIssue({ code: "custom", path: ["content", i, "data"], message: `${problem} for content type '${c.contentType ?? a.contentType}'` });
    });
  });
export type RequestAttribute = z.output<typeof requestAttributeSchema>;

/* --------------------------------- inputs --------------------------------- */

export const connectionSchema = z
  .strictObject({
    /** Core's base URL including the `/api` context path: `https://<host>/api`. */
    url: httpUrl("connection.url").optional(),
    /**
     * A JWT from an OAuth2 provider configured in Core, used as is. Core enforces its expiry, so
     * it must outlive the run; the OAuth2 client below fetches and refreshes tokens instead.
     */
    token: z.string().optional(),
    /** Token endpoint of the OAuth2 provider Core trusts (client-credentials grant). */
    tokenUrl: httpUrl("connection.tokenUrl").optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    /** `scope` of the token request, when the provider wants one. */
    scope: z.string().optional(),
    /** `audience` of the token request, for providers that name the API so (Core checks the audiences its provider settings list). */
    audience: z.string().optional(),
    /**
     * The public base of `scepUrl`, e.g. `https://pki.example.com/api`. Core builds a profile's
     * `scepUrl` from the URL the request used (reference §1.9), so a stack that reaches Core
     * through an internal address would hand devices that address; with this set, the output
     * starts here instead.
     */
    publicUrl: httpUrl("connection.publicUrl").optional(),
    /**
     * Send `clientCert` in this header (Core's `ssl-client-cert` by default) instead of the TLS
     * handshake. Core reads certificates only from this header, which its ingress sets after
     * verifying the handshake's certificate; for an ingress that does not, send it here.
     */
    clientCertHeader: z.string().optional(),
    ...tlsConnectionShape,
    ...tokenTlsConnectionShape,
  })
  .optional();

export const certificateAssociationsSchema = z.strictObject({
  ownerUuid: uuid("owner (user)").optional(),
  groupUuids: z.array(uuid("group")).optional(),
  customAttributes: z.array(requestAttributeSchema).optional(),
});

export const argsSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, "must not be empty")
      .max(255, "must be at most 255 characters")
      .regex(NAME_RE, "may contain only letters, digits, '-', '.', '_' and '~' (it is a path segment of the SCEP URL)"),
    description: z.string().max(255, "must be at most 255 characters").optional(),
    /** The default RA profile; with it the profile gets its own SCEP URL (§1.9). */
    raProfileUuid: uuid("RA profile").optional(),
    caCertificateUuid: uuid("CA certificate"),
    issueCertificateAttributes: z.array(requestAttributeSchema).default([]),
    customAttributes: z.array(requestAttributeSchema).default([]),
    /**
     * Days before expiry a renewal is allowed. Unset and 0 both mean "half the certificate's
     * validity" (§1.4), so 0 is stored as unset and the two never diff.
     */
    renewalThreshold: z
      .number()
      .int("must be a whole number of days")
      .min(0, "must not be negative")
      .max(INT32_MAX, "is too large")
      .optional()
      .transform((n) => (n === 0 ? undefined : n)),
    includeCaCertificate: z.boolean().default(false),
    includeCaCertificateChain: z.boolean().default(false),
    challengePassword: z.string().min(1, "must not be empty; leave it unset for no password").optional(),
    enableIntune: z.boolean().default(false),
    intuneTenant: z.string().optional(),
    intuneApplicationId: z.string().optional(),
    intuneApplicationKey: z.string().optional(),
    certificateAssociations: certificateAssociationsSchema.optional(),
    enabled: z.boolean().default(true),
    /**
     * Destroy through `DELETE /v1/scepProfiles/delete/force`, which first deactivates SCEP on
     * every RA profile that uses this profile. Takes effect from the state, so set it and run
     * `up` before the destroy.
     */
    forceDelete: z.boolean().default(false),
    connection: connectionSchema,
    /**
     * Take over an existing profile at create (local: never sent, never diffed). `true`: the
     * profile with this name, else create one; a uuid: that profile, which must exist.
     */
    adopt: adoptField("name (names are unique across Core)", "the profile's uuid"),
  })
  .superRefine((a, ctx) => {
    if (a.enableIntune) {
      for (const k of ["intuneTenant", "intuneApplicationId", "intuneApplicationKey"] as const) {
        if (a[k] === undefined || a[k] === "") {
          ctx.addIssue({ code: "custom", path: [k], message: "is required when enableIntune is true (Core refuses an Intune configuration without tenant, application id and key)" });
        }
      }
    }
    if (a.issueCertificateAttributes.length > 0 && a.raProfileUuid === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["issueCertificateAttributes"],
        message: "only apply with a raProfileUuid (they are the issue attributes of that RA profile's authority); set raProfileUuid or remove them",
      });
    }
  });

/** What a program passes (`new czertainly.ScepProfile(name, args)`), before defaults. */
export type ScepProfileInputs = z.input<typeof argsSchema>;
/** Checked inputs: defaults filled, UUIDs lower-cased; what the state holds. */
export type ScepProfileState = z.output<typeof argsSchema>;

export const SECRET_PATHS = ["challengePassword", "intuneApplicationKey", "connection.token", "connection.clientSecret", ...tlsSecretPaths] as const;

/** Output keys that can hold a secret; the engine stores them encrypted and shows them as [secret]. */
export const SECRET_OUTPUTS = ["challengePassword", "intuneApplicationKey", "connection"];

/** Input keys whose value may carry `secret`-typed attribute content. */
export const ATTRIBUTE_KEYS = ["issueCertificateAttributes", "customAttributes", "certificateAssociations"] as const;

/** Keys of the state that are the user's inputs (compared by diff). */
export const INPUT_KEYS = comparedKeys(argsSchema.shape) as (keyof ScepProfileState)[];

/** Inputs that never reach the API: a change of only these writes nothing. */
export const LOCAL_KEYS: readonly (keyof ScepProfileState)[] = ["connection", "forceDelete"];

/* ---------------------------------- wire ---------------------------------- */

/** `CertificateDto`: the fields other stacks consume, typed; the rest passes through. */
export const certificateSchema = z.looseObject({
  uuid: z.string(),
  commonName: z.string().optional(),
  serialNumber: z.string().optional(),
  subjectDn: z.string().optional(),
  issuerDn: z.string().optional(),
  issuerCommonName: z.string().optional(),
  notBefore: z.string().optional(),
  notAfter: z.string().optional(),
  fingerprint: z.string().optional(),
  keySize: z.number().optional(),
  publicKeyAlgorithm: z.string().optional(),
  signatureAlgorithm: z.string().optional(),
  state: z.string().optional(),
  validationStatus: z.string().optional(),
});

export const raProfileSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  enabled: z.boolean().optional(),
  authorityInstanceUuid: z.string().optional(),
});

const responseAttributeSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  contentType: z.string(),
  version: z.string().optional(),
  content: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** `ScepProfileDetailDto` (§1.6); tolerant of fields we do not model. */
export const wireDetailSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  description: z.string().optional(),
  raProfile: raProfileSchema.optional(),
  includeCaCertificate: z.boolean().optional(),
  includeCaCertificateChain: z.boolean().optional(),
  renewThreshold: z.number().optional(),
  scepUrl: z.string().optional(),
  enableIntune: z.boolean().optional(),
  issueCertificateAttributes: z.array(responseAttributeSchema).optional(),
  customAttributes: z.array(responseAttributeSchema).optional(),
  caCertificate: certificateSchema.optional(),
  intuneTenant: z.string().optional(),
  intuneApplicationId: z.string().optional(),
  certificateAssociations: z
    .looseObject({
      ownerUuid: z.string().optional(),
      groupUuids: z.array(z.string()).optional(),
      customAttributes: z.array(responseAttributeSchema).optional(),
    })
    .optional(),
});
export type WireDetail = z.output<typeof wireDetailSchema>;

/** `ScepProfileDto`, a list item. */
export const wireSummarySchema = wireDetailSchema.pick({ uuid: true, name: true, enabled: true }).loose();
export type WireSummary = z.output<typeof wireSummarySchema>;

/** `ScepProfileEditRequestDto`; the create DTO adds `name`. */
export interface WireBody {
  name?: string;
  description?: string;
  raProfileUuid?: string;
  issueCertificateAttributes: RequestAttribute[];
  caCertificateUuid: string;
  customAttributes: RequestAttribute[];
  renewalThreshold?: number;
  includeCaCertificate: boolean;
  includeCaCertificateChain: boolean;
  challengePassword?: string;
  enableIntune: boolean;
  intuneTenant?: string;
  intuneApplicationId?: string;
  intuneApplicationKey?: string;
  certificateAssociations?: { ownerUuid?: string; groupUuids?: string[]; customAttributes?: RequestAttribute[] };
}

/**
 * Checked inputs → request body. On create an unset `renewalThreshold` is left out (null: half
 * the validity). On update it is sent as 0: PUT keeps the stored value when it is null, so 0 is
 * the only way to bring it back to "half the validity" (§1.7 update table).
 */
export function toWire(a: ScepProfileState, op: "create" | "update"): WireBody {
  return dropUndefined({
    name: op === "create" ? a.name : undefined,
    description: a.description,
    raProfileUuid: a.raProfileUuid,
    issueCertificateAttributes: a.issueCertificateAttributes,
    caCertificateUuid: a.caCertificateUuid,
    customAttributes: a.customAttributes,
    renewalThreshold: a.renewalThreshold ?? (op === "update" ? 0 : undefined),
    includeCaCertificate: a.includeCaCertificate,
    includeCaCertificateChain: a.includeCaCertificateChain,
    challengePassword: a.challengePassword,
    enableIntune: a.enableIntune,
    intuneTenant: a.intuneTenant,
    intuneApplicationId: a.intuneApplicationId,
    intuneApplicationKey: a.intuneApplicationKey,
    certificateAssociations: a.certificateAssociations,
  }) as WireBody;
}

/** The part of the state the API does not own. */
export type LocalInputs = Pick<ScepProfileState, "challengePassword" | "intuneApplicationKey" | "forceDelete" | "connection">;

/**
 * Live object → the inputs that reproduce it, without the secrets (never answered) and the
 * local-only inputs. Attribute answers lose their `label` and `type`; the secret content of
 * `secret`-typed attributes comes back without the secret, and the caller decides what to keep.
 */
export function fromWire(w: WireDetail): Omit<ScepProfileState, keyof LocalInputs> {
  const assoc = w.certificateAssociations;
  const hasAssoc = assoc && (assoc.ownerUuid !== undefined || (assoc.groupUuids ?? []).length > 0 || (assoc.customAttributes ?? []).length > 0);
  return dropUndefined({
    name: w.name,
    description: w.description,
    raProfileUuid: w.raProfile?.uuid?.toLowerCase(),
    caCertificateUuid: w.caCertificate?.uuid?.toLowerCase() ?? "",
    issueCertificateAttributes: (w.issueCertificateAttributes ?? []).map(toRequestAttribute),
    customAttributes: (w.customAttributes ?? []).map(toRequestAttribute),
    renewalThreshold: w.renewThreshold === 0 ? undefined : w.renewThreshold,
    includeCaCertificate: w.includeCaCertificate ?? false,
    includeCaCertificateChain: w.includeCaCertificateChain ?? false,
    enableIntune: w.enableIntune ?? false,
    intuneTenant: w.intuneTenant,
    intuneApplicationId: w.intuneApplicationId,
    certificateAssociations: hasAssoc
      ? dropUndefined({
          ownerUuid: assoc.ownerUuid?.toLowerCase(),
          groupUuids: assoc.groupUuids?.length ? assoc.groupUuids.map((g) => g.toLowerCase()) : undefined,
          customAttributes: assoc.customAttributes?.length ? assoc.customAttributes.map(toRequestAttribute) : undefined,
        })
      : undefined,
    enabled: w.enabled,
  }) as Omit<ScepProfileState, keyof LocalInputs>;
}

function toRequestAttribute(r: z.output<typeof responseAttributeSchema>): RequestAttribute {
  return {
    uuid: r.uuid.toLowerCase(),
    name: r.name,
    contentType: r.contentType as ContentType,
    version: r.version === "v3" ? "v3" : "v2",
    content: (r.content ?? []) as RequestAttribute["content"],
  };
}

/** The outputs other resources and stacks consume, beside the inputs. */
export interface ComputedOutputs {
  uuid: string;
  /** Present when the profile has a default RA profile (§1.9). */
  scepUrl?: string;
  raProfile?: z.output<typeof raProfileSchema>;
  caCertificate?: CaCertificate;
}

/** The CA certificate's fields other stacks consume. */
export interface CaCertificate {
  uuid: string;
  commonName?: string;
  serialNumber?: string;
  subjectDn?: string;
  issuerDn?: string;
  issuerCommonName?: string;
  notBefore?: string;
  notAfter?: string;
  fingerprint?: string;
  keySize?: number;
  publicKeyAlgorithm?: string;
  signatureAlgorithm?: string;
  state?: string;
  validationStatus?: string;
}

export function computedFromWire(w: WireDetail): ComputedOutputs {
  const c = w.caCertificate;
  return dropUndefined({
    uuid: w.uuid,
    scepUrl: w.scepUrl,
    raProfile: w.raProfile
      ? dropUndefined({ uuid: w.raProfile.uuid, name: w.raProfile.name, enabled: w.raProfile.enabled, authorityInstanceUuid: w.raProfile.authorityInstanceUuid })
      : undefined,
    caCertificate: c
      ? dropUndefined({
          uuid: c.uuid,
          commonName: c.commonName,
          serialNumber: c.serialNumber,
          subjectDn: c.subjectDn,
          issuerDn: c.issuerDn,
          issuerCommonName: c.issuerCommonName,
          notBefore: c.notBefore,
          notAfter: c.notAfter,
          fingerprint: c.fingerprint,
          keySize: c.keySize,
          publicKeyAlgorithm: c.publicKeyAlgorithm,
          signatureAlgorithm: c.signatureAlgorithm,
          state: c.state,
          validationStatus: c.validationStatus,
        })
      : undefined,
  }) as ComputedOutputs;
}

/** Whether an attribute list (or the associations object) carries `secret`-typed content. */
export function hasSecretContent(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasSecretContent);
  if (!v || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  if (o.contentType === "secret" || o.contentType === "credential") return true;
  return Object.values(o).some((x) => typeof x === "object" && hasSecretContent(x));
}

/**
 * The plaintext leaves of secret attribute content, to register for redaction: `secret` content
 * (the attribute's contentType, or a v3 item's own) and `credential` content, whose attributes'
 * data is a credential's (its uuid, name and kind only identify it).
 */
export function secretAttributeValues(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => secretAttributeValues(x, out));
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.content)) {
      for (const c of o.content as Array<Record<string, unknown>>) {
        const kind = typeof c?.contentType === "string" ? c.contentType : o.contentType;
        const data = c?.data as Record<string, unknown> | undefined;
        if (kind === "secret" && typeof data?.secret === "string") out.push(data.secret);
        if (kind === "credential" && data && typeof data === "object") dataLeaves(data.attributes, out);
      }
    }
    for (const x of Object.values(o)) if (x && typeof x === "object") secretAttributeValues(x, out);
  }
  return out;
}

/** Every string under a `data` key of a credential's attributes (their values, not their names). */
function dataLeaves(v: unknown, out: string[], inData = false): void {
  if (typeof v === "string") {
    if (inData) out.push(v);
  } else if (Array.isArray(v)) v.forEach((x) => dataLeaves(x, out, inData));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) dataLeaves(x, out, inData || k === "data");
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
