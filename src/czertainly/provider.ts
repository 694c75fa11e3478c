/**
 * `czertainly.ScepProfile` hooks, in lifecycle order. What is stored (the resource's outputs): the
 * checked inputs; what Core computes (`uuid`, `scepUrl`, `raProfile`, `caCertificate`); and
 * `unverified`, the input paths an import could not read back (the secrets, which Core never
 * answers, and the program-local `connection` and `forceDelete`), taken as declared until an
 * update writes them.
 *
 * Core's quirks this file exists to absorb (reference §1.6, §1.7):
 * - profiles are created disabled: `enabled` is a PATCH after the POST, and a failure there must
 *   leave the created profile in the state (PartialCreateError), never orphaned;
 * - write answers lack or misstate `caCertificate`: the state comes from a GET after every write;
 * - PUT is a full replace that keeps `renewalThreshold` when null (so "unset" is sent as 0) and
 *   writes `challengePassword` only if the profile already had one: adding a password to a
 *   profile without one can only be done by creating it anew, so that diff is a replacement;
 * - custom attributes are resolved by name (their uuid is the definition's, whatever was sent)
 *   and secret attribute content is never answered.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adoptAdvice, createOrAdopt, explainCreateConflict, takeOver, withoutAdopt } from "../core/adopt";
import { checkHook, isUnknown } from "../core/check";
import { defined } from "../core/codec";
import { diffInputs, onlyLocalChanged } from "../core/diff";
import { ApiError, ERROR_CODES } from "../core/errors";
import { createOnce, deleteUnlessGone, finishCreate } from "../core/lookup";
import { registerSecret, registerSecretsAt } from "../core/redact";
import { takenAsDeclared, unverifiedOf, withUnverified } from "../core/writeonly";
import { SETTINGS, czertainlyClient, PROFILES_PATH, type CzertainlyClient } from "./client";
import { bulkFailureCode, dependentRaProfiles } from "./errors";
import {
  argsSchema,
  asDetail,
  ATTRIBUTE_KEYS,
  computedFromWire,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  NOT_IN_BODY,
  REPLACE_ON,
  SECRET_PATHS,
  secretAttributeValues,
  toWire,
  WRITE_ONLY_PATHS,
  type ScepProfileOutputs,
  type ScepProfileState,
  type WireDetail,
} from "./schema";

export type { ScepProfileOutputs } from "./schema";

type Props = Record<string, unknown>;

/**
 * What a read cannot get from Core, kept from the state: the secrets Core never answers and the
 * inputs that live only in the program. After an import they are taken as declared (`unverified`).
 */
const IMPORT_UNVERIFIED = [...WRITE_ONLY_PATHS, ...LOCAL_KEYS];

/** The one input whose addition needs a new profile, though a change of it does not (§1.7, `addsChallengePassword`). */
const CREATE_ONLY_WHEN_ADDED = "challengePassword" satisfies keyof ScepProfileState;

function registerSecrets(p: Props): void {
  registerSecretsAt(p, SECRET_PATHS);
  for (const s of secretAttributeValues(ATTRIBUTE_KEYS.map((k) => p[k]))) registerSecret(s);
}

function state(p: Props): ScepProfileState {
  registerSecrets(p);
  return p as unknown as ScepProfileState;
}

/** The engine's wire (protobuf Struct) has no `undefined`: absent keys are left out, at any depth. */
function outputs(s: ScepProfileState, live: WireDetail, unverified: readonly string[] = []): ScepProfileOutputs {
  return withUnverified(defined({ ...s, enabled: live.enabled, ...computedFromWire(live) }), unverified) as ScepProfileOutputs;
}

/* ------------------------------ comparisons ------------------------------ */

type Attr = { uuid?: string; name?: string; contentType?: string; content?: Array<Record<string, unknown>> };

/**
 * Core answers `secret` content without the secret. Where the answer is masked, the declared
 * content stands (matched by attribute name and position): it cannot be verified, only written.
 */
export function adoptMaskedSecrets(live: unknown, declared: unknown): unknown {
  if (!Array.isArray(live) || !Array.isArray(declared)) return live;
  return (live as Attr[]).map((a) => {
    if (a?.contentType !== "secret" || !Array.isArray(a.content)) return a;
    const d = (declared as Attr[]).find((x) => x?.name === a.name);
    if (!d || !Array.isArray(d.content)) return a;
    const content = a.content.map((c, i) => {
      const masked = !c?.data || typeof c.data !== "object" || (c.data as Props).secret === undefined;
      return masked && d.content![i] !== undefined ? d.content![i] : c;
    });
    return { ...a, content };
  });
}

function adoptMaskedAssociations(live: unknown, declared: unknown): unknown {
  if (!live || typeof live !== "object" || !declared || typeof declared !== "object") return live;
  const l = live as Props;
  return { ...l, customAttributes: adoptMaskedSecrets(l.customAttributes, (declared as Props).customAttributes) };
}

/** Attribute lists as sets by name; custom attributes without uuid (Core resolves them by name). */
function normaliseAttrs(v: unknown, dropUuid: boolean): unknown {
  if (!Array.isArray(v) || v.some((x) => isUnknown(x) || !x || typeof x !== "object")) return v;
  const out = (v as Attr[]).map((a) => {
    const { uuid, ...rest } = a;
    return dropUuid ? rest : { uuid, ...rest };
  });
  return out.sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

/** Both sides of a diff in the same shape: set semantics where Core has them, empties as absent. */
function comparable(p: Props): Props {
  const c: Props = { ...p };
  c.customAttributes = normaliseAttrs(c.customAttributes ?? [], true);
  c.issueCertificateAttributes = normaliseAttrs(c.issueCertificateAttributes ?? [], false);
  if (c.renewalThreshold === 0) c.renewalThreshold = undefined;
  const a = c.certificateAssociations;
  if (a && typeof a === "object" && !isUnknown(a)) {
    const o = a as Props;
    const groups = Array.isArray(o.groupUuids) && !o.groupUuids.some(isUnknown) ? [...o.groupUuids].sort() : o.groupUuids;
    const attrs = normaliseAttrs(o.customAttributes, true);
    const n: Props = {
      ownerUuid: o.ownerUuid,
      groupUuids: Array.isArray(groups) && groups.length === 0 ? undefined : groups,
      customAttributes: Array.isArray(attrs) && attrs.length === 0 ? undefined : attrs,
    };
    c.certificateAssociations = Object.values(n).every((x) => x === undefined) ? undefined : n;
  }
  return c;
}

/** The state as it compares with `news`: unverified paths and masked secrets taken as declared. */
function comparableOlds(olds: Props, news: Props): Props {
  const o = takenAsDeclared(olds, news);
  o.issueCertificateAttributes = adoptMaskedSecrets(o.issueCertificateAttributes, news.issueCertificateAttributes);
  o.customAttributes = adoptMaskedSecrets(o.customAttributes, news.customAttributes);
  o.certificateAssociations = adoptMaskedAssociations(o.certificateAssociations, news.certificateAssociations);
  return comparable(o);
}

/** A password for a profile that has none: PUT would ignore it (§1.7), only a new profile takes it. */
function addsChallengePassword(olds: Props, news: Props): boolean {
  const k = CREATE_ONLY_WHEN_ADDED;
  return !unverifiedOf(olds).includes(k) && olds[k] === undefined && news[k] !== undefined;
}

/* ---------------------------------- hints --------------------------------- */

function conflictHint(e: unknown, client: CzertainlyClient, s: ScepProfileState): Promise<never> {
  return explainCreateConflict(
    e,
    PROFILES_PATH,
    async () => (await client.findByName(s.name))?.uuid,
    (existing) =>
      existing
        ? `a SCEP profile named '${s.name}' already exists (uuid ${existing}); names are unique across Core: pick another name, or ${adoptAdvice(existing)}`
        : `the name '${s.name}' is taken (names are unique across Core): pick another name`,
  );
}

function dependentsHint(e: unknown, s: ScepProfileState): never {
  if (e instanceof ApiError && e.code === ERROR_CODES.inUse) {
    const ras = dependentRaProfiles(e) ?? [];
    const many = ras.length > 1;
    throw e.withHint(
      `RA profile${many ? "s" : ""} ${ras.map((n) => `'${n}'`).join(", ")} ha${many ? "ve" : "s"} SCEP activated with SCEP profile '${s.name}'. ` +
        `Deactivate SCEP on ${many ? "them" : "it"} (RA profile → Protocols → SCEP, or PATCH …/raProfiles/{uuid}/protocols/scep/deactivate), ` +
        "or set `forceDelete: true` on this resource and run `pulumi up` (it changes nothing in Core), then delete again: " +
        "force delete deactivates SCEP on those RA profiles first",
    );
  }
  throw e;
}

const GONE = "run `pulumi refresh` to drop it from the state, then `pulumi up` to create it again";

function goneHint(e: unknown, id: string): never {
  if (e instanceof ApiError && e.code === ERROR_CODES.notFound) throw e.withHint(`SCEP profile ${id} was deleted outside Pulumi: ${GONE}`);
  throw e;
}

/** The plain create: POST (exactly once), enable, read back. */
async function createProfile(client: CzertainlyClient, s: ScepProfileState): Promise<pulumi.dynamic.CreateResult> {
  const created = await createOnce({
    post: () => client.create(toWire(s, "create")),
    // After an answer that never came, the profile may exist: names are unique across Core.
    lookup: async () => {
      const found = await client.findByName(s.name);
      return found ? client.get(found.uuid) : undefined;
    },
  }).catch((e) => conflictHint(e, client, s));
  const id = created.uuid;
  // Core made the profile (disabled): if enabling or reading it back fails, it stays in the
  // state, so the next update finishes it.
  return finishCreate(
    id,
    async () => {
      if (s.enabled) await client.enable(id);
      const live = await client.get(id);
      if (!live) throw new Error(`SCEP profile ${id} was not found right after it was created`);
      return { id, outs: outputs(s, live) };
    },
    // The POST's answer, read as the detail it is where it holds as one (the client read only its uuid).
    () => ({ ...outputs(s, asDetail(created) ?? { uuid: id, name: created.name, enabled: false }), enabled: false }),
    `SCEP profile '${s.name}' was created but ${s.enabled ? "enabling it" : "reading it back"} failed`,
  );
}

/* ---------------------------------- hooks --------------------------------- */

export const hooks = {
  // Credentials in an endpoint URL are refused wherever they come from: input, stack config, environment.
  check: checkHook(argsSchema, { registerSecrets, settings: SETTINGS }),

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const addsPassword = addsChallengePassword(olds, news);
    const d = diffInputs(comparableOlds(olds, news), comparable(news), {
      keys: INPUT_KEYS,
      replaceOn: addsPassword ? [...REPLACE_ON, CREATE_ONLY_WHEN_ADDED] : REPLACE_ON,
      // Names are unique across Core: a replacement under the same name collides with the old
      // profile, which must go first. Under a new name the new one is created before the old goes.
      deleteBeforeReplace: (_c, o, n) => o.name === n.name,
    });
    return { changes: d.changes, replaces: d.replaces, stables: d.stables, deleteBeforeReplace: d.deleteBeforeReplace };
  },

  /**
   * `adopt: true` takes over the profile with the same name (unique across Core); `adopt: "<uuid>"`
   * that profile. Core never answers its secrets, so adopting always sends one PUT with everything
   * declared: the import read, then the update with its write forced.
   */
  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const s = state(withoutAdopt(inputs));
    const client = czertainlyClient(s.connection);
    return createOrAdopt(inputs.adopt, {
      what: "CZERTAINLY SCEP profile",
      findByKey: async () => (await client.findByName(s.name))?.uuid,
      take: (uuid) =>
        takeOver(hooks, uuid, s as unknown as Props, {
          what: "CZERTAINLY SCEP profile",
          // The import's list stands: the forced PUT writes the secrets, and the update keeps
          // listed only a password Core may have ignored (a profile that had none, §1.7).
          oldsForUpdate: (imported) => imported,
          update: (id, olds, news) => hooks.update(id, olds, news, true),
        }),
      create: () => createProfile(client, s),
    });
  },

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const imported = props.name === undefined;
    const old = state(props);
    const client = czertainlyClient(old.connection);
    const live = await client.get(id);
    if (!live) return { id: "", props: {} };
    const fromLive = fromWire(live) as Props;
    fromLive.issueCertificateAttributes = adoptMaskedSecrets(fromLive.issueCertificateAttributes, old.issueCertificateAttributes);
    fromLive.customAttributes = adoptMaskedSecrets(fromLive.customAttributes, old.customAttributes);
    fromLive.certificateAssociations = adoptMaskedAssociations(fromLive.certificateAssociations, old.certificateAssociations);
    // What Core never answers comes from the state (an import knows none of it: `unverified`).
    const local: Props = Object.fromEntries(IMPORT_UNVERIFIED.map((k) => [k, (old as unknown as Props)[k]]));
    local.forceDelete ??= false;
    const reproduced: Props = { ...fromLive };
    for (const [k, v] of Object.entries(local)) if (v !== undefined) reproduced[k] = v;
    const unverified = imported ? IMPORT_UNVERIFIED : unverifiedOf(props);
    return { id: live.uuid, props: withUnverified(defined({ ...reproduced, ...computedFromWire(live) }), unverified), inputs: defined(reproduced) };
  },

  /** `writeAll`: send the PUT even when nothing compares as changed (adoption: the secrets are unknown). */
  async update(id: string, olds: Props, news: Props, writeAll = false): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const o = olds as unknown as Partial<ScepProfileOutputs>;
    const writeBody = writeAll || !onlyLocalChanged(INPUT_KEYS, NOT_IN_BODY, comparableOlds(olds, s as unknown as Props), comparable(s as unknown as Props));
    const client = czertainlyClient(s.connection);
    let currentEnabled = o.enabled;
    if (writeBody) {
      // Full replace: everything declared, secrets included, or Core clears what is missing.
      const answer = await client.update(id, toWire(s, "update")).catch((e) => goneHint(e, id));
      currentEnabled = answer.enabled;
    }
    const toggle = s.enabled !== currentEnabled;
    if (toggle) await (s.enabled ? client.enable(id) : client.disable(id)).catch((e) => goneHint(e, id));
    // The state now holds every local input; a PUT also wrote the secrets, except a challenge
    // password Core ignores on a profile that had none: what stays unverifiable stays listed.
    // (A PUT without a password leaves none either way, which is then known.)
    const unverified = unverifiedOf(olds).filter((p) =>
      writeBody ? p === CREATE_ONLY_WHEN_ADDED && s.challengePassword !== undefined : !(LOCAL_KEYS as string[]).includes(p),
    );
    // A state without the CA certificate comes from a create that could not read back: read now.
    if (!writeBody && !toggle && o.caCertificate !== undefined) {
      // Only program-local inputs changed (credentials, forceDelete): nothing to write, but the
      // state must hold them for the next read and the delete.
      const computed = { uuid: o.uuid ?? id, scepUrl: o.scepUrl, raProfile: o.raProfile, caCertificate: o.caCertificate };
      return { outs: withUnverified(defined({ ...s, ...computed }), unverified) };
    }
    const live = await client.get(id);
    if (!live) throw new Error(`SCEP profile ${id} no longer exists in CZERTAINLY: ${GONE}`);
    return { outs: outputs(s, live, unverified) };
  },

  async delete(id: string, props: Props): Promise<void> {
    const s = state(props);
    const client = czertainlyClient(s.connection);
    if (s.forceDelete) {
      const failures = await client.forceDelete([id]);
      const mine = failures.find((f) => f.uuid === id) ?? failures[0];
      // Not found is what a delete wants; anything else is a real failure (reported with HTTP 200).
      if (mine && bulkFailureCode(mine) !== ERROR_CODES.notFound) {
        throw new Error(`CZERTAINLY force delete of SCEP profile '${s.name}' (${id}) failed: ${mine.message}`);
      }
      return;
    }
    await deleteUnlessGone(client, id).catch((e) => dependentsHint(e, s));
  },
};
