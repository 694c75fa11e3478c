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
    // The SDK makes four promises per declared property (an Output's value, known, secret and
    // dependencies) and stamps each with `new Error().stack` for its leak report
    // (@pulumi/pulumi runtime/debuggable.ts, `debuggablePromise`); with our 6-23 declared outputs
    // that capture and formatting was about half the CPU of a registration (tools/registration.ts,
    // docs/benchmark.md). The stacks are read only by the leak report with
    // PULUMI_DEBUG_PROMISE_LEAKS set, so outside that mode none is captured while the SDK builds
    // this resource; an error thrown out of the constructor gets its stack from here instead.
    const stackLimit = Error.stackTraceLimit;
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
    try {
      super(
        providerStub(type),
        name,
        { ...Object.fromEntries(outputKeys.map((k) => [k, undefined])), ...args, ...(decided ? { [DERIVED_SECRETS_KEY]: decided } : {}) },
        { ...opts, additionalSecretOutputs: secret },
        module,
        kind,
      );
    } catch (err) {
      Error.stackTraceLimit = stackLimit;
      if (err instanceof Error) Error.captureStackTrace(err, TrustplaneResource);
      throw err;
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
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
