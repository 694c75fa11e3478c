/**
 * CZERTAINLY Core: every SCEP profile (`GET /v1/scepProfiles`), each read as the resource's import
 * reads it (`GET /v1/scepProfiles/{uuid}`). Core never answers the challenge password, the Intune
 * application key or `secret`-typed attribute content (reference §1.6, §1.11), nor whether a
 * profile has a challenge password: that one is declared only when the stack config has it.
 */
import { czertainlyClient } from "../czertainly/client";
import { hooks } from "../czertainly/provider";
import { eachWithProgress, type DiscoverOptions } from "./options";
import { camel, SecretRef, slug, type Discovered, type Discovery } from "./render";

export const info = { vendor: "czertainly", kind: "ScepProfile", noun: "SCEP profile" };

type Props = Record<string, unknown>;

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  const list = await czertainlyClient(undefined).list();
  if (list.length > 200) o.progress(`czertainly: listed ${list.length} SCEP profiles`);
  const objects = await eachWithProgress(list, "czertainly", o, async (summary): Promise<Discovered | undefined> => {
    const r = await hooks.read(summary.uuid, {});
    if (!r.id) return undefined; // deleted between the list and the read
    return toDiscovered(r.id, (r.inputs ?? {}) as Props);
  });
  return { objects: objects.filter((x): x is Discovered => x !== undefined), skipped: [], scope: "every SCEP profile of Core" };
}

function toDiscovered(uuid: string, read: Props): Discovered {
  const { connection: _c, forceDelete: _f, ...inputs } = read;
  const name = String(inputs.name);
  const res = slug(name);
  const notes: string[] = [];
  inputs.challengePassword = new SecretRef(camel(res, "challenge-password"), `the challenge password of '${name}', if it has one`, true);
  notes.push("Core does not say whether a profile has a challenge password: set its config key only if this one has.");
  if (inputs.enableIntune === true) inputs.intuneApplicationKey = new SecretRef(camel(res, "intune-key"), `the Intune application key of '${name}'`);
  for (const k of ["issueCertificateAttributes", "customAttributes"]) inputs[k] = secretContent(inputs[k], res, name);
  const assoc = inputs.certificateAssociations as Props | undefined;
  if (assoc?.customAttributes) inputs.certificateAssociations = { ...assoc, customAttributes: secretContent(assoc.customAttributes, res, name) };
  return { name, sortKey: name, importId: uuid, inputs, notes };
}

/** `secret`-typed attribute content comes back without the secret: each is read from config. */
function secretContent(v: unknown, res: string, name: string): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((a: Props) => {
    if (a?.contentType !== "secret" || !Array.isArray(a.content)) return a;
    const content = (a.content as Props[]).map((c, i) => ({
      ...c,
      data: { ...((c.data as Props) ?? {}), secret: new SecretRef(camel(res, String(a.name), "secret", ...(a.content as unknown[]).length > 1 ? [String(i + 1)] : []), `the secret attribute '${a.name}' of '${name}'`) },
    }));
    return { ...a, content };
  });
}
