/**
 * `cxif.ScimConfiguration` inputs: camelCase for the program, kebab-case on the wire, one schema
 * for both directions (zod codecs: `decode` reads the API's answer, `encode` writes a request).
 * Shapes, enums and defaults come from the vendor's page for `PUT /admin/scimConfigurations/{id}`
 * (seed 003) and shared/reference/czertainly-nevisidm-cxif.md §3.3 (cited as "ref §3.x").
 *
 * The target connection descriptor is named by `targetConnectionDescriptorName` (+ namespace) or
 * by `targetConnectionDescriptorHref` (the page's "Match One Schema"). All three are optional and
 * computed: what the program leaves out, the server fills, and the state keeps the server's value.
 * Nothing replaces: the API takes every change through PUT (ref §3.7).
 *
 * Secret leaves: `connection.clientSecret` and the TLS client key; a SCIM configuration itself
 * holds no secret (ref §3.7).
 */
import { z } from "zod";
import { adoptField } from "../core/adopt";
import { defined, kebabCase, renamingCodec } from "../core/codec";
import { field, fieldLists, localKeys, secretOutputs, secretPaths, writeOnlyPaths } from "../core/fields";
import { connectionField, httpUrl, tlsConnectionShape, tokenTlsConnectionShape } from "../core/schema";

/**
 * The `connection` input's shape. Every setting left out comes from the stack config, then the
 * environment (client.ts `SETTINGS`); none is ever sent to the framework as data.
 */
export const connectionSchema = connectionField(
  z
    .strictObject({
      host: field(z.string().min(1, "connection.host must not be empty").optional(), {
        description:
          "The Industries Framework URL (`https://{FABRIC_HOST}`), where the admin API's paths (`/admin/...`) start; a bare host name gets `https://`. " +
          "Also the audience of the default `scope`.",
      }),
      tokenUrl: field(httpUrl("connection.tokenUrl").optional(), {
        description:
          "The OAuth2 token endpoint of the tenant's OCI IAM identity domain, usually `https://<identity-domain>.identity.oraclecloud.com/oauth2/v1/token`. " +
          "Often another host than the framework's.",
      }),
      clientId: field(z.string().optional(), {
        description:
          "Client id of the identity domain's confidential application that may use the client-credentials grant and has the CXIF OAuth " +
          "application added as an authorized resource.",
      }),
      clientSecret: field(z.string().optional(), {
        description: "Client secret of that confidential application; sent to the token endpoint only (HTTP basic), never to the framework.",
        secret: true,
      }),
      scope: field(z.string().optional(), {
        description:
          "OAuth2 scope requested with the token. Default `<host>/urn:opc:resource:consumer::all`, the framework's admin scope; the narrower " +
          "`::SelfService` scope that Digital Assistant setups use is [inferred] refused by the admin API (403).",
      }),
      ...tlsConnectionShape,
      ...tokenTlsConnectionShape,
    })
    .optional(),
  "CX Industries Framework",
);

export const ATTRIBUTE_TYPES = ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "DATETIMESTRING", "OBJECT"] as const;
export const CUSTOM_MODES = ["FORWARD", "SWALLOW", "MAP"] as const;
export const RFC7643_MODES = ["FORWARD", "SWALLOW"] as const;

/**
 * The descriptor name at the end of an href. The seed shows the relative form
 * `/connectionDescriptors/{name}`; a server behind another base (an absolute URL, a prefix such
 * as `/admin/connectionDescriptors/{name}`) is [inferred] possible, so any href whose path ends
 * in `connectionDescriptors/{name}` names that descriptor.
 */
const HREF_RE = /(?:^|\/)connectionDescriptors\/([^/?#]+)\/?(?:[?#].*)?$/;

/** The href the server computes for a descriptor name (seed example: `/connectionDescriptors/flytxtjmbfz`). */
export const hrefOf = (name: string) => `/connectionDescriptors/${encodeURIComponent(name)}`;
export const nameOfHref = (href: string): string | undefined => {
  const m = HREF_RE.exec(href);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
};

/** An href a program writes: it must name a descriptor, so check can tell which. */
const hrefInput = z
  .string()
  .refine((h) => nameOfHref(h) !== undefined, "targetConnectionDescriptorHref must name a descriptor: /connectionDescriptors/{name} (or a URL ending so)");

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);
const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (iss) => `${what} must be one of ${values.join(", ")} (got ${JSON.stringify(iss.input)})` });

/** One custom attribute's mapping. Defaults are the server's (seed: STRING, FORWARD, false), so a read matches. */
export const customAttrSchema = z
  .strictObject({
    attributeName: field(nonEmpty("attributeName"), {
      description: "The custom attribute's name as the user-management API receives it under this schema URN (the wire's `attribute-name`).",
    }),
    attributeType: field(enumOf(ATTRIBUTE_TYPES, "attributeType").default("STRING"), {
      description:
        "The attribute's value type: STRING (the server's default), NUMBER, INTEGER, BOOLEAN, DATETIMESTRING, or OBJECT " +
        "(listed by a later release's page than 25d [unverified]).",
    }),
    mode: field(enumOf(CUSTOM_MODES, "mode").default("FORWARD"), {
      description:
        "What the framework does with the attribute on its way to the target identity system: FORWARD it as is (the server's default), " +
        "SWALLOW it (not sent), or MAP it to `targetAttributeName`.",
    }),
    required: field(z.boolean().default(false), {
      description: "Whether a user-management request must carry the attribute (the server's default: false).",
    }),
    targetAttributeName: field(nonEmpty("targetAttributeName").optional(), {
      description: "The attribute's name in the target identity system; required when `mode` is MAP, and used only then.",
    }),
  })
  .superRefine((a, ctx) => {
    if (a.mode === "MAP" && a.targetAttributeName === undefined) {
      ctx.addIssue({ code: "custom", path: ["targetAttributeName"], message: "targetAttributeName is required when mode is MAP: name the attribute in the target identity system" });
    }
  });

const customAttrList = z.array(customAttrSchema).superRefine((items, ctx) => {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (seen.has(it.attributeName)) {
      ctx.addIssue({ code: "custom", path: [i, "attributeName"], message: `'${it.attributeName}' is mapped twice under this schema URN; keep one entry` });
    }
    seen.add(it.attributeName);
  });
});

/** A profile (`Subscriber`, say): the user-management API applies it by name (ref §3.2). */
export const profileSchema = z.strictObject({
  groupAssignment: field(z.array(nonEmpty("a group name")).default([]), {
    description:
      "Groups of the target identity system a user of this profile is put in when the user-management API creates or updates the user. " +
      "Order is kept as given (the framework may apply it in order [inferred]).",
  }),
  scimRfc7643Mapping: field(z.record(z.string(), enumOf(RFC7643_MODES, "the mode")).default({}), {
    description:
      "RFC 7643 core attribute (`name`, `emails`, `phoneNumbers`...) → FORWARD (pass it to the target identity system, the server's default " +
      "for an attribute it answers without a mode) or SWALLOW (drop it).",
  }),
  // URNs may hold `/` and `~`: they are map keys, never paths (JSON Patch pointers escape them, ref §3.7).
  scimCustomAttrMapping: field(z.record(z.string(), customAttrList).default({}), {
    description: "SCIM schema URN (`urn:scim:schemas:extension:custom:1.0:User`, say) → the mappings of the custom attributes under it, each attribute once.",
  }),
});

const descriptorName = () =>
  field(nonEmpty("targetConnectionDescriptorName").optional(), {
    description:
      "Name of the connection descriptor of the target identity system (a SCIM 2.0 IDM) whose users this configuration shapes. " +
      "Set it, or `targetConnectionDescriptorHref`; left out, it is read from the href and the state keeps the server's value. " +
      "The server holds one configuration per descriptor [inferred], which is what `adopt: true` finds. Changed in place (PUT).",
  });
const descriptorNamespace = () =>
  field(nonEmpty("targetConnectionDescriptorNamespace").optional(), {
    description:
      "Namespace of that connection descriptor (`dx-prod`, say). Left out, the server fills it (the namespace of the one descriptor of that " +
      "name) and the state keeps it, so no diff shows; a change of descriptor that leaves it out lets the server fill it anew.",
  });

/** The configuration as the API states it, in program spelling; `decode` of the wire lands here. */
export const liveSchema = z.strictObject({
  configurationId: field(z.string().optional(), { description: "The server-assigned id (the wire's `id`)." }),
  targetConnectionDescriptorName: descriptorName(),
  targetConnectionDescriptorNamespace: descriptorNamespace(),
  // Whatever form the server answers it in is kept as is: a read must not fail on it.
  targetConnectionDescriptorHref: field(z.string().optional(), { description: "The descriptor's href as the server answers it." }),
  profiles: field(z.record(nonEmpty("a profile name"), profileSchema).default({}), {
    description:
      "Profile name (`Subscriber`, say; the name a user-management request gives) → how users of that profile reach the target identity " +
      "system: group assignment, RFC 7643 attribute modes, custom attribute mappings. The server's defaults are filled in, so an " +
      "unchanged program never shows a diff. Every change is one full PUT.",
  }),
});

export const argsSchema = liveSchema
  .omit({ configurationId: true })
  .extend({
    targetConnectionDescriptorHref: field(hrefInput.optional(), {
      description:
        "The connection descriptor by href instead of by name: `/connectionDescriptors/{name}`, or a URL whose path ends so. Left out, the " +
        "server computes it from the name and the state keeps its answer; sent only as the program writes it.",
    }),
    connection: connectionSchema,
    adopt: adoptField("target connection descriptor (one configuration per descriptor)", "the configuration-id"),
  })
  .superRefine((a, ctx) => {
    const name = a.targetConnectionDescriptorName;
    const href = a.targetConnectionDescriptorHref;
    if (name === undefined && href === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["targetConnectionDescriptorName"],
        message: "name the target connection descriptor: set targetConnectionDescriptorName (and optionally targetConnectionDescriptorNamespace), or targetConnectionDescriptorHref",
      });
    }
    const fromHref = href === undefined ? undefined : nameOfHref(href);
    if (name !== undefined && fromHref !== undefined && name !== fromHref) {
      ctx.addIssue({
        code: "custom",
        path: ["targetConnectionDescriptorHref"],
        message: `names descriptor '${fromHref}' but targetConnectionDescriptorName is '${name}': set one of them, or make them agree`,
      });
    }
  });

/**
 * What the resource outputs beyond its inputs: the id, and the descriptor reference as the server
 * holds it, always present (an input the program may leave out, the server computes).
 */
export const outputsSchema = z.object({
  configurationId: field(z.string(), {
    description: "The server-assigned id (16 lower-case letters and digits in the vendor's example): the resource's `id`, and the import id `adopt` takes.",
  }),
  targetConnectionDescriptorName: field(z.string(), { description: "The target connection descriptor's name, as declared or read from the href." }),
  targetConnectionDescriptorNamespace: field(z.string(), { description: "The target connection descriptor's namespace, as declared or as the server filled it." }),
  targetConnectionDescriptorHref: field(z.string(), {
    description: "The target connection descriptor's href as the server answers it (`/connectionDescriptors/{name}`): what other stacks consume.",
  }),
});

/** What a program passes (`new cxif.ScimConfiguration(name, args)`), before defaults. */
export type ScimConfigurationInputs = z.input<typeof argsSchema>;
/** Checked inputs: defaults filled; what the engine passes to create and update. */
export type ScimConfigurationArgs = z.output<typeof argsSchema>;
/** The resource's outputs: the computed ones, then the inputs the state holds as given. */
export type ScimConfigurationOutputs = z.output<typeof outputsSchema> & Pick<ScimConfigurationArgs, "profiles" | "connection">;
export type Profile = z.output<typeof profileSchema>;
export type CustomAttr = z.output<typeof customAttrSchema>;
export type LiveConfiguration = z.output<typeof liveSchema>;

/* ------------------------- lists derived from the facts ------------------------- */

/** The lists derived from the field facts (core/fields.ts); none is written by hand. */
export const { secretPaths: SECRET_PATHS, secretOutputs: SECRET_OUTPUTS, inputKeys: INPUT_KEYS, localKeys: LOCAL_KEYS, replaceOnChange: REPLACE_ON, writeOnlyPaths: WRITE_ONLY_PATHS } = fieldLists(argsSchema, outputsSchema);

/** The descriptor reference: the inputs that are also computed outputs, which the server fills when left out. */
export const TARGET_KEYS = Object.keys(outputsSchema.shape).filter((k) => INPUT_KEYS.includes(k as keyof ScimConfigurationArgs)) as (keyof ScimConfigurationArgs &
  keyof z.output<typeof outputsSchema>)[];

/* ---------------------------------- wire ---------------------------------- */

type Obj = Record<string, unknown>;

/** The framework may answer a collection it has none of as null; absent, the schema's default fills it. */
const nullAsAbsent = (o: Obj): Obj => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v ?? undefined]));

// Wire schemas are loose: fields a newer release adds are ignored, not refused.
const wireCustomAttr = renamingCodec(
  z.looseObject({
    "attribute-name": z.string(),
    "attribute-type": z.string().optional(),
    mode: z.string().optional(),
    required: z.boolean().optional(),
    "target-attribute-name": z.string().optional(),
  }),
  customAttrSchema,
  { wireName: kebabCase },
);

const wireProfile = renamingCodec(
  z.looseObject({
    "group-assignment": z.array(z.string()).nullish(),
    "scim-rfc7643-mapping": z.record(z.string(), z.string().nullable()).nullish(),
    "scim-custom-attr-mapping": z.record(z.string(), z.array(wireCustomAttr)).nullish(),
  }),
  profileSchema,
  {
    wireName: kebabCase,
    decode: (r) => {
      const p = nullAsAbsent(r);
      const modes = p.scimRfc7643Mapping as Record<string, string | null> | undefined;
      // An rfc7643 mode left null is FORWARD (the schema's default).
      return modes ? { ...p, scimRfc7643Mapping: Object.fromEntries(Object.entries(modes).map(([k, m]) => [k, m ?? "FORWARD"])) } : p;
    },
  },
);

/** The `SCIMConfiguration` object (ref §3.3) ⇄ `LiveConfiguration`. */
export const wireConfiguration = renamingCodec(
  z.looseObject({
    id: z.string().optional(),
    "target-connection-descriptor-name": z.string().optional(),
    "target-connection-descriptor-namespace": z.string().optional(),
    "target-connection-descriptor-href": z.string().optional(),
    profiles: z.record(z.string(), wireProfile).nullish(),
  }),
  liveSchema,
  { wireName: kebabCase, rename: { configurationId: "id" }, decode: nullAsAbsent },
);

export type WireConfiguration = z.input<typeof wireConfiguration>;

/** Checked inputs (or state) → the request body of POST and PUT: no id, no connection, no undefined. */
export function toWire(a: Omit<LiveConfiguration, "configurationId">): WireConfiguration {
  const { connection: _c, configurationId: _i, ...config } = a as LiveConfiguration & { connection?: unknown };
  return defined(z.encode(wireConfiguration, config)) as WireConfiguration;
}

/** The API's answer → program spelling with the schema's defaults filled. */
export function fromWire(w: unknown): LiveConfiguration {
  // The engine's protobuf Struct cannot carry undefined: absent optional fields are dropped.
  return defined(z.decode(wireConfiguration, w as WireConfiguration));
}
