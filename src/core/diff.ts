/**
 * Offline diffs: compare the state's last-applied inputs with the checked new inputs, key by key,
 * after both went through the same schema (so defaults and spellings already agree).
 */
import { containsUnknown } from "./check";

export interface DiffSpec {
  /** Input keys compared; others (outputs, `__provider`) are not the user's to change. */
  keys: readonly string[];
  /** A change of any of these needs a new object. */
  replaceOn?: readonly string[];
  /**
   * The new object would collide with the old one (a unique name), so the old one must go first.
   * Given as a function of the diff because it depends on what else changed.
   */
  deleteBeforeReplace?: (changed: string[], olds: Record<string, unknown>, news: Record<string, unknown>) => boolean;
}

export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  /** Changed keys, for messages and tests. */
  changed: string[];
}

/** Structural equality that ignores key order and treats undefined and absent alike. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a == b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>, spec: DiffSpec): DiffOutcome {
  const changed: string[] = [];
  for (const k of spec.keys) {
    if (containsUnknown(news[k]) || !deepEqual(olds[k], news[k])) changed.push(k);
  }
  const replaces = changed.filter((k) => spec.replaceOn?.includes(k));
  const stables = spec.keys.filter((k) => !changed.includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    stables,
    deleteBeforeReplace: replaces.length > 0 && (spec.deleteBeforeReplace?.(changed, olds, news) ?? false),
    changed,
  };
}

/** Sets `value` at a dotted path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== "object") cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/**
 * `obj` with `value` at a dotted path, `obj` itself untouched: the top level and each object on
 * the path are copied (an array stays an array), levels it lacks are made as `setPath` makes
 * them, and everything off the path is shared with `obj`, for reading.
 */
export function withPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split(".");
  const out: Record<string, unknown> = { ...obj };
  let cur = out;
  for (const p of parts.slice(0, -1)) {
    const v = cur[p];
    const copy = v && typeof v === "object" ? (Array.isArray(v) ? [...v] : { ...(v as Record<string, unknown>) }) : {};
    cur[p] = copy;
    cur = copy as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
  return out;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * Whether only program-local inputs (credentials, delete behaviour) differ: then an update has
 * nothing to write, but the state must take the new values for the next read and the delete.
 */
export function onlyLocalChanged(keys: readonly string[], local: readonly string[], olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return keys.every((k) => local.includes(k) || deepEqual(getPath(olds, k), getPath(news, k)));
}
