/**
 * `nevisidm.ProfileProperties` hooks, in lifecycle order.
 *
 * The resource owns the keys its program declares and nothing else: create and update PATCH
 * those keys (nevisIDM merges, so the profile's other values stay as they are), a key the program
 * stops declaring is sent as `null` (cleared), and delete clears the owned keys only.
 *
 * What is stored (the outputs): the checked inputs, plus `values` and `classifications` (the
 * owned keys' live values and their `_classifications`, from the last GET or, on deployments that
 * lack the GET, the answer of the last PATCH) and `adopted` (see read).
 */
import type * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, takeOver, withoutAdopt } from "../core/adopt";
import { checkHook, containsUnknown } from "../core/check";
import { deepEqual, diffInputs } from "../core/diff";
import { unlessAchieved } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { SETTINGS, nevisidmClient } from "./client";
import { NevisidmApiError, VENDOR } from "./errors";
import {
  argsSchema,
  INPUT_KEYS,
  REPLACE_ON,
  SECRET_PATHS,
  toPatch,
  type ProfilePropertiesOutputs,
  type ProfilePropertiesState,
  type WireProperties,
} from "./schema";

export type { ProfilePropertiesOutputs } from "./schema";

type Props = Record<string, unknown>;

function state(p: Props): ProfilePropertiesState {
  registerSecretsAt(p, SECRET_PATHS);
  return p as unknown as ProfilePropertiesState;
}

/** The id: `<clientExtId>/<profileExtId>`, split at the first `/` (client extIds have none). */
export function parseId(id: string): { clientExtId: string; profileExtId: string } {
  const i = id.indexOf("/");
  if (i <= 0 || i === id.length - 1) {
    throw new Error(`'${id}' is not a ${VENDOR} profile-properties id: use <clientExtId>/<profileExtId>, e.g. acme/p-4711`);
  }
  return { clientExtId: id.slice(0, i), profileExtId: id.slice(i + 1) };
}

export const idOf = (s: { clientExtId: string; profileExtId: string }) => `${s.clientExtId}/${s.profileExtId}`;

function owned(live: WireProperties, keys: readonly string[]): Pick<ProfilePropertiesOutputs, "values" | "classifications"> {
  const values: Record<string, string> = {};
  const classifications: Record<string, string[]> = {};
  for (const k of keys) {
    if (live.values[k] !== undefined) values[k] = live.values[k];
    if (live.classifications[k]?.length) classifications[k] = live.classifications[k];
  }
  return { values, classifications };
}

function outputs(s: ProfilePropertiesState, live: WireProperties, adopted = false): ProfilePropertiesOutputs {
  return { ...s, ...owned(live, Object.keys(s.properties)), adopted };
}

/** Keys whose declared value differs from the state's (an adopted state only knows live values). */
function changedKeys(olds: Props, news: ProfilePropertiesState): string[] {
  const before = (olds.properties ?? {}) as Record<string, string>;
  return Object.entries(news.properties)
    .filter(([k, v]) => (olds.adopted ? (before[k] ?? "") !== v : before[k] !== v))
    .map(([k]) => k);
}

/** Keys the state owns that the program no longer declares: to clear. */
function releasedKeys(olds: Props, news: ProfilePropertiesState): string[] {
  if (olds.adopted) return [];
  return Object.keys((olds.properties ?? {}) as Props).filter((k) => !(k in news.properties));
}

/**
 * PATCH, releasing what cannot be cleared: a key whose definition became read-only (access
 * READ_ONLY or OFF) refuses the null with errors.modifyReadonlyData, and would otherwise block
 * every later update and the destroy. Such a key is let go with its value kept; the keys being
 * set are never dropped, their refusal is the user's to see.
 */
async function patchReleasing(
  client: ReturnType<typeof nevisidmClient>,
  s: ProfilePropertiesState,
  set: Record<string, string>,
  clear: string[],
): Promise<WireProperties> {
  let pending = [...clear];
  for (;;) {
    try {
      return await client.patchProperties(s.clientExtId, s.profileExtId, toPatch(set, pending));
    } catch (e) {
      const stuck = e instanceof NevisidmApiError ? e.readOnlyProperty : undefined;
      if (!stuck || !pending.includes(stuck)) throw e;
      pending = pending.filter((k) => k !== stuck);
    }
  }
}

/** The profile's properties when they satisfy `ok`; undefined when they do not or cannot be read. */
async function readIf(
  client: ReturnType<typeof nevisidmClient>,
  s: ProfilePropertiesState,
  ok: (live: WireProperties) => boolean,
): Promise<WireProperties | undefined> {
  const got = await client.getProperties(s.clientExtId, s.profileExtId);
  return got.kind === "found" && ok(got.properties) ? got.properties : undefined;
}

/** Adds the next step for the user to errors about one property, pointing at the input that holds it. */
function explain(e: unknown): never {
  if (e instanceof NevisidmApiError && e.property && !e.hint?.includes("properties.")) {
    throw e.withHint(`properties.${e.property}: ${e.hint ?? "see the message above"}`);
  }
  throw e;
}

export const hooks = {
  check: checkHook(argsSchema, { registerSecrets: (news) => registerSecretsAt(news, SECRET_PATHS), settings: SETTINGS }),

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    // An import cannot know the program's connection (the engine reads with the id alone); it is
    // recorded by the first update, and until then an adopted state has nothing to delete.
    const importedWithoutConnection = olds.adopted === true && olds.connection === undefined;
    const d = diffInputs(olds, news, {
      keys: INPUT_KEYS.filter((k) => k !== "properties" && !(k === "connection" && importedWithoutConnection)),
      replaceOn: REPLACE_ON,
      // The old profile must give the values up first: a value whose definition is unique
      // (uniqueness scope ABSOLUTE, say) cannot be held by the old and the new profile at once.
      deleteBeforeReplace: () => true,
    });
    const n = news as unknown as ProfilePropertiesState;
    const propsChanged =
      containsUnknown(news.properties) ||
      (olds.adopted
        ? changedKeys(olds, n).length > 0
        : !deepEqual(olds.properties ?? {}, news.properties ?? {}));
    const changes = d.changes || propsChanged;
    const stables = propsChanged ? d.stables : [...d.stables, "properties"];
    return { changes, replaces: d.replaces, stables, deleteBeforeReplace: d.deleteBeforeReplace };
  },

  /**
   * `adopt: true` takes over the declared keys of the profile (client and profile) when its values
   * can be read, else writes them as a create does; `adopt: "<clientExtId>/<profileExtId>"` that
   * profile, which must exist and be the declared one. Adopting is the import read, then the
   * update: only the declared keys whose live value differs are PATCHed, and from then on the
   * declared keys are the resource's (removing one clears it, destroy clears them).
   */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const s = state(withoutAdopt(inputs));
    const client = nevisidmClient(s.connection);
    return createOrAdopt(inputs.adopt, {
      what: `${VENDOR} profile`,
      // A profile whose values cannot be read (no GET on this deployment) is written as a create
      // writes it: one PATCH of the declared keys, which is all an adoption would write.
      findByKey: async () => ((await client.getProperties(s.clientExtId, s.profileExtId)).kind === "found" ? idOf(s) : undefined),
      take: (id) => takeOver(hooks, id, s as unknown as Props, { what: `${VENDOR} profile` }),
      create: async () => {
        // One PATCH, validated by nevisIDM as a whole: when it is refused nothing was written, so
        // there is nothing to keep in the stack, unless an earlier attempt of it landed (its answer
        // lost): then the values are there, and the stack must own them.
        const hasDeclared = (live: WireProperties) => Object.entries(s.properties).every(([k, v]) => live.values[k] === v);
        const live = await unlessAchieved(
          () => client.patchProperties(s.clientExtId, s.profileExtId, toPatch(s.properties)),
          async () => readIf(client, s, hasDeclared),
        ).catch(explain);
        return { id: idOf(s), outs: outputs(s, live) };
      },
    });
  },

  /**
   * Refresh and import. Refresh reads the owned keys: a value changed elsewhere comes back as the
   * state's input, so the next `up` shows the drift and writes the declared value again; keys the
   * resource does not own are not looked at. Import (the id alone) takes every key the profile
   * has (see `adopted`), so the program's keys match whichever subset it declares.
   *
   * Deployments without `GET …/properties` (it is inferred, not documented): the state keeps the
   * last PATCH answer as it is, so changes made elsewhere are not seen; the profile's existence is
   * still checked, and an import is refused because there is nothing to read the values from.
   */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const imported = props.properties === undefined;
    const old = state(props);
    const target = imported ? parseId(id) : { clientExtId: old.clientExtId, profileExtId: old.profileExtId };
    const client = nevisidmClient(old.connection);
    const got = await client.getProperties(target.clientExtId, target.profileExtId);
    if (got.kind === "gone") return { id: "", props: {} };
    const connection = old.connection ? { connection: old.connection } : {};
    if (got.kind === "unsupported") {
      if (imported) {
        throw new Error(
          `${VENDOR} at this URL answers HTTP ${got.status} to GET …/profiles/${target.profileExtId}/properties, so the values cannot be read to adopt them. ` +
            "Use `adopt: true` instead of an id (or no `adopt`): creating the resource writes the declared values with one PATCH, which leaves the profile's other keys alone.",
        );
      }
      if (!(await client.profileExists(target.clientExtId, target.profileExtId))) return { id: "", props: {} };
      const inputs = { clientExtId: old.clientExtId, profileExtId: old.profileExtId, properties: old.properties, ...connection };
      return { id, props, inputs };
    }
    const live = got.properties;
    const keys = imported ? Object.keys(live.values) : Object.keys(old.properties);
    const properties = Object.fromEntries(keys.map((k) => [k, live.values[k] ?? ""]));
    const inputs = { ...target, properties, ...connection } as ProfilePropertiesState;
    const adopted = imported || props.adopted === true;
    return { id: idOf(target), props: outputs(inputs, live, adopted) as unknown as Props, inputs };
  },

  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const o = olds as unknown as ProfilePropertiesOutputs;
    const set = Object.fromEntries(changedKeys(olds, s).map((k) => [k, s.properties[k]]));
    const clear = releasedKeys(olds, s);
    if (Object.keys(set).length === 0 && clear.length === 0) {
      // Only the connection changed (or an adopted key set narrowed): nothing to write, but the
      // state must hold the new settings and the keys the program declares.
      const keys = Object.keys(s.properties);
      const live: WireProperties = { values: o.values ?? {}, classifications: o.classifications ?? {} };
      return { outs: { ...s, ...owned(live, keys), adopted: false } };
    }
    const client = nevisidmClient(s.connection);
    const live = await patchReleasing(client, s, set, clear).catch(explain);
    return { outs: outputs(s, live) };
  },

  async delete(_id: string, props: Props): Promise<void> {
    const s = state(props);
    // An adopted state holds every key the profile had at import, declared or not: clearing them
    // could erase values that were never this resource's, so it clears none (documented).
    if (props.adopted === true) return;
    const keys = Object.keys(s.properties ?? {});
    if (keys.length === 0) return;
    const client = nevisidmClient(s.connection);
    const cleared = (live: WireProperties) => keys.every((k) => live.values[k] === undefined);
    try {
      await unlessAchieved(() => patchReleasing(client, s, {}, keys), async () => readIf(client, s, cleared));
    } catch (e) {
      // The profile (or its client) is gone, and its values with it.
      if (e instanceof NevisidmApiError && e.isNoRecord) return;
      explain(e);
    }
  },
};
