/**
 * Access tokens, shared per process: one fetch per credential however many hooks run at once,
 * refreshed before expiry, and dropped once when the API answers 401 (a token revoked or expired
 * early). The dynamic-provider host runs every resource of a stack in one process, so this is
 * what keeps a 500-resource `pulumi up` at one token fetch per credential.
 */
import { registerSecret } from "./redact";

export interface Token {
  value: string;
  /** Lifetime in seconds as the issuer stated it. */
  expiresIn: number;
}

interface Entry {
  value?: string;
  expiresAt: number;
  inflight?: Promise<string>;
}

/** Refresh this long before expiry, so a token never expires between being read and being used. */
const SKEW_MS = 60_000;

/**
 * The lifetime a token is kept when its issuer states none that can be used ("soon", 0, -5,
 * NaN): 300 s. Without it such a token would be fetched again for every call. Issuers of a known
 * default lifetime pass that instead (`Token.expiresIn`).
 */
export const DEFAULT_TOKEN_LIFETIME_S = 300;

/** A stated lifetime in seconds (a number, or a numeric string as some issuers send), or undefined when unusable. */
export function lifetimeSeconds(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export class TokenCache {
  private entries = new Map<string, Entry>();
  /** Fetches per credential key, for tests and the benchmark. */
  readonly fetches = new Map<string, number>();

  async get(key: string, fetch: () => Promise<Token>): Promise<string> {
    const e = this.entries.get(key);
    if (e?.value && Date.now() < e.expiresAt) return e.value;
    if (e?.inflight) return e.inflight;
    const entry: Entry = e ?? { expiresAt: 0 };
    entry.inflight = (async () => {
      try {
        const t = await fetch();
        registerSecret(t.value);
        this.fetches.set(key, (this.fetches.get(key) ?? 0) + 1);
        const lifetimeMs = (lifetimeSeconds(t.expiresIn) ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
        entry.value = t.value;
        entry.expiresAt = Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - SKEW_MS);
        return t.value;
      } finally {
        entry.inflight = undefined;
      }
    })();
    this.entries.set(key, entry);
    return entry.inflight;
  }

  /**
   * Forget `token` after a 401. Only the token that failed is dropped: when fifty calls see the
   * same 401, the first invalidates and the others find the replacement already being fetched.
   */
  invalidate(key: string, token: string): void {
    const e = this.entries.get(key);
    if (e && e.value === token) {
      e.value = undefined;
      e.expiresAt = 0;
    }
  }

  totalFetches(): number {
    let n = 0;
    for (const v of this.fetches.values()) n += v;
    return n;
  }

  clear(): void {
    this.entries.clear();
    this.fetches.clear();
  }
}

export const tokenCache = new TokenCache();

/** How a vendor client authenticates each request. */
export interface Authenticator {
  /** Headers to add to a request. */
  headers(): Promise<Record<string, string>>;
  /** Called on a 401 with the headers that failed; true if retrying once may help. */
  unauthorized(used: Record<string, string>): boolean;
}

/** A static bearer token (CZERTAINLY, nevisIDM): nothing to refresh, so a 401 is final. */
export class StaticBearer implements Authenticator {
  constructor(private readonly token: string | undefined) {
    registerSecret(token);
  }
  async headers(): Promise<Record<string, string>> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }
  unauthorized(): boolean {
    return false;
  }
}

/** A bearer token from the shared cache, fetched by `fetch` and keyed by the credential. */
export class CachedBearer implements Authenticator {
  constructor(
    private readonly key: string,
    private readonly fetch: () => Promise<Token>,
    private readonly cache: TokenCache = tokenCache,
  ) {}
  async headers(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.cache.get(this.key, this.fetch)}` };
  }
  unauthorized(used: Record<string, string>): boolean {
    const token = used.authorization?.replace(/^Bearer /, "");
    if (token) this.cache.invalidate(this.key, token);
    return true;
  }
}
