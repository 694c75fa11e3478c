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
import { adoptAdvice, createOrAdopt, takeOver, withoutAdopt } from "../core/adopt";
import { checkInputs, isUnknown } from "../core/check";
import { deepEqual, diffInputs, getPath, setPath } from "../core/diff";
import { ApiError, isAnswerTo, PartialCreateError } from "../core/errors";
import { createOnce, deleteUnlessGone } from "../core/lookup";
import { registerSecret, registerSecretsAt } from "../core/redact";
import { endpointFailures } from "../core/settings";
import { SETTINGS, czertainlyClient, PROFILES_PATH, type CzertainlyClient } from "./client";
import { dependentRaProfiles } from "./errors";
import {
  argsSchema,
  ATTRIBUTE_KEYS,
  computedFromWire,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  SECRET_PATHS,
  secretAttributeValues,
  toWire,
  type ComputedOutputs,
  type ScepProfileState,
  type WireDetail,
} from "./schema";

export interface ScepProfileOutputs extends ScepProfileState, ComputedOutputs {
  /** Input paths taken as declared because an import could not read them. */
  unverified: string[];
}

type Props = Record<string, unknown>;

/** What an import cannot read: Core never answers the secrets; the rest lives only in the program. */
const IMPORT_UNVERIFIED = ["challengePassword", "intuneApplicationKey", "connection", "forceDelete"];

function registerSecrets(p: Props): void {
  registerSecretsAt(p, SECRET_PATHS);
  for (const s of secretAttributeValues(ATTRIBUTE_KEYS.map((k) => p[k]))) registerSecret(s);
}

function state(p: Props): ScepProfileState {
  registerSecrets(p);
  return p as unknown as ScepProfileState;
}

function outputs(s: ScepProfileState, live: WireDetail, unverified: string[] = []): ScepProfileOutputs {
  return defined({ ...s, enabled: live.enabled, ...computedFromWire(live), unverified });
}

/** The engine's wire (protobuf Struct) has no `undefined`: absent keys are left out, at any depth. */
function defined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(defined) as T;
  if (v && typeof v === "object") {
    const o: Props = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = defined(x);
    return o as T;
  }
  return v;
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
  const o = structuredClone(olds);
  for (const p of (olds.unverified as string[] | undefined) ?? []) setPath(o, p, getPath(news, p));
  o.issueCertificateAttributes = adoptMaskedSecrets(o.issueCertificateAttributes, news.issueCertificateAttributes);
  o.customAttributes = adoptMaskedSecrets(o.customAttributes, news.customAttributes);
  o.certificateAssociations = adoptMaskedAssociations(o.certificateAssociations, news.certificateAssociations);
  return comparable(o);
}

/** A password for a profile that has none: PUT would ignore it (§1.7), only a new profile takes it. */
function addsChallengePassword(olds: Props, news: Props): boolean {
  const unverified = ((olds.unverified as string[] | undefined) ?? []).includes("challengePassword");
  return !unverified && olds.challengePassword === undefined && news.challengePassword !== undefined;
}

const WIRE_KEYS = INPUT_KEYS.filter((k) => !LOCAL_KEYS.includes(k) && k !== "enabled");

/* ---------------------------------- hints --------------------------------- */

async function conflictHint(e: unknown, client: CzertainlyClient, s: ScepProfileState): Promise<never> {
  if (isAnswerTo(e, "POST", PROFILES_PATH) && e.status === 409) {
    const existing = await client.findByName(s.name).catch(() => undefined);
    e.hint = existing
      ? `a SCEP profile named '${s.name}' already exists (uuid ${existing.uuid}); names are unique across Core: pick another name, or ${adoptAdvice(existing.uuid)}`
      : `the name '${s.name}' is taken (names are unique across Core): pick another name`;
    e.refreshMessage();
  }
  throw e;
}

function dependentsHint(e: unknown, s: ScepProfileState): never {
  if (e instanceof ApiError && e.status === 422) {
    const ras = dependentRaProfiles(e);
    if (ras) {
      const many = ras.length > 1;
      e.hint =
        `RA profile${many ? "s" : ""} ${ras.map((n) => `'${n}'`).join(", ")} ha${many ? "ve" : "s"} SCEP activated with SCEP profile '${s.name}'. ` +
        `Deactivate SCEP on ${many ? "them" : "it"} (RA profile → Protocols → SCEP, or PATCH …/raProfiles/{uuid}/protocols/scep/deactivate), ` +
        "or set `forceDelete: true` on this resource and run `pulumi up` (it changes nothing in Core), then delete again: " +
        "force delete deactivates SCEP on those RA profiles first";
      e.refreshMessage();
    }
  }
  throw e;
}

const GONE = "run `pulumi refresh` to drop it from the state, then `pulumi up` to create it again";

function goneHint(e: unknown, id: string): never {
  if (e instanceof ApiError && e.status === 404) {
    e.hint = `SCEP profile ${id} was deleted outside Pulumi: ${GONE}`;
    e.refreshMessage();
  }
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
  try {
    if (s.enabled) await client.enable(id);
    const live = await client.get(id);
    if (!live) throw new Error(`SCEP profile ${id} was not found right after it was created`);
    return { id, outs: outputs(s, live) };
  } catch (e) {
    // Core made the profile (disabled): keep it in the state, so the next update finishes it.
    throw new PartialCreateError(
      id,
      { ...outputs(s, created), enabled: false },
      e as Error,
      `SCEP profile '${s.name}' was created but ${s.enabled ? "enabling it" : "reading it back"} failed`,
    );
  }
}

/* ---------------------------------- hooks --------------------------------- */

export const hooks = {
  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    registerSecrets(news);
    const r = checkInputs(argsSchema, news);
    // Credentials in an endpoint URL are refused wherever it comes from: input, stack config, environment.
    return { ...r, failures: [...r.failures, ...endpointFailures(news.connection, SETTINGS)] };
  },

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const addsPassword = addsChallengePassword(olds, news);
    const d = diffInputs(comparableOlds(olds, news), comparable(news), {
      keys: INPUT_KEYS,
      replaceOn: addsPassword ? ["name", "challengePassword"] : ["name"],
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
    const local: Props = {
      challengePassword: old.challengePassword,
      intuneApplicationKey: old.intuneApplicationKey,
      forceDelete: old.forceDelete ?? false,
      connection: old.connection,
    };
    const reproduced: Props = { ...fromLive };
    for (const [k, v] of Object.entries(local)) if (v !== undefined) reproduced[k] = v;
    const unverified = imported ? IMPORT_UNVERIFIED : (((old as Partial<ScepProfileOutputs>).unverified ?? []) as string[]);
    return { id: live.uuid, props: defined({ ...reproduced, ...computedFromWire(live), unverified }), inputs: defined(reproduced) };
  },

  /** `writeAll`: send the PUT even when nothing compares as changed (adoption: the secrets are unknown). */
  async update(id: string, olds: Props, news: Props, writeAll = false): Promise<pulumi.dynamic.UpdateResult> {
    const s = state(withoutAdopt(news));
    const o = olds as unknown as ScepProfileOutputs;
    const co = comparableOlds(olds, s as unknown as Props);
    const cn = comparable(s as unknown as Props);
    const writeBody = writeAll || WIRE_KEYS.some((k) => !deepEqual(co[k], cn[k]));
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
    const unverified = (o.unverified ?? []).filter((p) =>
      writeBody ? p === "challengePassword" && s.challengePassword !== undefined : !(LOCAL_KEYS as string[]).includes(p),
    );
    // A state without the CA certificate comes from a create that could not read back: read now.
    if (!writeBody && !toggle && o.caCertificate !== undefined) {
      // Only program-local inputs changed (credentials, forceDelete): nothing to write, but the
      // state must hold them for the next read and the delete.
      const computed: ComputedOutputs = { uuid: o.uuid ?? id, scepUrl: o.scepUrl, raProfile: o.raProfile, caCertificate: o.caCertificate };
      return { outs: defined({ ...s, ...computed, unverified }) };
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
      if (mine && !/not found/i.test(mine.message)) {
        throw new Error(`CZERTAINLY force delete of SCEP profile '${s.name}' (${id}) failed: ${mine.message}`);
      }
      return;
    }
    await deleteUnlessGone(client, id).catch((e) => dependentsHint(e, s));
  },
};
