/**
 * What `docs/resources/nevisidm-profile-properties.md` says beyond the schemas (core/reference.ts):
 * the summary from the resource class's doc comment and this folder's README, adoption, and the
 * failures a user meets, each with the hint errors.ts and provider.ts already give.
 */
import { ERROR_CODES } from "../core/errors";
import type { ResourceReference } from "../core/reference";
import { SETTINGS } from "./client";
import { argsSchema, outputsSchema } from "./schema";

export const reference: ResourceReference = {
  name: "nevisidm.ProfileProperties",
  type: "nevisidm:ProfileProperties",
  vendor: "Nevis nevisIDM REST API v1 (core): profile properties",
  summary: [
    "The values of some properties of one nevisIDM profile, managed key by key through",
    "`PATCH /nevisidm/api/core/v1/{clientExtId}/profiles/{extId}/properties` (since 2.79.0). The profile must exist: this",
    "resource writes its values and never creates or deletes the profile.",
    "",
    "The resource owns the keys in `properties` and nothing else: other values of the profile, set by people, HR feeds or",
    "other stacks, are never read into a diff, written or cleared. Create and update send one PATCH with the keys that",
    "changed; a key removed from `properties` is sent as `null`, which clears it; destroy clears the owned keys only.",
    "nevisIDM stores text: integers and booleans are sent as `\"3\"` and `\"true\"`, any other number is refused by check.",
    "A change of `clientExtId` or `profileExtId` replaces the resource, clearing the old profile's keys first so that values",
    "whose definition is unique can move. Two resources must not own the same key of the same profile.",
    "",
    "Refresh reads `GET …/profiles/{extId}/properties`, which is inferred from every sibling entity but not documented for",
    "profiles. A deployment that answers it with 405, or with a 404 that is not nevisIDM's `errors.noRecord`, has no such",
    "GET: refresh then keeps the values of the last PATCH answer (changes made elsewhere are not seen) and still checks that",
    "the profile exists.",
  ].join("\n"),
  example: "examples/nevisidm-profile-properties/index.ts",
  args: argsSchema,
  outputs: outputsSchema,
  settings: SETTINGS,
  adopt: {
    naturalKey: "the client and the profile (`clientExtId`, `profileExtId`)",
    importIds: ["<clientExtId>/<profileExtId>"],
    notes: [
      "Adopting reads the profile's values and PATCHes only the declared keys whose value differs (nothing at all when none",
      "does); from then on the declared keys are the resource's, as if it had created them. On a deployment without",
      "`GET …/properties`, `adopt: true` writes the declared keys with one PATCH, as a create does, and an import id is",
      "refused (the values cannot be read): use `adopt: true` there. A state left by an import read (`adopted: true`) holds",
      "every key the profile had; until the next update, destroy clears nothing and undeclared keys are never released.",
    ].join(" "),
  },
  errors: [
    {
      code: ERROR_CODES.invalid,
      when:
        "nevisIDM refuses a value (HTTP 422): `errors.property.stringregex` or `stringmaxlen` (the value does not fit its " +
        "definition), `errors.invalidData` (no profile property of that name in the client, or not one of an ENUM's values), " +
        "`errors.modifyReadonlyData` (the definition is READ_ONLY or OFF through the API), `errors.modifyArchivedProfile`.",
      fix:
        "The error names the input (`properties.<name>: …`). Fix the value or the property definition in nevisIDM; remove a " +
        "read-only key from `properties`; reactivate an archived profile or point the resource at an active one.",
    },
    {
      code: ERROR_CODES.conflict,
      when: "`errors.propertyUniquenessViolated`: another profile already holds this value of a property its definition requires to be unique.",
      fix: "Choose another value, or clear it on the other profile first.",
    },
    {
      code: ERROR_CODES.notFound,
      when:
        "`errors.noRecord` on create or update: no client has this `clientExtId`, or no profile in it has this `profileExtId`. " +
        "(A profile deleted out of band is not an error: refresh drops the resource from the stack, and destroy treats it as done.)",
      fix: "Check `clientExtId`, `profileExtId` and that the URL points at the right nevisIDM instance; create the profile first.",
    },
    {
      code: ERROR_CODES.unauthorized,
      when: "HTTP 401 (`errors.invalidJWTToken`): nevisIDM or the nevisProxy in front of it refused the bearer token (missing, expired, revoked, for another instance).",
      fix:
        "Set a fresh token with `connection.token`, `pulumi config set --secret trustplane:nevisidmToken`, or NEVISIDM_TOKEN, and a " +
        "client certificate (NEVISIDM_CLIENT_CERT / NEVISIDM_CLIENT_KEY) where the deployment requires one. The token is static: it is never refreshed.",
    },
    {
      code: ERROR_CODES.forbidden,
      when:
        "HTTP 403: `errors.insufficientRightsFunction` (the caller lacks a function right) or `errors.*DataroomDenied` (it has " +
        "the right, but its data room does not include the client or the profile's unit).",
      fix:
        "Grant the technical user a nevisIDM role with `AccessControl.ProfileModify` (write) and `AccessControl.ProfileView` " +
        "(read), restricted to this client; or extend the data room of its role.",
    },
    {
      code: ERROR_CODES.adoptTargetMissing,
      when: "`adopt: \"<clientExtId>/<profileExtId>\"` names a profile that does not exist.",
      fix: "Check the id, or use `adopt: true` to write the declared keys where there is nothing to take over.",
    },
    {
      code: ERROR_CODES.adoptMismatch,
      when: "`adopt: \"<id>\"` names another client or profile than `clientExtId` and `profileExtId` declare.",
      fix: "Make the id and the declared `clientExtId` / `profileExtId` agree.",
    },
    {
      code: ERROR_CODES.config,
      when: "The URL or the bearer token is set nowhere, the URL is not http(s), or a client certificate is given without its key (or the reverse).",
      fix: "Set them in the resource's `connection`, the stack config (`trustplane:nevisidmUrl`, `trustplane:nevisidmToken`) or the environment (NEVISIDM_URL, NEVISIDM_TOKEN).",
    },
    {
      code: ERROR_CODES.unusableAnswer,
      when: "A PATCH or GET answered 2xx with something that is not the profile's properties as a JSON object.",
      fix: "Check that the URL reaches nevisIDM's REST service (`/nevisidm/api`) and not another application behind the same proxy.",
    },
  ],
};
