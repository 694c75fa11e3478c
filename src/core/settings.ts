/**
 * Where credentials and endpoints come from, in DESIGN.md's order: the resource's own
 * `connection` input (a stack that talks to two tenants), then the stack config read in
 * `configure` (`pulumi config set --secret trustplane:<key> ...`), then the environment variables
 * the vendors' own tools use.
 */
import { registerSecret } from "./redact";

export interface ConfigSource {
  get(key: string): string | undefined;
}

let stackConfig: ConfigSource = { get: () => undefined };

/** Called from the provider's `configure` with the engine's config. */
export function setStackConfig(config: ConfigSource | undefined): void {
  stackConfig = config ?? { get: () => undefined };
}

export interface SettingSpec {
  /** Key in the `connection` input. */
  input: string;
  /** Stack config key, namespaced: `trustplane:scmClientId`. */
  config: string;
  /** Environment variables, first match wins. */
  env?: readonly string[];
  secret?: boolean;
  default?: string;
}

export function resolveSetting(connection: Record<string, unknown> | undefined, spec: SettingSpec): string | undefined {
  const fromInput = connection?.[spec.input];
  let v: unknown = fromInput;
  if (v === undefined || v === null || v === "") v = stackConfig.get(spec.config);
  if (v === undefined || v === null || v === "") for (const e of spec.env ?? []) if (process.env[e]) { v = process.env[e]; break; }
  if (v === undefined || v === null || v === "") v = spec.default;
  if (v === undefined || v === null) return undefined;
  const s = typeof v === "string" ? v : String(v);
  if (spec.secret) registerSecret(s);
  return s;
}

/** Resolves every setting of a vendor at once: `{clientId: ..., clientSecret: ...}`. */
export function resolveSettings<K extends string>(
  connection: Record<string, unknown> | undefined,
  specs: Record<K, SettingSpec>,
): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  for (const k of Object.keys(specs) as K[]) out[k] = resolveSetting(connection, specs[k]);
  return out;
}

export function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v);
}

/** How to fix a missing setting, for ConfigError messages. */
export function howToSet(spec: SettingSpec): string {
  const env = spec.env?.length ? `, or the environment variable ${spec.env.join(" / ")}` : "";
  return `set connection.${spec.input} on the resource, the stack config \`pulumi config set ${spec.secret ? "--secret " : ""}${spec.config} <value>\`${env}`;
}
