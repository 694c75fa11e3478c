/**
 * `nevisidm.ProfileProperties` inputs: which profile (`clientExtId`, `profileExtId`; a change of
 * either replaces), and the property values this resource owns (`properties`, name → string).
 *
 * nevisIDM stores every property value as text (seed 004: the PATCH body is a flat
 * `{"<name>": "<string>"}` map; ref §2.8). A program may give integers and booleans, which are
 * sent as their usual text ("5", "true"); any other number is refused at check time, because its
 * text is a choice the program must make ("0.5" or "0.50", "1e21" or "1000000000000000000000").
 *
 * Secret leaves: `connection.token` and the TLS client key.
 */
import { z } from "zod";
import { adoptField } from "../core/adopt";
import { encodeRequest } from "../core/answers";
import { field, fieldLists, localKeys, outputKeys, secretOutputs, secretPaths, writeOnlyPaths } from "../core/fields";
import type { DerivedOutputs } from "../core/secrets";
import { connectionField, httpUrl, tlsConnectionShape } from "../core/schema";

export const connectionSchema = connectionField(
  z
    .strictObject({
      url: field(httpUrl("connection.url").optional(), {
        description:
          "The host that serves nevisIDM's REST API under `/nevisidm/api`: `https://api.<instance>.getnevis.net` in Nevis ID cloud, " +
          "the nevisProxy frontend on premise. A URL that already ends in `/nevisidm/api` or `/nevisidm/api/core/v1` means the same server.",
      }),
      token: field(z.string().optional(), {
        description:
          "Bearer token sent as `Authorization: Bearer <token>`: a Nevis ID cloud technical user's (built from " +
          "`userExtId:credExtId:secret` of a user with a Device Password credential and the `SoapTechAccess` role), or one issued by " +
          "the deployment's nevisAuth. It is not refreshed: when it expires, set a new one. The caller needs `AccessControl.ProfileModify` " +
          "to write, `AccessControl.ProfileView` to read, and a data room that includes the client and the profile's unit.",
        secret: true,
      }),
      ...tlsConnectionShape,
    })
    .optional(),
  "nevisIDM",
);

/** The response member the API puts next to the values; never a property name. */
export const CLASSIFICATIONS_KEY = "_classifications";

const propertyValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()], {
    error: "must be a string (nevisIDM stores every property value as text)",
  })
  .transform((v, ctx) => {
    if (typeof v === "string") return v;
    if (typeof v === "boolean") return v ? "true" : "false";
    if (v === null) {
      ctx.addIssue({
        code: "custom",
        message:
          'null is not a value: to clear the property and stop managing it, remove the key; to keep it managed and empty, give ""',
      });
      return z.NEVER;
    }
    if (Number.isSafeInteger(v)) return String(v);
    ctx.addIssue({
      code: "custom",
      message: Number.isInteger(v)
        ? `${v} is beyond the integers a number can hold exactly, so its text is not what was written: give it as a string`
        : `the number ${v} has no single text form (nevisIDM stores text, and "${v}" may not be what the property's regex expects): give it as a string, e.g. "${v}"`,
    });
    return z.NEVER;
  });

const extId = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .min(1, `${what} must not be empty`)
    .refine((s) => s.trim() === s, `${what} must not start or end with spaces`);

export const argsSchema = z.strictObject({
  clientExtId: field(extId("clientExtId"), {
    description:
      "The external id of the nevisIDM client (the tenant) the profile belongs to, as nevisIDM's paths name it " +
      "(`/nevisidm/api/core/v1/{clientExtId}/…`). Part of the id; a change addresses another profile, so it replaces the resource.",
    replaceOnChange: true,
  }),
  profileExtId: field(extId("profileExtId"), {
    description:
      "The external id (`extId`) of the profile whose values this resource manages, unique within the client. The profile must " +
      "already exist: this resource writes its property values and never creates or deletes the profile. A change replaces the " +
      "resource, clearing the old profile's owned keys first.",
    replaceOnChange: true,
  }),
  properties: field(
    z
      .record(z.string(), propertyValue, { error: "must be a map of property name to string value" })
      .superRefine((props, ctx) => {
        for (const name of Object.keys(props)) {
          if (name.trim() === "") ctx.addIssue({ code: "custom", path: [name], message: "a property name must not be empty" });
          else if (name === CLASSIFICATIONS_KEY) {
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: "'_classifications' is what nevisIDM reports next to the values, not a property; read it from the `classifications` output",
            });
          }
        }
      }),
    {
      description:
        "The values this resource owns, property name → text. Each name must be a property definition of scope PROFILE_GLOBAL in " +
        "the client; nevisIDM checks each value against its definition (stringMaxLen, stringRegex, uniqueness, ENUM values). " +
        "Integers and booleans are sent as their text (`3` as \"3\", `true` as \"true\"); any other number is refused: give the " +
        "text. Keys not declared here are never touched; a key removed from here is cleared in nevisIDM; `\"\"` keeps a key owned " +
        "and empty. Destroy clears the owned keys.",
    },
  ),
  connection: connectionSchema,
  adopt: adoptField("client and profile (clientExtId, profileExtId)", "<clientExtId>/<profileExtId>"),
});

/** What a program passes (`new nevisidm.ProfileProperties(name, args)`). */
export type ProfilePropertiesInputs = z.input<typeof argsSchema>;
/** Checked inputs: every value a string; what the state holds. */
export type ProfilePropertiesState = z.output<typeof argsSchema>;

/** What the resource outputs beyond its inputs. */
export const outputsSchema = z.object({
  values: field(z.record(z.string(), z.string()), {
    description:
      "The live values of the owned keys (those in `properties`), from the last read or, on deployments without " +
      "`GET …/properties`, the answer of the last PATCH. A key without a value is absent. Secret when a declared value is.",
  }),
  classifications: field(z.record(z.string(), z.array(z.string())), {
    description:
      "nevisIDM's `_classifications` of the owned keys that have any: property name → its classifications (e.g. `[\"PERSONAL\"]`). " +
      "Secret when the whole `properties` map is.",
  }),
  adopted: field(z.boolean(), {
    description:
      "True from an import read until the next update. An import cannot know which keys the program declares (the engine reads " +
      "with the id alone), so it takes every key the profile had; until an update records the declared ones, keys the program " +
      "does not declare are left alone by diff, update and destroy alike. A resource created or adopted with `adopt` is never so.",
  }),
});

/** The computed outputs. */
export type ProfilePropertiesComputed = z.output<typeof outputsSchema>;
/** Everything the resource outputs: the checked inputs and the computed outputs. */
export type ProfilePropertiesOutputs = ProfilePropertiesState & ProfilePropertiesComputed;

/** The lists derived from the field facts (core/fields.ts); none is written by hand. */
export const { secretPaths: SECRET_PATHS, secretOutputs: SECRET_OUTPUTS, inputKeys: INPUT_KEYS, replaceOnChange: REPLACE_ON, localKeys: LOCAL_KEYS, writeOnlyPaths: WRITE_ONLY_PATHS, outputKeys: OUTPUT_KEYS } = fieldLists(argsSchema, outputsSchema);

/**
 * Outputs that are secret when the inputs they come from are, which no field fact can say ahead:
 * `values` echo `properties` (the live values of the declared keys); `classifications` are keyed
 * by the declared property names, their lists are nevisIDM's (core/secrets.ts). Keyed by the
 * output schema's and sourced from the args schema's names, so a renamed field fails to compile.
 */
export const DERIVED_SECRET_OUTPUTS = {
  values: ["properties"],
  classifications: ["keys:properties"],
} satisfies Partial<Record<keyof ProfilePropertiesComputed, readonly (keyof ProfilePropertiesState | `keys:${keyof ProfilePropertiesState}`)[]>> satisfies DerivedOutputs;

/* ---------------------------------- wire ---------------------------------- */

/** The profile's values as the provider holds them: property name → text, and their classifications. */
const propertiesSchema = z.object({
  values: z.record(z.string(), z.string()),
  classifications: z.record(z.string(), z.array(z.string())),
});
export type WireProperties = z.output<typeof propertiesSchema>;

/**
 * The wire mapping of `…/profiles/{extId}/properties`, as a codec. Property names are the user's
 * and never renamed (core/codec.ts), so this is not the renaming case: the odd part is the shape.
 *
 * decode, the GET/PATCH answer: the profile's complete current values plus `_classifications`
 * (`{name: [classification, …]}`). Tolerant: a non-string value (a server that sends numbers) is
 * read as its text, and anything else that is not a value is ignored.
 *
 * encode, the PATCH body: each value as its text, `""` as `null` (both remove, ref §2.4, and null
 * is the form the vendor documents first); `classifications` are nevisIDM's and never sent.
 */
export const wirePropertiesSchema = z.codec(z.record(z.string(), z.unknown()), propertiesSchema, {
  decode: (body) => {
    const values: Record<string, string> = {};
    const classifications: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === CLASSIFICATIONS_KEY) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          for (const [name, c] of Object.entries(v as Record<string, unknown>)) {
            if (Array.isArray(c)) classifications[name] = c.map(String);
            else if (typeof c === "string") classifications[name] = [c];
          }
        }
      } else if (typeof v === "string") {
        // An empty value is a removed one (ref §2.4: "" and null both remove).
        if (v !== "") values[k] = v;
      } else if (typeof v === "number" || typeof v === "boolean") {
        values[k] = String(v);
      }
    }
    return { values, classifications };
  },
  encode: ({ values }) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "" ? null : v])),
});

/** The PATCH body: each owned key with its value, each released key with `null` (removal). */
export function toPatch(set: Record<string, string>, clear: readonly string[] = []): Record<string, string | null> {
  // A released key is the empty value, which encodes as null; a key both released and set is set.
  const values: Record<string, string> = {};
  for (const k of clear) values[k] = "";
  Object.assign(values, set);
  return encodeRequest(wirePropertiesSchema, { values, classifications: {} }) as Record<string, string | null>;
}
