/**
 * What `docs/resources/vcf.IdentityProvider.md` says beyond the schemas (core/reference.ts): the
 * summary from the resource class and the README, adoption, and the failures a user meets, each
 * with the hint the code gives for it.
 */
import { ERROR_CODES } from "../core/errors";
import type { ResourceReference } from "../core/reference";
import { SETTINGS } from "./client";
import { argsSchema, outputsSchema } from "./schema";

export const reference: ResourceReference = {
  name: "vcf.IdentityProvider",
  type: "vcf:IdentityProvider",
  vendor: "VMware Cloud Foundation SDDC Manager",
  summary:
    "An external identity provider of VMware Cloud Foundation SDDC Manager (`/v1/identity-providers`): AD FS signs " +
    "administrators in over OIDC and SDDC Manager searches users and groups in Active Directory or OpenLDAP over LDAP.\n\n" +
    "Writes SDDC Manager answers with a long-running task are waited for with bounded polling " +
    "(`TRUSTPLANE_VCF_TASK_POLL_MS`, 5 s; at most `TRUSTPLANE_VCF_TASK_TIMEOUT_MS`, 30 min); a failed task is reported with " +
    "its errors. Every update PATCHes the whole spec, secrets included, as the API's PATCH body requires. The API never " +
    "answers the LDAP bind password, the OIDC client secret nor the top-level `certChain`. A change of `type`, or dropping " +
    "a whole `ldap` or `oidc` block, replaces the provider (the old one first when the name is kept: names are unique). " +
    "The built-in Embedded identity provider always exists and cannot be created, adopted, updated or deleted. Errors show " +
    "SDDC Manager's `errorCode`, message, `remediationMessage`, `referenceToken` (quote it to VMware support) and causes.",
  example: "examples/vcf-identity-provider/index.ts",
  args: argsSchema,
  outputs: outputsSchema,
  settings: SETTINGS,
  adopt: {
    naturalKey: "the name (names are unique in SDDC Manager, the Embedded IDP's included)",
    importIds: ["the identity provider's id, as `GET /v1/identity-providers` lists it (`8b0c2f7e-1d3a-4e5b-9c6d-7f8e9a0b1c2d`)"],
    notes:
      "The bind password, the client secret and `certChain` cannot be read back: declare them, and adopting PATCHes the " +
      "whole declared spec once, so none stays in `unverified`. A different `type`, or a block the provider has and the " +
      "program drops, is refused (only a new provider could change it). The built-in Embedded identity provider cannot be adopted.",
  },
  errors: [
    {
      code: ERROR_CODES.conflict,
      when: "The create's POST is refused because an identity provider with that name already exists (HTTP 409).",
      fix: "The error names the existing provider's id: pick another name, or adopt it with `adopt: true` (or `adopt: \"<its id>\"`). If the name is the built-in Embedded IDP's, pick another name.",
    },
    {
      code: ERROR_CODES.unauthorized,
      when: "SDDC Manager refuses the login (`POST /v1/tokens`) or the token: a wrong user or password.",
      fix: "Check the SDDC Manager user and password: `VCF_USERNAME` / `VCF_PASSWORD`, the `trustplane:vcfUsername` / `vcfPassword` stack config, or `connection.username` / `password`.",
    },
    {
      code: ERROR_CODES.forbidden,
      when: "The SDDC Manager user is authenticated but may not manage identity providers (HTTP 403).",
      fix: "Give the user the ADMIN role in SDDC Manager, or use a user that has it.",
    },
    {
      code: ERROR_CODES.invalid,
      when: "SDDC Manager refuses the spec (HTTP 400 `IDENTITY_PROVIDER_SPEC_INVALID`, with the fields it objects to), or refuses to delete the built-in Embedded identity provider.",
      fix: "Correct the fields the error lists (its remediation says how). A state that holds the Embedded provider: remove it from the stack with `pulumi state delete`.",
    },
    {
      code: ERROR_CODES.notFound,
      when: "The provider was deleted outside Pulumi: a refresh drops it from the stack and a delete counts it as done; `adopt: \"<id>\"` of an id that does not exist fails (TRUSTPLANE_ADOPT_TARGET_MISSING) and adds nothing.",
      fix: "Run `pulumi refresh`, then `pulumi up` to add it again; for `adopt`, check the id (and the connection) or use `adopt: true`.",
    },
    {
      code: ERROR_CODES.adoptMismatch,
      when: "`adopt` found a provider whose `type` differs from the program's, or that has an `ldap` or `oidc` block the program drops.",
      fix: "Declare the type and blocks the existing provider has, or adopt another provider. Nothing was written.",
    },
    {
      code: ERROR_CODES.partialCreate,
      when: "The provider was added but could not be read back.",
      fix: "Nothing to undo: the provider stays tracked in the stack, and the next `pulumi up` finishes it.",
    },
    {
      code: ERROR_CODES.taskFailed,
      when: "The long-running task SDDC Manager started for the write ended FAILED or CANCELLED (an LDAP server it cannot reach, a bind that fails).",
      fix: "Read the task's errors and remediation in the message (or `GET /v1/tasks/<id>`), fix the cause, and run `pulumi up` again; quote the reference token to VMware support.",
    },
    {
      code: ERROR_CODES.taskTimeout,
      when: "The task was still running after `TRUSTPLANE_VCF_TASK_TIMEOUT_MS` (30 min by default).",
      fix: "It may still complete: check it in SDDC Manager (`GET /v1/tasks/<id>`), then run `pulumi refresh` before the next update; raise `TRUSTPLANE_VCF_TASK_TIMEOUT_MS` to wait longer.",
    },
    {
      code: ERROR_CODES.unreachable,
      when: "SDDC Manager cannot be reached, or its TLS certificate is from a CA the machine does not trust (SDDC Manager commonly has a private CA).",
      fix: "Check `trustplane:vcfHost` / `VCF_HOST`; for a private CA set `trustplane:vcfCaBundle` / `VCF_CA_BUNDLE` (PEM text or a file path), or, for a lab, `insecureSkipTlsVerify` by name.",
    },
    {
      code: ERROR_CODES.config,
      when: "The SDDC Manager host, user or password is set nowhere, or the host is not a host name or URL.",
      fix: "Set `trustplane:vcfHost`, `trustplane:vcfUsername`, `trustplane:vcfPassword` (with --secret), or `VCF_HOST`, `VCF_USERNAME`, `VCF_PASSWORD`, or the resource's `connection`.",
    },
  ],
};
