import { computePoint, isErrorStatus, MetricHistory } from './metric-history';
import { takeSnapshot, type MetricJson } from './metric-snapshot';

const STAGE_BUCKETS = [0.01, 0.1, 1];

/** prom-client JSON for a registry holding hook requests, one stage histogram and inference counters. */
function registryJson(opts: {
  requests: { service: string; status: string; value: number }[];
  totalStage?: number[]; // cumulative counts per bucket (0.01, 0.1, 1, +Inf)
  rows?: number;
  runs?: number;
}): MetricJson[] {
  const json: MetricJson[] = [
    {
      name: 'prognos_hook_requests_total',
      type: 'counter',
      values: opts.requests.map((r) => ({ value: r.value, labels: { service: r.service, status: r.status } })),
    },
  ];
  if (opts.totalStage) {
    const les: (number | string)[] = [...STAGE_BUCKETS, '+Inf'];
    json.push({
      name: 'prognos_stage_duration_seconds',
      type: 'histogram',
      values: [
        ...opts.totalStage.map((count, i) => ({
          value: count, metricName: 'prognos_stage_duration_seconds_bucket', labels: { le: les[i], service: 'ckd', stage: 'total' },
        })),
        { value: 0, metricName: 'prognos_stage_duration_seconds_sum', labels: { service: 'ckd', stage: 'total' } },
        { value: opts.totalStage[opts.totalStage.length - 1]!, metricName: 'prognos_stage_duration_seconds_count', labels: { service: 'ckd', stage: 'total' } },
      ],
    });
  }
  if (opts.rows !== undefined) {
    json.push({ name: 'prognos_inference_rows_total', type: 'counter', values: [{ value: opts.rows, labels: { model: 'kfre', provider: 'cpu' } }] });
    json.push({ name: 'prognos_inference_runs_total', type: 'counter', values: [{ value: opts.runs ?? 0, labels: { model: 'kfre', provider: 'cpu' } }] });
  }
  return json;
}

describe('computePoint', () => {
  it('counts the hook calls of the interval by service and separates errors', () => {
    const before = takeSnapshot(registryJson({ requests: [{ service: 'ckd', status: '200', value: 5 }] }), 1000);
    const after = takeSnapshot(registryJson({
      requests: [
        { service: 'ckd', status: '200', value: 12 },
        { service: 'ckd', status: '401', value: 2 },
        { service: 'cvd', status: '500', value: 1 },
      ],
    }), 6000);
    const point = computePoint(before, before, after);
    expect(point.t).toBe(6000);
    expect(point.traffic).toEqual({ ckd: { requests: 9, errors: 2 }, cvd: { requests: 1, errors: 1 } });
  });

  it('treats a counter that went down as a restart and counts its new value', () => {
    const before = takeSnapshot(registryJson({ requests: [{ service: 'ckd', status: '200', value: 50 }] }), 0);
    const after = takeSnapshot(registryJson({ requests: [{ service: 'ckd', status: '200', value: 3 }] }), 5000);
    expect(computePoint(before, before, after).traffic.ckd).toEqual({ requests: 3, errors: 0 });
  });

  it('computes latency quantiles from the bucket increase over the window, in milliseconds', () => {
    // Window increase: buckets (0.01, 0.1, 1, +Inf) go from (0, 0, 0, 0) to (10, 30, 40, 40).
    // p50: rank 20 in (0.01, 0.1] holding 20 → 0.01 + 0.09 · 10/20 = 0.055 s = 55 ms
    // p95: rank 38 in (0.1, 1] holding 10 → 0.1 + 0.9 · 8/10 = 0.82 s = 820 ms
    const start = takeSnapshot(registryJson({ requests: [], totalStage: [4, 4, 4, 4] }), 0);
    const end = takeSnapshot(registryJson({ requests: [], totalStage: [14, 34, 44, 44] }), 60_000);
    const point = computePoint(start, start, end);
    expect(point.latency.total!.count).toBe(40);
    expect(point.latency.total!.p50).toBeCloseTo(55, 6);
    expect(point.latency.total!.p95).toBeCloseTo(820, 6);
  });

  it('gives the mean batch size as rows over runs in the window', () => {
    const start = takeSnapshot(registryJson({ requests: [], rows: 10, runs: 5 }), 0);
    const end = takeSnapshot(registryJson({ requests: [], rows: 74, runs: 13 }), 60_000);
    expect(computePoint(start, start, end).batchSize).toEqual({ 'kfre / cpu': 8 }); // 64 rows / 8 runs
  });
});

describe('isErrorStatus', () => {
  it('counts 4xx, 5xx and non-numeric statuses as errors', () => {
    expect(['200', '204', '302'].map(isErrorStatus)).toEqual([false, false, false]);
    expect(['400', '401', '500', 'timeout'].map(isErrorStatus)).toEqual([true, true, true, true]);
  });
});

describe('MetricHistory', () => {
  it('keeps at most `capacity` points and their traffic adds up to the counter', async () => {
    let now = 0;
    let value = 0;
    const history = new MetricHistory({
      collect: async () => registryJson({ requests: [{ service: 'ckd', status: '200', value }] }),
      intervalMs: 1000,
      capacity: 3,
      now: () => now,
    });
    for (const increase of [2, 0, 5, 1, 4]) {
      value += increase;
      now += 1000;
      await history.sample();
    }
    const points = history.points();
    expect(points.map((p) => p.t)).toEqual([3000, 4000, 5000]);
    expect(points.map((p) => p.traffic.ckd?.requests ?? 0)).toEqual([5, 1, 4]);
    expect(history.points(4000).map((p) => p.t)).toEqual([4000, 5000]);
  });

  it('loses one point, not the sampler, when the registry read fails', async () => {
    let fail = true;
    const history = new MetricHistory({
      collect: async () => {
        if (fail) throw new Error('boom');
        return registryJson({ requests: [{ service: 'ckd', status: '200', value: 1 }] });
      },
    });
    expect(await history.sample()).toBeUndefined();
    fail = false;
    expect((await history.sample())?.traffic.ckd?.requests).toBe(1);
  });
});
