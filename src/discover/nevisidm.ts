/**
 * nevisIDM: the property values of the profiles named (`--client`, `--profile`), each read as the
 * resource's import reads it (`GET …/profiles/{extId}/properties`: every key the profile has).
 * The REST v1 API has no listing of a client's profiles that this package relies on, so the
 * profiles are named on the command line. Property values are not write-only: none is a secret here.
 */
import { ConfigError } from "../core/errors";
import { API_ROOT, nevisidmClient } from "../nevisidm/client";
import { hooks } from "../nevisidm/provider";
import { eachWithProgress, type DiscoverOptions } from "./options";
import type { Discovered, Discovery } from "./render";

export const info = { vendor: "nevisidm", kind: "ProfileProperties", noun: "profile's properties", plural: "profiles' properties" };

type Props = Record<string, unknown>;

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  if (!o.client || o.profiles.length === 0) {
    throw new ConfigError("name the nevisIDM client with --client <clientExtId> and each profile with --profile <profileExtId> (repeatable)");
  }
  const client = o.client;
  const ids = [...new Set(o.profiles)];
  const missing: string[] = [];
  const readOnly = await readOnlyProperties(client);
  const objects = await eachWithProgress(ids, "nevisidm", o, async (profile): Promise<Discovered | undefined> => {
    const r = await hooks.read(`${client}/${profile}`, {});
    if (!r.id) {
      missing.push(`profile '${profile}' of client '${client}': there is no such profile`);
      return undefined;
    }
    const { connection: _c, ...inputs } = (r.inputs ?? {}) as Props;
    const props = (inputs.properties ?? {}) as Record<string, string>;
    const keys = Object.keys(props).sort();
    inputs.properties = Object.fromEntries(keys.filter((k) => !readOnly.has(k)).map((k) => [k, props[k]]));
    const left = keys.filter((k) => readOnly.has(k));
    const notes = left.length
      ? [`Left out, read-only in the client's property definitions (accessModify READ_ONLY): ${left.map((k) => `${k} = ${JSON.stringify(props[k])}`).join(", ")}.`]
      : undefined;
    return { name: `${client} ${profile}`, sortKey: `${client}\u0000${profile}`, importId: r.id, inputs, notes };
  });
  return {
    objects: objects.filter((x): x is Discovered => x !== undefined),
    skipped: missing.sort(),
    scope: `client '${client}', profile${ids.length === 1 ? "" : "s"} ${[...ids].sort().map((p) => `'${p}'`).join(", ")}`,
  };
}

/**
 * Properties no one may modify (`accessModify: READ_ONLY` in `GET /clients/{extId}/properties`, ref
 * §2.5): a program could never write or clear them, so they are not declared. Without the right to
 * read the definitions, every key is declared.
 */
async function readOnlyProperties(clientExtId: string): Promise<Set<string>> {
  try {
    const r = await nevisidmClient(undefined).api.call<{ items?: Array<{ name?: unknown; accessModify?: unknown }> }>(
      "GET",
      `${API_ROOT}/clients/${encodeURIComponent(clientExtId)}/properties`,
    );
    return new Set((r.body?.items ?? []).filter((d) => d.accessModify === "READ_ONLY" && typeof d.name === "string").map((d) => d.name as string));
  } catch {
    return new Set();
  }
}
