/** Schema pieces every vendor's `connection` input shares. */
import { z } from "zod";
import { field, type FieldFacts } from "./fields";

/** TLS settings a `connection` may carry (mirrors `TlsSettings`); PEM text or a file path. */
export const tlsConnectionShape = {
  caBundle: field(z.string().optional(), {
    description: "CA certificates (PEM text, or the path of a PEM file) trusted for the API's TLS certificate, in addition to the system's.",
  }),
  clientCert: field(z.string().optional(), {
    description: "Client certificate for mutual TLS (PEM text or a file path); needs `clientKey`.",
  }),
  clientKey: field(z.string().optional(), {
    description: "Private key of `clientCert` (PEM text or a file path).",
    secret: true,
  }),
  insecureSkipTlsVerify: field(z.boolean().optional(), {
    description: "Skip verifying the API's TLS certificate (its origin only, never the token endpoint's). For labs only.",
  }),
};

/**
 * For a vendor whose token endpoint is another host than its API: `insecureSkipTlsVerify` holds
 * for the API's origin only, so a lab API with a self-signed certificate does not also send the
 * client secret to an unverified token server; this one relaxes the token endpoint, by name.
 */
export const tokenTlsConnectionShape = {
  tokenInsecureSkipTlsVerify: field(z.boolean().optional(), {
    description: "Skip verifying the token endpoint's TLS certificate, which `insecureSkipTlsVerify` leaves verified. For labs only.",
  }),
};

/** Secret leaves of every connection: the client key is as sensitive as a password. */
export const tlsSecretPaths = ["connection.clientKey"] as const;

/**
 * The `connection` input of a resource: local (never sent to the vendor, never a reason to write),
 * its secret leaves marked in its own shape.
 */
export function connectionField<S extends z.ZodType>(schema: S, vendor: string, extra: Partial<FieldFacts> = {}): S {
  return field(schema, {
    description:
      `Where and how to reach the ${vendor} API for this resource alone. Each setting left out comes from the stack config, then the ` +
      "environment (docs/configuration.md). Never sent to the vendor as data; a change writes nothing but is kept for the next read and the delete.",
    local: true,
    ...extra,
  });
}

export const httpUrl = (what: string) =>
  z
    .string()
    .refine((s) => /^https?:\/\/[^\s/]+/i.test(s), { message: `${what} must be an http(s) URL, e.g. https://host/path` });
