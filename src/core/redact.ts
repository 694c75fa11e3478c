/**
 * Redaction of secrets from every message the package produces (errors, logs, check failures).
 *
 * Two layers, because neither alone is enough: the values a process has seen as secret (inputs
 * marked secret by a schema, credentials, tokens) are registered and replaced wherever they
 * appear; and shapes that are always secret (bearer tokens, basic auth, "password": "...") are
 * masked even when the value was never registered (a vendor echoing a token back, say).
 *
 * A registered secret is masked in the forms a vendor, a proxy or a WAF echoes a request in: raw,
 * JSON-escaped (once or twice), url-encoded (either hex case, `+` for space), HTML-escaped (named
 * or numeric entities) and base64 (standard or url alphabet, at any byte alignment). A secret of
 * any length is registered. One shorter than MASKABLE_LENGTH cannot be masked everywhere without
 * wrecking every message ("a" is in most words), and its base64 form has no stable run to look
 * for; so in text the package did not write itself (`redactQuoted`: a vendor's message, an
 * answer's body) it is masked where it stands as a whole value, and a base64 run that may
 * encode it is withheld. Text the package writes never embeds a secret value.
 */
const known = new Set<string>();
/** Compiled forms per secret, built on first use (redaction runs on error paths only). */
const compiled = new Map<string, Compiled>();

/**
 * The shortest secret masked wherever it appears. From 4 characters on, its base64 form keeps a
 * run of at least 4 characters that does not depend on what precedes it, at every alignment.
 */
const MASKABLE_LENGTH = 4;

export const REDACTED = "[redacted]";

export function registerSecret(value: unknown): void {
  if (typeof value === "string" && value.length > 0) known.add(value);
}

const SHAPES: Array<[RegExp, string]> = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(Basic\s+)[A-Za-z0-9+/=]+/gi, `$1${REDACTED}`],
  [
    /("(?:password|secret|clientSecret|client_secret|access_token|refresh_token|accessToken|refreshToken|token|fixed|challengePassword|intuneApplicationKey)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  [/((?:client_secret|password|access_token)=)[^&\s]+/gi, `$1${REDACTED}`],
  // Userinfo in a URL (https://user:password@host) is refused as a setting, and masked if it turns up anyway.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]*@/gi, `$1${REDACTED}@`],
];

interface Compiled {
  /** Every textual encoding of the secret, each character matched in any of its escaped forms. */
  text: RegExp;
  /** Base64 runs of the secret (and of its url-encoded form) that do not depend on alignment. */
  base64: string[];
}

const hexCI = (n: number, width = 2) =>
  n
    .toString(16)
    .padStart(width, "0")
    .split("")
    .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
    .join("");

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const NAMED: Record<string, string> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" };
const JSON_SHORT: Record<string, string> = { '"': '"', "\\": "\\\\", "/": "/", "\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f" };

/** One character of a secret in any of the encodings above (a regex source). */
function charPattern(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const alts = new Set<string>([escapeRe(ch)]);
  alts.add([...Buffer.from(ch, "utf8")].map((b) => `%${hexCI(b)}`).join(""));
  if (ch === " ") alts.add("\\+");
  alts.add(`&#0*${cp};`);
  alts.add(`&#[xX]0*${hexCI(cp, 1)};`);
  if (NAMED[ch]) alts.add(`&${NAMED[ch]};`);
  alts.add(Array.from({ length: ch.length }, (_, i) => `\\\\+u${hexCI(ch.charCodeAt(i), 4)}`).join(""));
  // A JSON escape, possibly escaped again (a JSON string quoted inside another JSON string).
  if (ch === "\\") alts.add("\\\\+");
  else if (JSON_SHORT[ch]) alts.add(`\\\\+${escapeRe(JSON_SHORT[ch])}`);
  return `(?:${[...alts].join("|")})`;
}

function textPattern(secret: string): string {
  return [...secret].map(charPattern).join("");
}

/** The base64 characters of `bytes` that are the same whatever precedes them, at each of the three alignments. */
function base64Runs(bytes: Buffer): string[] {
  const runs = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes, Buffer.alloc(2)]).toString("base64");
    const first = Math.ceil((8 * k) / 6);
    const last = Math.floor((8 * (k + bytes.length)) / 6); // exclusive
    const run = b64.slice(first, last);
    if (run.length >= 4) {
      runs.add(run);
      runs.add(run.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return [...runs];
}

function compile(secret: string): Compiled {
  let c = compiled.get(secret);
  if (!c) {
    // A request is base64'd as it was sent: the secret raw, url-encoded (a form) or JSON-escaped (a body).
    const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    c = {
      text: new RegExp(textPattern(secret), "g"),
      base64: [...forms].flatMap((f) => base64Runs(Buffer.from(f, "utf8"))).sort((a, b) => b.length - a.length),
    };
    compiled.set(secret, c);
  }
  return c;
}

const maskable = (s: string) => s.length >= MASKABLE_LENGTH;

function maskLong(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...known].filter(maskable).sort((a, b) => b.length - a.length)) {
    const c = compile(s);
    out = out.replace(c.text, REDACTED);
    for (const run of c.base64) if (out.includes(run)) out = out.split(run).join(REDACTED);
  }
  return out;
}

function maskShapes(text: string): string {
  let out = text;
  for (const [re, rep] of SHAPES) out = out.replace(re, rep);
  return out;
}

/** Redacts text the package wrote (its own messages, with anything quoted already passed through `redactQuoted`). */
export function redact(text: string): string {
  return maskShapes(maskLong(text));
}

/** What separates a value from its neighbours in the forms a request is echoed in (JSON, forms, HTML, headers). */
const EDGE = `(?:^|(?<=[\\s"'\`=&?;,:()\\[\\]{}<>/]))`;
const EDGE_END = `(?:$|(?=[\\s"'\`=&?;,:()\\[\\]{}<>/]))`;
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/**
 * Redacts text the package did not write: a vendor's message, an answer's body, a proxy's page.
 * On top of `redact`, a short secret is masked where it stands as a whole value in any encoding,
 * and a base64 run that decodes (at any alignment) to bytes holding a short secret is withheld.
 */
export function redactQuoted(text: string): string {
  let out = maskLong(text);
  const short = [...known].filter((s) => !maskable(s));
  if (short.length > 0) {
    for (const s of short.sort((a, b) => b.length - a.length)) {
      out = out.replace(new RegExp(`${EDGE}${textPattern(s)}${EDGE_END}`, "g"), REDACTED);
      out = out.replace(new RegExp(`${EDGE}(?:${base64Exact(s).map(escapeRe).join("|")})${EDGE_END}`, "g"), REDACTED);
    }
    out = out.replace(BASE64_RUN, (run) => (short.some((s) => mayEncode(run, s)) ? REDACTED : run));
  }
  return maskShapes(out);
}

/** The whole base64 encodings of a short secret (padded or not, either alphabet), for when it is echoed alone. */
function base64Exact(s: string): string[] {
  const std = Buffer.from(s, "utf8").toString("base64");
  const url = std.replace(/\+/g, "-").replace(/\//g, "_");
  return [...new Set([std, std.replace(/=+$/, ""), url, url.replace(/=+$/, "")])];
}

/** Whether a base64 run, read from any of its four character offsets, decodes to bytes holding `secret` (raw, JSON- or url-encoded). */
function mayEncode(run: string, secret: string): boolean {
  const needles = [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])].map((n) => Buffer.from(n, "utf8"));
  const norm = run.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  for (let shift = 0; shift < 4; shift++) {
    const bytes = Buffer.from(norm.slice(shift), "base64");
    if (needles.some((n) => bytes.includes(n))) return true;
  }
  return false;
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
