/**
 * In-process time series for the dashboard: every `intervalMs` the registry is read and one point is
 * kept in a ring buffer (traffic and errors per service in that interval, latency quantiles per stage
 * and mean batch size over a sliding window). Points, not raw snapshots, are kept so two hours of
 * history cost a few hundred kilobytes. Prometheus + Grafana remain the long-term store.
 */
import { histogramQuantile } from './histogram-quantile';
import { counterIncrease, histogramIncrease, takeSnapshot, type MetricJson, type MetricSnapshot } from './metric-snapshot';

/** Latency quantiles in milliseconds; null when the window holds no observation. */
export interface LatencyQuantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Observations in the window. */
  count: number;
}

export interface QueuePoint {
  waiting: number;
  active: number;
  failed: number;
}

export interface SeriesPoint {
  /** Epoch milliseconds at the end of the interval. */
  t: number;
  /** Hook calls that ended in this interval, by service: all, and those answered 4xx/5xx. */
  traffic: Record<string, { requests: number; errors: number }>;
  /** Latency per stage (all services together) over the window ending at `t`. */
  latency: Record<string, LatencyQuantiles>;
  /** Mean rows per onnxruntime run over the window, by `model / provider`. */
  batchSize: Record<string, number>;
  /** Distributed mode: queue state at `t`. */
  queue?: QueuePoint;
}

export interface MetricHistoryOptions {
  /** Reads the registry (`() => registry.getMetricsAsJSON()`). */
  collect: () => Promise<MetricJson[]>;
  /** Sampling interval, ms. @defaultValue 5000 */
  intervalMs?: number;
  /** Points kept (ring size). @defaultValue 1440 (two hours at 5 s) */
  capacity?: number;
  /** Sliding window for quantiles and batch size, ms (like PromQL `[1m]`). @defaultValue 60000 */
  windowMs?: number;
  /** Distributed mode: queue counts at each sample (null when unknown). */
  queueCounts?: () => Promise<QueuePoint | null>;
  now?: () => number;
}

/** Statuses counted as errors: anything that is not 2xx/3xx (a non-numeric status is an error too). */
export function isErrorStatus(status: string): boolean {
  const code = Number(status);
  return !(Number.isFinite(code) && code >= 200 && code < 400);
}

const STAGE_METRIC = 'prognos_stage_duration_seconds';

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1000 * 1000) / 1000;
}

/** Computes one point from the previous snapshot (interval start) and the oldest in the window. */
export function computePoint(
  previous: MetricSnapshot | undefined,
  windowStart: MetricSnapshot | undefined,
  current: MetricSnapshot,
): SeriesPoint {
  const traffic: SeriesPoint['traffic'] = {};
  for (const g of counterIncrease(previous, current, 'prognos_hook_requests_total', ['service', 'status'])) {
    const service = g.labels.service!;
    const entry = (traffic[service] ??= { requests: 0, errors: 0 });
    entry.requests += g.value;
    if (isErrorStatus(g.labels.status!)) entry.errors += g.value;
  }
  const latency: SeriesPoint['latency'] = {};
  for (const g of histogramIncrease(windowStart, current, STAGE_METRIC, ['stage'])) {
    const { buckets, count } = g.value;
    latency[g.labels.stage!] = {
      p50: toMs(histogramQuantile(0.5, buckets)),
      p95: toMs(histogramQuantile(0.95, buckets)),
      p99: toMs(histogramQuantile(0.99, buckets)),
      count,
    };
  }
  const runs = new Map<string, number>();
  for (const g of counterIncrease(windowStart, current, 'prognos_inference_runs_total', ['model', 'provider'])) {
    runs.set(`${g.labels.model} / ${g.labels.provider}`, g.value);
  }
  const batchSize: SeriesPoint['batchSize'] = {};
  for (const g of counterIncrease(windowStart, current, 'prognos_inference_rows_total', ['model', 'provider'])) {
    const key = `${g.labels.model} / ${g.labels.provider}`;
    const r = runs.get(key) ?? 0;
    if (r > 0) batchSize[key] = Math.round((g.value / r) * 100) / 100;
  }
  return { t: current.at, traffic, latency, batchSize };
}

/** Fixed-size ring of the latest points. */
export class MetricHistory {
  readonly intervalMs: number;
  readonly windowMs: number;
  readonly capacity: number;
  private readonly ring: SeriesPoint[] = [];
  /** The snapshots still inside the quantile window (oldest first). */
  private readonly recent: MetricSnapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<SeriesPoint | undefined> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: MetricHistoryOptions) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.windowMs = options.windowMs ?? 60_000;
    this.capacity = options.capacity ?? 1440;
    this.now = options.now ?? Date.now;
  }

  /** Takes a first sample now, then one every `intervalMs`. The timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the registry once and appends a point; concurrent calls share one read. */
  sample(): Promise<SeriesPoint | undefined> {
    this.inFlight ??= this.doSample().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async doSample(): Promise<SeriesPoint | undefined> {
    let current: MetricSnapshot;
    let queue: QueuePoint | null = null;
    try {
      current = takeSnapshot(await this.options.collect(), this.now());
      queue = (await this.options.queueCounts?.().catch(() => null)) ?? null;
    } catch {
      return undefined; // a failed read loses one point, never the process
    }
    const previous = this.recent[this.recent.length - 1];
    while (this.recent.length > 1 && current.at - this.recent[1]!.at >= this.windowMs) this.recent.shift();
    const windowStart = this.recent.length > 0 && current.at - this.recent[0]!.at <= this.windowMs + this.intervalMs
      ? this.recent[0]
      : previous;
    const point = computePoint(previous, windowStart, current);
    if (queue) point.queue = queue;
    this.recent.push(current);
    this.ring.push(point);
    if (this.ring.length > this.capacity) this.ring.shift();
    return point;
  }

  /** Points with `t` ≥ `sinceMs` (all when omitted), oldest first. */
  points(sinceMs?: number): SeriesPoint[] {
    return sinceMs === undefined ? [...this.ring] : this.ring.filter((p) => p.t >= sinceMs);
  }
}
