/**
 * VMware Cloud Foundation SDDC Manager: every external identity provider
 * (`GET /v1/identity-providers`), each read as the resource's import reads it. The built-in
 * Embedded identity provider is listed by the API but cannot be managed, so it is skipped.
 * Passwords, the OIDC client secret and the top-level `certChain` are never answered.
 */
import { vcfClient } from "../vcf/client";
import { hooks } from "../vcf/provider";
import { EMBEDDED_TYPE } from "../vcf/schema";
import { eachWithProgress, type DiscoverOptions } from "./options";
import { camel, put, SecretRef, slug, type Discovered, type Discovery } from "./render";

export const info = { vendor: "vcf", kind: "IdentityProvider", noun: "identity provider" };

type Props = Record<string, unknown>;

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  const all = await vcfClient(undefined).list();
  const skipped = all
    .filter((p) => p.type === EMBEDDED_TYPE)
    .map((p) => `'${p.name}' (${p.id}), the built-in Embedded identity provider: it always exists and cannot be managed`);
  const external = all.filter((p) => p.type !== EMBEDDED_TYPE);
  const objects = await eachWithProgress(external, "vcf", o, async (p): Promise<Discovered | undefined> => {
    const r = await hooks.read(p.id, {});
    if (!r.id) return undefined;
    return toDiscovered(r.id, (r.inputs ?? {}) as Props);
  });
  return { objects: objects.filter((x): x is Discovered => x !== undefined), skipped, scope: "every external identity provider of SDDC Manager" };
}

function toDiscovered(id: string, read: Props): Discovered {
  const { connection: _c, ...inputs } = read;
  const name = String(inputs.name);
  const res = slug(name);
  if (inputs.ldap) put(inputs, "ldap.password", new SecretRef(camel(res, "ldap-password"), `the LDAP bind password of '${name}'`));
  if (inputs.oidc) put(inputs, "oidc.clientSecret", new SecretRef(camel(res, "oidc-client-secret"), `the OIDC client secret of '${name}'`));
  const notes = ["SDDC Manager never answers `certChain`: add it here if this provider was given one."];
  return { name, sortKey: name, importId: id, inputs, notes };
}
