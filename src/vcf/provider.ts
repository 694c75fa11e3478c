/**
 * `vcf.IdentityProvider` hooks, in lifecycle order. What is stored (the resource's outputs): the
 * checked inputs, the live object's read-only parts (`identityProviderId`, `status`,
 * `domainNames`, `identitySources`, `oidcInfo`, …: `outputsSchema`) and `unverified`
 * (core/writeonly.ts): write-only leaves (passwords, client secret, top-level certChain) that an
 * import could not read and that are taken as declared until an update writes them. States
 * written before that name was chosen list them as `secretsUnverified`, which is still read.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { adoptAdvice, createOrAdopt, explainCreateConflict, takeOver, withoutAdopt } from "../core/adopt";
import { checkHook } from "../core/check";
import { diffInputs, getPath, onlyLocalChanged, setPath } from "../core/diff";
import { createOnce, deleteUnlessGone, readBackCreated } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { takenAsDeclared, unverifiedAfterRead, unverifiedOf, withUnverified } from "../core/writeonly";
import { SETTINGS, vcfClient, type VcfClient } from "./client";
import { refusesEmbedded } from "./errors";
import {
  argsSchema,
  canonicalType,
  EMBEDDED_TYPE,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  REPLACE_ON_CHANGE,
  SECRET_PATHS,
  SUB_SPEC_KEYS,
  toWire,
  WRITE_ONLY_PATHS,
  type IdentityProviderState,
  type outputsSchema,
  type WireIdp,
  type WireSpec,
} from "./schema";

/** Everything the resource outputs: its checked inputs and `outputsSchema`. */
export type IdentityProviderOutputs = IdentityProviderState & z.output<typeof outputsSchema>;

type Props = Record<string, unknown>;

const CREATE_PATH = "/v1/identity-providers";

function state(p: Props): IdentityProviderState {
  registerSecretsAt(p, SECRET_PATHS);
  return p as unknown as IdentityProviderState;
}

function inputsOf(p: Props): IdentityProviderState {
  const s: Props = {};
  for (const k of INPUT_KEYS) if (p[k] !== undefined) s[k] = p[k];
  return s as unknown as IdentityProviderState;
}

function outputs(s: IdentityProviderState, live: WireIdp, unverified: string[] = []): IdentityProviderOutputs {
  return withUnverified({ ...inputsOf(s as unknown as Props), ...fromWire(live).outputs }, unverified) as IdentityProviderOutputs;
}

/** A write-only leaf is there to verify only where its block is (an OIDC-only provider has no bind password). */
const presentIn = (p: Props) => (path: string) => {
  const top = path.split(".")[0];
  return path === top || p[top] !== undefined;
};

/**
 * The state as diff and update compare it: write-only leaves an import could not read are taken
 * as declared, and so is the type when the two differ only in its spelling.
 */
function comparable(olds: Props, news: Props): Props {
  const c = takenAsDeclared(olds, news, unverifiedOf(olds).filter(presentIn(olds)));
  if (canonicalType(c.type) === canonicalType(news.type)) c.type = news.type;
  return c;
}

const EMBEDDED_REFUSAL =
  "is the built-in Embedded identity provider: it always exists and cannot be created, imported, updated or deleted by vcf.IdentityProvider";

/** The create POST's 409: the name is taken, by whom, and how to adopt it. */
function conflictHint(e: unknown, client: VcfClient, name: string): Promise<never> {
  let existing: WireIdp | undefined;
  return explainCreateConflict(
    e,
    CREATE_PATH,
    async () => (existing = await client.findByName(name))?.id,
    (id) =>
      id === undefined || !existing
        ? `the name '${name}' is taken: pick another name`
        : existing.type === EMBEDDED_TYPE
          ? `'${name}' is the name of the built-in Embedded identity provider: pick another name`
          : `an identity provider named '${name}' already exists (id ${id}): pick another name, or ${adoptAdvice(id)}`,
  );
}

export const hooks = {
  check: checkHook(argsSchema, { registerSecrets: (news) => registerSecretsAt(news, SECRET_PATHS), settings: SETTINGS }),

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const d = diffInputs(comparable(olds, news), news, {
      keys: INPUT_KEYS,
      replaceOn: REPLACE_ON_CHANGE,
      // Names are unique (the Embedded IdP's included): a replacement keeping the name must wait for the old one to go.
      deleteBeforeReplace: (_c, o, n) => o.name === n.name,
    });
    // A PATCH can change a sub-spec but not remove one: dropping `ldap` or `oidc` needs a new provider.
    const dropped = SUB_SPEC_KEYS.filter((k) => olds[k] !== undefined && news[k] === undefined);
    const replaces = [...new Set([...d.replaces, ...dropped])];
    return {
      changes: d.changes,
      replaces,
      stables: d.stables,
      deleteBeforeReplace: replaces.length > 0 && olds.name === news.name,
    };
  },

  /**
   * `adopt: true` takes over the identity provider with the same name (names are unique);
   * `adopt: "<id>"` the one with that id. The import read, then the update: its PATCH sends the
   * whole declared spec, so the write-only leaves are written once and known from then on.
   */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const s = state(withoutAdopt(inputs));
    const client = vcfClient(s.connection);
    return createOrAdopt(inputs.adopt, {
      what: "VCF identity provider",
      findByKey: async () => (await client.findByName(s.name))?.id,
      take: (id) => takeOver(hooks, id, s as unknown as Props, { what: "VCF identity provider" }),
      create: async () => {
        const made = await createOnce({
          post: () => client.create(toWire(s)),
          // After an answer that never came, the provider may exist: its name is unique.
          lookup: async () => {
            const found = await client.findByName(s.name);
            return found ? { id: found.id, live: found } : undefined;
          },
        }).catch((e) => conflictHint(e, client, s.name));
        const live =
          made.live ??
          (await readBackCreated(
            made.id,
            (id) => client.get(id),
            () => withUnverified({ ...inputsOf(s as unknown as Props), identityProviderId: made.id }, []),
            "the identity provider was added but could not be read back",
          ));
        return { id: made.id, outs: outputs(s, live) };
      },
    });
  },

  /** Import id: the identity provider's id (`GET /v1/identity-providers` lists them). */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const imported = props.name === undefined;
    const old = state(props);
    const client = vcfClient(old.connection);
    const live = await client.get(id);
    if (!live) return { id: "", props: {} };
    if (live.type === EMBEDDED_TYPE) throw new Error(`identity provider ${id} ${EMBEDDED_REFUSAL}`);
    const { inputs, outputs: liveOut } = fromWire(live);
    // The declared spelling of the type stays when the live one is the same type spelt otherwise.
    if (canonicalType(inputs.type) === canonicalType(props.type)) inputs.type = props.type as string;
    const present = presentIn(inputs as Props);
    const unverified = unverifiedAfterRead({ imported, previous: unverifiedOf(props), paths: WRITE_ONLY_PATHS, present });
    // The API never answers the write-only leaves: the state's values stand for them.
    for (const path of WRITE_ONLY_PATHS.filter(present)) {
      const plain = getPath(props, path);
      // A string (a password, the client secret) is immutable: only the chain, an array, is copied.
      if (plain !== undefined) setPath(inputs as Props, path, typeof plain === "object" ? structuredClone(plain) : plain);
    }
    const reproduced = { ...inputs, ...(old.connection ? { connection: old.connection } : {}) } as IdentityProviderState;
    return { id: live.id, props: withUnverified({ ...reproduced, ...liveOut }, unverified), inputs: reproduced };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const before = comparable(olds, news);
    if (onlyLocalChanged(INPUT_KEYS, LOCAL_KEYS, before, news)) {
      // New credentials for the same provider: nothing to write, but the state must hold them for delete.
      return { outs: withUnverified({ ...olds, ...inputsOf(news), connection: s.connection }, unverifiedOf(olds)) };
    }
    const client = vcfClient(s.connection);
    // The whole spec the resource holds, secrets included, on every PATCH: the seed marks name,
    // type, ldap and oidc Required in the PATCH body, and PowerVCF's Update-VCFIdentityProvider
    // sends the whole spec. A chain that was set and is no longer declared is cleared with [].
    const body: WireSpec = toWire(s);
    if (body.certChain === undefined && before.certChain !== undefined) body.certChain = [];
    await client.update(id, body);
    const live = await client.get(id);
    if (!live) throw new Error(`identity provider ${id} disappeared right after its update; run \`pulumi refresh\` to drop it from the stack, then \`pulumi up\` to add it again`);
    // Every write-only leaf was just written with the declared value.
    return { outs: outputs(s, live, []) };
  },

  async delete(id: string, props: Props): Promise<void> {
    const s = state(props);
    if (s.type === EMBEDDED_TYPE) throw new Error(`identity provider ${id} ${EMBEDDED_REFUSAL}`);
    const client = vcfClient(s.connection);
    try {
      await deleteUnlessGone(client, id);
    } catch (e) {
      if (refusesEmbedded(e)) throw e.withHint(`identity provider ${id} ${EMBEDDED_REFUSAL}; remove it from the stack with \`pulumi state delete\``);
      throw e;
    }
  },
};
