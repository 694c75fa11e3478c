/**
 * Creating exactly once when the network may lie. A POST whose answer never arrived (reset,
 * timeout, gateway error, unreadable body) may or may not have landed; retrying it blindly could
 * make a duplicate, and giving up could orphan an object the stack never learns about. So we ask
 * the API first, by the object's natural key, and POST again only when the lookup proves it did not land.
 */
import { ApiError, TransportError } from "./errors";
import { backoffMs, retrySettingsFromEnv } from "./transport";

/** The request was sent but its outcome is unknown. */
export class UncertainOutcomeError extends Error {
  override readonly name = "UncertainOutcomeError";
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A failure after which the server may have processed the POST. */
export function isUncertain(e: unknown): boolean {
  if (e instanceof UncertainOutcomeError || e instanceof TransportError) return true;
  return e instanceof ApiError && [500, 502, 503, 504].includes(e.status);
}

/** A failure where the server says it did not process the request and will take it later. */
export function isThrottled(e: unknown): boolean {
  return e instanceof ApiError && e.status === 429;
}

export interface CreateOnceOptions<T> {
  post: () => Promise<T>;
  /** Finds the object by its natural key (name in its container). */
  lookup: () => Promise<T | undefined>;
  attempts?: number;
}

export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  const attempts = o.attempts ?? retrySettingsFromEnv().maxRetries + 1;
  const retry = retrySettingsFromEnv();
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await o.post();
    } catch (e) {
      last = e;
      if (isThrottled(e)) {
        await sleep(backoffMs(i, (e as ApiError & { retryAfter?: string }).retryAfter, retry));
        continue;
      }
      if (!isUncertain(e)) throw e;
    }
    // The outcome is unknown: find out before doing anything else. The lookup is idempotent and
    // retried by the transport; if it fails too, the error says so rather than guessing.
    const found = await o.lookup();
    if (found !== undefined) return found;
    await sleep(backoffMs(i, undefined, retry));
  }
  throw last;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
