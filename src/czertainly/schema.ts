/**
 * `czertainly.ScepProfile` inputs, outputs and the wire mapping, from CZERTAINLY Core 2.17.0
 * (`../shared/specs/czertainly-core-scep-2.17.0.openapi.yaml` and
 * `../shared/reference/czertainly-nevisidm-cxif.md` §1). Each field's facts (description,
 * secret, replace on change, write-only, local) are declared beside it (core/fields.ts) and every
 * list the provider and the resource class use is derived from them, below the schemas.
 *
 * Core speaks camelCase, so the wire mapping (zod codecs, core/codec.ts) is about the three places
 * where the answer differs from the request: `renewThreshold` (answer) for `renewalThreshold`
 * (request), `caCertificate.uuid` for `caCertificateUuid`, and `raProfile.uuid` for
 * `raProfileUuid` (reference §1.6). None of the secrets is ever answered back (§1.6, §1.11);
 * neither is the content of attributes typed `secret`, a secret that depends on the value and is
 * handled by the resource class and the provider.
 */
import { z } from "zod";
import { adoptField } from "../core/adopt";
import { renamingCodec } from "../core/codec";
import { field, fieldLists, localKeys, outputKeys, projectOnto, secretOutputs, secretPaths, writeOnlyPaths } from "../core/fields";
import { connectionField, httpUrl, tlsConnectionShape, tokenTlsConnectionShape } from "../core/schema";

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
  reference: field(z.string().optional(), { description: "A label for the value (Core shows it in place of the data [inferred])." }),
  data: field(z.unknown(), {
    description: "The value, shaped by the content type: a string, number or boolean, an ISO date/time text, or an object (`{ secret }` for secret content, which Core never answers back).",
  }),
  contentType: field(z.enum(CONTENT_TYPES).optional(), { description: "The item's own content type: required in v3 attributes, absent in v2 (the attribute's applies)." }),
});

/**
 * `RequestAttribute` (≥ 2.17): polymorphic on `version`, v2 when omitted (Jackson's default
 * implementation, §1.1). v3 content items carry their own `contentType`.
 */
export const requestAttributeSchema = z
  .strictObject({
    uuid: field(uuid("attribute"), { description: "The attribute definition's uuid in Core (custom attributes are resolved by name, whatever uuid is sent)." }),
    name: field(z.string().min(1, "must not be empty"), { description: "The attribute definition's name, the key Core matches it by." }),
    contentType: field(z.enum(CONTENT_TYPES, { error: `must be one of ${CONTENT_TYPES.join(", ")}` }), {
      description: "What kind of value the content holds; `secret` content is kept secret in the outputs and the state.",
    }),
    version: field(z.enum(["v2", "v3"], { error: "must be v2 or v3" }).default("v2"), {
      description: "The attribute format: `v2` (Core's default when omitted) or `v3`, whose content items each carry their own content type.",
    }),
    content: field(z.array(contentItemSchema).default([]), { description: "The attribute's values." }),
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
    url: field(httpUrl("connection.url").optional(), {
      description:
        "Core's base URL including its `/api` context path: `https://<host>/api`. Through an ingress that verifies client certificates when you log in with `clientCert`.",
    }),
    token: field(z.string().optional(), {
      description:
        "A JWT bearer token from an OAuth2 provider configured in Core's authentication settings, used as is. Core enforces its expiry, so it must outlive the whole run; " +
        "set the OAuth2 client (`tokenUrl`, `clientId`, `clientSecret`) instead to have tokens fetched and refreshed. Not both.",
      secret: true,
    }),
    tokenUrl: field(httpUrl("connection.tokenUrl").optional(), {
      description: "Token endpoint of the OAuth2 provider Core trusts; with `clientId` and `clientSecret` the provider fetches tokens by the client-credentials grant.",
    }),
    clientId: field(z.string().optional(), { description: "Client id of the OAuth2 client-credentials grant (with `tokenUrl` and `clientSecret`)." }),
    clientSecret: field(z.string().optional(), { description: "Client secret of the OAuth2 client-credentials grant.", secret: true }),
    scope: field(z.string().optional(), { description: "`scope` of the token request, when the OAuth2 provider wants one." }),
    audience: field(z.string().optional(), {
      description: "`audience` of the token request, for providers that name the API so (Core checks the audiences its provider settings list).",
    }),
    publicUrl: field(httpUrl("connection.publicUrl").optional(), {
      description:
        "The public base of `scepUrl`, e.g. `https://pki.example.com/api`. Core builds a profile's `scepUrl` from the URL the request used (reference §1.9), " +
        "so a stack that reaches Core through an internal address would hand devices that address; with this set, the output starts here instead.",
    }),
    clientCertHeader: field(z.string().optional(), {
      description:
        "Send `clientCert` in this header (Core reads `ssl-client-cert`) instead of the TLS handshake. Core reads certificates only from this header, which its " +
        "ingress sets after verifying the handshake's certificate; behind an ingress that does not, send it here.",
    }),
    ...tlsConnectionShape,
    ...tokenTlsConnectionShape,
  })
  .optional();

export const certificateAssociationsSchema = z.strictObject({
  ownerUuid: field(uuid("owner (user)").optional(), { description: "The Core user (uuid) made owner of every certificate issued through this profile." }),
  groupUuids: field(z.array(uuid("group")).optional(), { description: "Core groups (uuids) every certificate issued through this profile is put in." }),
  customAttributes: field(z.array(requestAttributeSchema).optional(), {
    description: "Custom attributes (of resource `certificates`, by name) set on every certificate issued through this profile.",
  }),
});

const attributesFact =
  "Each is `{ uuid, name, contentType, version?: \"v2\" | \"v3\", content: [{ data, reference? }] }` (reference §1.5); " +
  "`secret`-typed content is never answered back, so it is written, not compared, and the whole list is kept as a secret.";

export const argsSchema = z
  .strictObject({
    name: field(
      z
        .string()
        .min(1, "must not be empty")
        .max(255, "must be at most 255 characters")
        .regex(NAME_RE, "may contain only letters, digits, '-', '.', '_' and '~' (it is a path segment of the SCEP URL)"),
      {
        description:
          "The profile's name, unique across Core: letters, digits, `-`, `.`, `_` and `~`, at most 255 (it is a path segment of the SCEP URL). " +
          "Core cannot rename a profile, so a change replaces it (the new one first, under its new name).",
        replaceOnChange: true,
      },
    ),
    description: field(z.string().max(255, "must be at most 255 characters").optional(), { description: "Free text shown in Core, at most 255 characters." }),
    raProfileUuid: field(uuid("RA profile").optional(), {
      description: "The default RA profile (uuid): with it the profile gets its own SCEP URL (`scepUrl`) and takes issue attributes; without it, no `scepUrl` (§1.9).",
    }),
    caCertificateUuid: field(uuid("CA certificate"), {
      description:
        "The certificate (uuid) Core uses as the SCEP CA: issued, valid or expiring, with a platform-managed RSA or ECDSA key (RSA only with Intune). " +
        "`GET /v1/scepProfiles/caCertificates?intuneEnabled=…` lists the candidates.",
    }),
    issueCertificateAttributes: field(z.array(requestAttributeSchema).default([]), {
      description: `Issue attributes of the RA profile's authority connector, validated against it; only with \`raProfileUuid\`. ${attributesFact}`,
    }),
    customAttributes: field(z.array(requestAttributeSchema).default([]), {
      description: `Custom attributes of the profile (resource \`scepProfiles\`), resolved by name: the uuid is the definition's whatever is sent. ${attributesFact}`,
    }),
    renewalThreshold: field(
      z
        .number()
        .int("must be a whole number of days")
        .min(0, "must not be negative")
        .max(INT32_MAX, "is too large")
        .optional()
        // Unset and 0 both mean "half the certificate's validity" (§1.4): stored as unset, they never diff.
        .transform((n) => (n === 0 ? undefined : n)),
      { description: "Days before a certificate's expiry its renewal is allowed. Unset or 0: half the certificate's validity (Core's default)." },
    ),
    includeCaCertificate: field(z.boolean().default(false), { description: "Include the CA certificate in SCEP responses." }),
    includeCaCertificateChain: field(z.boolean().default(false), { description: "Include the CA certificate chain in SCEP responses." }),
    challengePassword: field(z.string().min(1, "must not be empty; leave it unset for no password").optional(), {
      description:
        "The password devices send in their SCEP requests. Core stores it encrypted and never answers it. Core writes it on update only when the profile " +
        "already has one (§1.7), so adding one to a profile without one replaces the profile; changing or removing it is an update.",
      secret: true,
      writeOnly: true,
    }),
    enableIntune: field(z.boolean().default(false), {
      description: "Validate SCEP requests with Microsoft Intune; needs `intuneTenant`, `intuneApplicationId` and `intuneApplicationKey` (and an RSA CA).",
    }),
    intuneTenant: field(z.string().optional(), { description: "The Intune (Entra ID) tenant, e.g. `contoso.onmicrosoft.com`; required with `enableIntune`." }),
    intuneApplicationId: field(z.string().optional(), { description: "Application (client) id of the app registration Core uses for Intune; required with `enableIntune`." }),
    intuneApplicationKey: field(z.string().optional(), {
      description: "Key (client secret) of that app registration; required with `enableIntune`. Core never answers it, so every update sends it again.",
      secret: true,
      writeOnly: true,
    }),
    certificateAssociations: field(certificateAssociationsSchema.optional(), {
      description: "Owner, groups and custom attributes Core sets on every certificate issued through this profile; unset or empty: none.",
    }),
    enabled: field(z.boolean().default(true), {
      description: "Whether the profile serves SCEP requests. Core creates profiles disabled; this is applied with `/enable` or `/disable` after each write.",
    }),
    connection: connectionField(connectionSchema, "CZERTAINLY Core"),
    forceDelete: field(z.boolean().default(false), {
      description:
        "Destroy through `DELETE /v1/scepProfiles/delete/force`, which first deactivates SCEP on every RA profile that uses this profile. " +
        "Read from the state at destroy, so set it and run `pulumi up` (it writes nothing to Core) before the destroy.",
      local: true,
    }),
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

/* --------------------------------- outputs -------------------------------- */

/** `SimplifiedRaProfileDto` (§1.6): the RA profile `raProfileUuid` names. */
export const raProfileSchema = z.object({
  uuid: field(z.string(), { description: "The RA profile's uuid." }),
  name: field(z.string(), { description: "The RA profile's name (the path segment of its own SCEP URL when SCEP is activated on it)." }),
  enabled: field(z.boolean().optional(), { description: "Whether the RA profile is enabled: the profile's SCEP URL refuses requests while it is not." }),
  authorityInstanceUuid: field(z.string().optional(), { description: "The uuid of the RA profile's authority instance." }),
});

/** The CA certificate's fields other stacks consume (`CertificateDto`, §1.6). */
export const caCertificateSchema = z.object({
  uuid: field(z.string(), { description: "The certificate's uuid in Core (`caCertificateUuid`)." }),
  commonName: field(z.string().optional(), { description: "The subject's common name." }),
  serialNumber: field(z.string().optional(), { description: "The serial number, hex." }),
  subjectDn: field(z.string().optional(), { description: "The subject distinguished name." }),
  issuerDn: field(z.string().optional(), { description: "The issuer distinguished name." }),
  issuerCommonName: field(z.string().optional(), { description: "The issuer's common name." }),
  notBefore: field(z.string().optional(), { description: "Start of validity, an ISO 8601 date-time." }),
  notAfter: field(z.string().optional(), { description: "End of validity, an ISO 8601 date-time: renew or replace the CA before it." }),
  fingerprint: field(z.string().optional(), { description: "SHA-256 fingerprint, hex: what devices and other stacks pin." }),
  keySize: field(z.number().optional(), { description: "Key size in bits." }),
  publicKeyAlgorithm: field(z.string().optional(), { description: "Public key algorithm (RSA, ECDSA...)." }),
  signatureAlgorithm: field(z.string().optional(), { description: "Signature algorithm, e.g. SHA256withRSA." }),
  state: field(z.string().optional(), { description: "Core's certificate state (`issued`, `revoked`...)." }),
  validationStatus: field(z.string().optional(), { description: "Core's validation status (`valid`, `expiring`, `expired`...)." }),
});
export type CaCertificate = z.output<typeof caCertificateSchema>;

/** What the resource outputs beside its inputs. */
export const outputsSchema = z.object({
  uuid: field(z.string(), { description: "The profile's uuid in Core: its id, and the import id `adopt` takes." }),
  scepUrl: field(z.string().optional(), {
    description:
      "The profile's SCEP URL, `<base>/v1/protocols/scep/<name>/pkiclient.exe`; present only with a default RA profile. Its base is `connection.publicUrl` when set, " +
      "else the address the provider reached Core at.",
  }),
  raProfile: field(raProfileSchema.optional(), { description: "The default RA profile, as Core answers it; absent without one." }),
  caCertificate: field(caCertificateSchema.optional(), {
    description: "The CA certificate, as Core answers it: its fingerprint, subject, validity... Absent only while a create could not read the profile back.",
  }),
  unverified: field(z.array(z.string()), {
    description:
      "Input paths taken as declared because a read could not verify them: after an import or adoption, the secrets Core never answers and the program-local inputs, " +
      "until an update writes them (core/writeonly.ts).",
  }),
});
export type ComputedOutputs = z.output<typeof outputsSchema>;

/** Everything the resource outputs: the checked inputs and what Core computes. */
export type ScepProfileOutputs = ScepProfileState & ComputedOutputs;

/* ------------------------------- field lists ------------------------------ */

/** The lists derived from the field facts (core/fields.ts); none is written by hand. */
export const { secretPaths: SECRET_PATHS, secretOutputs: SECRET_OUTPUTS, inputKeys: INPUT_KEYS, localStateKeys: LOCAL_KEYS, replaceOnChange: REPLACE_ON, writeOnlyPaths: WRITE_ONLY_PATHS, outputKeys: OUTPUT_KEYS } = fieldLists(argsSchema, outputsSchema);

/** Input keys whose value may carry `secret`-typed attribute content (a value-dependent secret: the resource class decides). */
export const ATTRIBUTE_KEYS = ["issueCertificateAttributes", "customAttributes", "certificateAssociations"] as const;

/* ---------------------------------- wire ---------------------------------- */

/** `CertificateDto`: the fields other stacks consume, typed; the rest passes through. */
export const certificateSchema = caCertificateSchema.loose();

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
  raProfile: raProfileSchema.loose().optional(),
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

/** `ScepProfileDto`, a list item; also what a write's answer is read as (see `CzertainlyClient.create`). */
export const wireSummarySchema = wireDetailSchema.pick({ uuid: true, name: true, enabled: true }).loose();
export type WireSummary = z.output<typeof wireSummarySchema>;

/** A write's answer (read as a summary) read as the detail it is, where it holds as one. */
export function asDetail(w: WireSummary): WireDetail | undefined {
  const d = wireDetailSchema.safeParse(w);
  return d.success ? d.data : undefined;
}

/** A `RequestAttribute` as sent: checked already by `requestAttributeSchema`, passed on as is. */
const wireRequestAttribute = z.looseObject({ uuid: z.string(), name: z.string(), contentType: z.string(), version: z.string(), content: z.array(z.unknown()) });

/** `ScepProfileEditRequestDto` (PUT); the create DTO (`ScepProfileRequestDto`) adds `name` (§1.4). */
export const wireBodySchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  raProfileUuid: z.string().optional(),
  issueCertificateAttributes: z.array(wireRequestAttribute),
  caCertificateUuid: z.string(),
  customAttributes: z.array(wireRequestAttribute),
  renewalThreshold: z.number().optional(),
  includeCaCertificate: z.boolean(),
  includeCaCertificateChain: z.boolean(),
  challengePassword: z.string().optional(),
  enableIntune: z.boolean(),
  intuneTenant: z.string().optional(),
  intuneApplicationId: z.string().optional(),
  intuneApplicationKey: z.string().optional(),
  certificateAssociations: z
    .strictObject({ ownerUuid: z.string().optional(), groupUuids: z.array(z.string()).optional(), customAttributes: z.array(wireRequestAttribute).optional() })
    .optional(),
});
export type WireBody = z.output<typeof wireBodySchema>;

/**
 * The state's keys as the codecs' program side. Its values were checked (and transformed: UUIDs
 * lower-cased, a 0 threshold dropped) by `argsSchema` already, and a zod transform cannot run
 * backwards in `z.encode`, so this side maps names and leaves values as they are.
 */
const checkedState = z.object(Object.fromEntries(Object.keys(argsSchema.shape).map((k) => [k, z.unknown().optional()])) as Record<keyof ScepProfileState, z.ZodOptional<z.ZodUnknown>>);

/**
 * Inputs the request bodies never carry: the program-local ones (`adopt` included) and `enabled`,
 * which has its own PATCH. A change of only these writes no body.
 */
export const NOT_IN_BODY: readonly string[] = [...localKeys(argsSchema), "enabled"];

/** The create body: every API input under its own name (Core speaks camelCase); an unset threshold left out (null: half the validity). */
const createBody = renamingCodec(wireBodySchema, checkedState, { wireName: (k) => k, skip: NOT_IN_BODY });

/**
 * The PUT body: no `name` (immutable), and an unset `renewalThreshold` sent as 0: PUT keeps the
 * stored value when it is null, so 0 is the only way back to "half the validity" (§1.7 update table).
 */
const editBody = renamingCodec(wireBodySchema, checkedState, {
  wireName: (k) => k,
  skip: [...NOT_IN_BODY, "name"],
  encode: (w, p) => ({ ...w, renewalThreshold: p.renewalThreshold ?? 0 }),
});

/**
 * Checked inputs → request body, by the renaming alone (`write`): the body's keys were checked
 * against the closed `wireBodySchema` when the codecs were made, its values by `argsSchema`, and
 * test/czertainly/openapi.test.ts checks every body sent against Core's document.
 */
export function toWire(a: ScepProfileState, op: "create" | "update"): WireBody {
  return (op === "create" ? createBody : editBody).write(a);
}

/** The part of the state the API does not own (never answered, or local). */
export type LocalInputs = Pick<ScepProfileState, "challengePassword" | "intuneApplicationKey" | "forceDelete" | "connection">;

const lower = (s: string | undefined) => s?.toLowerCase();

/**
 * The detail → the inputs that reproduce it, without the secrets (never answered) and the
 * local-only inputs. Core answers under other names what the request names `renewalThreshold`
 * (`renewThreshold`), `caCertificateUuid` (`caCertificate.uuid`) and `raProfileUuid`
 * (`raProfile.uuid`) (§1.6); attribute answers lose their `label` and `type`; the content of
 * `secret`-typed attributes comes back without the secret, and the caller decides what to keep.
 */
const detailCodec = renamingCodec(wireDetailSchema, checkedState, {
  wireName: (k) => k,
  skip: [...localKeys(argsSchema), ...writeOnlyPaths(argsSchema)],
  rename: { renewalThreshold: "renewThreshold" },
  decode: (p, w) => {
    const assoc = w.certificateAssociations;
    const hasAssoc = assoc && (assoc.ownerUuid !== undefined || (assoc.groupUuids ?? []).length > 0 || (assoc.customAttributes ?? []).length > 0);
    return {
      ...p,
      raProfileUuid: lower(w.raProfile?.uuid),
      caCertificateUuid: lower(w.caCertificate?.uuid) ?? "",
      issueCertificateAttributes: (w.issueCertificateAttributes ?? []).map(toRequestAttribute),
      customAttributes: (w.customAttributes ?? []).map(toRequestAttribute),
      renewalThreshold: w.renewThreshold === 0 ? undefined : w.renewThreshold,
      includeCaCertificate: w.includeCaCertificate ?? false,
      includeCaCertificateChain: w.includeCaCertificateChain ?? false,
      enableIntune: w.enableIntune ?? false,
      certificateAssociations: hasAssoc
        ? {
            ownerUuid: lower(assoc.ownerUuid),
            groupUuids: assoc.groupUuids?.length ? assoc.groupUuids.map((g) => g.toLowerCase()) : undefined,
            customAttributes: assoc.customAttributes?.length ? assoc.customAttributes.map(toRequestAttribute) : undefined,
          }
        : undefined,
    };
  },
});

/** The detail, as the client has read it with `wireDetailSchema`, → the inputs. */
export function fromWire(w: WireDetail): Omit<ScepProfileState, keyof LocalInputs> {
  return detailCodec.read(w) as Omit<ScepProfileState, keyof LocalInputs>;
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

/** The detail → what Core computes; the RA profile's and certificate's fields the outputs declare, nothing more. */
// Made once: a schema built per call (`outputsSchema.omit(...)` inside the function) was
// compiled again by zod on every read and create.
const computedSchema = outputsSchema.omit({ unverified: true });

/**
 * Cut to the declared keys rather than parsed again: `wireDetailSchema` read these fields with the
 * same schemas (`raProfileSchema`, `caCertificateSchema`, loose), so a second parse could refuse
 * nothing and only dropped the keys the outputs do not declare, at about 40 µs a create in the
 * host (docs/benchmark.md, "Fewer passes over each answer").
 */
export function computedFromWire(w: WireDetail): Omit<ComputedOutputs, "unverified"> {
  return projectOnto(computedSchema, { uuid: w.uuid, scepUrl: w.scepUrl, raProfile: w.raProfile, caCertificate: w.caCertificate });
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
