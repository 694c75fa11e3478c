/**
 * Inputs a read cannot verify, the same idea and the same output name for every resource.
 *
 * Some inputs never come back from the API: a secret it stores but never answers (CZERTAINLY's
 * challenge password, VCF's LDAP password), or answers only as ciphertext (SCM's challenge), and
 * the program-local inputs an import cannot know (the `connection`). After an import or an
 * adoption such a path is *taken as declared* and listed in the `unverified` output; diff
 * compares it as the program declares it; the next update that writes it drops it from the list.
 * Fields are marked `writeOnly` in the schema (core/fields.ts); this module keeps the list.
 */
import { getPath, withPath } from "./diff";

/** The output that lists the unverified input paths (dotted). */
export const UNVERIFIED_KEY = "unverified";

/** What states written before the one name was chosen call it (scm, vcf). */
const LEGACY_KEYS = ["secretsUnverified"] as const;

type Props = Record<string, unknown>;

/** The unverified paths a state lists, under the current name or an older one. */
export function unverifiedOf(props: Props | undefined): string[] {
  for (const k of [UNVERIFIED_KEY, ...LEGACY_KEYS]) {
    const v = props?.[k];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  }
  return [];
}

/**
 * A copy of `olds` with each unverified path holding what `news` declares: what diff compares.
 * Copied only as far as it changes (`withPath`): callers set top-level keys on it and read the
 * rest. A `structuredClone` of the whole state was about 30 µs of each CZERTAINLY update in a host
 * CPU profile, and most states list no path.
 */
export function takenAsDeclared(olds: Props, news: Props, paths: readonly string[] = unverifiedOf(olds)): Props {
  return paths.reduce((o, p) => withPath(o, p, getPath(news, p)), { ...olds });
}

/** `outs` with the list under its one name (an older name dropped). */
export function withUnverified<T extends Props>(outs: T, paths: readonly string[]): T & { unverified: string[] } {
  const o: Props = { ...outs };
  for (const k of LEGACY_KEYS) delete o[k];
  o[UNVERIFIED_KEY] = [...paths];
  return o as T & { unverified: string[] };
}

/** The imported state with nothing taken as declared: what could not be read counts as different (adoption). */
export function forgetUnverified(imported: Props): Props {
  return withUnverified(imported, []);
}

/**
 * The paths still unverified after a read: of `paths` (the write-only ones), those the read could
 * not check, counting only what was unverified before unless this read is an import (which knows
 * nothing yet).
 */
export function unverifiedAfterRead(o: {
  imported: boolean;
  previous: readonly string[];
  paths: readonly string[];
  /** Whether the read could check this path against the state (a matching ciphertext, say). */
  verified?: (path: string) => boolean;
  /** Whether the path is set at all (declared or live); an unset write-only input is nothing to verify. */
  present?: (path: string) => boolean;
}): string[] {
  return o.paths.filter(
    (p) => (o.present?.(p) ?? true) && !(o.verified?.(p) ?? false) && (o.imported || o.previous.includes(p)),
  );
}
