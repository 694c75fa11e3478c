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
import { adoptField, comparedKeys } from "../core/adopt";
import { httpUrl, tlsConnectionShape, tlsSecretPaths } from "../core/schema";

export const connectionSchema = z
  .strictObject({
    /** Where `/nevisidm/api` is served: `https://api.<instance>.getnevis.net`, or the nevisProxy host. */
    url: httpUrl("connection.url").optional(),
    /** Bearer token: a Nevis ID cloud technical user's, or one issued by the deployment's nevisAuth. */
    token: z.string().optional(),
    ...tlsConnectionShape,
  })
  .optional();

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
  /** The nevisIDM client (tenant) the profile belongs to. Replaces on change. */
  clientExtId: extId("clientExtId"),
  /** The profile whose values this resource manages; it must exist. Replaces on change. */
  profileExtId: extId("profileExtId"),
  /**
   * The values this resource owns. Keys it never declared are never touched; a key removed from
   * here is cleared in nevisIDM. `""` keeps a key owned and empty.
   */
  properties: z
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
  connection: connectionSchema,
  /**
   * Take over the declared keys' current values at create (local: never sent, never diffed);
   * from then on they are managed. `true`: this client's profile; `<clientExtId>/<profileExtId>`:
   * that profile, which must exist and be the declared one.
   */
  adopt: adoptField("client and profile (clientExtId, profileExtId)", "<clientExtId>/<profileExtId>"),
});

/** What a program passes (`new nevisidm.ProfileProperties(name, args)`). */
export type ProfilePropertiesInputs = z.input<typeof argsSchema>;
/** Checked inputs: every value a string; what the state holds. */
export type ProfilePropertiesState = z.output<typeof argsSchema>;

export const SECRET_PATHS = ["connection.token", ...tlsSecretPaths] as const;

/** Output keys that can hold a secret; the engine stores them encrypted and shows them as [secret]. */
export const SECRET_OUTPUTS = ["connection"];

/** Keys of the state that are the user's inputs (compared by diff). */
export const INPUT_KEYS = comparedKeys(argsSchema.shape) as (keyof ProfilePropertiesState)[];

/** A change of these addresses another profile: a new resource. */
export const REPLACE_ON = ["clientExtId", "profileExtId"] as const;

/* ---------------------------------- wire ---------------------------------- */

/**
 * The GET/PATCH answer: the profile's complete current values plus `_classifications`
 * (`{name: [classification, …]}`). Tolerant: a non-string value (a server that sends numbers) is
 * read as its text, and anything else that is not a value is ignored.
 */
export const wirePropertiesSchema = z.record(z.string(), z.unknown()).transform((body) => {
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
});
export type WireProperties = z.output<typeof wirePropertiesSchema>;

/** The PATCH body: each owned key with its value, each released key with `null` (removal). */
export function toPatch(set: Record<string, string>, clear: readonly string[] = []): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const k of clear) body[k] = null;
  // "" is sent as null: both remove, and null is the form the vendor documents first.
  for (const [k, v] of Object.entries(set)) body[k] = v === "" ? null : v;
  return body;
}
