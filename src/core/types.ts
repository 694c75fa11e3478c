/** Pulumi-facing types derived from the zod schemas, so no field is written twice. */
import type * as pulumi from "@pulumi/pulumi";

/**
 * Every property, at every depth, may be a Pulumi input (a value, a promise or another resource's output).
 * A `z.unknown()` value (a vendor's free-form one) takes any input: mapped like an object it would
 * become `{}`, which refuses the null the schema accepts.
 */
export type Inputify<T> = unknown extends T
  ? pulumi.Input<unknown>
  : T extends string | number | boolean | undefined | null
    ? T
    : T extends ReadonlyArray<infer E>
      ? ReadonlyArray<pulumi.Input<Inputify<E>>>
      : { [K in keyof T]: pulumi.Input<Inputify<T[K]>> };

/** The resource's output properties: one `Output<T>` per state key. */
export type Outputify<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };
