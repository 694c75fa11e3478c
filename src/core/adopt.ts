/**
 * Taking over an object that already exists, through the `adopt` input of every resource.
 *
 * The real engine cannot import a dynamic resource: its import Read carries no `__provider`, and
 * the dynamic-provider host fails with "code must be a string, not undefined"
 * (pulumi/pulumi#16175). So adoption happens in create, where the provider is there:
 *
 * - `adopt: true`: look the object up by its natural key; adopt it if it is there, else create it.
 * - `adopt: "<import id>"`: adopt exactly that object; if it does not exist the create fails and
 *   nothing is made.
 *
 * Adopting is the resource's own import read followed by its own update: the live object is read
 * as an import would read it, then the program's declaration is written where it differs (so
 * write-only secrets are written once and known from then on), and the create answers the live
 * id with the state an update leaves, which is the state a create leaves. No POST is sent.
 *
 * `adopt` is local: it is never sent to the vendor, never stored in the outputs, and never
 * compared by diff, so changing or removing it later changes nothing.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AdoptMismatchError, AdoptTargetMissingError, ApiError, ERROR_CODES, isAnswerTo } from "./errors";
import { forgetUnverified } from "./writeonly";
import { comparedKeys as fieldsCompared, createOnlyKeys as fieldsCreateOnly, field } from "./fields";

export { AdoptMismatchError, AdoptTargetMissingError, forgetUnverified };

/** The input's name, the same on every resource. */
export const ADOPT_KEY = "adopt";

/**
 * The `adopt` field of a resource's args schema: local (never sent) and create-only (never
 * compared, never stored), both declared as field facts (core/fields.ts).
 * @param naturalKey what `adopt: true` looks the object up by, as a user reads it ("the name in its container").
 * @param idFormats the import ids `adopt: "<id>"` takes.
 */
export function adoptField(naturalKey: string, idFormats: string) {
  return field(
    z
      .union([z.boolean(), z.string().trim().min(1, "an import id must not be empty; use `adopt: true` to adopt by natural key")], {
        error: `must be true, false or an import id (${idFormats})`,
      })
      .optional(),
    {
      local: true,
      createOnly: true,
      description:
        `Take over an existing object at create instead of making a new one. \`true\`: adopt the object with the same ${naturalKey} ` +
        `if there is one, otherwise create it. An import id (${idFormats}): adopt exactly that object; the create fails if it does not exist. ` +
        "The declared inputs are then written where the live object differs. Changing or removing `adopt` later changes nothing.",
    },
  );
}

/** Keys of an object shape whose field is marked `createOnly` (today: `adopt`). */
export function createOnlyKeys(shape: Record<string, z.ZodType>): string[] {
  return fieldsCreateOnly(z.object(shape));
}

/** Keys of an object shape that diff compares: every field but the create-only ones. */
export function comparedKeys<K extends string>(shape: Record<K, z.ZodType>): K[] {
  return fieldsCompared(z.object(shape)) as K[];
}

/** A copy of checked inputs without `adopt`: what every hook but create's adoption works with. */
export function withoutAdopt<T extends Record<string, unknown>>(props: T): T {
  if (!props || typeof props !== "object" || !(ADOPT_KEY in props)) return props;
  const { [ADOPT_KEY]: _a, ...rest } = props;
  return rest as T;
}

export type AdoptMode = { kind: "create" } | { kind: "byKey" } | { kind: "byId"; id: string };

export function adoptMode(v: unknown): AdoptMode {
  if (v === true) return { kind: "byKey" };
  if (typeof v === "string" && v.trim() !== "") return { kind: "byId", id: v.trim() };
  return { kind: "create" };
}

type Props = Record<string, unknown>;

export interface AdoptionSteps {
  /** "SCM SCEP profile": for messages. */
  what: string;
  /** The id of the object with the program's natural key, if there is one (for `adopt: true`). */
  findByKey: () => Promise<string | undefined>;
  /** Takes over the object with this import id; undefined when there is no such object. */
  take: (importId: string) => Promise<pulumi.dynamic.CreateResult | undefined>;
  /** The resource's plain create. */
  create: () => Promise<pulumi.dynamic.CreateResult>;
}

/**
 * Create, or adopt what is there, as the `adopt` input says: the one decision every resource's
 * create makes the same way.
 */
export async function createOrAdopt(adopt: unknown, steps: AdoptionSteps): Promise<pulumi.dynamic.CreateResult> {
  const mode = adoptMode(adopt);
  if (mode.kind === "create") return steps.create();
  if (mode.kind === "byId") {
    const taken = await steps.take(mode.id);
    if (!taken) throw new AdoptTargetMissingError(steps.what, mode.id);
    return taken;
  }
  const found = await steps.findByKey();
  if (found !== undefined) {
    const taken = await steps.take(found);
    // Found by key a moment ago and gone now: deleted in between, so there is nothing to take over.
    if (taken) return taken;
  }
  try {
    return await steps.create();
  } catch (e) {
    // Made in between by someone else (another stack running the same program, say): the natural
    // key now finds it, and `adopt: true` asked for exactly that.
    if (!(e instanceof ApiError && e.code === ERROR_CODES.conflict)) throw e;
    const made = await steps.findByKey().catch(() => undefined);
    const taken = made === undefined ? undefined : await steps.take(made);
    if (!taken) throw e;
    return taken;
  }
}

/** The hooks adoption goes through: the resource's own read, diff and update. */
export interface AdoptableHooks {
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
}

export interface TakeOverOptions {
  what: string;
  /**
   * The state the import read left, as the update should see it: by default write-only leaves
   * the read could not verify are dropped from `secretsUnverified` / `unverified`, so the update
   * writes the declared ones rather than taking them as declared.
   */
  oldsForUpdate?: (imported: Props) => Props;
  /** The update to run (default `hooks.update`); a resource may pass its update with a forced write. */
  update?: (id: string, olds: Props, news: Props) => Promise<pulumi.dynamic.UpdateResult>;
}

/**
 * Takes over the object with `importId`: the resource's import read (props hold nothing but the
 * program's `connection`), a diff to refuse what only a replacement could change, then the
 * resource's update from the imported state to the declared inputs. Undefined when there is no
 * such object.
 */
export async function takeOver(
  hooks: AdoptableHooks,
  importId: string,
  declared: Props,
  o: TakeOverOptions,
): Promise<pulumi.dynamic.CreateResult | undefined> {
  const news = withoutAdopt(declared);
  const read = await hooks.read(importId, news.connection === undefined ? {} : { connection: news.connection });
  if (!read.id) return undefined;
  const imported = (read.props ?? {}) as Props;
  const d = await hooks.diff(read.id, imported, news);
  if (d.replaces && d.replaces.length > 0) throw new AdoptMismatchError(o.what, read.id, d.replaces);
  const olds = o.oldsForUpdate ? o.oldsForUpdate(imported) : forgetUnverified(imported);
  const u = await (o.update ?? hooks.update.bind(hooks))(read.id, olds, news);
  return { id: read.id, outs: u.outs };
}

/** The 409 hint's adoption advice, the same words for every resource. */
export function adoptAdvice(id: string | undefined): string {
  return id === undefined
    ? "adopt it with the input `adopt: true` (or `adopt: \"<its id>\"`)"
    : `adopt it with the input \`adopt: true\` (or \`adopt: "${id}"\`)`;
}

/**
 * The create POST's 409 explained: the natural key is taken; by whom, and how to adopt it. Any
 * other error (a 409 from the token endpoint on the way, say) passes through with its own words.
 * @param describe the hint, given the id of the object holding the key (undefined when the lookup found none).
 */
export async function explainCreateConflict(
  e: unknown,
  createPath: string,
  find: () => Promise<string | undefined>,
  describe: (existingId: string | undefined) => string,
): Promise<never> {
  if (isAnswerTo(e, "POST", createPath) && e.code === ERROR_CODES.conflict) {
    const id = await find().catch(() => undefined);
    throw e.withHint(describe(id));
  }
  throw e;
}
