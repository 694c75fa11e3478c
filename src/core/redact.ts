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
  /** The secret as each common encoder writes it, longest first: literal strings, so masking stays cheap however many secrets a run registers. */
  forms: string[];
  /** Base64 runs of the secret (raw, url-encoded or JSON-escaped) that do not depend on alignment. */
  base64: string[];
  /** For a short secret: any of its forms standing whole. */
  whole?: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const HTML_NAMED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const html = (s: string, apos: string) => s.replace(/[&<>"']/g, (c) => (c === "'" ? apos : HTML_NAMED[c]));
const htmlNumeric = (s: string, hex: boolean) =>
  [...s].map((c) => (/[A-Za-z0-9]/.test(c) ? c : hex ? `&#x${c.codePointAt(0)!.toString(16)};` : `&#${c.codePointAt(0)};`)).join("");
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const jsonAscii = (s: string) => json(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/**
 * The textual forms a vendor, a proxy or a WAF echoes a value in: raw; JSON-escaped once or twice
 * (a JSON string quoted in another), with or without \u escapes; url-encoded (either hex case) and
 * form-encoded; HTML-escaped with named or numeric entities, of the value or of its JSON form
 * (a JSON body shown in an HTML page).
 */
function textForms(secret: string): string[] {
  const j = json(secret);
  const forms = new Set<string>([
    secret,
    j,
    json(j),
    jsonAscii(secret),
    json(jsonAscii(secret)),
    encodeURIComponent(secret),
    lowerHex(encodeURIComponent(secret)),
    new URLSearchParams({ v: secret }).toString().slice(2),
    lowerHex(new URLSearchParams({ v: secret }).toString().slice(2)),
    encodeURIComponent(j),
    html(secret, "&#39;"),
    html(secret, "&apos;"),
    html(secret, "&#x27;"),
    html(j, "&#39;"),
    htmlNumeric(secret, false),
    htmlNumeric(secret, true),
  ]);
  return [...forms].sort((a, b) => b.length - a.length);
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

/** What separates a value from its neighbours in the forms a request is echoed in (JSON, forms, HTML, headers). */
const EDGE = `(?:^|(?<=[\\s"'\`=&?;,:()\\[\\]{}<>/]))`;
const EDGE_END = `(?:$|(?=[\\s"'\`=&?;,:()\\[\\]{}<>/]))`;

function compile(secret: string): Compiled {
  let c = compiled.get(secret);
  if (!c) {
    const forms = textForms(secret);
    // A request is base64'd as it was sent: the secret raw, url-encoded (a form) or JSON-escaped (a body).
    const sent = new Set([secret, encodeURIComponent(secret), json(secret)]);
    c = { forms, base64: [...sent].flatMap((f) => base64Runs(Buffer.from(f, "utf8"))).sort((a, b) => b.length - a.length) };
    if (!maskable(secret)) {
      const exact = [...forms, ...base64Exact(secret)].sort((a, b) => b.length - a.length).map(escapeRe);
      c.whole = new RegExp(`${EDGE}(?:${exact.join("|")})${EDGE_END}`, "g");
    }
    compiled.set(secret, c);
  }
  return c;
}

const maskable = (s: string) => s.length >= MASKABLE_LENGTH;

function replaceAll(text: string, needle: string): string {
  return text.includes(needle) ? text.split(needle).join(REDACTED) : text;
}

function maskLong(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...known].filter(maskable).sort((a, b) => b.length - a.length)) {
    const c = compile(s);
    for (const f of c.forms) out = replaceAll(out, f);
    for (const run of c.base64) out = replaceAll(out, run);
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

const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/**
 * Redacts text the package did not write: a vendor's message, an answer's body, a proxy's page.
 * On top of `redact`, a short secret is masked where it stands as a whole value in any of its
 * forms, and a base64 run that decodes (at any alignment) to bytes holding a short secret is
 * withheld, since its encoding has no run of its own to look for.
 */
export function redactQuoted(text: string): string {
  let out = maskLong(text);
  const short = [...known].filter((s) => !maskable(s)).sort((a, b) => b.length - a.length);
  if (short.length > 0) {
    for (const s of short) out = out.replace(compile(s).whole!, REDACTED);
    const needles = short.flatMap((s) => [...new Set([s, json(s), encodeURIComponent(s)])]).map((n) => Buffer.from(n, "utf8"));
    out = out.replace(BASE64_RUN, (run) => (mayEncode(run, needles) ? REDACTED : run));
  }
  return maskShapes(out);
}

/** The whole base64 encodings of a short secret (padded or not, either alphabet), for when it is echoed alone. */
function base64Exact(s: string): string[] {
  const std = Buffer.from(s, "utf8").toString("base64");
  const url = std.replace(/\+/g, "-").replace(/\//g, "_");
  return [...new Set([std, std.replace(/=+$/, ""), url, url.replace(/=+$/, "")])];
}

/** Whether a base64 run, read from any of its four character offsets, decodes to bytes holding one of `needles`. */
function mayEncode(run: string, needles: Buffer[]): boolean {
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
