/**
 * Oracle CX Industries Framework: every SCIM configuration (`GET /admin/scimConfigurations`), each
 * read as the resource's import reads it (descriptor by name and namespace, the profiles with the
 * server's defaults). A SCIM configuration has no write-only secret.
 */
import { cxifClient } from "../cxif/client";
import { hooks } from "../cxif/provider";
import { eachWithProgress, type DiscoverOptions } from "./options";
import type { Discovered, Discovery } from "./render";

export const info = { vendor: "cxif", kind: "ScimConfiguration", noun: "SCIM configuration" };

type Props = Record<string, unknown>;

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  const list = (await cxifClient(undefined).list()).filter((c) => c.configurationId !== undefined);
  const objects = await eachWithProgress(list, "cxif", o, async (c): Promise<Discovered | undefined> => {
    const r = await hooks.read(c.configurationId as string, {});
    if (!r.id) return undefined;
    const { connection: _c, ...inputs } = (r.inputs ?? {}) as Props;
    const ns = String(inputs.targetConnectionDescriptorNamespace ?? "");
    const name = String(inputs.targetConnectionDescriptorName ?? r.id);
    return { name: ns ? `${ns} ${name}` : name, sortKey: `${ns}\u0000${name}`, importId: r.id, inputs: sortProfiles(inputs) };
  });
  return { objects: objects.filter((x): x is Discovered => x !== undefined), skipped: [], scope: "every SCIM configuration of the instance" };
}

/** Profiles are a map: written in name order, so the file does not follow the server's order. */
function sortProfiles(inputs: Props): Props {
  const p = inputs.profiles as Props | undefined;
  if (!p || typeof p !== "object") return inputs;
  return { ...inputs, profiles: Object.fromEntries(Object.keys(p).sort().map((k) => [k, p[k]])) };
}
