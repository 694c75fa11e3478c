/**
 * Redaction of secrets from every message the package produces (errors, logs, check failures).
 *
 * Two layers, because neither alone is enough: the values a process has seen as secret (inputs
 * marked secret by a schema, credentials, tokens) are registered and replaced wherever they
 * appear; and shapes that are always secret (bearer tokens, basic auth, "password": "...") are
 * masked even when the value was never registered (a vendor echoing a token back, say).
 */
const known = new Set<string>();

/** Secrets shorter than this are not substituted: masking "a" everywhere would wreck messages. */
const MIN_LENGTH = 4;

export const REDACTED = "[redacted]";

export function registerSecret(value: unknown): void {
  if (typeof value === "string" && value.length >= MIN_LENGTH) known.add(value);
}

const SHAPES: Array<[RegExp, string]> = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(Basic\s+)[A-Za-z0-9+/=]+/gi, `$1${REDACTED}`],
  [
    /("(?:password|secret|clientSecret|client_secret|access_token|refresh_token|accessToken|refreshToken|token|fixed|challengePassword|intuneApplicationKey)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  [/((?:client_secret|password|access_token)=)[^&\s]+/gi, `$1${REDACTED}`],
];

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  for (const [re, rep] of SHAPES) out = out.replace(re, rep);
  return out;
}

/** Registers the values at the given dotted paths of `obj` (a resource's secret inputs). */
export function registerSecretsAt(obj: unknown, paths: readonly string[]): void {
  for (const p of paths) {
    let cur: unknown = obj;
    for (const part of p.split(".")) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
    if (typeof cur === "string") registerSecret(cur);
    else if (cur && typeof cur === "object") for (const v of Object.values(cur)) registerSecret(v);
  }
}
