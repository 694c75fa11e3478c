/**
 * Strata Cloud Manager: every SCEP profile of the folders, snippets and devices given. The config
 * identity API lists profiles of one container at a time (`GET /scep-profiles?folder=…`, the
 * container is required: shared/specs/scm-identity-services.openapi.yaml) and has no endpoint that
 * lists the tenant's folders, so the containers to scan are named on the command line.
 */
import { ConfigError } from "../core/errors";
import { scmClient, type ListPage } from "../scm/client";
import { CONTAINERS, fromWire, wireSchema, type ContainerKind, type WireProfile } from "../scm/schema";
import type { DiscoverOptions } from "./options";
import { camel, put, SecretRef, slug, type Discovered, type Discovery } from "./render";

export const info = { vendor: "scm", kind: "ScepProfile", noun: "SCEP profile" };

/** The page size asked for; the API's maximum per the vendor's document is not stated, 200 is what its clients use. */
const PAGE = 200;

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  const containers: Array<{ kind: ContainerKind; name: string }> = [
    ...o.folders.map((name) => ({ kind: "folder" as const, name })),
    ...o.snippets.map((name) => ({ kind: "snippet" as const, name })),
    ...o.devices.map((name) => ({ kind: "device" as const, name })),
  ];
  if (containers.length === 0) {
    throw new ConfigError(
      "name the containers to scan with --folder, --snippet or --device (each may be repeated): the SCM config identity API lists SCEP profiles " +
        "of one container at a time and does not list the tenant's folders (e.g. --folder 'Mobile Users' --folder 'Remote Networks' --folder Shared)",
    );
  }
  const client = scmClient(undefined);
  const objects: Discovered[] = [];
  const seen = new Set<string>();
  const many = containers.length > 1;
  for (const c of containers) {
    for (let offset = 0; ; ) {
      const r = await client.api.call<ListPage>("GET", "/scep-profiles", { query: { [c.kind]: c.name, limit: PAGE, offset } });
      const page = (r.body?.data ?? []).map((d) => wireSchema.parse(d));
      for (const p of page) {
        // A profile is listed once per container; an inherited one could show up under two.
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        objects.push(toDiscovered(p, many));
      }
      offset += page.length;
      const total = r.body?.total;
      if (total !== undefined && total > PAGE) o.progress(`scm: ${c.kind} '${c.name}': listed ${Math.min(offset, total)} of ${total} SCEP profiles`);
      if (page.length === 0 || (total !== undefined ? offset >= total : page.length < PAGE)) break;
    }
  }
  const scope = containers.map((c) => `${c.kind} '${c.name}'`).join(", ");
  return { objects, skipped: [], scope };
}

function importIdOf(p: WireProfile): string {
  const kind = CONTAINERS.find((k) => p[k] !== undefined);
  if (!kind) return p.id;
  const parts = ["", "", ""];
  parts[CONTAINERS.indexOf(kind)] = p[kind] as string;
  return `${parts.join(":")}:${p.id}`;
}

function toDiscovered(p: WireProfile, withContainer: boolean): Discovered {
  const { inputs, encrypted } = fromWire(p);
  const kind = CONTAINERS.find((k) => p[k] !== undefined);
  const container = kind ? (p[kind] as string) : "";
  const name = withContainer && container ? `${container} ${p.name}` : p.name;
  const res = slug(name);
  const out = inputs as unknown as Record<string, unknown>;
  // The API answers the challenge and the OTP password encrypted: what to write comes from config.
  if ("scepChallenge.fixed" in encrypted) put(out, "scepChallenge.fixed", new SecretRef(camel(res, "challenge"), `the fixed SCEP challenge of '${p.name}'`));
  if ((inputs.scepChallenge as { dynamic?: unknown }).dynamic) {
    put(out, "scepChallenge.dynamic.password", new SecretRef(camel(res, "otp-password"), `the OTP server password of '${p.name}'`));
  }
  return { name, sortKey: `${CONTAINERS.indexOf(kind ?? "folder")}\u0000${container}\u0000${p.name}`, importId: importIdOf(p), inputs: out };
}
