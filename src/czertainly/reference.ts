/**
 * What `czertainly.ScepProfile`'s reference page says beyond its schemas (core/reference.ts):
 * the summary, the adoption story and the failures a user meets, in the words of the hints the
 * provider and the envelope mapping already give (provider.ts, errors.ts, client.ts).
 */
import { ERROR_CODES } from "../core/errors";
import type { ResourceReference } from "../core/reference";
import { SETTINGS } from "./client";
import { argsSchema, outputsSchema } from "./schema";

export const reference: ResourceReference = {
  name: "czertainly.ScepProfile",
  type: "czertainly:ScepProfile",
  vendor: "CZERTAINLY Core (ILM) 2.17, SCEP profiles (`/v1/scepProfiles`)",
  summary:
    "A SCEP profile in CZERTAINLY Core: the CA certificate, RA profile, attributes, challenge password and Intune settings " +
    "devices enrolling over SCEP get. Other resources and stacks consume `caCertificate` (fingerprint, subjectDn, notAfter…), " +
    "`scepUrl` (present with a default RA profile) and `enabled`.\n\n" +
    "Core creates profiles disabled, so `enabled` is applied with `/enable` or `/disable` after each write; if that or the read-back " +
    "after a create fails, the profile stays in the stack and the next `pulumi up` finishes it. An update is a full PUT of everything " +
    "declared, the secrets included (Core clears what is missing); an unset `renewalThreshold` is sent as 0, because PUT keeps the stored " +
    "value on null. Core writes a challenge password on PUT only if the profile already had one, so adding a password to a profile " +
    "without one replaces the profile (the old one is deleted first: the name is taken); changing or removing one is an update. " +
    "A rename replaces the profile, the new one created before the old one is deleted.\n\n" +
    "Core builds `scepUrl` from the address the provider reached it at: behind an internal address, set `connection.publicUrl` " +
    "to the public base of Core's API.",
  example: "examples/czertainly-scep-profile/index.ts",
  args: argsSchema,
  outputs: outputsSchema,
  settings: SETTINGS,
  adopt: {
    naturalKey: "`name` (names are unique across Core)",
    importIds: ["the profile's uuid, e.g. `6b55de1c-844f-11ec-a8a3-0242ac120002`"],
    notes:
      "Adopting sends no POST: it reads the profile, then sends one PUT of everything declared (Core never answers the challenge password, " +
      "the Intune key nor `secret`-typed attribute content, so they are written rather than compared) and enables or disables it as declared. " +
      "An adopted profile whose name is not the declared one is refused (Core cannot rename). A challenge password declared on a profile " +
      "that had none stays listed in `unverified`: Core ignores it on PUT.",
  },
  errors: [
    {
      code: ERROR_CODES.conflict,
      when: "The create's POST is answered 409: a SCEP profile with the same name already exists (names are unique across Core).",
      fix: "Pick another name, or adopt the existing profile with the input `adopt: true` (or `adopt: \"<its uuid>\"`); the error names its uuid.",
    },
    {
      code: ERROR_CODES.inUse,
      when: "A delete is refused with 422 `Dependent SCEP Profiles (<n>): <names>`: RA profiles have SCEP activated with this profile; the error names them.",
      fix:
        "Deactivate SCEP on those RA profiles (RA profile → Protocols → SCEP, or PATCH …/raProfiles/{uuid}/protocols/scep/deactivate), " +
        "or set `forceDelete: true`, run `pulumi up` (it changes nothing in Core), then delete again: force delete deactivates SCEP on them first.",
    },
    {
      code: ERROR_CODES.unauthorized,
      when:
        "Core answers 401: the bearer token is expired or not issued by an OAuth2 provider configured in Core, or a client certificate " +
        "reached Core's own port in the TLS handshake instead of the `ssl-client-cert` header its ingress sets.",
      fix:
        "Let the provider fetch and refresh tokens with OAuth2 client credentials (`connection.tokenUrl` + `clientId` + `clientSecret`, or " +
        "CZERTAINLY_TOKEN_URL / CZERTAINLY_CLIENT_ID / CZERTAINLY_CLIENT_SECRET), or set a token that outlives the run; for a certificate, go " +
        "through the ingress or set `connection.clientCertHeader: \"ssl-client-cert\"`, and register it to a Core user.",
    },
    {
      code: ERROR_CODES.forbidden,
      when: "Core answers 403 ACCESS_DENIED: the user behind the credentials lacks a permission on SCEP profiles.",
      fix: "Grant the user the permission on the resource `scepProfiles` in Core's roles.",
    },
    {
      code: ERROR_CODES.notFound,
      when:
        "An update, enable or disable is answered 404: the profile was deleted outside Pulumi. (A refresh then drops it; a delete takes a 404 as done.) " +
        "On create, a 404 names an unknown CA certificate, RA profile or custom attribute definition.",
      fix: "Run `pulumi refresh` to drop it from the state, then `pulumi up` to create it again; on create, check the uuids and attribute names declared.",
    },
    {
      code: ERROR_CODES.invalid,
      when:
        "Core refuses the request with 422 or 400: a CA certificate that is not acceptable as SCEP CA (not issued, expired, no platform-managed key, " +
        "not RSA with Intune), issue attributes the RA profile's connector does not take, or attribute content of the wrong shape. The error lists Core's messages.",
      fix:
        "Pick a CA from `GET /v1/scepProfiles/caCertificates?intuneEnabled=…`, and declare the attributes the RA profile's authority defines; " +
        "most input rules are checked at preview already.",
    },
    {
      code: ERROR_CODES.partialCreate,
      when: "The profile was created, but enabling it or reading it back failed.",
      fix: "Nothing is lost: the profile stays in the stack; run `pulumi up` again once Core answers and the update finishes it.",
    },
    {
      code: ERROR_CODES.config,
      when: "Before any request: Core's URL or credentials are not set, a certificate has no key, or both a static token and an OAuth2 client are set.",
      fix: "Set them in the resource's `connection`, the stack config (`trustplane:czertainly…`) or the environment (`CZERTAINLY_…`); keep one kind of credential.",
    },
    {
      code: ERROR_CODES.adoptTargetMissing,
      when: "`adopt: \"<uuid>\"` names a profile that does not exist; nothing was created.",
      fix: "Check the uuid (and the connection the resource uses), or use `adopt: true` to adopt by name and create when there is none.",
    },
    {
      code: ERROR_CODES.adoptMismatch,
      when: "The profile `adopt` names has another name than the declared one: Core cannot rename a profile. Nothing was written.",
      fix: "Declare the name the existing profile has, or adopt another profile.",
    },
  ],
};
