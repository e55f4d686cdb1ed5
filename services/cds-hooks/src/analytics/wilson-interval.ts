/**
 * Wilson score interval for a binomial proportion, without continuity correction (Wilson EB,
 * J Am Stat Assoc 1927;22:209-212; method 3 in Newcombe RG, Stat Med 1998;17:857-872, which
 * recommends it over the simple Wald interval: it stays inside [0, 1] and keeps its coverage near
 * 0 and 1 and for small n, exactly where a rarely shown rule's acceptance rate lives).
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/** [lower, upper] for `successes` out of `n` (null when n is 0: nothing is known). */
export function wilsonInterval(successes: number, n: number, z = Z_95): [number, number] | null {
  if (!(n > 0) || successes < 0 || successes > n) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return [Math.max(0, (centre - half) / denom), Math.min(1, (centre + half) / denom)];
}
