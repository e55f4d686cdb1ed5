/**
 * Quantiles from cumulative histogram buckets, with the same rules as Prometheus'
 * `histogram_quantile()` so the dashboard and the Grafana panels agree on the same data.
 */

/** One cumulative bucket: `count` observations were ≤ `le` (the last bucket has `le` = Infinity). */
export interface CumulativeBucket {
  le: number;
  count: number;
}

/**
 * Estimates quantile `q` (0..1) from cumulative buckets sorted by `le`, interpolating linearly inside
 * the bucket that holds the rank (Prometheus semantics: the first bucket starts at 0 when its upper
 * bound is positive; a rank in the +Inf bucket answers the largest finite bound).
 *
 * @returns the estimate in the unit of `le` (seconds for our latency histograms), or null when the
 *   buckets hold no observation or `q` is outside 0..1.
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number | null {
  if (!(q >= 0 && q <= 1) || buckets.length === 0) return null;
  const total = buckets[buckets.length - 1]!.count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let index = buckets.findIndex((b) => b.count >= rank);
  if (index < 0) index = buckets.length - 1;
  const bucket = buckets[index]!;
  if (bucket.le === Infinity) {
    // Prometheus answers the upper bound of the highest finite bucket: nothing more is known.
    return index > 0 ? buckets[index - 1]!.le : null;
  }
  const lowerBound = index > 0 ? buckets[index - 1]!.le : Math.min(0, bucket.le);
  const countBelow = index > 0 ? buckets[index - 1]!.count : 0;
  const inBucket = bucket.count - countBelow;
  if (inBucket <= 0) return bucket.le;
  return lowerBound + (bucket.le - lowerBound) * ((rank - countBelow) / inBucket);
}
