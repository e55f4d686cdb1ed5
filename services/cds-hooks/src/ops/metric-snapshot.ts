/**
 * A point-in-time copy of the counters and histograms in a prom-client registry
 * (`registry.getMetricsAsJSON()`), and the arithmetic the dashboard needs on it: sums grouped by
 * label, deltas between two snapshots (tolerating counter resets), merged histogram buckets.
 * Pure: no registry, no clock; the caller passes the JSON and the time.
 */
import type { CumulativeBucket } from './histogram-quantile';

/** The subset of prom-client's `MetricObjectWithValues` that we read. */
export interface MetricJson {
  name: string;
  /** 'counter' | 'gauge' | 'histogram' | 'summary' at runtime (prom-client's typings say enum). */
  type: unknown;
  values: { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[];
}

export type Labels = Record<string, string>;

export interface CounterSeries {
  labels: Labels;
  value: number;
}

export interface HistogramSeries {
  labels: Labels;
  /** Cumulative buckets sorted by `le`, the last one `le` = Infinity. */
  buckets: CumulativeBucket[];
  sum: number;
  count: number;
}

export interface MetricSnapshot {
  /** Epoch milliseconds when the snapshot was taken. */
  at: number;
  /** Counters and gauges by metric name. */
  counters: Record<string, CounterSeries[]>;
  histograms: Record<string, HistogramSeries[]>;
}

function stringLabels(labels: Record<string, string | number | undefined>, without?: string): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k !== without && v !== undefined) out[k] = String(v);
  }
  return out;
}

function labelKey(labels: Labels, keys?: readonly string[]): string {
  const names = keys ?? Object.keys(labels).sort();
  return names.map((k) => `${k}=${labels[k] ?? ''}`).join('\u0001');
}

/** Builds a snapshot from `registry.getMetricsAsJSON()` output taken at `at` (epoch ms). */
export function takeSnapshot(metrics: readonly MetricJson[], at: number): MetricSnapshot {
  const snapshot: MetricSnapshot = { at, counters: {}, histograms: {} };
  for (const metric of metrics) {
    const type = String(metric.type);
    if (type === 'counter' || type === 'gauge') {
      snapshot.counters[metric.name] = metric.values.map((v) => ({ labels: stringLabels(v.labels), value: v.value }));
    } else if (type === 'histogram') {
      const series = new Map<string, HistogramSeries>();
      for (const v of metric.values) {
        const labels = stringLabels(v.labels, 'le');
        const key = labelKey(labels);
        let s = series.get(key);
        if (!s) {
          s = { labels, buckets: [], sum: 0, count: 0 };
          series.set(key, s);
        }
        if (v.metricName?.endsWith('_bucket')) {
          const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
          s.buckets.push({ le, count: v.value });
        } else if (v.metricName?.endsWith('_sum')) {
          s.sum = v.value;
        } else if (v.metricName?.endsWith('_count')) {
          s.count = v.value;
        }
      }
      for (const s of series.values()) s.buckets.sort((a, b) => a.le - b.le);
      snapshot.histograms[metric.name] = [...series.values()];
    }
  }
  return snapshot;
}

/** A group: the values of the grouping labels, in the order asked for. */
export interface Group<T> {
  labels: Labels;
  value: T;
}

function groupLabels(labels: Labels, by: readonly string[]): Labels {
  const out: Labels = {};
  for (const k of by) out[k] = labels[k] ?? '';
  return out;
}

/**
 * Sums a counter's series grouped by the labels `by` (like PromQL `sum by (...)`).
 * A metric absent from the snapshot gives no groups.
 */
export function sumCounter(snapshot: MetricSnapshot, name: string, by: readonly string[]): Group<number>[] {
  const groups = new Map<string, Group<number>>();
  for (const s of snapshot.counters[name] ?? []) {
    const labels = groupLabels(s.labels, by);
    const key = labelKey(labels, by);
    const g = groups.get(key) ?? { labels, value: 0 };
    g.value += s.value;
    groups.set(key, g);
  }
  return [...groups.values()];
}

/**
 * Increase of a counter between two snapshots, grouped by `by`. A series that went down was reset
 * (process restart, registry reset), so its increase is its current value, as PromQL `increase()` does.
 */
export function counterIncrease(
  previous: MetricSnapshot | undefined,
  current: MetricSnapshot,
  name: string,
  by: readonly string[],
): Group<number>[] {
  const before = new Map<string, number>();
  for (const s of previous?.counters[name] ?? []) before.set(labelKey(s.labels), s.value);
  const groups = new Map<string, Group<number>>();
  for (const s of current.counters[name] ?? []) {
    const was = before.get(labelKey(s.labels)) ?? 0;
    const increase = s.value >= was ? s.value - was : s.value;
    const labels = groupLabels(s.labels, by);
    const key = labelKey(labels, by);
    const g = groups.get(key) ?? { labels, value: 0 };
    g.value += increase;
    groups.set(key, g);
  }
  return [...groups.values()];
}

function addBuckets(into: CumulativeBucket[], from: readonly CumulativeBucket[], sign: 1 | -1): void {
  for (const b of from) {
    const target = into.find((x) => x.le === b.le);
    if (target) target.count += sign * b.count;
    else if (sign === 1) into.push({ le: b.le, count: b.count });
  }
  into.sort((a, b) => a.le - b.le);
}

/**
 * Histogram buckets merged by `by` (like `sum by (le, ...)`), either cumulative since start
 * (`previous` undefined) or the increase since `previous` (a series that went down was reset).
 */
export function histogramIncrease(
  previous: MetricSnapshot | undefined,
  current: MetricSnapshot,
  name: string,
  by: readonly string[],
): Group<{ buckets: CumulativeBucket[]; count: number; sum: number }>[] {
  const before = new Map<string, HistogramSeries>();
  for (const s of previous?.histograms[name] ?? []) before.set(labelKey(s.labels), s);
  const groups = new Map<string, Group<{ buckets: CumulativeBucket[]; count: number; sum: number }>>();
  for (const s of current.histograms[name] ?? []) {
    const labels = groupLabels(s.labels, by);
    const key = labelKey(labels, by);
    const g = groups.get(key) ?? { labels, value: { buckets: [], count: 0, sum: 0 } };
    const was = before.get(labelKey(s.labels));
    const reset = was !== undefined && s.count < was.count;
    addBuckets(g.value.buckets, s.buckets, 1);
    g.value.count += s.count;
    g.value.sum += s.sum;
    if (was && !reset) {
      addBuckets(g.value.buckets, was.buckets, -1);
      g.value.count -= was.count;
      g.value.sum -= was.sum;
    }
    groups.set(key, g);
  }
  return [...groups.values()];
}
