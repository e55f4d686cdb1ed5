import { mergeWorkerMetrics } from './worker-metrics-merge';
import { sumCounter, takeSnapshot } from './metric-snapshot';

const rows = (value: number) => ({ name: 'prognos_inference_rows_total', type: 'counter', values: [{ value, labels: { model: 'pce', provider: 'cpu' } }] });

describe('mergeWorkerMetrics', () => {
  const self = { host: 'http-host', pid: 10 };

  it('adds each worker\'s series under its own worker label, so group sums add up', () => {
    const merged = mergeWorkerMetrics([rows(1)], [
      { id: 'w1', provider: 'cpu', lastSeen: '', host: 'a', pid: 1, metrics: [rows(5)] },
      { id: 'w2', provider: 'cpu', lastSeen: '', host: 'b', pid: 2, metrics: [rows(7)] },
    ], self);
    const snap = takeSnapshot(merged, 0);
    expect(sumCounter(snap, 'prognos_inference_rows_total', ['model'])).toEqual([{ labels: { model: 'pce' }, value: 13 }]);
    expect(snap.counters.prognos_inference_rows_total!.map((s) => s.labels.worker ?? 'local')).toEqual(['local', 'w1', 'w2']);
  });

  it('skips a worker that runs in this very process (its series are already local)', () => {
    const merged = mergeWorkerMetrics([rows(3)], [{ id: 'w', provider: 'cpu', lastSeen: '', host: 'http-host', pid: 10, metrics: [rows(3)] }], self);
    expect(sumCounter(takeSnapshot(merged, 0), 'prognos_inference_rows_total', [])[0]!.value).toBe(3);
  });

  it('ignores malformed heartbeat series and workers without any', () => {
    const merged = mergeWorkerMetrics([rows(2)], [
      { id: 'old', provider: 'cpu', lastSeen: '' },
      { id: 'bad', provider: 'cpu', lastSeen: '', host: 'x', pid: 3, metrics: [{ name: 'prognos_inference_rows_total', type: 'counter', values: [{ value: 'x' as never, labels: {} }] }] },
    ], self);
    expect(sumCounter(takeSnapshot(merged, 0), 'prognos_inference_rows_total', [])[0]!.value).toBe(2);
  });
});
