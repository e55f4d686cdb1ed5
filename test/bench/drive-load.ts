/**
 * Drives a running service with autocannon (fixed number of connections, closed loop) over a
 * rotation of pre-built hook calls, and measures every response's latency itself (autocannon's
 * summary has no p95): throughput, p50/p95/p99, errors, non-2xx, and how many answers carried cards.
 */
import autocannon from 'autocannon';
import type { HookCall } from './bench-requests';

export interface LoadResult {
  durationS: number;
  requests: number;
  /** Completed responses per second. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts included (no HTTP answer). */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** 2xx answers whose cards array was not empty. */
  withCards: number;
}

export interface LoadOptions {
  connections?: number;
  durationS: number;
  /** Per-request timeout, seconds. @defaultValue 10 */
  timeoutS?: number;
  /** Called at each answer (e.g. to follow throughput over a long run). */
  onResponse?: () => void;
  /**
   * Requests per second from all connections together (autocannon's `overallRate`). A connection
   * still waits for its answer before it sends again, so calls arrive at this rate however slowly the
   * service answers only while fewer than `connections` are unanswered: with many connections, close
   * to an EHR's traffic, which does not slow down for a slow service. Absent: each connection sends
   * its next call as soon as the last is answered (closed loop).
   */
  overallRate?: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function driveLoad(baseUrl: string, calls: readonly HookCall[], options: LoadOptions): Promise<LoadResult> {
  if (calls.length === 0) throw new Error('no calls to send');
  const latencies: number[] = [];
  let withCards = 0;
  let done!: (r: autocannon.Result) => void;
  let fail!: (e: Error) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => { done = resolve; fail = reject; });
  const instance = autocannon({
    url: baseUrl,
    connections: options.connections ?? 10,
    duration: options.durationS,
    timeout: options.timeoutS ?? 10,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: calls.map((c) => ({
      method: 'POST' as const,
      path: c.path,
      headers: { 'content-type': 'application/json' },
      body: c.body,
      onResponse: (status: number, body: string) => {
        if (status >= 200 && status < 300 && body.includes('"summary"')) withCards += 1;
      },
    })),
  }, (err, result) => (err ? fail(err as Error) : done(result)));
  const onResponse = options.onResponse;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    onResponse?.();
  });
  const r = await finished;
  latencies.sort((a, b) => a - b);
  const durationS = r.duration;
  return {
    durationS,
    requests: latencies.length,
    throughput: latencies.length / durationS,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    withCards,
  };
}
