/**
 * `scm.ScepProfile` hooks, in lifecycle order. What is stored (the resource's outputs,
 * `outputsSchema`): the checked inputs, plus `encryptedValues` (the API's ciphertext of each
 * secret leaf, kept to tell whether a secret was changed outside Pulumi) and `unverified` (secret
 * leaves whose plaintext an import could not know; states written before call it
 * `secretsUnverified`, and core/writeonly.ts reads both).
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptAdvice, createOrAdopt, explainCreateConflict, takeOver, withoutAdopt } from "../core/adopt";
import { checkHook } from "../core/check";
import { deepEqual, diffInputs, getPath, onlyLocalChanged, setPath } from "../core/diff";
import { ApiError, ERROR_CODES } from "../core/errors";
import { createOnce, deleteUnlessGone } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { takenAsDeclared, unverifiedAfterRead, unverifiedOf, withUnverified } from "../core/writeonly";
import { SETTINGS, scmClient, type ScmClient } from "./client";
import {
  argsSchema,
  containerOf,
  CONTAINERS,
  encryptedOf,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  REPLACE_ON,
  SECRET_PATHS,
  toWire,
  WRITE_ONLY_PATHS,
  type ScepProfileOutputs,
  type ScepProfileState,
  type WireProfile,
} from "./schema";

export type { ScepProfileOutputs };

type Props = Record<string, unknown>;

function state(p: Props): ScepProfileState {
  registerSecretsAt(p, SECRET_PATHS);
  return p as unknown as ScepProfileState;
}

function outputs(s: ScepProfileState, live: WireProfile, unverified: string[] = []): ScepProfileOutputs {
  return withUnverified({ ...s, encryptedValues: encryptedOf(live) }, unverified);
}

/** `folder:::id`, `:snippet::id`, `::device:id` (the vendor's Terraform import ids) or a bare id. */
export function parseImportId(id: string): { id: string; container?: { kind: (typeof CONTAINERS)[number]; name: string } } {
  const parts = id.split(":");
  if (parts.length === 1) return { id };
  if (parts.length !== 4) {
    throw new Error(`import id '${id}' is not a profile id nor one of folder:::id, :snippet::id, ::device:id`);
  }
  const i = parts.slice(0, 3).findIndex((p) => p !== "");
  return { id: parts[3], container: i >= 0 ? { kind: CONTAINERS[i], name: parts[i] } : undefined };
}

/** The create POST's 409: the name is unique in its container (E006), so say who holds it and how to adopt it. */
function explainConflict(e: unknown, client: ScmClient, s: ScepProfileState): Promise<never> {
  const c = containerOf(s);
  return explainCreateConflict(
    e,
    "/scep-profiles",
    async () => (await client.findByName(c.kind, c.name, s.name))?.id,
    (id) =>
      id !== undefined
        ? `a SCEP profile named '${s.name}' already exists in ${c.kind} '${c.name}' (id ${id}): pick another name, or ${adoptAdvice(id)}`
        : `the name '${s.name}' is taken in ${c.kind} '${c.name}': pick another name`,
  );
}

export const hooks = {
  // Credentials in an endpoint URL are refused wherever it comes from: input, stack config, environment.
  check: checkHook(argsSchema, { registerSecrets: (news) => registerSecretsAt(news, SECRET_PATHS), settings: SETTINGS }),

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    // A secret leaf an import could not read is taken as declared: the API only shows ciphertext.
    const d = diffInputs(takenAsDeclared(olds, news), news, {
      keys: INPUT_KEYS,
      replaceOn: REPLACE_ON,
      // Only when the replacement lands where the old one is (same container and name) would the
      // two collide on the name; then the old one must go first.
      deleteBeforeReplace: (_c, o, n) => deepEqual(containerOf(o), containerOf(n)) && o.name === n.name,
    });
    return { changes: d.changes, replaces: d.replaces, stables: d.stables, deleteBeforeReplace: d.deleteBeforeReplace };
  },

  /**
   * `adopt: true` takes over the profile with the same name in the same container; `adopt: "<id>"`
   * the profile with that import id (bare, `folder:::id`, `:snippet::id`, `::device:id`).
   */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const s = state(withoutAdopt(inputs));
    const client = scmClient(s.connection);
    const c = containerOf(s);
    return createOrAdopt(inputs.adopt, {
      what: "SCM SCEP profile",
      findByKey: async () => (await client.findByName(c.kind, c.name, s.name))?.id,
      // The import read, then the update: secrets are written once, so they are known from then on.
      take: (importId) => takeOver(hooks, importId, s as unknown as Props, { what: "SCM SCEP profile" }),
      // The POST answers the whole profile, ciphertext included: there is no step after it to finish.
      create: async () => {
        const live = await createOnce({
          post: () => client.create(toWire(s)),
          // After an answer that never came, the profile may exist: the name in its container is unique.
          lookup: () => client.findByName(c.kind, c.name, s.name),
        }).catch((e) => explainConflict(e, client, s));
        return { id: live.id, outs: outputs(s, live) };
      },
    });
  },

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const imported = props.name === undefined;
    const old = state(props);
    const target = parseImportId(id);
    const client = scmClient(old.connection);
    const live = await client.get(target.id);
    if (!live) return { id: "", props: {} };
    if (target.container && (live as Props)[target.container.kind] !== target.container.name) {
      throw new Error(
        `profile ${target.id} is not in ${target.container.kind} '${target.container.name}' (the import id's container); check the import id`,
      );
    }
    const { inputs, encrypted } = fromWire(live);
    const oldEncrypted = (props.encryptedValues as Record<string, string> | undefined) ?? {};
    // The plaintext in the state still stands where the API's ciphertext did not change.
    const verified = (path: string) => getPath(props, path) !== undefined && oldEncrypted[path] === encrypted[path];
    for (const path of Object.keys(encrypted)) if (verified(path)) setPath(inputs as Props, path, getPath(props, path));
    // Otherwise the ciphertext changed: someone set another secret outside Pulumi. Leaving the
    // plaintext out makes the next diff show the change, and the next update writes the declared one.
    const unverified = unverifiedAfterRead({
      imported,
      previous: unverifiedOf(props),
      paths: WRITE_ONLY_PATHS,
      present: (path) => path in encrypted,
      verified,
    });
    const reproduced = { ...inputs, ...(old.connection ? { connection: old.connection } : {}) } as ScepProfileState;
    return { id: live.id, props: withUnverified({ ...reproduced, encryptedValues: encrypted }, unverified), inputs: reproduced };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    if (onlyLocalChanged(INPUT_KEYS, LOCAL_KEYS, olds, news)) {
      // New credentials for the same profile: nothing to write, but the state must hold them for delete.
      const encryptedValues = (olds.encryptedValues as Record<string, string> | undefined) ?? {};
      return { outs: withUnverified({ ...s, encryptedValues }, unverifiedOf(olds)) };
    }
    const client = scmClient(s.connection);
    // A PUT's 409 (E006: the name taken in the container) keeps the API's own words.
    const live = await client.update(id, toWire(s));
    return { outs: outputs(s, live) };
  },

  async delete(id: string, props: Props): Promise<void> {
    const s = state(props);
    const client = scmClient(s.connection);
    try {
      await deleteUnlessGone(client, id);
    } catch (e) {
      // Only E009 means references (src/scm/errors.ts); another 409 (a concurrent commit, say) keeps the API's own words.
      if (e instanceof ApiError && e.code === ERROR_CODES.inUse) {
        throw e.withHint(
          `the profile is still referenced (E009 Reference Not Zero): remove it from the GlobalProtect portals/gateways or certificate profiles that use '${s.name}', push, then destroy again`,
        );
      }
      throw e;
    }
  },
};
