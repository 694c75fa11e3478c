/**
 * The SDDC Manager calls an identity provider needs, and how a client is built from the settings
 * (shared/reference/scm-vcf.md section 2).
 *
 * Auth: `POST /v1/tokens` {username, password} → an access token (a JWT, about an hour) and a
 * refresh token id; an expired access token is renewed with `PATCH /v1/tokens/access-token/refresh`
 * and, if the refresh token is gone too, by logging in again. The core token cache shares one
 * token per credential across every hook of the process and drops it once on a 401.
 *
 * Long-running work: where SDDC Manager answers a write with a task (202, or a body with a task
 * status), the client polls `GET /v1/tasks/{id}` with a bounded wait and reports a failed task
 * with its errors.
 */
import { createHash } from "node:crypto";
import { parseAnswer, safeParseAnswer } from "../core/answers";
import { describeBody, JsonApi } from "../core/api";
import { CachedBearer, type Token } from "../core/auth";
import { ConfigError, ERROR_CODES, hasCode, UnusableAnswerError } from "../core/errors";
import { UncertainOutcomeError } from "../core/lookup";
import { registerSecret } from "../core/redact";
import { clientFactory, howToSet, truthy, type SettingSpec } from "../core/settings";
import { send, type TlsSettings } from "../core/transport";
import { toVcfError, VcfTaskFailedError, VcfTaskTimeoutError, VENDOR, type VcfErrorModel } from "./errors";
import { wireSchema, type WireIdp, type WireSpec } from "./schema";

export const SETTINGS = {
  host: { input: "host", config: "trustplane:vcfHost", env: ["VCF_HOST"], endpoint: { credentials: "username and password" } },
  username: { input: "username", config: "trustplane:vcfUsername", env: ["VCF_USERNAME"] },
  password: { input: "password", config: "trustplane:vcfPassword", env: ["VCF_PASSWORD"], secret: true },
  caBundle: { input: "caBundle", config: "trustplane:vcfCaBundle", env: ["VCF_CA_BUNDLE"] },
  clientCert: { input: "clientCert", config: "trustplane:vcfClientCert", env: ["VCF_CLIENT_CERT"] },
  clientKey: { input: "clientKey", config: "trustplane:vcfClientKey", env: ["VCF_CLIENT_KEY"], secret: true },
  insecureSkipTlsVerify: { input: "insecureSkipTlsVerify", config: "trustplane:vcfInsecureSkipTlsVerify", env: ["VCF_INSECURE_SKIP_TLS_VERIFY"] },
} satisfies Record<string, SettingSpec>;

/** Lifetime assumed when the access token is not a JWT with `exp` (about an hour [unverified]). */
const DEFAULT_TOKEN_LIFETIME_S = 3600;

const TASK_STATUSES = ["PENDING", "IN_PROGRESS", "SUCCESSFUL", "FAILED", "CANCELLED", "COMPLETED_WITH_WARNING"];

export interface VcfTask {
  id: string;
  name?: string;
  status: string;
  resources?: Array<{ resourceId?: string; type?: string }>;
  errors?: VcfErrorModel[];
}

/** A task answer, as opposed to an IdentityProvider (whose `status` is ACTIVE/INACTIVE). */
export function asTask(status: number, body: unknown): VcfTask | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.id !== "string" || typeof b.status !== "string") return undefined;
  if (status === 202 || TASK_STATUSES.includes(b.status)) return b as unknown as VcfTask;
  return undefined;
}

export interface TaskSettings {
  pollMs: number;
  timeoutMs: number;
}

export function taskSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TaskSettings {
  const num = (name: string, dflt: number) => {
    const n = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(n) && n >= 0 ? n : dflt;
  };
  return { pollMs: num("TRUSTPLANE_VCF_TASK_POLL_MS", 5_000), timeoutMs: num("TRUSTPLANE_VCF_TASK_TIMEOUT_MS", 30 * 60_000) };
}

export class VcfClient {
  constructor(readonly api: JsonApi) {}

  async list(): Promise<WireIdp[]> {
    const r = await this.api.call<{ elements?: unknown[] }>("GET", "/v1/identity-providers");
    return (r.body?.elements ?? []).map((e) => parseAnswer(wireSchema, e));
  }

  /** undefined when the provider does not exist (404). */
  async get(id: string): Promise<WireIdp | undefined> {
    try {
      const r = await this.api.call<unknown>("GET", `/v1/identity-providers/${encodeURIComponent(id)}`);
      return parseAnswer(wireSchema, r.body);
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return undefined;
      throw e;
    }
  }

  /**
   * Adds an external provider. The answer is the provider (200/201 [doc]) or a task; after a task,
   * the id comes from the task's resources or, failing that, from the name.
   */
  async create(spec: WireSpec): Promise<{ id: string; live?: WireIdp }> {
    const r = await this.api.call<unknown>("POST", "/v1/identity-providers", { body: spec });
    const task = asTask(r.status, r.body);
    if (task) {
      const done = await this.waitForTask(task);
      const id = done.resources?.find((x) => x.resourceId && (!x.type || /IDENTITY/i.test(x.type)))?.resourceId ?? (await this.findByName(spec.name))?.id;
      if (!id) throw new Error(`${VENDOR} task ${done.id} succeeded but named no identity provider, and none is called '${spec.name}'`);
      return { id };
    }
    const id = r.body && typeof r.body === "object" && !Array.isArray(r.body) ? (r.body as { id?: unknown }).id : undefined;
    if (typeof id === "string" && id !== "") {
      const live = safeParseAnswer(wireSchema, r.body);
      return { id, live: live.success ? live.data : undefined };
    }
    // An answer without the object's id: the POST may or may not have landed, which createOnce
    // settles by looking the provider up by its unique name.
    throw new UnusableAnswerError(VENDOR, "POST", r.url, r.status, `${describeBody(r.text, r.body)} where the identity provider with its id, or a task, was expected`);
  }

  /** PATCH answers 200 or 204 with no body [seed], or a task; the caller reads back. */
  async update(id: string, body: Partial<WireSpec>): Promise<void> {
    // The body holds absolute values (name, type, whole sub-specs): sending it twice is harmless.
    const r = await this.api.call<unknown>("PATCH", `/v1/identity-providers/${encodeURIComponent(id)}`, { body, idempotent: true });
    const task = asTask(r.status, r.body);
    if (task) await this.waitForTask(task);
  }

  /** true when removed, false when it was already gone. */
  async delete(id: string): Promise<boolean> {
    try {
      const r = await this.api.call<unknown>("DELETE", `/v1/identity-providers/${encodeURIComponent(id)}`);
      const task = asTask(r.status, r.body);
      if (task) await this.waitForTask(task);
      return true;
    } catch (e) {
      if (hasCode(e, ERROR_CODES.notFound)) return false;
      throw e;
    }
  }

  /** Names are unique across identity providers, the Embedded one included. */
  async findByName(name: string): Promise<WireIdp | undefined> {
    return (await this.list()).find((p) => p.name === name);
  }

  /** Polls until the task leaves PENDING / IN_PROGRESS, within `TRUSTPLANE_VCF_TASK_TIMEOUT_MS`. */
  async waitForTask(task: VcfTask, s: TaskSettings = taskSettingsFromEnv()): Promise<VcfTask> {
    const started = Date.now();
    let t = task;
    while (t.status === "PENDING" || t.status === "IN_PROGRESS") {
      if (Date.now() - started >= s.timeoutMs) throw new VcfTaskTimeoutError(t.id, Date.now() - started);
      await sleep(s.pollMs);
      const r = await this.api.call<VcfTask>("GET", `/v1/tasks/${encodeURIComponent(t.id)}`);
      t = { ...r.body, id: r.body?.id ?? t.id };
    }
    if (t.status !== "SUCCESSFUL" && t.status !== "COMPLETED_WITH_WARNING") throw new VcfTaskFailedError(t.id, t.name ?? "", t.status, t.errors ?? []);
    return t;
  }
}

/** `sfo-vcf01.rainpole.io` or `https://sfo-vcf01.rainpole.io[:port]` → base URL. */
export function baseUrlOf(host: string): string {
  const h = host.trim().replace(/\/+$/, "");
  const url = /^https?:\/\//i.test(h) ? h : `https://${h}`;
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`the SDDC Manager host '${host}' is neither a host name nor an http(s) URL`);
  }
  return url;
}

/** Refresh token ids per credential (process-wide, like the token cache). */
const refreshTokens = new Map<string, string>();

/** Builds a client from `connection` / stack config / environment (in that order). */
export const vcfClient = clientFactory(SETTINGS, (s): VcfClient => {
  for (const k of ["host", "username", "password"] as const) {
    if (!s[k]) throw new ConfigError(`${VENDOR} ${k} is not set: ${howToSet(SETTINGS[k])}`);
  }
  const tls: TlsSettings = {
    caBundle: s.caBundle,
    clientCert: s.clientCert,
    clientKey: s.clientKey,
    insecureSkipTlsVerify: truthy(s.insecureSkipTlsVerify),
  };
  const baseUrl = baseUrlOf(s.host!);
  // The cache key identifies the credential without holding the password in plain text.
  const key = createHash("sha256").update(JSON.stringify(["vcf", baseUrl, s.username, s.password])).digest("hex");
  return new VcfClient(
    new JsonApi({
      vendor: VENDOR,
      baseUrl,
      auth: new CachedBearer(key, () => fetchVcfToken(baseUrl, s.username!, s.password!, tls, key)),
      tls,
      toError: toVcfError,
    }),
  );
});

/** A new access token: by refresh token when one is known and still good, else by logging in. */
export async function fetchVcfToken(baseUrl: string, username: string, password: string, tls: TlsSettings, key: string): Promise<Token> {
  const rid = refreshTokens.get(key);
  if (rid) {
    const t = await refreshAccessToken(baseUrl, rid, tls).catch(() => undefined);
    if (t) return t;
    refreshTokens.delete(key);
  }
  const api = new JsonApi({
    vendor: VENDOR,
    baseUrl,
    auth: { headers: async () => ({}), unauthorized: () => false },
    tls,
    toError: (ctx) => {
      const e = toVcfError(ctx);
      return hasCode(e, ERROR_CODES.unauthorized, ERROR_CODES.invalid)
        ? e.withHint(`SDDC Manager refused the login of '${username}': check VCF_USERNAME / VCF_PASSWORD (or trustplane:vcfUsername / vcfPassword, connection.username / password)`)
        : e;
    },
  });
  // A token request has no side effect, so it may be retried like a GET; a 200 that is not JSON
  // (a login page in front of the API) would only be answered again.
  const r = await api
    .call<{ accessToken?: unknown; refreshToken?: { id?: string } }>("POST", "/v1/tokens", {
      idempotent: true,
      retryUnreadable: false,
      body: { username, password },
    })
    .catch((e) => {
      if (e instanceof UncertainOutcomeError || e instanceof UnusableAnswerError) throw new ConfigError(`${e.message}\n  what to do: check the SDDC Manager host (${baseUrl})`);
      throw e;
    });
  const access = r.body?.accessToken;
  if (typeof access !== "string" || access === "" || /\s/.test(access)) {
    throw new ConfigError(`${VENDOR} at ${baseUrl} answered POST /v1/tokens with ${access === undefined ? "no accessToken" : "an accessToken that is not a token string"}: check the SDDC Manager host`);
  }
  const refreshId = r.body?.refreshToken?.id;
  if (refreshId) {
    registerSecret(refreshId);
    refreshTokens.set(key, refreshId);
  }
  return { value: access, expiresIn: lifetimeOf(access) };
}

/**
 * `PATCH /v1/tokens/access-token/refresh` with the refresh token id as a JSON string. The answer is
 * the new access token, bare or JSON-quoted or `{accessToken}` ([unverified] shape: all tolerated).
 */
export async function refreshAccessToken(baseUrl: string, refreshId: string, tls: TlsSettings): Promise<Token | undefined> {
  const res = await send(VENDOR, {
    method: "PATCH",
    url: `${baseUrl}/v1/tokens/access-token/refresh`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(refreshId),
  }, tls);
  if (res.status !== 200) return undefined;
  let token = res.text.trim();
  if (token.startsWith('"') || token.startsWith("{")) {
    try {
      const v = JSON.parse(token) as unknown;
      token = typeof v === "string" ? v : ((v as { accessToken?: string }).accessToken ?? "");
    } catch {
      return undefined;
    }
  }
  if (!token || /\s/.test(token)) return undefined;
  registerSecret(token);
  return { value: token, expiresIn: lifetimeOf(token) };
}

/** Seconds until a JWT's `exp`; the default lifetime for anything else. */
export function lifetimeOf(token: string): number {
  const parts = token.split(".");
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: number };
      if (typeof claims.exp === "number") return Math.max(1, claims.exp - Math.floor(Date.now() / 1000));
    } catch {
      /* not a JWT after all */
    }
  }
  return DEFAULT_TOKEN_LIFETIME_S;
}

/** Forgets refresh tokens (tests). */
export function clearRefreshTokens(): void {
  refreshTokens.clear();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
