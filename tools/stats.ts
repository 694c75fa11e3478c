/** Statistics the benchmarks share. */

/** The median, the mean of the middle two for an even count (so that no one round decides alone). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
