/**
 * `scm.ScepProfile` inputs: camelCase for the program, snake_case on the wire, one schema for
 * both directions. Limits come from the vendor's OpenAPI document (`scep-profiles` schema in
 * shared/specs/scm-identity-services.openapi.yaml) and its Terraform provider's `scm_scep_profile`.
 *
 * Secret leaves: `scepChallenge.fixed`, `scepChallenge.dynamic.password`, `connection.clientSecret`
 * (and the TLS client key). A change of container (folder / snippet / device) replaces the profile.
 */
import { z } from "zod";
import { exactlyOne } from "../core/check";
import { adoptField, comparedKeys } from "../core/adopt";
import { httpUrl, tlsConnectionShape, tlsSecretPaths, tokenTlsConnectionShape } from "../core/schema";

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

export const connectionSchema = z
  .strictObject({
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    tsgId: z.string().optional(),
    tokenUrl: httpUrl("connection.tokenUrl").optional(),
    apiUrl: httpUrl("connection.apiUrl").optional(),
    ...tlsConnectionShape,
    ...tokenTlsConnectionShape,
  })
  .optional();

const challengeSchema = z
  .strictObject({
    none: z
      .strictObject({}, { error: "use `none: {}` (an empty object) for no challenge" })
      .optional(),
    fixed: z
      .string()
      .min(1, "a fixed challenge must not be empty; use `none: {}` for no challenge")
      .max(1024, "a fixed challenge must be at most 1024 characters")
      .optional(),
    dynamic: z
      .strictObject({
        otpServerUrl: z.string().max(255, "must be at most 255 characters").regex(URI_RE, "must be a URL (https://...)"),
        username: z.string().max(255, "must be at most 255 characters"),
        password: z.string().max(255, "must be at most 255 characters"),
      })
      .optional(),
  })
  .superRefine((c, ctx) => exactlyOne(c, ["none", "fixed", "dynamic"], ctx, [], " (the kind of SCEP challenge)"));

const RSA_BITS = ["1024", "2048", "3072"] as const;

const digestSchema = z.string().transform((d, ctx) => {
  const v = d.toLowerCase();
  if (v === "sha348") {
    ctx.addIssue({ code: "custom", message: "'sha348' is a typo on the vendor's page; use 'sha384'" });
    return z.NEVER;
  }
  if (!["sha1", "sha256", "sha384", "sha512"].includes(v)) {
    ctx.addIssue({ code: "custom", message: `must be one of sha1, sha256, sha384, sha512 (got '${d}')` });
    return z.NEVER;
  }
  return v as "sha1" | "sha256" | "sha384" | "sha512";
});

const certificateAttributesSchema = z
  .strictObject({
    // Formats as the vendor's OpenAPI document declares them (email, fqdn, uri).
    rfc822name: z.email("must be an email address (RFC 822 name)").optional(),
    dnsname: z
      .string()
      .regex(FQDN_RE, "must be a fully qualified host name (format fqdn), e.g. vpn.example.com: letters, digits, inner hyphens and dots")
      .optional(),
    uniformResourceIdentifier: z.string().regex(URI_RE, "must be a URI (scheme:...)").optional(),
  })
  .superRefine((c, ctx) =>
    exactlyOne(c, ["rfc822name", "dnsname", "uniformResourceIdentifier"], ctx, [], " (the subject alternative name type)"),
  );

export const argsSchema = z
  .strictObject({
    folder: containerName("folder").optional(),
    snippet: containerName("snippet").optional(),
    device: containerName("device").optional(),
    name: z.string().min(1, "must not be empty").max(31, "must be at most 31 characters (an SCM limit)"),
    scepChallenge: challengeSchema,
    caIdentityName: z.string().min(1, "must not be empty"),
    subject: z.string().min(1).default("CN=$USERNAME"),
    algorithm: z.strictObject({
      rsa: z.strictObject({
        rsaNbits: z
          .union([z.number(), z.string()], { error: "must be 1024, 2048 or 3072 (a number or its text)" })
          .transform((n, ctx) => {
            const s = String(n);
            if (!(RSA_BITS as readonly string[]).includes(s)) {
              ctx.addIssue({ code: "custom", message: `must be 1024, 2048 or 3072 (got ${JSON.stringify(n)})` });
              return z.NEVER;
            }
            return s as (typeof RSA_BITS)[number];
          }),
      }),
    }),
    digest: digestSchema,
    fingerprint: z.string().optional(),
    certificateAttributes: certificateAttributesSchema.optional(),
    useAsDigitalSignature: z.boolean().optional(),
    useForKeyEncipherment: z.boolean().optional(),
    scepUrl: httpUrl("scepUrl"),
    scepCaCert: certName("the SCEP server CA certificate").optional(),
    scepClientCert: certName("the SCEP client certificate").optional(),
    connection: connectionSchema,
    /**
     * Take over an existing profile at create (local: never sent, never diffed). `true`: the
     * profile with this name in this container, else create one; an id (`<id>`, `folder:::<id>`,
     * `:snippet::<id>`, `::device:<id>`): that profile, which must exist.
     */
    adopt: adoptField("name in the same container (folder, snippet or device)", "the profile id, or folder:::id, :snippet::id, ::device:id"),
  })
  .superRefine((a, ctx) => exactlyOne(a, CONTAINERS, ctx, [], " (the container the profile lives in)"));

/** What a program passes (`new scm.ScepProfile(name, args)`), before defaults. */
export type ScepProfileInputs = z.input<typeof argsSchema>;
/** Checked inputs: defaults filled, spellings normalised; what the state holds. */
export type ScepProfileState = z.output<typeof argsSchema>;

export const SECRET_PATHS = [
  "scepChallenge.fixed",
  "scepChallenge.dynamic.password",
  "connection.clientSecret",
  ...tlsSecretPaths,
] as const;

/** Output keys that can hold a secret; the engine stores them encrypted and shows them as [secret]. */
export const SECRET_OUTPUTS = ["scepChallenge", "connection", "encryptedValues"];

/** Keys of the state that are the user's inputs (compared by diff); `adopt` is create's alone. */
export const INPUT_KEYS = comparedKeys(argsSchema.shape) as (keyof ScepProfileState)[];

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
export type WireBody = Omit<WireProfile, "id">;

/** Checked inputs → request body. */
export const toWire = (a: ScepProfileState): WireBody => {
  const c = a.scepChallenge;
  return dropUndefined({
    folder: a.folder,
    snippet: a.snippet,
    device: a.device,
    name: a.name,
    scep_challenge: c.fixed !== undefined
      ? { fixed: c.fixed }
      : c.dynamic
        ? { dynamic: { otp_server_url: c.dynamic.otpServerUrl, username: c.dynamic.username, password: c.dynamic.password } }
        : { none: {} },
    ca_identity_name: a.caIdentityName,
    subject: a.subject,
    algorithm: { rsa: { rsa_nbits: a.algorithm.rsa.rsaNbits } },
    digest: a.digest,
    fingerprint: a.fingerprint,
    certificate_attributes: a.certificateAttributes
      ? dropUndefined({
          rfc822name: a.certificateAttributes.rfc822name,
          dnsname: a.certificateAttributes.dnsname,
          uniform_resource_identifier: a.certificateAttributes.uniformResourceIdentifier,
        })
      : undefined,
    use_as_digital_signature: a.useAsDigitalSignature,
    use_for_key_encipherment: a.useForKeyEncipherment,
    scep_url: a.scepUrl,
    scep_ca_cert: a.scepCaCert,
    scep_client_cert: a.scepClientCert,
  }) as WireBody;
};

/**
 * Live object → inputs that reproduce it, except the secret leaves: the API answers those
 * encrypted, so they come back as `encrypted` and the caller decides what plaintext to keep.
 */
export function fromWire(w: WireProfile): {
  inputs: Omit<ScepProfileState, "connection">;
  encrypted: Record<string, string>;
} {
  const encrypted: Record<string, string> = {};
  const ch = w.scep_challenge ?? {};
  let scepChallenge: ScepProfileState["scepChallenge"];
  if (ch.fixed !== undefined) {
    encrypted["scepChallenge.fixed"] = ch.fixed;
    scepChallenge = {};
  } else if (ch.dynamic) {
    if (ch.dynamic.password !== undefined) encrypted["scepChallenge.dynamic.password"] = ch.dynamic.password;
    scepChallenge = {
      dynamic: { otpServerUrl: ch.dynamic.otp_server_url ?? "", username: ch.dynamic.username ?? "", password: "" },
    };
  } else {
    scepChallenge = { none: {} };
  }
  const ca = w.certificate_attributes;
  const inputs = dropUndefined({
    folder: w.folder,
    snippet: w.snippet,
    device: w.device,
    name: w.name,
    scepChallenge,
    caIdentityName: w.ca_identity_name ?? "",
    subject: w.subject ?? "CN=$USERNAME",
    algorithm: { rsa: { rsaNbits: String(w.algorithm?.rsa?.rsa_nbits ?? "") } },
    digest: w.digest ?? "",
    fingerprint: w.fingerprint,
    certificateAttributes: ca
      ? dropUndefined({ rfc822name: ca.rfc822name, dnsname: ca.dnsname, uniformResourceIdentifier: ca.uniform_resource_identifier })
      : undefined,
    useAsDigitalSignature: w.use_as_digital_signature,
    useForKeyEncipherment: w.use_for_key_encipherment,
    scepUrl: w.scep_url ?? "",
    scepCaCert: w.scep_ca_cert,
    scepClientCert: w.scep_client_cert,
  }) as Omit<ScepProfileState, "connection">;
  return { inputs, encrypted };
}

export function containerOf(a: { folder?: string; snippet?: string; device?: string }): { kind: ContainerKind; name: string } {
  for (const k of CONTAINERS) if (a[k] !== undefined) return { kind: k, name: a[k] as string };
  throw new Error("a SCEP profile needs exactly one of folder, snippet or device");
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
