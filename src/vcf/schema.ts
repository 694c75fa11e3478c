/**
 * `vcf.IdentityProvider` inputs and outputs: the SDDC Manager IdentityProviderSpec
 * (shared/seeds/002_*.txt, shared/reference/scm-vcf.md section 2). The API speaks camelCase too, so
 * the wire body is the checked inputs minus the local ones.
 *
 * Each field's facts (description, secret, write-only, replace-on-change, local) are declared
 * beside it (core/fields.ts) and every list below is derived from them. Secret leaves:
 * `ldap.password`, `oidc.clientSecret`, `connection.password` (and the TLS client key). A change of
 * `type` replaces the provider (the API cannot change it in place); so does dropping a whole
 * `ldap` or `oidc` block, which a PATCH cannot express.
 */
import { z } from "zod";
import { UNKNOWN } from "../core/check";
import { adoptField } from "../core/adopt";
import { defined, renamingCodec } from "../core/codec";
import { field, fieldLists, localKeys, secretOutputs, secretPaths, shapeOf, writeOnlyPaths } from "../core/fields";
import { connectionField, tlsConnectionShape } from "../core/schema";

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
  domainName: field(required("the directory's domain name"), {
    description: "The directory's DNS domain name (`corp.example.com`) [seed]; it comes back in the provider's `domainNames` output [inferred].",
  }),
  // An empty alias or chain is what SDDC Manager answers as absent: normalised so refresh shows no drift.
  domainAlias: field(
    z
      .string()
      .optional()
      .transform((a) => (a ? a : undefined)),
    { description: "An alias of the domain [seed], such as its NetBIOS name `CORP` [inferred]; it comes back in `domainNames` too [inferred]. Empty counts as absent." },
  ),
  username: field(required("the bind user"), {
    description: "The user SDDC Manager binds to the directory as to search users and groups (`svc-ldap@corp.example.com`).",
  }),
  password: field(required("the bind password"), {
    description: "The bind user's password. SDDC Manager never answers it back, so a read cannot verify it [doc: secrets are never returned].",
    secret: true,
    writeOnly: true,
  }),
  type: field(z.enum(["OpenLdap", "ActiveDirectory"], { error: "must be OpenLdap or ActiveDirectory" }), {
    description: "The directory's kind: `ActiveDirectory` or `OpenLdap`.",
  }),
  sourceDetails: field(
    z
      .strictObject({
        usersBaseDn: field(required("the users base DN"), {
          description: "The DN users are searched under (`OU=Users,DC=corp,DC=example,DC=com`).",
        }),
        groupsBaseDn: field(required("the groups base DN"), {
          description: "The DN groups are searched under (`OU=Groups,DC=corp,DC=example,DC=com`).",
        }),
        serverEndpoints: field(z.array(ldapEndpoint).min(1, "needs at least one ldap:// or ldaps:// URL"), {
          description: "The directory servers [seed]: `ldap://host[:port]` (389) or `ldaps://host[:port]` (636); at least one.",
        }),
        certChain: field(
          certChain.optional().transform((c) => (c?.length ? c : undefined)),
          {
            description:
              "The CA chain (PEM, or base64 of PEM as in the vendor's samples) the `ldaps://` servers' certificates are verified against; required with `ldaps://` endpoints. Empty counts as absent.",
          },
        ),
      })
      .superRefine((sd, ctx) => {
        // vCenter identity sources verify ldaps servers against the chain given here.
        const secure = sd.serverEndpoints.some((e) => /^ldaps:/i.test(e));
        if (secure && !sd.certChain?.length) {
          ctx.addIssue({ code: "custom", path: ["certChain"], message: "is required with ldaps:// endpoints: the CA chain of the LDAP servers' certificates" });
        }
      }),
    { description: "Where in the directory users and groups are found, and which servers to ask." },
  ),
});

export const oidcSchema = z.strictObject({
  clientId: field(required("the OIDC client id"), {
    description: "The OIDC client id SDDC Manager signs in with [seed], as registered at the IdP (for AD FS, the application group's client [inferred]).",
  }),
  clientSecret: field(required("the OIDC client secret"), {
    description: "The client's secret. SDDC Manager never answers it back, so a read cannot verify it [doc: secrets are never returned].",
    secret: true,
    writeOnly: true,
  }),
  discoveryEndpoint: field(
    z.string().refine((s) => s === UNKNOWN || /^https:\/\/[^\s/]+/i.test(s), {
      message: "must be the https URL of the IdP's .well-known/openid-configuration",
    }),
    {
      description:
        "The https URL of the IdP's OpenID configuration (`https://adfs.corp.example.com/adfs/.well-known/openid-configuration`); SDDC Manager reads the endpoints from it (see the `oidcInfo` output).",
    },
  ),
});

export const connectionSchema = z
  .strictObject({
    host: field(z.string().optional(), {
      description: "SDDC Manager's FQDN or base URL (`sfo-vcf01.rainpole.io`, `https://sfo-vcf01.rainpole.io`); https is assumed for a bare name.",
    }),
    username: field(z.string().optional(), {
      description: "The SDDC Manager user the API token is requested for (`POST /v1/tokens`); it needs the ADMIN role to manage identity providers.",
    }),
    password: field(z.string().optional(), { description: "That user's password.", secret: true }),
    ...tlsConnectionShape,
  })
  .optional();

/**
 * The order of the fields is the order of the lists derived from them: the write-only leaves
 * (`ldap.password`, `oidc.clientSecret`, `certChain`) are listed in `unverified` in this order,
 * as they were before the lists were derived.
 */
export const argsSchema = z
  .strictObject({
    name: field(required("the identity provider's name"), {
      description:
        "The user-friendly name of the identity provider [seed]. Names are unique in SDDC Manager, the built-in `Embedded IDP` included; a rename is an update.",
    }),
    type: field(required("the identity provider type"), {
      description:
        "The type of identity provider [seed]: `Microsoft ADFS` (needs `ldap` and `oidc`; PowerVCF's samples spell it `AD_FS`, taken as the same type). Other external types of later releases are passed through [unverified]; `Embedded` and the broker-federated types are refused. A change replaces the provider: the API cannot change it in place.",
      replaceOnChange: true,
    }),
    ldap: field(ldapSchema.optional(), {
      description:
        "The LDAP directory users and groups are searched in [seed: required for the PATCH]. Removing the whole block replaces the provider: a PATCH cannot remove it.",
    }),
    oidc: field(oidcSchema.optional(), {
      description:
        "The OIDC client SDDC Manager signs users in with [seed: required for the PATCH]. Removing the whole block replaces the provider: a PATCH cannot remove it.",
    }),
    certChain: field(certChain.optional(), {
      description:
        "The root certificate chain required to connect to the external server [seed] (PEM, or base64 of PEM). SDDC Manager never answers it back, so a read cannot verify it; removing it clears it with `[]`.",
      writeOnly: true,
    }),
    connection: connectionField(connectionSchema, "SDDC Manager"),
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

/**
 * What the resource outputs besides its inputs: the live object's read-only parts, and the
 * write-only inputs a read could not verify (core/writeonly.ts).
 */
export const outputsSchema = z.object({
  identityProviderId: field(z.string(), {
    description: "The identity provider's id in SDDC Manager: the same value as the resource's `id` (which Pulumi reserves), and its import id.",
  }),
  status: field(z.string().optional(), {
    description: "The provider's status as SDDC Manager answers it [doc]: `ACTIVE` for the provider in use, `INACTIVE` otherwise [inferred].",
  }),
  domainNames: field(z.array(z.string()), {
    description: "The domain names SDDC Manager serves through this provider (from `ldap.domainName` and `ldap.domainAlias`).",
  }),
  identitySources: field(z.array(z.record(z.string(), z.unknown())), {
    description: "The provider's identity sources as SDDC Manager answers them (`name`, `type`, `domainNames`, the LDAP settings without the password) [doc].",
  }),
  oidcInfo: field(z.record(z.string(), z.unknown()).optional(), {
    description: "The live OIDC configuration as SDDC Manager discovered it (client id, endpoints, issuer, auth method); never the client secret.",
  }),
  idpMessage: field(z.string().optional(), { description: "A message SDDC Manager attaches to the provider, when it gives one [inferred]." }),
  fedIdp: field(z.unknown().optional(), { description: "The federation details SDDC Manager answers for an external provider, as given [doc]." }),
  unverified: field(z.array(z.string()), {
    description:
      "Write-only inputs (the bind password, the client secret, the top-level `certChain`) an import or adoption could not read back: taken as declared until an update writes them. Empty after a create or an update.",
  }),
});

/** The live object's outputs, as a type. */
export type LiveOutputs = Omit<z.output<typeof outputsSchema>, "unverified">;

/** The lists derived from the field facts (core/fields.ts); none is written by hand. */
export const { secretPaths: SECRET_PATHS, secretOutputs: SECRET_OUTPUTS, inputKeys: INPUT_KEYS, localKeys: LOCAL_KEYS, replaceOnChange: REPLACE_ON_CHANGE, writeOnlyPaths: WRITE_ONLY_PATHS } = fieldLists(argsSchema, outputsSchema);

/**
 * The sub-specs (`ldap`, `oidc`): the inputs sent as a whole block. A PATCH can change one but not
 * remove it, so dropping one replaces the provider.
 */
export const SUB_SPEC_KEYS = INPUT_KEYS.filter((k) => !LOCAL_KEYS.includes(k) && shapeOf(argsSchema.shape[k]) !== undefined);

/* ---------------------------------- wire ---------------------------------- */

const wireLdap = z.looseObject({
  domainName: z.string().optional(),
  // An empty alias is what SDDC Manager answers as absent: `fromWire` reads it so (`aliasOrNone`),
  // so that refresh shows no drift. Not a transform here: a wire schema without one is checked
  // without a zod pass (core/answers.ts).
  domainAlias: z.string().optional(),
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

/** An LDAP block's alias, an empty one read as none (what SDDC Manager answers for no alias). */
const aliasOrNone = (a: string | undefined): string | undefined => (a ? a : undefined);

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

/**
 * IdentityProviderSpec, the POST and PATCH body [seed], as loose as the server is the judge of its
 * values (check has refused what we know it refuses). No transform: a codec encodes through it.
 */
const wireSpecSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  certChain: z.array(z.string()).optional(),
  ldap: z.looseObject({}).optional(),
  oidc: z.looseObject({}).optional(),
});
/** IdentityProviderSpec, the POST and PATCH body. */
export type WireSpec = z.output<typeof wireSpecSchema>;

/**
 * Checked inputs ⇄ IdentityProviderSpec: SDDC Manager spells every field as the inputs do, so the
 * body is the inputs without the local ones (`connection`, `adopt`).
 */
const specCodec = renamingCodec(
  wireSpecSchema,
  wireSpecSchema.extend({ connection: z.unknown().optional(), adopt: z.unknown().optional() }),
  { wireName: (k) => k, skip: LOCAL_KEYS },
);

/**
 * IdentityProvider (GET) → the inputs that reproduce it and the outputs. The odd fields: the id
 * and the discovered OIDC settings are outputs under other names, and the write-only leaves
 * (passwords, the client secret) come back empty, for the caller to fill from state (an import
 * cannot). The top-level certChain is never answered, so it is not read.
 */
export const liveCodec = renamingCodec(
  wireSchema,
  z.object({
    name: z.string(),
    type: z.string(),
    ldap: z.looseObject({}).optional(),
    oidc: z.looseObject({}).optional(),
    ...outputsSchema.omit({ unverified: true }).shape,
  }),
  {
    wireName: (k) => k,
    rename: { identityProviderId: "id", oidcInfo: "oidc" },
    decode: (r, w) => {
      const sd = w.ldap?.sourceDetails ?? {};
      return {
        ...r,
        ldap: w.ldap && {
          domainName: w.ldap.domainName ?? "",
          domainAlias: aliasOrNone(w.ldap.domainAlias),
          username: w.ldap.username ?? "",
          password: "",
          type: w.ldap.type,
          sourceDetails: {
            usersBaseDn: sd.usersBaseDn ?? "",
            groupsBaseDn: sd.groupsBaseDn ?? "",
            serverEndpoints: sd.serverEndpoints ?? [],
            certChain: sd.certChain?.length ? sd.certChain : undefined,
          },
        },
        oidc: w.oidc && { clientId: w.oidc.clientId ?? "", clientSecret: "", discoveryEndpoint: w.oidc.discoveryEndpoint ?? "" },
        domainNames: w.domainNames ?? [],
        // Each source as answered, its LDAP block's alias read as the provider's own is.
        identitySources: (w.identitySources ?? []).map((src) => (src.ldap ? { ...src, ldap: { ...src.ldap, domainAlias: aliasOrNone(src.ldap.domainAlias) } } : src)),
      };
    },
  },
);

/** Checked inputs (or state) → the POST and PATCH body. */
export function toWire(a: IdentityProviderState): WireSpec {
  return z.encode(specCodec.checked, a as z.output<typeof specCodec>);
}

/**
 * Live object (an answer the client has read with `wireSchema`) → the inputs that reproduce it,
 * without the write-only leaves (the caller knows them from state, or an import cannot), and the
 * outputs.
 */
export function fromWire(w: WireIdp): { inputs: Omit<IdentityProviderState, "connection">; outputs: LiveOutputs } {
  const { name, type, ldap, oidc, ...outputs } = liveCodec.read(w);
  const inputs = defined({ name, type, ldap, oidc }) as Omit<IdentityProviderState, "connection">;
  return { inputs, outputs: outputs as LiveOutputs };
}
