/**
 * `cxif.ScimConfiguration` hooks, in lifecycle order. What is stored (the resource's outputs): the
 * configuration as the server answered it, in program spelling with the server's defaults filled
 * (`configurationId`, the descriptor's name, namespace and href, the profiles), plus the
 * `connection` the program gave.
 *
 * The descriptor reference is optional-and-computed (a Terraform "use state for unknown"): a
 * name, namespace or href the program leaves out is whatever the server holds, so leaving the
 * namespace to the server never shows a diff, and an update sends the namespace the state holds
 * rather than letting a full-replace PUT reset it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptAdvice, createOrAdopt, explainCreateConflict, takeOver, withoutAdopt } from "../core/adopt";
import { checkHook, isUnknown } from "../core/check";
import { diffInputs, onlyLocalChanged } from "../core/diff";
import { createOnce, deleteUnlessGone, readBackCreated } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { SETTINGS, CONFIGS_PATH, cxifClient, type CxifClient } from "./client";
import {
  argsSchema,
  hrefOf,
  INPUT_KEYS,
  LOCAL_KEYS,
  nameOfHref,
  REPLACE_ON,
  SECRET_PATHS,
  TARGET_KEYS,
  toWire,
  type LiveConfiguration,
  type ScimConfigurationArgs,
  type ScimConfigurationOutputs,
} from "./schema";

/** Derived from `outputsSchema` and the inputs the state holds (schema.ts). */
export type { ScimConfigurationOutputs };

type Props = Record<string, unknown>;

const registerSecrets = (p: Props) => registerSecretsAt(p, SECRET_PATHS);

function args(p: Props): ScimConfigurationArgs {
  registerSecrets(p);
  return p as unknown as ScimConfigurationArgs;
}

/** The descriptor name a program means: given, or read from the href it gave. */
function declaredName(a: Partial<ScimConfigurationArgs>): string | undefined {
  if (a.targetConnectionDescriptorName !== undefined) return a.targetConnectionDescriptorName;
  return a.targetConnectionDescriptorHref === undefined ? undefined : nameOfHref(a.targetConnectionDescriptorHref);
}

/**
 * `news` with each undeclared descriptor field taken from the state, unless a declared field
 * moved the target (then the computed ones are unknown until the server answers).
 */
function resolveTarget(olds: Props, news: Props): Props {
  const n = { ...news };
  const anyUnknown = TARGET_KEYS.some((k) => isUnknown(news[k]));
  if (anyUnknown) return n;
  const name = declaredName(news as Partial<ScimConfigurationArgs>);
  const sameTarget = name === undefined || name === olds.targetConnectionDescriptorName;
  if (n.targetConnectionDescriptorName === undefined && sameTarget) n.targetConnectionDescriptorName = olds.targetConnectionDescriptorName;
  if (n.targetConnectionDescriptorName === undefined) n.targetConnectionDescriptorName = name;
  // An href spelt otherwise (relative here, absolute in the answer) that names the same descriptor is the same href.
  const sameHref = typeof n.targetConnectionDescriptorHref === "string" && typeof olds.targetConnectionDescriptorHref === "string" &&
    nameOfHref(n.targetConnectionDescriptorHref) === nameOfHref(olds.targetConnectionDescriptorHref);
  if ((n.targetConnectionDescriptorHref === undefined || sameHref) && sameTarget) n.targetConnectionDescriptorHref = olds.targetConnectionDescriptorHref;
  // The old descriptor's namespace says nothing about the new one's: a namespace the program left
  // out of a change of descriptor is the server's to fill (the seed's PUT example sends none and
  // its answer holds one), never the old one sent with the new name.
  if (n.targetConnectionDescriptorNamespace === undefined && sameTarget) n.targetConnectionDescriptorNamespace = olds.targetConnectionDescriptorNamespace;
  return n;
}

/** The request body: what the program declared, or for the same descriptor what the state holds (see `resolveTarget`). */
function body(a: Partial<ScimConfigurationArgs>) {
  return toWire({
    targetConnectionDescriptorName: a.targetConnectionDescriptorName,
    targetConnectionDescriptorNamespace: a.targetConnectionDescriptorNamespace,
    targetConnectionDescriptorHref: a.targetConnectionDescriptorHref,
    profiles: a.profiles!,
  });
}

function outputs(live: LiveConfiguration, a: Partial<ScimConfigurationArgs>, id: string): ScimConfigurationOutputs {
  const name = live.targetConnectionDescriptorName ?? declaredName(a) ?? "";
  return {
    configurationId: live.configurationId ?? id,
    targetConnectionDescriptorName: name,
    targetConnectionDescriptorNamespace: live.targetConnectionDescriptorNamespace ?? a.targetConnectionDescriptorNamespace ?? "",
    // Tolerate an answer without the href: the seed shows how the server derives it from the name.
    targetConnectionDescriptorHref: live.targetConnectionDescriptorHref ?? a.targetConnectionDescriptorHref ?? hrefOf(name),
    profiles: live.profiles,
    ...(a.connection ? { connection: a.connection } : {}),
  };
}

/** The create POST's 409: which configuration already targets the descriptor, and how to adopt it. */
function conflictHint(e: unknown, client: CxifClient, a: ScimConfigurationArgs): Promise<never> {
  const name = declaredName(a) ?? "";
  let existing: LiveConfiguration | undefined;
  return explainCreateConflict(
    e,
    CONFIGS_PATH,
    async () => (existing = await client.findByTarget(name, a.targetConnectionDescriptorNamespace))?.configurationId,
    (id) =>
      id !== undefined
        ? `SCIM configuration ${id} already targets connection descriptor '${name}' ` +
          `(namespace ${existing?.targetConnectionDescriptorNamespace}): ${adoptAdvice(id)}, or target another descriptor`
        : `another SCIM configuration already targets connection descriptor '${name}': ${adoptAdvice(undefined)}, or target another descriptor`,
  );
}

export const hooks = {
  check: checkHook(argsSchema, { registerSecrets, settings: SETTINGS }),

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    // Every field goes through PUT, so nothing replaces (ref §3.7): REPLACE_ON is empty.
    const d = diffInputs(olds, resolveTarget(olds, news), { keys: INPUT_KEYS, replaceOn: REPLACE_ON });
    return { changes: d.changes, replaces: d.replaces, stables: d.stables, deleteBeforeReplace: false };
  },

  /**
   * `adopt: true` takes over the configuration that targets the declared connection descriptor
   * (the server allows one per descriptor; without a namespace, only a match that is the only one
   * of that name counts); `adopt: "<configuration-id>"` that configuration.
   */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const a = args(withoutAdopt(inputs));
    const client = cxifClient(a.connection);
    return createOrAdopt(inputs.adopt, {
      what: "CXIF SCIM configuration",
      findByKey: async () => (await client.findByTarget(declaredName(a) ?? "", a.targetConnectionDescriptorNamespace))?.configurationId,
      take: (id) => takeOver(hooks, id, a as unknown as Props, { what: "CXIF SCIM configuration" }),
      create: async () => {
        const created = await createOnce({
          post: () => client.create(body(a)),
          // The server allows one configuration per target descriptor, so after an answer that never
          // came, the descriptor finds the configuration if the POST landed.
          lookup: async () => {
            const found = await client.findByTarget(declaredName(a) ?? "", a.targetConnectionDescriptorNamespace);
            return found && { id: found.configurationId!, live: found };
          },
        }).catch((e) => conflictHint(e, client, a));
        // The answer named the new id but carried no configuration: read it back, and if that fails,
        // keep the id in the stack rather than leak the object.
        const live =
          created.live ??
          (await readBackCreated(
            created.id,
            (id) => client.get(id),
            () => outputs({ profiles: a.profiles }, a, created.id) as unknown as Props,
            "the SCIM configuration was created but could not be read back",
          ));
        return { id: created.id, outs: outputs(live, a, created.id) };
      },
    });
  },

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const old = args(props);
    const client = cxifClient(old.connection);
    const live = await client.get(id);
    if (!live) return { id: "", props: {} };
    const outs = outputs(live, old, id);
    // Inputs that reproduce it: the descriptor by name and namespace (the href follows from them).
    const inputs = {
      targetConnectionDescriptorName: outs.targetConnectionDescriptorName,
      targetConnectionDescriptorNamespace: outs.targetConnectionDescriptorNamespace,
      profiles: outs.profiles,
      ...(old.connection ? { connection: old.connection } : {}),
    };
    return { id: outs.configurationId, props: outs as unknown as Props, inputs };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const a = args(withoutAdopt(news));
    const resolved = resolveTarget(olds, news);
    if (onlyLocalChanged(INPUT_KEYS, LOCAL_KEYS, olds, resolved)) {
      // New credentials for the same configuration: nothing to write, but the state must hold them for delete.
      const { connection: _c, ...kept } = olds;
      return { outs: { ...kept, ...(a.connection ? { connection: a.connection } : {}) } };
    }
    const client = cxifClient(a.connection);
    // The href goes only as the program wrote it: the server derives it from the name (seed), and
    // the form it answered (the state's) is not known to be one it takes back.
    const target = { ...(resolved as Partial<ScimConfigurationArgs>), targetConnectionDescriptorHref: a.targetConnectionDescriptorHref };
    // No conflict hint here: the PUT's 409 is not the create's name collision (explainCreateConflict).
    let live = await client.replace(id, body(target));
    // A 200/204 without a body: the write landed, read back what the server made of it.
    if (!live) live = await client.get(id);
    if (!live) throw new Error(`SCIM configuration ${id} disappeared during the update; run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
    return { outs: outputs(live, a, id) };
  },

  async delete(id: string, props: Props): Promise<void> {
    const a = args(props);
    // 404: deleted outside Pulumi already, which is what was asked.
    const client = cxifClient(a.connection);
    await deleteUnlessGone(client, id);
  },
};
