/**
 * Where credentials and endpoints come from, in DESIGN.md's order: the resource's own
 * `connection` input (a stack that talks to two tenants), then the stack config read in
 * `configure` (`pulumi config set --secret trustplane:<key> ...`, then the keys a vendor's own
 * Pulumi package reads, e.g. `scm:clientId` of `@pulumi/scm`), then the environment variables
 * the vendors' own tools use. The first setting found wins; a later source is not consulted.
 */
import type { CheckFailure } from "./check";
import { ConfigError } from "./errors";
import { registerSecret } from "./redact";
import { transportEnv } from "./transport";

export interface ConfigSource {
  get(key: string): string | undefined;
}

let stackConfig: ConfigSource = { get: () => undefined };
/** Counts the stack configs set, so that what was resolved under an earlier one is known to be stale. */
let stackConfigGeneration = 0;

/** Called from the provider's `configure` with the engine's config. */
export function setStackConfig(config: ConfigSource | undefined): void {
  stackConfig = config ?? { get: () => undefined };
  stackConfigGeneration++;
}

export interface SettingSpec {
  /** Key in the `connection` input. */
  input: string;
  /**
   * Stack config keys, namespaced, first match wins: `trustplane:scmClientId`, then the vendor
   * package's own spelling (`scm:clientId`) where there is one.
   */
  config: string | readonly string[];
  /** Environment variables, first match wins. */
  env?: readonly string[];
  /**
   * For a config key or environment variable whose value is spelled another way than ours
   * (`SCM_SCOPE=tsg_id:<TSG>` for a tsgId, `SCM_HOST=<host name>` for an API URL): turns its raw
   * value into ours, or undefined when it holds none (the lookup goes on).
   */
  convert?: Readonly<Record<string, (raw: string) => string | undefined>>;
  secret?: boolean;
  default?: string;
  /**
   * An endpoint (a URL or host name), refused when it carries userinfo (https://user:pw@host):
   * the transport never sends credentials from a URL, and messages would print them. Names the
   * settings the credentials go in instead, for the message.
   */
  endpoint?: { credentials: string };
}

/** Where a setting's value came from, for messages. */
type Source = { value: unknown; from: string };

const given = (v: unknown) => v !== undefined && v !== null && v !== "";

/** A config key's or variable's raw value in our spelling (see `convert`). */
function read(spec: SettingSpec, name: string, raw: string | undefined): unknown {
  const f = spec.convert?.[name];
  return f && typeof raw === "string" && raw !== "" ? f(raw) : raw;
}

function lookup(connection: Record<string, unknown> | undefined, spec: SettingSpec): Source | undefined {
  if (given(connection?.[spec.input])) return { value: connection![spec.input], from: `connection.${spec.input}` };
  for (const k of configKeys(spec)) {
    const c = read(spec, k, stackConfig.get(k));
    if (given(c)) return { value: c, from: `the stack config ${k}` };
  }
  for (const e of spec.env ?? []) {
    const v = read(spec, e, process.env[e]);
    if (given(v)) return { value: v, from: `the environment variable ${e}` };
  }
  return undefined;
}

function configKeys(spec: SettingSpec): readonly string[] {
  return typeof spec.config === "string" ? [spec.config] : spec.config;
}

// Endpoints already looked at and found without userinfo: every hook call resolves its settings
// again, and parsing the same URLs on each was a visible part of a create's CPU.
const cleanEndpoints = new Set<string>();

/** Why an endpoint setting cannot be used, or undefined; never quotes the userinfo itself. */
function endpointProblem(spec: SettingSpec, s: Source): string | undefined {
  if (!spec.endpoint || typeof s.value !== "string") return undefined;
  if (cleanEndpoints.has(s.value)) return undefined;
  const problem = userinfoProblem(spec as SettingSpec & { endpoint: { credentials: string } }, s as Source & { value: string });
  if (problem === undefined && cleanEndpoints.size < 256) cleanEndpoints.add(s.value);
  return problem;
}

function userinfoProblem(spec: SettingSpec & { endpoint: { credentials: string } }, s: Source & { value: string }): string | undefined {
  const v = s.value.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`);
  } catch {
    return undefined;
  }
  if (!u.username && !u.password) return undefined;
  u.username = "";
  u.password = "";
  return (
    `${s.from} carries credentials in the URL (user:…@host); they would not be sent from there, so the URL is refused: ` +
    `give it without them (${u.origin}${u.pathname === "/" && !/\/$/.test(v) ? "" : u.pathname}) and put the ${spec.endpoint.credentials} in their own settings ` +
    "(the resource's connection, or the stack config with `pulumi config set --secret`)"
  );
}

/**
 * Check failures for endpoint settings that carry credentials, wherever they come from (the
 * connection input, the stack config set at configure, the environment), so that preview
 * refuses them before any request.
 */
export function endpointFailures(connection: unknown, specs: Record<string, SettingSpec>): CheckFailure[] {
  const conn = connection && typeof connection === "object" ? (connection as Record<string, unknown>) : undefined;
  const out: CheckFailure[] = [];
  for (const spec of Object.values(specs)) {
    const s = lookup(conn, spec);
    const problem = s && endpointProblem(spec, s);
    if (problem) out.push({ property: s.from.startsWith("connection.") ? s.from : "connection", reason: problem });
  }
  return out;
}

export function resolveSetting(connection: Record<string, unknown> | undefined, spec: SettingSpec): string | undefined {
  const found = lookup(connection, spec);
  const problem = found && endpointProblem(spec, found);
  if (problem) throw new ConfigError(problem);
  let v: unknown = found?.value;
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
): Resolved<K> {
  const out = {} as Resolved<K>;
  for (const k of Object.keys(specs) as K[]) out[k] = resolveSetting(connection, specs[k]);
  return out;
}

/** Resolved settings, each a string or unset. */
export type Resolved<K extends string> = Record<K, string | undefined>;

/** How many distinct clients a factory keeps: more connections than a stack has are rare. */
const KEPT_CLIENTS = 32;

/**
 * A vendor's client factory that resolves the settings whenever their sources differ from a call
 * before (a resource's `connection`, the stack config and the environment decide them, and may
 * differ from one resource to the next) and builds a client once per distinct settings, not once
 * per hook call: a client's layers, its token cache key (a SHA-256), its retry settings and
 * dispatcher were about a tenth of a create's CPU in the benchmark (docs/benchmark.md). A failed
 * build (a setting missing) is not kept, so each call says so again. The keys hold the settings'
 * values, secrets among them, in this process's memory only, where the client built from them
 * holds them anyway; and the transport's environment (retry knobs, proxies), so that a changed
 * variable makes a new client.
 */
export function clientFactory<K extends string, C>(
  specs: Record<K, SettingSpec>,
  // The settings alone: they are the key, so a build that read the connection itself could be
  // handed a client built for another.
  build: (s: Resolved<K>) => C,
): (connection: Record<string, unknown> | undefined) => C {
  const kept = new Map<string, C>();
  // What a resolution reads, besides the connection and the stack config: these variables alone.
  const envNames = [...new Set(Object.values<SettingSpec>(specs).flatMap((spec) => spec.env ?? []))];
  // The client each set of sources (the connection as given, the stack config set, the variables'
  // values) resolved to, so that a hook whose sources are the ones the last hooks had takes it
  // without resolving every setting again: the resolution (each setting looked for in the
  // connection, the stack config and the environment, endpoints checked, the key written) was
  // about half of a hot read hook's own CPU in the host (docs/benchmark.md). Only a resolution
  // that succeeded is kept, so a missing or refused setting is said again on each call.
  const bySources = new Map<string, C>();
  return (connection) => {
    const env = transportEnv();
    let sources = `${stackConfigGeneration}\u0000${connection === undefined ? "" : JSON.stringify(connection)}\u0000${env}`;
    for (const name of envNames) sources += `${process.env[name] ?? ""}\u0000`;
    const known = bySources.get(sources);
    if (known !== undefined) return known;
    const s = resolveSettings(connection, specs);
    // `s` holds every connection input the build reads (a boolean switch resolves to "true" or
    // "false"), so the settings and the transport's environment are the whole key.
    const key = JSON.stringify([s, env]);
    let client = kept.get(key);
    if (client === undefined) {
      client = build(s);
      keep(kept, key, client);
    }
    keep(bySources, sources, client);
    return client;
  };
}

function keep<C>(m: Map<string, C>, key: string, value: C): void {
  if (m.size >= KEPT_CLIENTS) m.delete(m.keys().next().value as string);
  m.set(key, value);
}

export function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v);
}

/** How to fix a missing setting, for ConfigError messages. */
export function howToSet(spec: SettingSpec): string {
  const env = spec.env?.length ? `, or the environment variable ${spec.env.join(" / ")}` : "";
  const [config, ...others] = configKeys(spec);
  const also = others.length ? ` (or ${others.join(" / ")})` : "";
  return `set connection.${spec.input} on the resource, the stack config \`pulumi config set ${spec.secret ? "--secret " : ""}${config} <value>\`${also}${env}`;
}
