/**
 * `scm.ScepProfile`'s reference page beyond its schemas (docs/resources/scm-scep-profile.md is
 * generated from this, core/reference.ts). The errors are the ones a user meets, with the advice
 * the provider already gives in their messages (provider.ts, errors.ts, client.ts).
 */
import { ERROR_CODES } from "../core/errors";
import type { ResourceReference } from "../core/reference";
import { SETTINGS } from "./client";
import { argsSchema, outputsSchema } from "./schema";

export const reference: ResourceReference = {
  name: "scm.ScepProfile",
  type: "scm:ScepProfile",
  vendor: "Palo Alto Networks Strata Cloud Manager (config identity services)",
  summary:
    "A Strata Cloud Manager SCEP profile (config identity services, `/config/identity/v1/scep-profiles`): how GlobalProtect " +
    "and the firewalls enrol certificates from a SCEP server. A profile lives in exactly one container (a folder, a snippet " +
    "or a device) and its name is unique there; a change of container replaces it, and deletes the old one first only when " +
    "the new one would take the same name in the same container.\n\n" +
    "The API answers the challenge secrets (`scepChallenge.fixed`, `scepChallenge.dynamic.password`) only encrypted, as " +
    "`encryptedValues`: a refresh compares that ciphertext to tell a secret changed outside Pulumi, and never compares it to " +
    "the plaintext. Changes land in SCM's candidate configuration; pushing it to the firewalls is a separate step.",
  example: "examples/scm-scep-profile/index.ts",
  args: argsSchema,
  outputs: outputsSchema,
  settings: SETTINGS,
  adopt: {
    naturalKey: "the name in its container (`folder`, `snippet` or `device`)",
    importIds: ["<profile id>", "<folder>:::<profile id>", ":<snippet>::<profile id>", "::<device>:<profile id>"],
    notes:
      "The container-qualified ids are the vendor's Terraform provider's (`scm_scep_profile`); the container in the id must be the " +
      "profile's. Adopting writes the declared profile with one PUT, challenge included (the API shows secrets only encrypted, so " +
      "the declared one is written rather than compared); the state is then what a create leaves.",
  },
  errors: [
    {
      code: ERROR_CODES.conflict,
      when: "Create: a profile with this name already exists in the container (409 E006 Name Not Unique).",
      fix: "Pick another name, or take the existing profile over with `adopt: true` (or `adopt: \"<its id>\"`); the message names its id.",
    },
    {
      code: ERROR_CODES.inUse,
      when: "Delete (or a replacement's delete): GlobalProtect portals, gateways or certificate profiles still use the profile (409 E009 Reference Not Zero); the message lists them.",
      fix: "Remove the profile from what uses it, push the configuration, then destroy again.",
    },
    {
      code: ERROR_CODES.unauthorized,
      when: "Any call: the SCM auth service or the API refused the service account (401 E016: not authenticated, invalid credential, key expired).",
      fix: "Check the client id and secret and the TSG id (`SCM_CLIENT_ID`, `SCM_CLIENT_SECRET`, `SCM_TSG_ID` or the `trustplane:scm*` stack config, or the resource's `connection`).",
    },
    {
      code: ERROR_CODES.forbidden,
      when: "Any call: the service account has no role on this TSG or folder that allows it (403 E007).",
      fix: "Grant the service account a role that can edit identity services on the TSG or folder.",
    },
    {
      code: ERROR_CODES.notFound,
      when: "Refresh or delete: the profile was deleted outside Pulumi (404 E005 Object Not Present). Not a failure: a refresh drops it from the stack and a delete counts as done.",
      fix: "Nothing to do; the next `pulumi up` creates it again if the program still declares it.",
    },
    {
      code: ERROR_CODES.invalid,
      when: "Create or update: the API refused the profile (400 E003 Invalid Object, with the reasons in the details), or an import id that is not a UUID.",
      fix: "Correct the inputs the details name; `pulumi preview` checks the documented limits first.",
    },
    {
      code: ERROR_CODES.config,
      when: "Before any request: the client id, client secret or TSG id is not set, a scope is not `tsg_id:<TSG id>`, or an endpoint URL carries credentials.",
      fix: "Set the setting the message names, as it says (the resource's `connection`, the stack config, or the environment).",
    },
    {
      code: ERROR_CODES.adoptTargetMissing,
      when: "Create with `adopt: \"<id>\"`: no profile has that id; nothing is created.",
      fix: "Check the id (or its container prefix), or use `adopt: true` to adopt by name and create when there is none.",
    },
    {
      code: ERROR_CODES.adoptMismatch,
      when: "Create with `adopt`: the profile found is in another container than the program declares (only a replacement could change it); nothing is written.",
      fix: "Declare the profile's own container, or adopt another profile.",
    },
    {
      code: ERROR_CODES.outcomeUnknown,
      when: "Create: the POST's answer was lost and looking the profile up by name failed too, so it may exist.",
      fix: "Run `pulumi up` again once the API answers; if the create then reports a name conflict, adopt the profile with `adopt: true`.",
    },
  ],
};
