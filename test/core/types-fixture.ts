/**
 * A resource schema with one of each shape the type generator renders (tools/types.ts), its
 * facts declared with `field` as a vendor's are. A module of its own, because the type-level
 * test compiles a file that imports it.
 */
import { z } from "zod";
import { field } from "../../src/core/fields";

export const MODES = ["FORWARD", "SWALLOW"] as const;

export const argsSchema = z
  .strictObject({
    name: field(z.string().min(1), { description: "The widget's name.", replaceOnChange: true }),
    note: field(z.string().optional(), { description: "A note for people; never */ closes the comment." }),
    subject: field(z.string().default("CN=$USERNAME"), { description: "The certificate subject." }),
    mode: field(z.enum(MODES), { description: "What the gateway does with the attribute." }),
    version: field(z.literal(["v2", "v3"]).optional(), { description: "The attribute version." }),
    // Lower-cased, then one of three: the program may write "SHA256" too, but its editor offers these.
    digest: field(
      z.string().transform((s) => s.toLowerCase()).pipe(z.enum(["sha1", "sha256", "sha512"])),
      { description: "The digest algorithm." },
    ),
    bits: field(
      z.union([z.number(), z.string()]).transform((n) => String(n)),
      { description: "The RSA key size, a number or its text." },
    ),
    challenge: field(
      z.strictObject({
        fixed: field(z.string().optional(), { description: "A fixed challenge.", secret: true, writeOnly: true }),
        otp: field(
          z.strictObject({
            url: field(z.string(), { description: "The OTP server." }),
            retries: field(z.number().int().default(3), { description: "How often to ask." }),
          }).optional(),
          { description: "A one-time password from a server." },
        ),
      }),
      { description: "How a device proves it may enrol." },
    ),
    servers: field(z.array(z.string()).optional(), { description: "The LDAP servers, in order." }),
    // An optional element is a value that may be undefined, unlike an optional property.
    slots: field(z.array(z.string().optional()), { description: "Slot names; a gap is undefined." }),
    labels: field(z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(), { description: "Free-form labels." }),
    extra: field(z.looseObject({ kind: field(z.string(), { description: "The extra's kind." }) }).nullable().optional(), {
      description: "Vendor extras, passed through.",
    }),
    adopt: field(z.union([z.boolean(), z.string()]).optional(), { description: "Take over an existing widget.", local: true, createOnly: true }),
  })
  .superRefine(() => {});

export const outputsSchema = z.strictObject({
  id: field(z.string(), { description: "The widget's id." }),
  fingerprint: field(z.string(), { description: "The CA certificate's SHA-256 fingerprint." }),
  status: field(z.enum(["ACTIVE", "PENDING"]).optional(), { description: "What the API says of it." }),
  unverified: field(z.array(z.string()), { description: "Input paths a read could not verify." }),
});
