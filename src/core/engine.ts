/**
 * What the engine adds to a resource's properties, kept away from the vendor hooks.
 *
 * The dynamic-provider host hands each hook the engine's own property maps: the serialized
 * provider (`__provider`, a few kB of JavaScript) rides in the inputs, olds, news and state of
 * every resource. A hook that maps its properties to a request body would send it to the vendor,
 * so the keys are taken out here, once, before any hook runs.
 *
 * Nothing is taken out of what a hook returns, and the host's own objects are never changed: the
 * host (`@pulumi/pulumi/cmd/dynamic-provider`) reads `__provider` from the properties it passed
 * after the hook returns and writes it back into the check inputs (`inputs[providerKey] =
 * news[providerKey]`) and into the create, read and update results (`resultIncludingProvider`),
 * which is how the next operation finds the provider again.
 */

/** Keys the engine or the SDK puts beside a resource's own properties (`__provider`, …). */
export function isEngineKey(key: string): boolean {
  return key.startsWith("__");
}

/** A copy of `props` without the engine's keys; `props` itself is left as the host passed it. */
export function withoutEngineKeys<T extends Record<string, unknown>>(props: T): T {
  if (!props || typeof props !== "object") return props;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!isEngineKey(k)) out[k] = v;
  return out as T;
}

type Props = Record<string, any>;

/**
 * A create or update that made the object and then failed throws with `id` and `properties`,
 * which the host sends as ErrorResourceInitFailed so the engine records the object. The host
 * packs those properties as they are (`grpcResponseFromError` in the SDK's
 * cmd/dynamic-provider/index.ts); unlike a success it does not add `__provider` back. Without it
 * the state entry has no provider text, and the next delete of it fails in the host with "code
 * must be a string, not undefined" (seen through the real engine: a replacement whose enable
 * failed could not be deleted). So the provider text the host passed is put back here.
 */
function keepProvider(props: Props) {
  return (err: any): never => {
    if (err && typeof err === "object" && err.id && err.properties && typeof err.properties === "object") {
      for (const [k, v] of Object.entries(props ?? {})) if (isEngineKey(k) && !(k in err.properties)) err.properties = { ...err.properties, [k]: v };
    }
    throw err;
  };
}

/** The hooks every trustplane resource implements, as the dynamic-provider host calls them. */
export interface ResourceHooks {
  check(olds: Props, news: Props): Promise<any>;
  diff(id: string, olds: Props, news: Props): Promise<any>;
  create(inputs: Props): Promise<any>;
  read(id: string, props: Props): Promise<any>;
  update(id: string, olds: Props, news: Props): Promise<any>;
  delete(id: string, props: Props): Promise<void>;
}

/** `hooks` as the engine reaches them: every property map they receive is without engine keys. */
export function engineFacing<H extends ResourceHooks>(hooks: H): H {
  const w = withoutEngineKeys;
  return {
    ...hooks,
    check: (olds: Props, news: Props) => hooks.check(w(olds), w(news)),
    diff: (id: string, olds: Props, news: Props) => hooks.diff(id, w(olds), w(news)),
    create: (inputs: Props) => hooks.create(w(inputs)).catch(keepProvider(inputs)),
    read: (id: string, props: Props) => hooks.read(id, w(props)),
    update: (id: string, olds: Props, news: Props) => hooks.update(id, w(olds), w(news)).catch(keepProvider(news)),
    delete: (id: string, props: Props) => hooks.delete(id, w(props)),
  };
}
