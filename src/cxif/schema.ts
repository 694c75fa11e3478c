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
import { httpUrl, tlsConnectionShape, tlsSecretPaths, tokenTlsConnectionShape } from "../core/schema";

export const connectionSchema = z
  .strictObject({
    /** The Industries Framework URL (`https://{FABRIC_HOST}`); a bare host name gets https://. */
    host: z.string().min(1, "connection.host must not be empty").optional(),
    /** The identity domain's token endpoint: `https://<domain>.identity.oraclecloud.com/oauth2/v1/token`. */
    tokenUrl: httpUrl("connection.tokenUrl").optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    /** Defaults to `<host>/urn:opc:resource:consumer::all`, the framework scope (ref §3.5). */
    scope: z.string().optional(),
    ...tlsConnectionShape,
    ...tokenTlsConnectionShape,
  })
  .optional();

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
    attributeName: nonEmpty("attributeName"),
    attributeType: enumOf(ATTRIBUTE_TYPES, "attributeType").default("STRING"),
    mode: enumOf(CUSTOM_MODES, "mode").default("FORWARD"),
    required: z.boolean().default(false),
    /** The attribute's name in the target identity system; required when `mode` is MAP. */
    targetAttributeName: nonEmpty("targetAttributeName").optional(),
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
  /** Groups a user of this profile is put in. Order is kept as given. */
  groupAssignment: z.array(nonEmpty("a group name")).default([]),
  /** RFC 7643 core attribute → FORWARD | SWALLOW. */
  scimRfc7643Mapping: z.record(z.string(), enumOf(RFC7643_MODES, "the mode")).default({}),
  /** Schema URN → attribute mappings. URNs may hold `/` and `~`; they are map keys, never paths. */
  scimCustomAttrMapping: z.record(z.string(), customAttrList).default({}),
});

/** The configuration as the API states it, in program spelling; `decode` of the wire lands here. */
export const liveSchema = z.strictObject({
  configurationId: z.string().optional(),
  targetConnectionDescriptorName: nonEmpty("targetConnectionDescriptorName").optional(),
  targetConnectionDescriptorNamespace: nonEmpty("targetConnectionDescriptorNamespace").optional(),
  // Whatever form the server answers it in is kept as is: a read must not fail on it.
  targetConnectionDescriptorHref: z.string().optional(),
  profiles: z.record(nonEmpty("a profile name"), profileSchema).default({}),
});

export const argsSchema = liveSchema
  .omit({ configurationId: true })
  .extend({
    targetConnectionDescriptorHref: hrefInput.optional(),
    connection: connectionSchema,
    /**
     * Take over an existing configuration at create (local: never sent, never diffed). `true`:
     * the configuration that targets this descriptor, else create one; a configuration-id: that
     * configuration, which must exist.
     */
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

/** What a program passes (`new cxif.ScimConfiguration(name, args)`), before defaults. */
export type ScimConfigurationInputs = z.input<typeof argsSchema>;
/** Checked inputs: defaults filled; what the engine passes to create and update. */
export type ScimConfigurationArgs = z.output<typeof argsSchema>;
export type Profile = z.output<typeof profileSchema>;
export type CustomAttr = z.output<typeof customAttrSchema>;
export type LiveConfiguration = z.output<typeof liveSchema>;

export const SECRET_PATHS = ["connection.clientSecret", ...tlsSecretPaths] as const;

/** Output keys that can hold a secret; the engine stores them encrypted and shows them as [secret]. */
export const SECRET_OUTPUTS = ["connection"];

/** Keys of the state that are the user's inputs (compared by diff). */
export const INPUT_KEYS = [
  "targetConnectionDescriptorName",
  "targetConnectionDescriptorNamespace",
  "targetConnectionDescriptorHref",
  "profiles",
  "connection",
] as const satisfies readonly (keyof ScimConfigurationArgs)[];

/** The descriptor reference: the server fills what the program leaves out. */
export const TARGET_KEYS = ["targetConnectionDescriptorName", "targetConnectionDescriptorNamespace", "targetConnectionDescriptorHref"] as const;

/* ---------------------------------- wire ---------------------------------- */

// Wire schemas are loose: fields a newer release adds are ignored, not refused.
const wireCustomAttr = z.codec(
  z.looseObject({
    "attribute-name": z.string(),
    "attribute-type": z.string().optional(),
    mode: z.string().optional(),
    required: z.boolean().optional(),
    "target-attribute-name": z.string().optional(),
  }),
  customAttrSchema,
  {
    decode: (w) => ({
      attributeName: w["attribute-name"],
      attributeType: w["attribute-type"] as CustomAttr["attributeType"] | undefined,
      mode: w.mode as CustomAttr["mode"] | undefined,
      required: w.required,
      targetAttributeName: w["target-attribute-name"],
    }),
    encode: (a) => ({
      "attribute-name": a.attributeName,
      "attribute-type": a.attributeType,
      mode: a.mode,
      required: a.required,
      "target-attribute-name": a.targetAttributeName,
    }),
  },
);

const wireProfile = z.codec(
  z.looseObject({
    "group-assignment": z.array(z.string()).nullish(),
    // An rfc7643 mode left null is FORWARD (the schema's default).
    "scim-rfc7643-mapping": z.record(z.string(), z.string().nullable()).nullish(),
    "scim-custom-attr-mapping": z.record(z.string(), z.array(wireCustomAttr)).nullish(),
  }),
  profileSchema,
  {
    decode: (w) => ({
      groupAssignment: w["group-assignment"] ?? undefined,
      scimRfc7643Mapping: w["scim-rfc7643-mapping"]
        ? (Object.fromEntries(Object.entries(w["scim-rfc7643-mapping"]).map(([k, m]) => [k, m ?? "FORWARD"])) as Profile["scimRfc7643Mapping"])
        : undefined,
      scimCustomAttrMapping: w["scim-custom-attr-mapping"] ?? undefined,
    }),
    encode: (p) => ({
      "group-assignment": p.groupAssignment,
      "scim-rfc7643-mapping": p.scimRfc7643Mapping,
      "scim-custom-attr-mapping": p.scimCustomAttrMapping as never,
    }),
  },
);

/** The `SCIMConfiguration` object (ref §3.3) ⇄ `LiveConfiguration`. */
export const wireConfiguration = z.codec(
  z.looseObject({
    id: z.string().optional(),
    "target-connection-descriptor-name": z.string().optional(),
    "target-connection-descriptor-namespace": z.string().optional(),
    "target-connection-descriptor-href": z.string().optional(),
    profiles: z.record(z.string(), wireProfile).nullish(),
  }),
  liveSchema,
  {
    decode: (w) => ({
      configurationId: w.id,
      targetConnectionDescriptorName: w["target-connection-descriptor-name"],
      targetConnectionDescriptorNamespace: w["target-connection-descriptor-namespace"],
      targetConnectionDescriptorHref: w["target-connection-descriptor-href"],
      profiles: w.profiles ?? undefined,
    }),
    encode: (l) => ({
      id: l.configurationId,
      "target-connection-descriptor-name": l.targetConnectionDescriptorName,
      "target-connection-descriptor-namespace": l.targetConnectionDescriptorNamespace,
      "target-connection-descriptor-href": l.targetConnectionDescriptorHref,
      profiles: l.profiles as never,
    }),
  },
);

export type WireConfiguration = z.input<typeof wireConfiguration>;

/** Checked inputs (or state) → the request body of POST and PUT: no id, no connection, no undefined. */
export function toWire(a: Omit<LiveConfiguration, "configurationId">): WireConfiguration {
  const { connection: _c, configurationId: _i, ...config } = a as LiveConfiguration & { connection?: unknown };
  return JSON.parse(JSON.stringify(z.encode(wireConfiguration, config))) as WireConfiguration;
}

/** The API's answer → program spelling with the schema's defaults filled. */
export function fromWire(w: unknown): LiveConfiguration {
  // Absent optional fields come out of the codec as undefined keys; the engine's protobuf Struct
  // cannot carry undefined, so they are dropped here.
  return JSON.parse(JSON.stringify(z.decode(wireConfiguration, w as WireConfiguration))) as LiveConfiguration;
}
