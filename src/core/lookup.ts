/**
 * Creating exactly once when the network may lie. A POST whose answer never arrived (reset,
 * timeout, gateway error, unreadable body) may or may not have landed; retrying it blindly could
 * make a duplicate, and giving up could orphan an object the stack never learns about. So we ask
 * the API first, by the object's natural key, and POST again only when the lookup proves it did not land.
 */
import { ApiError, ConfigError, ERROR_CODES, PartialCreateError, TransportError, UncertainOutcomeError, UnusableAnswerError } from "./errors";
import { redact } from "./redact";
import { backoffMs, retrySettingsFromEnv } from "./transport";

export { UncertainOutcomeError };

/** A failure after which the server may have processed the POST. */
export function isUncertain(e: unknown): boolean {
  if (e instanceof UncertainOutcomeError || e instanceof TransportError) return true;
  // An answer without a usable id (or a redirect) after the POST reached the server: as good as lost.
  if (e instanceof UnusableAnswerError) return e.method === "POST";
  return e instanceof ApiError && [500, 502, 503, 504].includes(e.status);
}

/** A failure where the server says it did not process the request and will take it later. */
export function isThrottled(e: unknown): boolean {
  return e instanceof ApiError && e.code === ERROR_CODES.throttled;
}

export interface CreateOnceOptions<T> {
  post: () => Promise<T>;
  /** Finds the object by its natural key (name in its container). */
  lookup: () => Promise<T | undefined>;
  attempts?: number;
}

export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  const retry = retrySettingsFromEnv();
  const attempts = o.attempts ?? retry.maxRetries + 1;
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
    // The outcome is unknown: find out before doing anything else.
    const found = await lookUpAfterUncertainPost(o.lookup, attempts, retry);
    if (found !== undefined) return found;
    await sleep(backoffMs(i, undefined, retry));
  }
  throw last;
}

/**
 * The lookup only reads, so it is worth more patience than the POST: giving up here is the one way
 * an object the server made escapes the stack. Each try is already retried as a GET (core/api.ts
 * `repeatLayer`); a further round follows any failure but a configuration error (a 409 or a 500 on
 * a read is as passing as a 503). If it still fails, the error says the object may exist rather than guessing
 * either way, and is not the POST's own failure (a conflict hint would misread it).
 */
async function lookUpAfterUncertainPost<T>(
  lookup: () => Promise<T | undefined>,
  rounds: number,
  retry: ReturnType<typeof retrySettingsFromEnv>,
): Promise<T | undefined> {
  for (let i = 1; ; i++) {
    try {
      return await lookup();
    } catch (e) {
      if (i >= rounds || e instanceof ConfigError) throw mayExist(e);
      await sleep(backoffMs(i, e instanceof ApiError ? e.retryAfter : undefined, retry));
    }
  }
}

const MAY_EXIST =
  "the create's answer was lost and looking the object up failed too, so it may exist: run `pulumi up` again once the API answers; " +
  "if the create then reports a name conflict, adopt the existing object with the input `adopt: true`";

function mayExist(e: unknown): UncertainOutcomeError {
  const why = e instanceof Error ? e.message : String(e);
  return new UncertainOutcomeError(redact(`${why}\n  what to do: ${MAY_EXIST}`), e);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A write that failed may still have taken effect: idempotent requests are sent again
 * (`repeatLayer`), and an attempt whose answer was lost (a reset, a timeout) may have been
 * processed before a later attempt met a refusal. Before reporting the failure, ask the API
 * whether what was wanted already holds (`achieved` answers the result then, or undefined); only
 * when it does not, or cannot be told, does the original error stand. Costs one read, and only on
 * failure; a read that fails itself is tried again, as the lookup after an uncertain POST is.
 */
export async function unlessAchieved<T>(write: () => Promise<T>, achieved: () => Promise<T | undefined>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // As patient as the lookup after an uncertain POST: a write that landed unanswered and whose
    // check then met a passing failure escaped the stack (a nevisIDM profile's values orphaned
    // under the fault matrix through the real engine).
    const retry = retrySettingsFromEnv();
    const rounds = retry.maxRetries + 1;
    for (let i = 1; ; i++) {
      try {
        const done = await achieved();
        if (done === undefined) throw e;
        return done;
      } catch (c) {
        if (c === e || i >= rounds || c instanceof ConfigError) throw e;
        await sleep(backoffMs(i, c instanceof ApiError ? c.retryAfter : undefined, retry));
      }
    }
  }
}

/** What `deleteUnlessGone` needs of a vendor client: its delete, and its read (undefined on 404). */
export interface DeletesAndReads {
  delete(id: string): Promise<unknown>;
  get(id: string): Promise<unknown>;
}

/** A delete that fails is taken back as done when the object is gone after all (see `unlessAchieved`). */
export async function deleteUnlessGone(client: DeletesAndReads, id: string): Promise<void> {
  await unlessAchieved<unknown>(
    () => client.delete(id),
    async () => ((await client.get(id)) === undefined ? "gone" : undefined),
  );
}

/**
 * The steps after a create's POST landed (enable, read back...): if one fails, the object exists
 * all the same, so the failure carries its id and `partial` outputs (PartialCreateError) and the
 * engine keeps it in the stack for the next update to finish, instead of orphaning it.
 */
export async function finishCreate<T>(id: string, steps: () => Promise<T>, partial: () => Record<string, unknown>, what: string): Promise<T> {
  try {
    return await steps();
  } catch (e) {
    throw new PartialCreateError(id, partial(), e as Error, what);
  }
}

/**
 * The object a create's answer named but did not carry, read back (`finishCreate`'s most common
 * step): a GET that finds nothing right after the create is a failure too, and either way the id
 * stays in the stack with the `partial` outputs.
 */
export function readBackCreated<T>(id: string, get: (id: string) => Promise<T | undefined>, partial: () => Record<string, unknown>, what: string): Promise<T> {
  return finishCreate(
    id,
    async () => {
      const got = await get(id);
      if (got === undefined) throw new Error(`${id} was not found when read back right after the create`);
      return got;
    },
    partial,
    what,
  );
}
