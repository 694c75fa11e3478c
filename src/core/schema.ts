/** Schema pieces every vendor's `connection` input shares. */
import { z } from "zod";

/** TLS settings a `connection` may carry (mirrors `TlsSettings`); PEM text or a file path. */
export const tlsConnectionShape = {
  caBundle: z.string().optional(),
  clientCert: z.string().optional(),
  clientKey: z.string().optional(),
  insecureSkipTlsVerify: z.boolean().optional(),
};

/**
 * For a vendor whose token endpoint is another host than its API: `insecureSkipTlsVerify` holds
 * for the API's origin only, so a lab API with a self-signed certificate does not also send the
 * client secret to an unverified token server; this one relaxes the token endpoint, by name.
 */
export const tokenTlsConnectionShape = {
  tokenInsecureSkipTlsVerify: z.boolean().optional(),
};

/** Secret leaves of every connection: the client key is as sensitive as a password. */
export const tlsSecretPaths = ["connection.clientKey"] as const;

export const httpUrl = (what: string) =>
  z
    .string()
    .refine((s) => /^https?:\/\/[^\s/]+/i.test(s), { message: `${what} must be an http(s) URL, e.g. https://host/path` });
