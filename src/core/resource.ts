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

  /**
   * The live object `id` as a read-only resource of another stack: `scm.ScepProfile.get("x", id)`.
   * The stack does not manage it (no create, update or delete); each run reads it again.
   *
   * This works for a dynamic resource, unlike the `import` option (pulumi/pulumi#16175): the SDK
   * sends a resource with `opts.id` as a ReadResource whose properties are the constructor's
   * inputs, our `__provider` stub among them (pulumi/pulumi sdk/nodejs/runtime/resource.ts,
   * `readResource`); the engine hands those inputs to the provider's Read as its state (pkg/resource/
   * deploy/step.go, `ReadStep.Apply`: `State: s.new.Inputs`), and the dynamic-provider host loads
   * the provider from that state's `__provider` (sdk/nodejs/cmd/dynamic-provider/index.ts, `read`).
   * So each vendor's `read(id, props)` runs with no inputs but the stub: it takes the object from
   * the id alone, as after an import, and the connection from the stack config or the environment.
   * `this`-typed, so every resource class has it with its own instance type and no code of its own.
   */
  static get<T>(
    this: new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => T,
    name: string,
    id: pulumi.Input<pulumi.ID>,
    opts?: pulumi.CustomResourceOptions,
  ): T {
    return new this(name, {}, { ...opts, id });
  }
}
