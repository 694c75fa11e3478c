/**
 * What a resource's reference page says beyond its schema: the page itself
 * (docs/resources/<resource>.md) is generated from this and the schemas (tools/docs.ts), so an
 * input's description, secret and replace marks are written once, beside the field.
 */
import type { z } from "zod";
import type { ErrorCode } from "./errors";
import type { SettingSpec } from "./settings";

export interface ResourceReference {
  /** As a program writes it: `scm.ScepProfile`. */
  name: string;
  /** The provider registry key: `scm:ScepProfile`. */
  type: `${string}:${string}`;
  /** The vendor and product, as its documents name them. */
  vendor: string;
  /** What the resource manages and what is special about it, a paragraph or two of Markdown. */
  summary: string;
  /** The example program that uses it, from the repository root (`examples/scm-scep-profile/index.ts`). */
  example: string;
  /** The checked inputs (`argsSchema`) and the computed outputs (`outputsSchema`), with their field facts. */
  args: z.ZodType;
  outputs: z.ZodType;
  /** The connection settings (`SETTINGS` of the vendor's client), for docs/configuration.md. */
  settings: Record<string, SettingSpec>;
  adopt: {
    /** What `adopt: true` finds the object by. */
    naturalKey: string;
    /** The import ids `adopt: "<id>"` takes. */
    importIds: string[];
    /** What adopting does beyond the common story (a forced write, what stays unverified). */
    notes?: string;
  };
  /** The failures a user meets, with the stable code and what to do. */
  errors: { code: ErrorCode; when: string; fix: string }[];
}
