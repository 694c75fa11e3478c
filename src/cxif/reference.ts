/**
 * What `docs/resources/cxif-scim-configuration.md` says beyond the schemas (core/reference.ts):
 * taken from the resource class's doc comment, the README's section, and the hints the provider
 * and the error envelope (errors.ts) already give.
 */
import { ERROR_CODES } from "../core/errors";
import type { ResourceReference } from "../core/reference";
import { SETTINGS } from "./client";
import { argsSchema, outputsSchema } from "./schema";

export const reference: ResourceReference = {
  name: "cxif.ScimConfiguration",
  type: "cxif:ScimConfiguration",
  vendor: "Oracle CX Industries Framework (Launch Cloud Service Industries Framework REST API)",
  summary:
    "An Oracle CX Industries Framework SCIM configuration (`/admin/scimConfigurations`), which tells the framework's user-management API " +
    "how each profile's users reach the target identity system: group assignment, RFC 7643 attribute modes and custom attribute mapping.\n\n" +
    "The target connection descriptor is named by `targetConnectionDescriptorName` (and optionally its namespace) or by " +
    "`targetConnectionDescriptorHref`; what the program leaves out the server fills, and the state keeps the server's value, so an " +
    "unchanged program never shows a diff. The profiles are kept with the server's defaults filled (STRING, FORWARD, not required). " +
    "Nothing replaces: every change is one full PUT. A SCIM configuration holds no secret; the OAuth client's secret is the " +
    "`connection`'s. Other stacks consume `targetConnectionDescriptorHref`.",
  example: "examples/cxif-scim-configuration/index.ts",
  args: argsSchema,
  outputs: outputsSchema,
  settings: SETTINGS,
  adopt: {
    naturalKey:
      "the target connection descriptor: the server holds one configuration per descriptor [inferred]; with no namespace declared, " +
      "only a configuration that is the only one for that descriptor name counts, so another namespace's is never taken",
    importIds: ["the configuration-id (`flytxtjmbfz9cj2b` in the vendor's example)"],
    notes:
      "What differs from the declaration is written with one PUT; nothing is write-only, so nothing stays unverified. " +
      "`npx trustplane discover cxif` writes a program that adopts every configuration of an instance.",
  },
  errors: [
    {
      code: ERROR_CODES.conflict,
      when: "The create's POST answers 409: another SCIM configuration already targets the declared connection descriptor.",
      fix: "Adopt it with `adopt: true` (or `adopt: \"<its configuration-id>\"`, which the error names), or target another descriptor.",
    },
    {
      code: ERROR_CODES.unauthorized,
      when:
        "The identity domain refuses the confidential application (`invalid_client`, HTTP 401 or 400), or the framework refuses the access token (401).",
      fix:
        "Check the client id and secret and the token endpoint (`CXIF_CLIENT_ID`, `CXIF_CLIENT_SECRET`, `CXIF_TOKEN_URL` or the " +
        "`trustplane:cxif*` stack config), and that the application may use the client-credentials grant.",
    },
    {
      code: ERROR_CODES.forbidden,
      when: "The token lacks the framework's admin scope (403), or the identity domain does not grant the requested scope (`invalid_scope`).",
      fix:
        "Request `<framework URL>/urn:opc:resource:consumer::all` (`CXIF_SCOPE`, the default) and add the CXIF OAuth application as an " +
        "authorized resource of the confidential application.",
    },
    {
      code: ERROR_CODES.invalid,
      when:
        "The framework refuses the configuration (400): a mode or attribute type it does not know, MAP without a target attribute name, " +
        "a connection descriptor it does not have [inferred]. The error lists each problem and the vendor's reference page.",
      fix: "Correct the inputs the error names; `pulumi preview` already reports the schema's own rules before any request.",
    },
    {
      code: ERROR_CODES.notFound,
      when:
        "The configuration was deleted outside Pulumi: a refresh then drops it from the stack, a delete counts as done, and an update's PUT fails with 404.",
      fix: "Run `pulumi refresh`, then `pulumi up` to create it again.",
    },
    {
      code: ERROR_CODES.adoptTargetMissing,
      when: "`adopt: \"<configuration-id>\"` names a configuration that does not exist; nothing was created.",
      fix: "Check the id (and the connection the resource uses), or use `adopt: true` to adopt by descriptor and create when there is none.",
    },
    {
      code: ERROR_CODES.config,
      when: "The framework host, token URL, client id or client secret is set nowhere: not in `connection`, the stack config or the environment.",
      fix: "Set it as the error says: `pulumi config set trustplane:cxifHost ...` (`--secret` for the client secret), or `CXIF_HOST`, `CXIF_TOKEN_URL`, `CXIF_CLIENT_ID`, `CXIF_CLIENT_SECRET`.",
    },
    {
      code: ERROR_CODES.partialCreate,
      when: "The create landed but reading the new configuration back failed; it stays in the stack under its id.",
      fix: "Run `pulumi up` again once the API answers: the update finishes it.",
    },
    {
      code: ERROR_CODES.outcomeUnknown,
      when: "The create's answer was lost and looking the configuration up by its descriptor failed too, so it may exist.",
      fix: "Run `pulumi up` again once the API answers; if the create then reports a conflict, adopt the existing configuration with `adopt: true`.",
    },
  ],
};
