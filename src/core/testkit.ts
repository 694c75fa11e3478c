/**
 * What a vendor's testkit (`src/<vendor>/testkit.ts`, public through `trustplane/emulators`) is:
 * its emulator, and the two ways a stack names that emulator, derived from the settings the
 * vendor's client reads (`SETTINGS` in its client.ts), so that no config key is spelled twice.
 */
import type { SettingSpec } from "./settings";

/** Stack config as `pulumi config set [--secret] <key> <value>` writes it. */
export type StackConfig = Record<string, { value: string; secret?: boolean }>;

export interface Testkit<E, O, C extends Record<string, unknown>> {
  /** The resource's type token without the dynamic prefix: `scm:ScepProfile`. */
  readonly type: string;
  /** Starts the vendor's emulator on 127.0.0.1 (a real HTTP server; `stop()` it after). */
  start(opts?: O): Promise<E>;
  /** The resource's `connection` input naming the emulator's endpoint and credentials. */
  connection(e: E): C;
  /**
   * The stack config that says what `connection` says (with `change` applied; a key changed to
   * undefined is left out), each setting under the config key the provider reads first, marked
   * secret where the setting is a secret.
   */
  stackConfig(e: E, change?: Partial<Record<keyof C, unknown>>): StackConfig;
  /**
   * The endpoints of `stackConfig` alone, for a stack that keeps its own credentials (an
   * emulator started with them) and only has to be pointed at the emulator.
   */
  endpointConfig(e: E): StackConfig;
}

/** `connection` as stack config, through the vendor client's settings. */
export function stackConfigOf(settings: Readonly<Record<string, SettingSpec>>, connection: Record<string, unknown>): StackConfig {
  const out: StackConfig = {};
  for (const [input, value] of Object.entries(connection)) {
    if (value === undefined) continue;
    const spec = Object.values(settings).find((s) => s.input === input);
    if (!spec) throw new Error(`no setting takes the connection input '${input}'`);
    const key = typeof spec.config === "string" ? spec.config : spec.config[0];
    out[key] = { value: String(value), ...(spec.secret ? { secret: true } : {}) };
  }
  return out;
}

/** A testkit for a vendor whose connection is `connection(e)`, its stack config derived from `settings`. */
export function testkit<E, O, C extends Record<string, unknown>>(
  type: string,
  settings: Readonly<Record<string, SettingSpec>>,
  start: (opts?: O) => Promise<E>,
  connection: (e: E) => C,
): Testkit<E, O, C> {
  return {
    type,
    start,
    connection,
    stackConfig: (e, change = {}) => stackConfigOf(settings, { ...connection(e), ...change }),
    endpointConfig: (e) => {
      const endpoint = new Set(Object.values(settings).filter((s) => s.endpoint).map((s) => s.input));
      return stackConfigOf(settings, Object.fromEntries(Object.entries(connection(e)).filter(([k]) => endpoint.has(k))));
    },
  };
}
