/** Window aggregates of a time series: last and its age, min, max, mean, count, slope, change. */
import { MS_PER_DAY, MS_PER_YEAR } from './fhir-read';
import type { SeriesPoint, SeriesStats } from './types';

/** A slope needs at least this many points ... */
export const SLOPE_MIN_POINTS = 3;
/** ... spanning at least this many days (shorter spans measure noise, not trajectory). */
export const SLOPE_MIN_SPAN_DAYS = 90;

/**
 * Ordinary least-squares slope of value on time, per year.
 * @returns undefined unless >= 3 points spanning >= 90 days
 */
export function slopePerYear(points: readonly { t: number; value: number }[]): number | undefined {
  const n = points.length;
  if (n < SLOPE_MIN_POINTS) return undefined;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const p of points) { if (p.t < t0) t0 = p.t; if (p.t > t1) t1 = p.t; }
  if (t1 - t0 < SLOPE_MIN_SPAN_DAYS * MS_PER_DAY) return undefined;
  // Centre time (in years from the first point) for numerical stability.
  let sx = 0;
  let sy = 0;
  for (const p of points) { sx += (p.t - t0) / MS_PER_YEAR; sy += p.value; }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    const dx = (p.t - t0) / MS_PER_YEAR - mx;
    sxy += dx * (p.value - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : undefined;
}

/**
 * @param points oldest first
 * @param latestMaxAgeDays the last point counts as "last" only if at most this old
 * @param windowDays aggregates use points within this many days before asOf
 */
export function aggregateSeries(points: readonly SeriesPoint[], asOfMs: number, latestMaxAgeDays: number, windowDays: number): SeriesStats {
  const stats: SeriesStats = { count: 0, window: [] };
  if (points.length === 0) return stats;
  const lastPoint = points[points.length - 1];
  const ageDays = (asOfMs - lastPoint.t) / MS_PER_DAY;
  if (ageDays <= latestMaxAgeDays) {
    stats.last = lastPoint;
    stats.lastAgeDays = ageDays;
  }
  const from = asOfMs - windowDays * MS_PER_DAY;
  let i = points.length;
  while (i > 0 && points[i - 1].t >= from) i--;
  const window = points.slice(i);
  stats.window = window;
  stats.count = window.length;
  if (window.length === 0) return stats;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const p of window) {
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
    sum += p.value;
  }
  stats.min = min;
  stats.max = max;
  stats.mean = sum / window.length;
  const slope = slopePerYear(window);
  if (slope !== undefined) stats.slopePerYear = slope;
  if (window.length >= 2 && window[0].value !== 0) {
    stats.changeFromBaselinePct = ((window[window.length - 1].value - window[0].value) / window[0].value) * 100;
  }
  return stats;
}
