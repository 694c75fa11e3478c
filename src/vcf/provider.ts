/**
 * `vcf.IdentityProvider` hooks, in lifecycle order. What is stored (the resource's outputs): the
 * checked inputs, the live object's read-only parts (`identityProviderId`, `status`,
 * `domainNames`, `identitySources`, `oidcInfo`, …) and `secretsUnverified`: write-only leaves
 * (passwords, client secret, top-level certChain) that an import could not read and that are
 * taken as declared until an update writes them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptAdvice, createOrAdopt, takeOver, withoutAdopt } from "../core/adopt";
import { checkInputs } from "../core/check";
import { deepEqual, diffInputs, getPath, setPath } from "../core/diff";
import { ApiError, isAnswerTo, PartialCreateError } from "../core/errors";
import { createOnce, deleteUnlessGone } from "../core/lookup";
import { registerSecretsAt } from "../core/redact";
import { endpointFailures } from "../core/settings";
import { SETTINGS, vcfClient, type VcfClient } from "./client";
import {
  argsSchema,
  canonicalType,
  EMBEDDED_TYPE,
  fromWire,
  INPUT_KEYS,
  SECRET_PATHS,
  toWire,
  WRITE_ONLY_PATHS,
  type IdentityProviderState,
  type LiveOutputs,
  type WireIdp,
  type WireSpec,
} from "./schema";

export interface IdentityProviderOutputs extends IdentityProviderState, LiveOutputs {
  secretsUnverified: string[];
}

type Props = Record<string, unknown>;

function state(p: Props): IdentityProviderState {
  registerSecretsAt(p, SECRET_PATHS);
  return p as unknown as IdentityProviderState;
}

function inputsOf(p: Props): IdentityProviderState {
  const s: Props = {};
  for (const k of INPUT_KEYS) if (p[k] !== undefined) s[k] = p[k];
  return s as unknown as IdentityProviderState;
}

function outputs(s: IdentityProviderState, live: WireIdp, secretsUnverified: string[] = []): IdentityProviderOutputs {
  return { ...inputsOf(s as unknown as Props), ...fromWire(live).outputs, secretsUnverified };
}

/**
 * The state as diff and update compare it: write-only leaves an import could not read are taken
 * as declared, and so is the type when the two differ only in its spelling.
 */
function comparable(olds: Props, news: Props): Props {
  const c = structuredClone(olds);
  if (canonicalType(c.type) === canonicalType(news.type)) c.type = news.type;
  for (const p of (olds.secretsUnverified as string[] | undefined) ?? []) {
    const top = p.split(".")[0];
    if (p === top || c[top] !== undefined) setPath(c, p, getPath(news, p));
  }
  return c;
}

const EMBEDDED_REFUSAL =
  "is the built-in Embedded identity provider: it always exists and cannot be created, imported, updated or deleted by vcf.IdentityProvider";

async function conflictHint(e: unknown, client: VcfClient, name: string): Promise<never> {
  if (isAnswerTo(e, "POST", "/v1/identity-providers") && (e.status === 409 || /ALREADY_EXISTS|DUPLICATE/i.test(e.vendorCode ?? ""))) {
    const existing = await client.findByName(name).catch(() => undefined);
    e.hint = existing
      ? existing.type === EMBEDDED_TYPE
        ? `'${name}' is the name of the built-in Embedded identity provider: pick another name`
        : `an identity provider named '${name}' already exists (id ${existing.id}): pick another name, or ${adoptAdvice(existing.id)}`
      : `the name '${name}' is taken: pick another name`;
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
    const d = diffInputs(comparable(olds, news), news, {
      keys: INPUT_KEYS,
      replaceOn: ["type"],
      // Names are unique (the Embedded IdP's included): a replacement keeping the name must wait for the old one to go.
      deleteBeforeReplace: (_c, o, n) => o.name === n.name,
    });
    // A PATCH can change a sub-spec but not remove one: dropping `ldap` or `oidc` needs a new provider.
    const dropped = (["ldap", "oidc"] as const).filter((k) => olds[k] !== undefined && news[k] === undefined);
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
        let live = made.live;
        if (!live) {
          try {
            live = await client.get(made.id);
            if (!live) throw new Error(`GET /v1/identity-providers/${made.id} answered 404 right after the add`);
          } catch (e) {
            throw new PartialCreateError(made.id, { ...inputsOf(s as unknown as Props), identityProviderId: made.id, secretsUnverified: [] }, e as Error, "the identity provider was added but could not be read back");
          }
        }
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
    const was = new Set((props.secretsUnverified as string[] | undefined) ?? []);
    const unverified: string[] = [];
    for (const path of WRITE_ONLY_PATHS) {
      const top = path.split(".")[0];
      if (path !== top && (inputs as Props)[top] === undefined) continue;
      if (imported || was.has(path)) unverified.push(path);
      const plain = getPath(props, path);
      if (plain !== undefined) setPath(inputs as Props, path, structuredClone(plain));
    }
    const reproduced = { ...inputs, ...(old.connection ? { connection: old.connection } : {}) } as IdentityProviderState;
    return { id: live.id, props: { ...reproduced, ...liveOut, secretsUnverified: unverified }, inputs: reproduced };
  },

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const o = olds as unknown as IdentityProviderOutputs;
    const before = comparable(olds, news);
    const changed = (["certChain", "ldap", "oidc"] as const).filter((k) => !deepEqual(before[k], news[k]));
    const renamed = before.name !== news.name;
    if (!renamed && changed.length === 0) {
      // New credentials for the same provider: nothing to write, but the state must hold them for delete.
      return { outs: { ...o, ...inputsOf(news), connection: s.connection } as unknown as Props };
    }
    const client = vcfClient(s.connection);
    // The whole spec the resource holds, secrets included, on every PATCH: the seed marks name,
    // type, ldap and oidc Required in the PATCH body, and PowerVCF's Update-VCFIdentityProvider
    // sends the whole spec. A chain that was set and is no longer declared is cleared with [].
    const body: WireSpec = toWire(s);
    if (body.certChain === undefined && before.certChain !== undefined) body.certChain = [];
    await client.update(id, body).catch((e) => conflictHint(e, client, s.name));
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
      if (e instanceof ApiError && /EMBEDDED/i.test(e.vendorCode ?? "")) {
        e.hint = `identity provider ${id} ${EMBEDDED_REFUSAL}; remove it from the stack with \`pulumi state delete\``;
        e.refreshMessage();
      }
      throw e;
    }
  },
};
