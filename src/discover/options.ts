/** What every vendor's discovery gets from the command line. */
export interface DiscoverOptions {
  /** SCM containers to scan. */
  folders: string[];
  snippets: string[];
  devices: string[];
  /** nevisIDM: the client (tenant) and the profiles to read. */
  client?: string;
  profiles: string[];
  /** A line for stderr, on long listings. */
  progress: (line: string) => void;
}

/** Listings longer than this report their progress. */
export const PROGRESS_EVERY = 200;

/** `what` … read one by one, with a progress line every PROGRESS_EVERY. */
export async function eachWithProgress<T, R>(items: T[], what: string, o: DiscoverOptions, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  // A few at a time: fast on a big tenant, gentle on the API (its retry layer handles 429s).
  const width = 8;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
      done++;
      if (items.length > PROGRESS_EVERY && done % PROGRESS_EVERY === 0) o.progress(`${what}: read ${done} of ${items.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
