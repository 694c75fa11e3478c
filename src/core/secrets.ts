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
 * The list is decided in the resource's constructor, which runs before any input resolves:
 * whether an Output will turn out to be secret is not known there. So an output is marked secret
 * when any input it derives from is, or contains, an Output or a Promise (it may resolve secret);
 * when all of them are plain values written in the program, nothing it derives from can be secret
 * and the output stays readable.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Each derived output key and where it comes from: input paths (`ldap.domainName`: that leaf,
 * or anything above it that is an Output), or `keys:<path>` when only the map's key names reach
 * the output (nevisIDM's `classifications` are keyed by property name, their values are the
 * server's).
 */
export type DerivedOutputs = Record<string, readonly string[]>;

function isDeferred(v: unknown): boolean {
  return pulumi.Output.isInstance(v) || (!!v && typeof (v as { then?: unknown }).then === "function");
}

/** Whether anything at or below `v` may resolve secret: an Output or a Promise. */
export function maySecret(v: unknown): boolean {
  if (isDeferred(v)) return true;
  if (Array.isArray(v)) return v.some(maySecret);
  if (v && typeof v === "object") return Object.values(v).some(maySecret);
  return false;
}

/** Whether the input at `path` (dot-separated) may be secret, looking only as deep as the program wrote plain values. */
function pathMaySecret(args: Record<string, unknown>, path: string): boolean {
  const keysOnly = path.startsWith("keys:");
  const parts = (keysOnly ? path.slice(5) : path).split(".");
  let v: unknown = args;
  for (const p of parts) {
    if (isDeferred(v)) return true;
    if (!v || typeof v !== "object") return false;
    v = (v as Record<string, unknown>)[p];
  }
  if (keysOnly) return isDeferred(v);
  return maySecret(v);
}

/** The derived output keys to add to `additionalSecretOutputs` for these args. */
export function derivedSecretOutputs(args: Record<string, unknown>, derived: DerivedOutputs): string[] {
  return Object.entries(derived)
    .filter(([, from]) => from.some((p) => pathMaySecret(args, p)))
    .map(([k]) => k);
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
      return { refusedSecret: `'${k}' cannot be secret: it becomes the resource id` };
    });
  }
  return out;
}
