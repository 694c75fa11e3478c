/**
 * What every trustplane resource class does in its constructor: declare each output key (the
 * engine only reports outputs a resource registered), keep the vendor's secret outputs encrypted
 * whatever the program's options say, and hand Pulumi the small provider stub rather than a
 * closure over our code.
 */
import * as pulumi from "@pulumi/pulumi";
import { DERIVED_SECRETS_KEY, markDerivedSecrets, type DerivedOutputs } from "./secrets";
import { providerStub } from "./stub";

export abstract class TrustplaneResource extends pulumi.dynamic.Resource {
  protected constructor(
    /** `<vendor>:<Kind>`, e.g. `scm:ScepProfile`: the registry key of `trustplane/provider`. */
    type: `${string}:${string}`,
    outputKeys: readonly string[],
    secretOutputs: readonly string[],
    name: string,
    args: Record<string, unknown>,
    opts?: pulumi.CustomResourceOptions,
    /** Outputs built from inputs under other names: secret when those inputs are (core/secrets.ts). */
    derived?: DerivedOutputs,
  ) {
    const [module, kind] = type.split(":");
    // One list, filled in by markDerivedSecrets before the SDK reads it (after the inputs resolve).
    const secret = [...secretOutputs, ...(opts?.additionalSecretOutputs ?? [])];
    const decided = derived ? markDerivedSecrets(args, derived, secret) : undefined;
    super(
      providerStub(type),
      name,
      { ...Object.fromEntries(outputKeys.map((k) => [k, undefined])), ...args, ...(decided ? { [DERIVED_SECRETS_KEY]: decided } : {}) },
      { ...opts, additionalSecretOutputs: secret },
      module,
      kind,
    );
  }
}
