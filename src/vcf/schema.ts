/**
 * `vcf.IdentityProvider` inputs: the SDDC Manager IdentityProviderSpec (shared/seeds/002_*.txt,
 * shared/reference/scm-vcf.md section 2). The API speaks camelCase too, so the wire body is the
 * checked inputs minus `connection`.
 *
 * Secret leaves: `ldap.password`, `oidc.clientSecret`, `connection.password` (and the TLS client
 * key). A change of `type` replaces the provider (the API cannot change it in place); so does
 * dropping a whole `ldap` or `oidc` block, which a PATCH cannot express.
 */
import { z } from "zod";
import { UNKNOWN } from "../core/check";
import { adoptField } from "../core/adopt";
import { tlsConnectionShape, tlsSecretPaths } from "../core/schema";

/**
 * External types and the sub-specs each needs. AD FS signs users in over OIDC and searches users
 * and groups over LDAP (vCenter's AD FS configuration needs both) [doc]. Later releases add other
 * external types [unverified]: those are passed through, needing at least one sub-spec.
 */
export const EXTERNAL_TYPES: Record<string, { ldap: boolean; oidc: boolean }> = {
  "Microsoft ADFS": { ldap: true, oidc: true },
  // The spelling in the vendor's PowerVCF sample `samples/idp/externalIdpSpec.json`; sent as given.
  AD_FS: { ldap: true, oidc: true },
};

/**
 * Spellings of one type, to their canonical one. SDDC Manager's API reference names AD FS
 * `Microsoft ADFS`, PowerVCF's sample spells it `AD_FS` [doc, both]; which one a GET answers for a
 * provider added with the other is not documented [inferred: either], so the two are one type
 * wherever types are compared, and a spelling alone never plans a change, let alone a replace.
 */
const TYPE_SPELLINGS: Record<string, string> = { AD_FS: "Microsoft ADFS" };

export function canonicalType(t: unknown): unknown {
  return typeof t === "string" ? (TYPE_SPELLINGS[t] ?? t) : t;
}

/** Types configured through broker federation (`fedIdpSpec`, VCF 5.1+), which this resource does not model. */
const FEDERATED_TYPES = ["Okta", "Microsoft Entra ID", "MICROSOFT_ENTRA_ID", "OKTA", "PingFederate", "PING_FEDERATE"];

export const EMBEDDED_TYPE = "Embedded";

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/** PEM text, or base64 of PEM text as in the vendor's PowerVCF samples; both are sent as given. */
export function isCertificate(s: string): boolean {
  if (s === UNKNOWN || PEM_RE.test(s)) return true;
  return /^[A-Za-z0-9+/=\s]+$/.test(s) && PEM_RE.test(Buffer.from(s, "base64").toString("utf8"));
}

const certChain = z.array(
  z.string().refine(isCertificate, { message: "must be a PEM certificate (-----BEGIN CERTIFICATE----- …) or base64 of one" }),
);

const required = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .min(1, `${what} must not be empty`);

const ldapEndpoint = z
  .string()
  .refine((s) => s === UNKNOWN || /^ldaps?:\/\/[^\s/:]+(:\d{1,5})?\/?$/i.test(s), {
    message: "must be ldap://host[:port] or ldaps://host[:port], e.g. ldaps://dc01.corp.example.com:636",
  });

export const ldapSchema = z.strictObject({
  domainName: required("the directory's domain name"),
  // An empty alias or chain is what SDDC Manager answers as absent: normalised so refresh shows no drift.
  domainAlias: z.string().optional().transform((a) => (a ? a : undefined)),
  username: required("the bind user"),
  password: required("the bind password"),
  type: z.enum(["OpenLdap", "ActiveDirectory"], { error: "must be OpenLdap or ActiveDirectory" }),
  sourceDetails: z
    .strictObject({
      usersBaseDn: required("the users base DN"),
      groupsBaseDn: required("the groups base DN"),
      serverEndpoints: z.array(ldapEndpoint).min(1, "needs at least one ldap:// or ldaps:// URL"),
      certChain: certChain.optional().transform((c) => (c?.length ? c : undefined)),
    })
    .superRefine((sd, ctx) => {
      // vCenter identity sources verify ldaps servers against the chain given here.
      const secure = sd.serverEndpoints.some((e) => /^ldaps:/i.test(e));
      if (secure && !sd.certChain?.length) {
        ctx.addIssue({ code: "custom", path: ["certChain"], message: "is required with ldaps:// endpoints: the CA chain of the LDAP servers' certificates" });
      }
    }),
});

export const oidcSchema = z.strictObject({
  clientId: required("the OIDC client id"),
  clientSecret: required("the OIDC client secret"),
  discoveryEndpoint: z
    .string()
    .refine((s) => s === UNKNOWN || /^https:\/\/[^\s/]+/i.test(s), {
      message: "must be the https URL of the IdP's .well-known/openid-configuration",
    }),
});

export const connectionSchema = z
  .strictObject({
    /** SDDC Manager FQDN or base URL (`sfo-vcf01.rainpole.io`, `https://sfo-vcf01.rainpole.io`). */
    host: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    ...tlsConnectionShape,
  })
  .optional();

export const argsSchema = z
  .strictObject({
    name: required("the identity provider's name"),
    type: required("the identity provider type"),
    certChain: certChain.optional(),
    ldap: ldapSchema.optional(),
    oidc: oidcSchema.optional(),
    connection: connectionSchema,
    /**
     * Take over an existing identity provider at create (local: never sent, never diffed).
     * `true`: the provider with this name, else add one; an id: that provider, which must exist.
     */
    adopt: adoptField("name (names are unique in SDDC Manager)", "the identity provider's id"),
  })
  .superRefine((a, ctx) => {
    if (a.type === UNKNOWN) return;
    if (a.type === EMBEDDED_TYPE) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message:
          "the built-in Embedded identity provider always exists and cannot be created or deleted; declare an external provider (type 'Microsoft ADFS') instead",
      });
      return;
    }
    if (FEDERATED_TYPES.includes(a.type)) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `'${a.type}' is configured through broker federation (fedIdpSpec), which vcf.IdentityProvider does not model; use 'Microsoft ADFS'`,
      });
      return;
    }
    const needs = EXTERNAL_TYPES[a.type];
    if (!needs) {
      if (a.ldap === undefined && a.oidc === undefined)
        ctx.addIssue({ code: "custom", path: ["ldap"], message: `type '${a.type}' needs an 'ldap' or an 'oidc' block (known types: ${Object.keys(EXTERNAL_TYPES).join(", ")})` });
      return;
    }
    for (const sub of ["ldap", "oidc"] as const) {
      if (needs[sub] && a[sub] === undefined)
        ctx.addIssue({ code: "custom", path: [sub], message: `is required for type '${a.type}'${sub === "ldap" ? " (the directory users and groups are searched in)" : " (the OIDC client SDDC Manager signs in with)"}` });
      if (!needs[sub] && a[sub] !== undefined)
        ctx.addIssue({ code: "custom", path: [sub], message: `is not used by type '${a.type}': remove it` });
    }
  });

/** What a program passes (`new vcf.IdentityProvider(name, args)`). */
export type IdentityProviderInputs = z.input<typeof argsSchema>;
/** Checked inputs: what the state holds. */
export type IdentityProviderState = z.output<typeof argsSchema>;

export const SECRET_PATHS = ["ldap.password", "oidc.clientSecret", "connection.password", ...tlsSecretPaths] as const;

/** Output keys that hold a secret leaf; the engine stores them encrypted and shows them as [secret]. */
export const SECRET_OUTPUTS = ["ldap", "oidc", "connection"];

/** Keys of the state that are the user's inputs (compared by diff). */
export const INPUT_KEYS = ["name", "type", "certChain", "ldap", "oidc", "connection"] as const satisfies readonly (keyof IdentityProviderState)[];

/** Input leaves the API never answers: secrets [doc: "Secrets are never returned"] and the top-level certChain. */
export const WRITE_ONLY_PATHS = ["ldap.password", "oidc.clientSecret", "certChain"] as const;

/* ---------------------------------- wire ---------------------------------- */

const wireLdap = z.looseObject({
  domainName: z.string().optional(),
  // An empty alias or chain is what SDDC Manager answers as absent: normalised so refresh shows no drift.
  domainAlias: z.string().optional().transform((a) => (a ? a : undefined)),
  username: z.string().optional(),
  type: z.string().optional(),
  sourceDetails: z
    .looseObject({
      usersBaseDn: z.string().optional(),
      groupsBaseDn: z.string().optional(),
      serverEndpoints: z.array(z.string()).optional(),
      certChain: z.array(z.string()).optional(),
    })
    .optional(),
});

/** IdentityProvider as GET answers it; tolerant of fields we do not model. */
export const wireSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.string().optional(),
  domainNames: z.array(z.string()).optional(),
  identitySources: z
    .array(z.looseObject({ name: z.string().optional(), type: z.string().optional(), domainNames: z.array(z.string()).optional(), ldap: wireLdap.optional() }))
    .optional(),
  ldap: wireLdap.optional(),
  oidc: z.looseObject({ clientId: z.string().optional(), discoveryEndpoint: z.string().optional() }).optional(),
  fedIdp: z.unknown().optional(),
  idpMessage: z.string().optional(),
});
export type WireIdp = z.output<typeof wireSchema>;

/** IdentityProviderSpec, the POST and PATCH body. */
export type WireSpec = Omit<IdentityProviderState, "connection">;

export function toWire(a: IdentityProviderState): WireSpec {
  const { connection: _c, adopt: _a, ...spec } = a;
  return structuredClone(spec);
}

/** What the resource outputs besides its inputs. */
export interface LiveOutputs {
  /** The provider's id (Pulumi's own `id` holds it too; this name avoids the clash in outputs). */
  identityProviderId: string;
  status?: string;
  domainNames: string[];
  identitySources: Array<Record<string, unknown>>;
  /** The live OIDC configuration as discovered (endpoints, issuer, auth method); no secret. */
  oidcInfo?: Record<string, unknown>;
  idpMessage?: string;
  fedIdp?: unknown;
}

/**
 * Live object → the inputs that reproduce it, without the write-only leaves (the caller knows
 * them from state, or an import cannot), and the outputs.
 */
export function fromWire(w: WireIdp): { inputs: Omit<IdentityProviderState, "connection">; outputs: LiveOutputs } {
  const inputs: Record<string, unknown> = { name: w.name, type: w.type };
  if (w.ldap) {
    const sd = w.ldap.sourceDetails ?? {};
    inputs.ldap = dropUndefined({
      domainName: w.ldap.domainName ?? "",
      domainAlias: w.ldap.domainAlias || undefined,
      username: w.ldap.username ?? "",
      password: "",
      type: w.ldap.type,
      sourceDetails: dropUndefined({
        usersBaseDn: sd.usersBaseDn ?? "",
        groupsBaseDn: sd.groupsBaseDn ?? "",
        serverEndpoints: sd.serverEndpoints ?? [],
        certChain: sd.certChain?.length ? sd.certChain : undefined,
      }),
    });
  }
  if (w.oidc) inputs.oidc = { clientId: w.oidc.clientId ?? "", clientSecret: "", discoveryEndpoint: w.oidc.discoveryEndpoint ?? "" };
  const outputs: LiveOutputs = dropUndefined({
    identityProviderId: w.id,
    status: w.status,
    domainNames: w.domainNames ?? [],
    identitySources: (w.identitySources ?? []) as Array<Record<string, unknown>>,
    oidcInfo: w.oidc ? structuredClone(w.oidc) : undefined,
    idpMessage: w.idpMessage,
    fedIdp: w.fedIdp,
  });
  return { inputs: inputs as Omit<IdentityProviderState, "connection">, outputs };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
