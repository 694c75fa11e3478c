/**
 * `scm.ScepProfile` inputs: camelCase for the program, snake_case on the wire, one schema for
 * both directions. Limits come from the vendor's OpenAPI document (`scep-profiles` schema in
 * shared/specs/scm-identity-services.openapi.yaml) and its Terraform provider's `scm_scep_profile`.
 *
 * Each field's facts (description, secret, write-only, replace-on-change, local) are declared
 * beside it with `field(...)` (core/fields.ts); the secret paths, secret outputs, replace keys,
 * write-only paths, local, input and output keys below are derived from them, never listed by hand.
 */
import { z } from "zod";
import { exactlyOne } from "../core/check";
import { adoptField } from "../core/adopt";
import { defined, renamingCodec, snakeCase } from "../core/codec";
import { field, fieldLists, localKeys, outputKeys, secretOutputs, secretPaths, writeOnlyPaths } from "../core/fields";
import { connectionField, httpUrl, tlsConnectionShape, tokenTlsConnectionShape } from "../core/schema";

export const CONTAINER_RE = /^[a-zA-Z\d\-_. ]+$/;
export const URI_RE = /^[a-zA-Z][a-zA-Z\d+.-]*:\S+$/;
/**
 * `format: fqdn` of the vendor's document: dot-separated labels of letters, digits and inner
 * hyphens, each at most 63 characters, at most 253 in all. That it needs at least two labels
 * ("fully qualified") and takes no `$VARIABLE` is read from the format's name; the document
 * gives no grammar for it [inferred].
 */
export const FQDN_RE = /^(?=.{1,253}\.?$)(?:[a-zA-Z\d](?:[a-zA-Z\d-]{0,61}[a-zA-Z\d])?\.)+[a-zA-Z\d](?:[a-zA-Z\d-]{0,61}[a-zA-Z\d])?\.?$/;
/**
 * The `enum` of `scep_ca_cert` and `scep_client_cert` in the vendor's document: the built-in
 * certificates. The reference notes tenants may import their own; the document lists only these,
 * so only these pass preview.
 */
export const BUILT_IN_CERTS = [
  "Authentication Cookie CA",
  "Forward-Trust-CA",
  "Forward-Trust-CA-ECDSA",
  "Forward-UnTrust-CA",
  "Forward-UnTrust-CA-ECDSA",
  "Global Authentication Cookie CA",
  "GlobalSign-Root-CA",
  "Root CA",
] as const;
const certName = (what: string) =>
  z.enum(BUILT_IN_CERTS, { error: (i) => `${what} must be one of the certificates the SCM API lists: ${BUILT_IN_CERTS.map((c) => `'${c}'`).join(", ")} (got ${JSON.stringify(i.input)})` });
const containerName = (kind: string) =>
  z
    .string()
    .min(1, `the ${kind} name must not be empty`)
    .max(64, `the ${kind} name must be at most 64 characters`)
    .regex(CONTAINER_RE, `the ${kind} name may contain only letters, digits, '-', '_', '.' and spaces`);

export const CONTAINERS = ["folder", "snippet", "device"] as const;
export type ContainerKind = (typeof CONTAINERS)[number];

export const connectionSchema = connectionField(
  z
    .strictObject({
      clientId: field(z.string().optional(), {
        description:
          "The service account's client id (`…@<TSG>.iam.panserviceaccount.com`), sent with `clientSecret` in HTTP Basic to the SCM auth service for a token.",
      }),
      clientSecret: field(z.string().optional(), {
        description: "The service account's client secret, sent only to the token endpoint (`tokenUrl`).",
        secret: true,
      }),
      tsgId: field(z.string().optional(), {
        description: "The Tenant Service Group id: the token is asked for with the OAuth scope `tsg_id:<tsgId>` and works on that tenant only.",
      }),
      tokenUrl: field(httpUrl("connection.tokenUrl").optional(), {
        description: "The SCM auth service's OAuth2 token endpoint (client credentials). Default `https://auth.apps.paloaltonetworks.com/auth/v1/oauth2/access_token`.",
      }),
      apiUrl: field(httpUrl("connection.apiUrl").optional(), {
        description: "The config identity API's base URL, path included. Default `https://api.strata.paloaltonetworks.com/config/identity/v1`.",
      }),
      ...tlsConnectionShape,
      ...tokenTlsConnectionShape,
    })
    .optional(),
  "Strata Cloud Manager",
);

const challengeSchema = z
  .strictObject({
    none: field(
      z.strictObject({}, { error: "use `none: {}` (an empty object) for no challenge" }).optional(),
      { description: "No challenge (`none: {}`): the SCEP server asks the client for no one-time password." },
    ),
    fixed: field(
      z
        .string()
        .min(1, "a fixed challenge must not be empty; use `none: {}` for no challenge")
        .max(1024, "a fixed challenge must be at most 1024 characters")
        .optional(),
      {
        description:
          "A fixed challenge (at most 1024 characters) the firewall sends to the SCEP server on mobile clients' behalf. The API answers it only encrypted, so a read cannot verify it (see `encryptedValues`).",
        secret: true,
        writeOnly: true,
      },
    ),
    dynamic: field(
      z
        .strictObject({
          otpServerUrl: field(z.string().max(255, "must be at most 255 characters").regex(URI_RE, "must be a URL (https://...)"), {
            description: "The URL (at most 255 characters) of the OTP server the firewall asks for a one-time challenge.",
          }),
          username: field(z.string().max(255, "must be at most 255 characters"), {
            description: "The user name (at most 255 characters) the firewall signs in to the OTP server with.",
          }),
          password: field(z.string().max(255, "must be at most 255 characters"), {
            description: "The OTP server password (at most 255 characters). The API answers it only encrypted, so a read cannot verify it.",
            secret: true,
            writeOnly: true,
          }),
        })
        .optional(),
      { description: "A dynamic challenge: the firewall fetches a one-time password from an OTP server for each enrolment." },
    ),
  })
  .superRefine((c, ctx) => exactlyOne(c, ["none", "fixed", "dynamic"], ctx, [], " (the kind of SCEP challenge)"));

const RSA_BITS = ["1024", "2048", "3072"] as const;

export const DIGESTS = ["sha1", "sha256", "sha384", "sha512"] as const;

// Any spelling is taken (`SHA256`) and stored lower case; the enum at the end is what the
// published types and docs show (so `digest: "md5"` does not type-check).
const digestSchema = z
  .string()
  .transform((d, ctx) => {
    const v = d.toLowerCase();
    if (v === "sha348") {
      ctx.addIssue({ code: "custom", message: "'sha348' is a typo on the vendor's page; use 'sha384'" });
      return z.NEVER;
    }
    if (!(DIGESTS as readonly string[]).includes(v)) {
      ctx.addIssue({ code: "custom", message: `must be one of sha1, sha256, sha384, sha512 (got '${d}')` });
      return z.NEVER;
    }
    return v;
  })
  .pipe(z.enum(DIGESTS));

const certificateAttributesSchema = z
  .strictObject({
    // Formats as the vendor's OpenAPI document declares them (email, fqdn, uri).
    rfc822name: field(z.email("must be an email address (RFC 822 name)").optional(), {
      description: "An email address (RFC 822 name) as the certificate's subject alternative name.",
    }),
    dnsname: field(
      z
        .string()
        .regex(FQDN_RE, "must be a fully qualified host name (format fqdn), e.g. vpn.example.com: letters, digits, inner hyphens and dots")
        .optional(),
      { description: "A fully qualified host name (e.g. `vpn.example.com`) as the certificate's subject alternative name." },
    ),
    uniformResourceIdentifier: field(z.string().regex(URI_RE, "must be a URI (scheme:...)").optional(), {
      description: "A URI (`scheme:...`) as the certificate's subject alternative name.",
    }),
  })
  .superRefine((c, ctx) =>
    exactlyOne(c, ["rfc822name", "dnsname", "uniformResourceIdentifier"], ctx, [], " (the subject alternative name type)"),
  );

const containerFacts = (kind: ContainerKind, example: string) => ({
  description:
    `The ${kind} the profile is defined in (e.g. \`${example}\`; at most 64 letters, digits, '-', '_', '.' or spaces). ` +
    "Exactly one of `folder`, `snippet` and `device`. The API cannot move a profile, so a change replaces it.",
  replaceOnChange: true,
});

export const argsSchema = z
  .strictObject({
    folder: field(containerName("folder").optional(), containerFacts("folder", "Mobile Users")),
    snippet: field(containerName("snippet").optional(), containerFacts("snippet", "GP Shared")),
    device: field(containerName("device").optional(), containerFacts("device", "fw-01")),
    name: field(z.string().min(1, "must not be empty").max(31, "must be at most 31 characters (an SCM limit)"), {
      description:
        "The profile's name, at most 31 characters, unique in its container (the API refuses a second one with 409 E006); GlobalProtect portals and gateways refer to the profile by it.",
    }),
    scepChallenge: field(challengeSchema, {
      description: "The one-time password challenge the SCEP server expects: exactly one of `none: {}`, `fixed` or `dynamic`.",
    }),
    caIdentityName: field(z.string().min(1, "must not be empty"), {
      description: "The Certificate Authority identity: a string that names the CA to the SCEP server (its CA-IDENT) [inferred from PAN-OS SCEP profiles].",
    }),
    subject: field(z.string().min(1).default("CN=$USERNAME"), {
      description: "The subject of the certificate requested (CSR), with the firewall's variables such as `$USERNAME`. Default `CN=$USERNAME`.",
    }),
    algorithm: field(
      z.strictObject({
        rsa: field(
          z.strictObject({
            rsaNbits: field(
              // The key sizes as numbers or their text, each a literal, so `rsaNbits: 4096` does not type-check.
              z
                .union([z.literal([1024, 2048, 3072]), z.literal(RSA_BITS)], {
                  error: (i) => `must be 1024, 2048 or 3072, a number or its text (got ${JSON.stringify(i.input)})`,
                })
                .transform((n) => String(n) as (typeof RSA_BITS)[number]),
              { description: "The RSA key length in bits: 1024, 2048 or 3072 (a number or its text; the API takes the text)." },
            ),
          }),
          { description: "An RSA key pair, the only algorithm the API offers." },
        ),
      }),
      { description: "The key pair the client generates for the certificate request." },
    ),
    digest: field(digestSchema, {
      description: "The digest of the certificate request (CSR): `sha1`, `sha256`, `sha384` or `sha512` (the vendor's page spells `sha348`: a typo, refused).",
    }),
    fingerprint: field(z.string().optional(), {
      description: "The fingerprint (hex) of the SCEP server's CA certificate; the firewall checks the CA certificate the server sends against it [inferred from PAN-OS SCEP profiles].",
    }),
    certificateAttributes: field(certificateAttributesSchema.optional(), {
      description: "The subject alternative name of the certificate requested: exactly one of `rfc822name`, `dnsname` or `uniformResourceIdentifier`.",
    }),
    useAsDigitalSignature: field(z.boolean().optional(), {
      description: "Request the certificate's key usage for digital signatures.",
    }),
    useForKeyEncipherment: field(z.boolean().optional(), {
      description: "Request the certificate's key usage for key encipherment.",
    }),
    scepUrl: field(httpUrl("scepUrl"), {
      description: "The SCEP server's URL (http or https), e.g. `https://scep.example.com/certsrv/mscep/mscep.dll`.",
    }),
    scepCaCert: field(certName("the SCEP server CA certificate").optional(), {
      description: `The SCEP server CA certificate: the SCM certificate that verifies the SCEP server's TLS certificate [inferred from PAN-OS SCEP profiles]; one the API lists (${BUILT_IN_CERTS.map((c) => `\`${c}\``).join(", ")}).`,
    }),
    scepClientCert: field(certName("the SCEP client certificate").optional(), {
      description: "The SCEP client certificate: the SCM certificate the firewall presents to the SCEP server for mutual TLS [inferred from PAN-OS SCEP profiles]; one the API lists, as for `scepCaCert`.",
    }),
    connection: connectionSchema,
    adopt: adoptField("name in the same container (folder, snippet or device)", "the profile id, or folder:::id, :snippet::id, ::device:id"),
  })
  .superRefine((a, ctx) => exactlyOne(a, CONTAINERS, ctx, [], " (the container the profile lives in)"));

/** What a program passes (`new scm.ScepProfile(name, args)`), before defaults. */
export type ScepProfileInputs = z.input<typeof argsSchema>;
/** Checked inputs: defaults filled, spellings normalised; what the state holds. */
export type ScepProfileState = z.output<typeof argsSchema>;

/** What the resource outputs beyond the inputs it echoes. */
export const outputsSchema = z.object({
  encryptedValues: field(z.record(z.string(), z.string()), {
    description:
      "The API's ciphertext of each secret leaf (`scepChallenge.fixed`, `scepChallenge.dynamic.password`), by path: the API answers secrets only so. A refresh compares it to tell a secret changed outside Pulumi.",
    secret: true,
  }),
  unverified: field(z.array(z.string()), {
    description:
      "Secret leaves (paths) whose plaintext a read could not verify, after an import: taken as declared until an update writes them.",
  }),
});

/** What the resource outputs: the checked inputs and the computed outputs. */
export type ScepProfileOutputs = ScepProfileState & z.output<typeof outputsSchema>;

/** The lists derived from the field facts (core/fields.ts); none is written by hand. */
export const { secretPaths: SECRET_PATHS, secretOutputs: SECRET_OUTPUTS, writeOnlyPaths: WRITE_ONLY_PATHS, replaceOnChange: REPLACE_ON, localKeys: LOCAL_KEYS, inputKeys: INPUT_KEYS, outputKeys: OUTPUT_KEYS } = fieldLists(argsSchema, outputsSchema);

/* ---------------------------------- wire ---------------------------------- */

/** The object as the API sends it; tolerant of fields we do not model (they are ignored). */
export const wireSchema = z.looseObject({
  id: z.string(),
  folder: z.string().optional(),
  snippet: z.string().optional(),
  device: z.string().optional(),
  name: z.string(),
  scep_challenge: z
    .looseObject({
      none: z.unknown().optional(),
      fixed: z.string().optional(),
      dynamic: z
        .looseObject({ otp_server_url: z.string().optional(), username: z.string().optional(), password: z.string().optional() })
        .optional(),
    })
    .optional(),
  ca_identity_name: z.string().optional(),
  subject: z.string().optional(),
  algorithm: z.looseObject({ rsa: z.looseObject({ rsa_nbits: z.union([z.string(), z.number()]).optional() }).optional() }).optional(),
  digest: z.string().optional(),
  fingerprint: z.string().optional(),
  certificate_attributes: z
    .looseObject({ rfc822name: z.string().optional(), dnsname: z.string().optional(), uniform_resource_identifier: z.string().optional() })
    .optional(),
  use_as_digital_signature: z.boolean().optional(),
  use_for_key_encipherment: z.boolean().optional(),
  scep_url: z.string().optional(),
  scep_ca_cert: z.string().optional(),
  scep_client_cert: z.string().optional(),
});
export type WireProfile = z.output<typeof wireSchema>;

/** The body sent on create and update (no `id`: it is read-only). */
const wireBodySchema = wireSchema.omit({ id: true });
export type WireBody = z.output<typeof wireBodySchema>;

/**
 * The profile as the API states it, in program spelling: what `decode` of the wire gives. Looser
 * than `argsSchema`: a secret leaf comes back as ciphertext, so it is left out here (see `fromWire`).
 */
const liveSchema = z.object({
  folder: z.string().optional(),
  snippet: z.string().optional(),
  device: z.string().optional(),
  name: z.string(),
  scepChallenge: z.object({
    none: z.object({}).optional(),
    fixed: z.string().optional(),
    dynamic: z.object({ otpServerUrl: z.string(), username: z.string(), password: z.string() }).optional(),
  }),
  caIdentityName: z.string(),
  subject: z.string(),
  algorithm: z.object({ rsa: z.object({ rsaNbits: z.string() }) }),
  digest: z.string(),
  fingerprint: z.string().optional(),
  certificateAttributes: z
    .object({ rfc822name: z.string().optional(), dnsname: z.string().optional(), uniformResourceIdentifier: z.string().optional() })
    .optional(),
  useAsDigitalSignature: z.boolean().optional(),
  useForKeyEncipherment: z.boolean().optional(),
  scepUrl: z.string(),
  scepCaCert: z.string().optional(),
  scepClientCert: z.string().optional(),
});

type Obj = Record<string, unknown>;

/** `certificate_attributes`: the same three fields, the URI's name in snake_case. */
const SAN_KEYS = ["rfc822name", "dnsname", "uniformResourceIdentifier"] as const;
const sanToWire = (a: Obj | undefined) => (a ? defined(Object.fromEntries(SAN_KEYS.map((k) => [snakeCase(k), a[k]]))) : undefined);
const sanFromWire = (w: Obj | undefined) => (w ? defined(Object.fromEntries(SAN_KEYS.map((k) => [k, w[snakeCase(k)]]))) : undefined);

/**
 * Wire ↔ program: every key in snake_case; the odd ones are the challenge (one of three shapes,
 * its secret leaves answered as ciphertext and so left out on decode), the key size (a number or
 * text on the wire, text in the state) and the API's defaults of required fields it left out.
 */
export const profileCodec = renamingCodec(wireBodySchema, liveSchema, {
  wireName: snakeCase,
  decode: (p, w) => {
    const ch = w.scep_challenge ?? {};
    return {
      ...p,
      scepChallenge:
        ch.fixed !== undefined
          ? {}
          : ch.dynamic
            ? { dynamic: { otpServerUrl: ch.dynamic.otp_server_url ?? "", username: ch.dynamic.username ?? "", password: "" } }
            : { none: {} },
      caIdentityName: w.ca_identity_name ?? "",
      subject: w.subject ?? "CN=$USERNAME",
      algorithm: { rsa: { rsaNbits: String(w.algorithm?.rsa?.rsa_nbits ?? "") } },
      digest: w.digest ?? "",
      certificateAttributes: sanFromWire(w.certificate_attributes),
      scepUrl: w.scep_url ?? "",
    };
  },
  encode: (wire, a) => {
    const c = a.scepChallenge;
    return {
      ...wire,
      scep_challenge:
        c.fixed !== undefined
          ? { fixed: c.fixed }
          : c.dynamic
            ? { dynamic: { otp_server_url: c.dynamic.otpServerUrl, username: c.dynamic.username, password: c.dynamic.password } }
            : { none: {} },
      algorithm: { rsa: { rsa_nbits: a.algorithm.rsa.rsaNbits } },
      certificate_attributes: sanToWire(a.certificateAttributes),
    };
  },
});

/** Checked inputs → request body. */
export const toWire = (a: ScepProfileState): WireBody => z.encode(profileCodec.checked, a as z.output<typeof liveSchema>) as WireBody;

/**
 * Live object (an answer the client has read with `wireSchema`) → inputs that reproduce it,
 * except the secret leaves: the API answers those encrypted, so they come back as `encrypted` (by
 * path) and the caller decides what plaintext to keep.
 */
export function fromWire(w: WireProfile): {
  inputs: Omit<ScepProfileState, "connection">;
  encrypted: Record<string, string>;
} {
  return { inputs: z.decode(profileCodec.checked, w) as Omit<ScepProfileState, "connection">, encrypted: encryptedOf(w) };
}

/** The API's ciphertext of each secret leaf, by path: all a create or update keeps of its answer (no decode). */
export function encryptedOf(w: WireProfile): Record<string, string> {
  const encrypted: Record<string, string> = {};
  const ch = w.scep_challenge;
  if (ch?.fixed !== undefined) encrypted["scepChallenge.fixed"] = ch.fixed;
  else if (ch?.dynamic?.password !== undefined) encrypted["scepChallenge.dynamic.password"] = ch.dynamic.password;
  return encrypted;
}

export function containerOf(a: { folder?: string; snippet?: string; device?: string }): { kind: ContainerKind; name: string } {
  for (const k of CONTAINERS) if (a[k] !== undefined) return { kind: k, name: a[k] as string };
  throw new Error("a SCEP profile needs exactly one of folder, snippet or device");
}
