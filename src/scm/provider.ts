/**
 * `scm.ScepProfile` hooks, in lifecycle order. What is stored (the resource's outputs): the
 * checked inputs, plus `encryptedValues` (the API's ciphertext of each secret leaf, kept to tell
 * whether a secret was changed outside Pulumi) and `secretsUnverified` (secret leaves whose
 * plaintext an import could not know).
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptAdvice, createOrAdopt, takeOver, withoutAdopt } from "../core/adopt";
import { checkInputs } from "../core/check";
import { deepEqual, diffInputs, getPath, setPath } from "../core/diff";
import { ApiError, isAnswerTo } from "../core/errors";
import { createOnce, deleteUnlessGone } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { endpointFailures } from "../core/settings";
import { SETTINGS, scmClient, type ScmClient } from "./client";
import {
  argsSchema,
  containerOf,
  CONTAINERS,
  fromWire,
  INPUT_KEYS,
  SECRET_PATHS,
  toWire,
  type ScepProfileState,
  type WireProfile,
} from "./schema";

export interface ScepProfileOutputs extends ScepProfileState {
  encryptedValues: Record<string, string>;
  secretsUnverified: string[];
}

type Props = Record<string, unknown>;

function state(p: Props): ScepProfileState {
  registerSecretsAt(p, SECRET_PATHS);
  return p as unknown as ScepProfileState;
}

function outputs(s: ScepProfileState, live: WireProfile, secretsUnverified: string[] = []): ScepProfileOutputs {
  return { ...s, encryptedValues: fromWire(live).encrypted, secretsUnverified };
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

async function conflictHint(e: unknown, client: ScmClient, s: ScepProfileState): Promise<never> {
  if (isAnswerTo(e, "POST", "/scep-profiles") && e.status === 409) {
    const c = containerOf(s);
    const existing = await client.findByName(c.kind, c.name, s.name).catch(() => undefined);
    e.hint = existing
      ? `a SCEP profile named '${s.name}' already exists in ${c.kind} '${c.name}' (id ${existing.id}): pick another name, or ${adoptAdvice(existing.id)}`
      : `the name '${s.name}' is taken in ${c.kind} '${c.name}': pick another name`;
    e.refreshMessage();
  }
  throw e;
}

export const hooks = {
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    registerSecretsAt(news, SECRET_PATHS);
    const r = checkInputs(argsSchema, news);
    // Credentials in an endpoint URL are refused wherever it comes from: input, stack config, environment.
    return { ...r, failures: [...r.failures, ...endpointFailures(news.connection, SETTINGS)] };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    // A secret leaf an import could not read is taken as declared: the API only shows ciphertext.
    const comparable = structuredClone(olds);
    for (const p of (olds.secretsUnverified as string[] | undefined) ?? []) setPath(comparable, p, getPath(news, p));
    const d = diffInputs(comparable, news, {
      keys: INPUT_KEYS,
      replaceOn: CONTAINERS,
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
      create: async () => {
        const live = await createOnce({
          post: () => client.create(toWire(s)),
          // After an answer that never came, the profile may exist: the name in its container is unique.
          lookup: () => client.findByName(c.kind, c.name, s.name),
        }).catch((e) => conflictHint(e, client, s));
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
    const unverified: string[] = [];
    for (const [path, cipher] of Object.entries(encrypted)) {
      const plain = getPath(props, path);
      if (plain !== undefined && oldEncrypted[path] === cipher) setPath(inputs as Props, path, plain);
      else if (imported || ((old as ScepProfileOutputs).secretsUnverified ?? []).includes(path)) unverified.push(path);
      // Otherwise the ciphertext changed: someone set another secret outside Pulumi. Leaving the
      // plaintext out makes the next diff show the change, and the next update writes the declared one.
    }
    const reproduced = { ...inputs, ...(old.connection ? { connection: old.connection } : {}) } as ScepProfileState;
    return { id: live.id, props: { ...reproduced, encryptedValues: encrypted, secretsUnverified: unverified }, inputs: reproduced };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const o = olds as unknown as ScepProfileOutputs;
    const onlyConnection = INPUT_KEYS.every((k) => k === "connection" || deepEqual(getPath(olds, k), getPath(news, k)));
    if (onlyConnection) {
      // New credentials for the same profile: nothing to write, but the state must hold them for delete.
      return { outs: { ...s, encryptedValues: o.encryptedValues ?? {}, secretsUnverified: o.secretsUnverified ?? [] } };
    }
    const client = scmClient(s.connection);
    const live = await client.update(id, toWire(s)).catch((e) => conflictHint(e, client, s));
    return { outs: outputs(s, live) };
  },

  async delete(id: string, props: Props): Promise<void> {
    const s = state(props);
    const client = scmClient(s.connection);
    try {
      await deleteUnlessGone(client, id);
    } catch (e) {
      // Only E009 means references; another 409 (a concurrent commit, say) keeps the API's own words.
      if (e instanceof ApiError && e.status === 409 && e.vendorCode === "E009") {
        e.hint = `the profile is still referenced (E009 Reference Not Zero): remove it from the GlobalProtect portals/gateways or certificate profiles that use '${s.name}', push, then destroy again`;
        e.refreshMessage();
      }
      throw e;
    }
  },
};

