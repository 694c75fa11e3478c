/**
 * Which outputs must be secret because of what the program wrapped in `pulumi.secret`.
 *
 * The engine never hands secrets to this provider: it strips them before each call and re-marks
 * as secret only the outputs at the same property names as secret inputs (recursing into
 * objects; a whole array when any element was secret), plus the resource's
 * `additionalSecretOutputs` (`annotateSecrets` in pulumi/pulumi
 * pkg/resource/plugin/provider_plugin.go). An output that echoes an input under another name
 * (nevisIDM's `values` echo `properties`) or is built from one (CZERTAINLY's `scepUrl` holds the
 * profile name) is therefore stored and shown in plaintext unless it is listed here.
 *
 * The constructor runs before any input resolves, so it cannot tell yet whether an Output will
 * be secret; an input written as a plain value cannot be. For each derived output whose inputs
 * hold an Output or a Promise, `markDerivedSecrets` waits for their secretness (`pulumi.isSecret`,
 * known even while a value is unknown in preview) and adds the output to the list given as
 * `additionalSecretOutputs`. The SDK reads that list only after it has resolved every input
 * (`registerResource` in @pulumi/pulumi runtime/resource.js prepares the inputs first), and the
 * returned promise is itself passed as an input that resolves to nothing, so the list is complete
 * before it is read: an output is secret exactly when something it derives from is.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Each derived output key and where it comes from: input paths (`ldap.domainName`: that leaf,
 * or anything above it that is an Output), or `keys:<path>` when only the map's key names reach
 * the output (nevisIDM's `classifications` are keyed by property name, their values are the
 * server's).
 */
export type DerivedOutputs = Record<string, readonly string[]>;

/** The input that carries `markDerivedSecrets`' promise: an engine key, resolving to nothing, never sent. */
export const DERIVED_SECRETS_KEY = "__derivedSecrets";

function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || (!!v && typeof (v as { then?: unknown }).then === "function");
}

/** Every Output or Promise at or below `v`. */
function deferredIn(v: unknown, out: unknown[] = []): unknown[] {
  if (isDeferred(v)) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => deferredIn(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => deferredIn(x, out));
  return out;
}

/** The Outputs and Promises the input at `path` (dot-separated) may take a secret from. */
function sourcesAt(args: Record<string, unknown>, path: string): unknown[] {
  const keysOnly = path.startsWith("keys:");
  const parts = (keysOnly ? path.slice(5) : path).split(".");
  let v: unknown = args;
  for (const p of parts) {
    if (isDeferred(v)) return [v];
    if (!v || typeof v !== "object") return [];
    v = (v as Record<string, unknown>)[p];
  }
  if (keysOnly) return isDeferred(v) ? [v] : [];
  return deferredIn(v);
}

function resolvesSecret(v: unknown): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(v) as pulumi.Output<unknown>);
}

/**
 * Adds to `secretOutputs` each derived output whose inputs resolve secret; the promise settles
 * once all are decided, or is undefined when every input it could derive from is a plain value.
 */
export function markDerivedSecrets(
  args: Record<string, unknown>,
  derived: DerivedOutputs,
  secretOutputs: string[],
): Promise<undefined> | undefined {
  const pending: Promise<void>[] = [];
  for (const [key, from] of Object.entries(derived)) {
    const sources = from.flatMap((p) => sourcesAt(args, p));
    if (sources.length === 0) continue;
    pending.push(
      Promise.all(sources.map(resolvesSecret)).then(
        (secret) => {
          if (secret.some(Boolean) && !secretOutputs.includes(key)) secretOutputs.push(key);
        },
        () => {
          // An input that fails fails the registration by itself; the output is kept secret meanwhile.
          if (!secretOutputs.includes(key)) secretOutputs.push(key);
        },
      ),
    );
  }
  return pending.length ? Promise.all(pending).then(() => undefined) : undefined;
}

/**
 * Inputs that become the resource's id (nevisIDM's `<clientExtId>/<profileExtId>`) or name the
 * object the id is taken from (`adopt: "<id>"`) cannot be secret: the engine stores and prints
 * ids in plaintext, whatever the program marks. Such an input wrapped in `pulumi.secret` is
 * logged as an error and replaced by a value check refuses at its property, so nothing is
 * created and the value never reaches an id. (Throwing from the apply instead leaves an inline
 * program's registration waiting forever.)
 */
export function refuseSecretIdInputs(type: string, args: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const k of keys) {
    const v = out[k];
    if (!isDeferred(v)) continue;
    const o = pulumi.output(v);
    out[k] = pulumi.all([o, pulumi.output(pulumi.isSecret(o))]).apply(([x, secret]) => {
      if (!secret) return x;
      void pulumi.log.error(
        `${type}: '${k}' is wrapped in pulumi.secret, but it becomes (part of) the resource id, which Pulumi stores and ` +
          "shows in plaintext; pass it as a plain value (pulumi.unsecret) if it may be seen, or keep the secret out of it",
      );
      return {
        refusedSecret:
          "is wrapped in pulumi.secret, but it becomes (part of) the resource id, which Pulumi stores and shows in plaintext: pass it as a plain value",
      };
    });
  }
  return out;
}
